"""Reports: the branch's turnout story, attendance by category, and whom to
reach out to (with a CSV export). Numbers from groups.reports; charts drawn on
the server by groups.charts."""

from __future__ import annotations

import csv

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe

from .. import reports as report_data
from ..charts import Series, bar_chart, line_chart
from ..models import MeetingKind
from ..normalise import phone_display, spreadsheet_safe
from ..permissions import can
from ..reauth import reauthentication_required
from ..services import exports
from .base import branch_view, paginate

PER_PAGE = 50
CSV_HEADER = ["Name", "Email", "May email", "Phone", "May phone", "Categories", "Last came"]

ELIGIBLE_COLOUR, YES_COLOUR, ATTENDED_COLOUR = "#55556a", "#8a4b00", "#0b6b3a"


# A date box (<input type="date">) shows only a yyyy-mm-dd value; the British
# default format (dd/mm/yyyy) leaves it looking empty.
ISO_DATE = "%Y-%m-%d"


class ReportForm(forms.Form):
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}, format=ISO_DATE)
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}, format=ISO_DATE)
    )
    kind = forms.ChoiceField(
        label="Meetings",
        required=False,
        choices=[("", "Every kind")] + list(MeetingKind.choices),
        help_text="One kind at a time: open and organisational meetings alternate.",
    )
    absent = forms.IntegerField(
        label="Recent meetings to check",
        required=False,
        min_value=1,
        max_value=report_data.MAX_ABSENT,
        help_text="Who has not come to any of them.",
    )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "Choose a date on or after the “From” date.")
        return data


def _choices(request, branch):
    """(form, date_from, date_to, absent_n, kind): what was asked, or the
    defaults for anything missing or wrong (the form shows why)."""
    today = branch.today()
    default_from, default_to = report_data.default_period(today)
    form = ReportForm(
        request.GET or None,
        initial={"date_from": default_from, "date_to": default_to, "absent": report_data.DEFAULT_ABSENT},
    )
    values = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return (
        form,
        values.get("date_from") or default_from,
        values.get("date_to") or default_to,
        values.get("absent") or report_data.DEFAULT_ABSENT,
        values.get("kind") or "",
    )


def turnout_svg(report) -> str:
    rows = report.turnout
    labels = [(r.on.strftime("%b"), r.on.strftime("%Y")) for r in rows]
    if rows:
        first, last = rows[0], rows[-1]
        desc = (
            f"{len(rows)} meetings from {first.on:%-d %b %Y} to {last.on:%-d %b %Y}. "
            f"Attended: {first.attended:,} at the first, {last.attended:,} at the latest. "
            f"The table below gives every number."
        )
    else:
        desc = "No meetings in this period."
    return line_chart(
        title="Turnout per meeting: eligible, replied yes, attended",
        desc=desc,
        labels=labels,
        point_names=[f"{r.on:%a %-d %b %Y}" for r in rows],
        series=[
            Series("Eligible", [r.eligible for r in rows], ELIGIBLE_COLOUR, dash="7 5", marker="square", width=2),
            Series("Replied yes", [r.replied_yes for r in rows], YES_COLOUR, dash="2 4", marker="triangle", width=2.5),
            Series("Attended", [r.attended for r in rows], ATTENDED_COLOUR, marker="circle", width=3.5),
        ],
        ident="turnout",
    )


def category_svg(report) -> str:
    rows = [(c.name, c.share, f"{round(c.share * 100)}% · {c.came:,} of {c.holders:,}") for c in report.categories]
    return bar_chart(
        title="Share of each category who came to at least one meeting",
        desc="; ".join(f"{name}: {text}" for name, _, text in rows) or "No categories.",
        rows=rows,
        ident="categories",
    )


@branch_view("view_reports")
def reports(request, branch):
    form, date_from, date_to, absent_n, kind = _choices(request, branch)
    report = report_data.build(branch, date_from=date_from, date_to=date_to, absent_n=absent_n, kind=kind)
    page, query = paginate(request, report.absent, per_page=PER_PAGE)
    totals = {
        "meetings": len(report.turnout),
        "attended": sum(r.attended for r in report.turnout),
        "replied_yes": sum(r.replied_yes for r in report.turnout),
    }
    with timezone.override(branch.zone):
        return render(
            request,
            "groups/reports/reports.html",
            {
                "branch": branch,
                "form": form,
                "report": report,
                "absent_n": absent_n,
                "totals": totals,
                "turnout_svg": mark_safe(turnout_svg(report)) if report.turnout else "",  # noqa: S308 (escaped by groups.charts)
                "category_svg": mark_safe(category_svg(report)) if report.categories else "",  # noqa: S308
                "page": page,
                "query": query,
                "can_export": can(request.user, branch, "export_people"),
                "max_meetings": report_data.MAX_MEETINGS,
                "kind_label": dict(MeetingKind.choices).get(kind, ""),
            },
        )


@branch_view("export_people")
@reauthentication_required
def reports_absent_csv(request, branch):
    _, date_from, date_to, absent_n, _ = _choices(request, branch)
    report = report_data.build(branch, date_from=date_from, date_to=date_to, absent_n=absent_n)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="not-come-last-{absent_n}-meetings.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for who in report.absent:
        cells = [
            who.name,
            who.email,
            "yes" if who.consent_email else "no",
            phone_display(who.phone) if who.phone else "",
            "yes" if who.consent_phone else "no",
            "; ".join(who.categories),
            who.last_came.isoformat() if who.last_came else "never",
        ]
        writer.writerow([spreadsheet_safe(c) for c in cells])
    exports.record_absent_export(branch=branch, actor=request.user, rows=len(report.absent), meetings=absent_n)
    return response
