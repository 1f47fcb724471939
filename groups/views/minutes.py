"""Minutes pages (issue 12, item 8): members with a role read approved
minutes; organisers (the secretary) also see and edit the draft, draft it
again on request, approve it at a later meeting, and download either.
Thin: parse, ask permissions, call groups.services.minutes."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ..errors import RollcallError
from ..exports.minutes_pdf import minutes_pdf
from ..minutes_forms import DecisionsFilterForm, MinutesEditForm
from ..models import AgendaItem
from ..permissions import can
from ..queries import minutes as queries
from ..services import minutes as services
from .agenda import meeting_for
from .base import add_service_error, branch_view, paginate


def _readable(request, branch, meeting):
    """The minutes this user may read, or 404: a draft is the organisers'."""
    minutes = queries.minutes_of(meeting)
    if minutes is None or (not minutes.is_approved and not can(request.user, branch, "manage_minutes")):
        raise Http404
    return minutes


def status_line(minutes) -> str:
    if minutes.is_approved:
        at = minutes.approved_at_meeting
        where = f" at {at.title}, {at.starts_at.astimezone(minutes.meeting.branch.zone):%-d %b %Y}" if at else ""
        return f"Approved{where}"
    return "Draft: not yet approved"


@branch_view("view_branch")
def meeting_minutes(request, branch, meeting_id):
    meeting = meeting_for(request, branch, meeting_id)
    may_manage = can(request.user, branch, "manage_minutes")
    minutes = queries.minutes_of(meeting)
    if minutes is not None and not minutes.is_approved and not may_manage:
        minutes = None  # a member sees that there are no approved minutes yet, not the draft
    context = {
        "branch": branch,
        "meeting": meeting,
        "minutes": minutes,
        "may_manage": may_manage,
        "status_line": status_line(minutes) if minutes else "",
        "approval_items": queries.approval_items(meeting) if may_manage and minutes and not minutes.is_approved else [],
    }
    return render(request, "groups/minutes/minutes.html", context)


@require_POST
@branch_view("manage_minutes")
def minutes_draft(request, branch, meeting_id):
    meeting = meeting_for(request, branch, meeting_id)
    try:
        services.draft_minutes(meeting=meeting, actor=request.user, replace=request.POST.get("replace") == "yes")
    except RollcallError as exc:
        messages.error(request, f"Not done: {exc.message}")
    else:
        messages.success(request, "Minutes drafted from the meeting’s records. Check them and edit what needs it.")
    return redirect("meeting_minutes", branch.slug, meeting.pk)


@branch_view("manage_minutes")
def minutes_edit(request, branch, meeting_id):
    meeting = meeting_for(request, branch, meeting_id)
    minutes = queries.minutes_of(meeting)
    if minutes is None:
        raise Http404
    if minutes.is_approved:
        messages.error(request, "These minutes were approved: they can no longer be changed.")
        return redirect("meeting_minutes", branch.slug, meeting.pk)
    form = MinutesEditForm(request.POST or None, initial={"text": minutes.text, "version": minutes.version})
    preview = None
    status = 200
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        elif "preview" in request.POST:
            preview = form.cleaned_data["text"]
        else:
            try:
                services.edit_minutes(minutes=minutes, actor=request.user, **form.cleaned_data)
            except RollcallError as exc:
                add_service_error(form, exc, field="text")
                status = 409 if exc.code == "minutes_stale" else 400
            else:
                messages.success(request, "Minutes saved.")
                return redirect("meeting_minutes", branch.slug, meeting.pk)
    context = {"branch": branch, "meeting": meeting, "minutes": minutes, "form": form, "preview": preview}
    return render(request, "groups/minutes/edit.html", context, status=status)


@require_POST
@branch_view("manage_minutes")
def minutes_approve(request, branch, meeting_id):
    meeting = meeting_for(request, branch, meeting_id)
    minutes = queries.minutes_of(meeting)
    if minutes is None:
        raise Http404
    raw = request.POST.get("item", "")
    item = AgendaItem.objects.filter(pk=raw, meeting__branch=branch).first() if raw.isdigit() else None
    if item is None:
        messages.error(request, "Not done: choose the agenda item at which the meeting approved them.")
        return redirect("meeting_minutes", branch.slug, meeting.pk)
    try:
        services.approve_minutes(minutes=minutes, actor=request.user, item=item)
    except RollcallError as exc:
        messages.error(request, f"Not done: {exc.message}")
    else:
        messages.success(request, f"Minutes approved at {item.meeting.title}. They can no longer be edited.")
    return redirect("meeting_minutes", branch.slug, meeting.pk)


def _filename(meeting, ext: str) -> str:
    # Only the meeting's id and date: no personal data in a file name either.
    return f"minutes-{meeting.pk}-{meeting.starts_at:%Y-%m-%d}.{ext}"


@branch_view("view_branch")
def minutes_pdf_download(request, branch, meeting_id):
    meeting = meeting_for(request, branch, meeting_id)
    minutes = _readable(request, branch, meeting)
    body = minutes_pdf(meeting=meeting, text=minutes.text, status_line=status_line(minutes))
    services.record_minutes_export(minutes=minutes, actor=request.user, fmt="pdf")
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(meeting, "pdf")}"'
    return response


@branch_view("view_branch")
def minutes_markdown(request, branch, meeting_id):
    meeting = meeting_for(request, branch, meeting_id)
    minutes = _readable(request, branch, meeting)
    services.record_minutes_export(minutes=minutes, actor=request.user, fmt="markdown")
    text = minutes.text if minutes.is_approved else f"_{status_line(minutes)}_\n\n{minutes.text}"
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(meeting, "md")}"'
    return response


@branch_view("view_branch")
def decisions_register(request, branch):
    form = DecisionsFilterForm(request.GET or None)
    filters = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {"words": data["q"] or "", "since": data["date_from"], "until": data["date_to"]}
    page, query = paginate(request, queries.decisions(branch, **filters), per_page=25)
    for motion in page.object_list:
        motion.carried = queries.carried_vote(motion)
    context = {"branch": branch, "form": form, "page": page, "query": query}
    return render(request, "groups/minutes/decisions.html", context)
