"""Invitations person by person (issue 11, items 3 and 4): the invited list on
the invitations page (reply, email, reminder, filtered by GET), the call list
as CSV, the preview of the email and the test sent to the organiser, the
automatic reminder's setting, and the page a test email's links open."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ..errors import RollcallError
from ..invitation_forms import InvitedFilterForm, ReminderForm
from ..models import Invitation, Meeting, Person
from ..normalise import spreadsheet_safe
from ..permissions import can, get_in_branch
from ..queries import invitations as invited_queries
from ..reauth import reauthentication_required
from ..services import exports, invitation_tests, reminders
from ..services import invitations as services
from ..sql import as_id
from .base import branch_view, paginate

PER_PAGE = 50
CALL_LIST_HEADER = ["Name", "Phone", "Agreed to phone calls", "Why to call", "Reply"]


def _meeting(branch, meeting_id) -> Meeting:
    return get_in_branch(Meeting.objects.select_related("branch", "attendance_rule"), branch, pk=meeting_id)


def _back(branch, meeting):
    return redirect("meeting_invitations", slug=branch.slug, meeting_id=meeting.pk)


def invited_context(request, branch, meeting, *, now) -> dict:
    """What the invitations page shows person by person (a fixed number of queries, whatever the page size)."""
    form = InvitedFilterForm(request.GET or None)
    values = form.values()
    qs = invited_queries.invited(
        meeting,
        reply=values.get("reply") or "",
        delivery=values.get("delivery") or "",
        calls=values.get("show") == "calls",
        now=now,
    )
    page, query = paginate(request, qs, per_page=PER_PAGE)
    calls_due = invited_queries.calls_due(meeting, now)
    for invitation in page.object_list:
        invitation.on_call_list = invited_queries.on_call_list(invitation, calls_due=calls_due)
        invitation.call_reason = invited_queries.call_reason(invitation)
    return {
        "filter_form": form,
        "filtered": any(values.get(name) for name in ("reply", "delivery", "show")),
        "page": page,
        "query": query,
        "call_count": invited_queries.call_count(meeting, now=now),
        "calls_due": calls_due,
        "call_before_days": invited_queries.CALL_BEFORE.days,
        "may_export": can(request.user, branch, "export_people"),
        "reminder_form": ReminderForm(initial={"remind_days_before": meeting.remind_days_before}),
        "reminder_due": services.reminder_due(meeting),
    }


@branch_view("export_people")
@reauthentication_required
def call_list_csv(request, branch, meeting_id):
    """The people to phone, for a spreadsheet: formula-safe cells, audited."""
    meeting = _meeting(branch, meeting_id)
    rows = list(invited_queries.call_list(meeting, now=timezone.now()))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="call-list-{meeting.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow(CALL_LIST_HEADER)
    for invitation in rows:
        p = invitation.person
        cells = [
            str(p),
            p.phone,
            "yes" if p.consent_phone else "no",
            invited_queries.call_reason(invitation),
            invitation.get_reply_display(),
        ]
        writer.writerow([spreadsheet_safe(c) for c in cells])
    exports.record_call_list_export(meeting=meeting, actor=request.user, rows=len(rows))
    return response


@require_POST
@branch_view("manage_meetings")
def reminder_setting(request, branch, meeting_id):
    meeting = _meeting(branch, meeting_id)
    form = ReminderForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("remind_days_before", []):
            messages.error(request, f"Automatic reminder: {error}")
        return _back(branch, meeting)
    try:
        meeting = reminders.set_reminder(
            meeting=meeting, days_before=form.cleaned_data["remind_days_before"], actor=request.user
        )
    except RollcallError as exc:
        messages.error(request, exc.message)
        return _back(branch, meeting)
    days = meeting.remind_days_before
    messages.success(
        request,
        "No automatic reminder will go."
        if not days
        else f"Those who have not answered will be reminded {days} day{'s' if days != 1 else ''} before the meeting.",
    )
    return _back(branch, meeting)


def _sample_person(request, branch, meeting) -> Person | None:
    """Whose email to show: the one asked for (by id), else the first invited, else the first the rule admits."""
    if pk := as_id(request.GET.get("person") or request.POST.get("person")):
        return get_in_branch(Person.objects.all(), branch, pk=pk)
    first = (
        Invitation.objects.filter(meeting=meeting)
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "id")
        .first()
    )
    if first is not None:
        return first.person
    return services.admitted_people(meeting).order_by("last_name", "first_name", "id").first()


@branch_view("manage_meetings")
def invitation_preview(request, branch, meeting_id):
    """GET: the exact email one person gets. POST: send it to me as a test."""
    meeting = _meeting(branch, meeting_id)
    person = _sample_person(request, branch, meeting)
    reminder = (request.GET.get("reminder") or request.POST.get("reminder")) == "1"
    base_url = request.build_absolute_uri("/")
    if request.method == "POST":
        if person is None:
            messages.error(request, "There is no one to show the email for yet.")
        else:
            try:
                address = invitation_tests.send_test(
                    meeting=meeting, person=person, actor=request.user, base_url=base_url, reminder=reminder
                )
            except RollcallError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, f"A test email is on its way to {address}. No one else was emailed.")
        url = request.path + (f"?person={person.pk}" if person else "") + ("&reminder=1" if reminder and person else "")
        return redirect(url)
    context = {"branch": branch, "meeting": meeting, "person": person, "reminder": reminder}
    if person is not None:
        context["email"] = invitation_tests.preview(
            meeting=meeting, person=person, base_url=base_url, reminder=reminder
        )
        context["consented"] = person.consent_email and bool(person.email)
    with timezone.override(branch.zone):
        return render(request, "groups/invitations/preview.html", context)


@login_not_required
def rsvp_test(request):
    """Where a test or preview email's links lead: nothing is recorded."""
    return render(request, "groups/invitations/test_link.html")
