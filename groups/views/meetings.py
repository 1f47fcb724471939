"""Meeting pages for organisers and stewards: list, calendar, one meeting,
create, change, duplicate, cancel, publish, and each kind's usual rule.
Registrations of interest and the public page are in views/registrations.py,
calendar files and feeds in views/calendars.py. Times are shown and typed in
the branch's time zone: each view runs inside
`timezone.override(branch.zone)`."""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta
from functools import wraps

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ..eligibility.decisions import count_eligible
from ..errors import RollcallError
from ..forms import CancelMeetingForm, DuplicateMeetingForm, KindDefaultsForm, MeetingForm, ReopenMeetingForm
from ..models import Meeting, MeetingKind, MeetingStatus
from ..permissions import can, get_in_branch
from ..queries.attendance import quorum
from ..queries.meetings import (
    meeting_reply_counts,
    meeting_rule_summary,
    past_meetings,
    quorum_description,
    upcoming_meetings,
)
from ..queries.override_requests import requests_at
from ..queries.records import meeting_record
from ..queries.task_runs import stopped_tasks
from ..services import meetings as services
from ..services.cancellations import cancel_meeting
from ..services.kind_defaults import kind_defaults, set_kind_defaults
from ..services.records import close_meeting, reopen_meeting
from .base import add_service_error, branch_view, paginate


def local_time(view):
    """Run a branch view in the branch's time zone (forms and templates)."""

    @wraps(view)
    def wrapper(request, branch, *args, **kwargs):
        with timezone.override(branch.zone):
            return view(request, branch, *args, **kwargs)

    return wrapper


def _meeting(branch, meeting_id) -> Meeting:
    return get_in_branch(
        Meeting.objects.select_related("branch", "attendance_rule", "voting_rule"), branch, pk=meeting_id
    )


# --- lists and calendar ---


@branch_view("view_meetings")
@local_time
def meeting_list(request, branch):
    now = timezone.now()
    show_past = request.GET.get("show") == "past"
    qs = past_meetings(branch, now=now) if show_past else upcoming_meetings(branch, now=now)
    page, query = paginate(request, qs, per_page=25)
    return render(
        request,
        "groups/meetings/list.html",
        {
            "branch": branch,
            "page": page,
            "query": query,
            "show_past": show_past,
            "may_manage": can(request.user, branch, "manage_meetings"),
        },
    )


def _month_from(value: str, today: date) -> date:
    try:
        year, month = (int(p) for p in value.split("-", 1))
        return date(year, month, 1)
    except (ValueError, AttributeError):
        return today.replace(day=1)


@branch_view("view_meetings")
@local_time
def meeting_calendar(request, branch):
    tz = branch.zone
    today = branch.today()
    first = _month_from(request.GET.get("month", ""), today)
    if not 1900 <= first.year <= 9998:
        first = today.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    start = datetime.combine(first, time.min, tzinfo=tz)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz)
    meetings = list(
        Meeting.objects.filter(branch=branch, starts_at__gte=start, starts_at__lt=end).order_by("starts_at", "id")
    )
    by_day: dict[date, list[Meeting]] = {}
    for m in meetings:
        by_day.setdefault(timezone.localtime(m.starts_at, tz).date(), []).append(m)
    weeks = [
        [{"date": d, "in_month": d.month == first.month, "today": d == today, "meetings": by_day.get(d, [])} for d in w]
        for w in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    ]
    prev_month = (first - timedelta(days=1)).replace(day=1)
    next_month = last + timedelta(days=1)
    return render(
        request,
        "groups/meetings/calendar.html",
        {
            "branch": branch,
            "month": first,
            "weeks": weeks,
            "days_with_meetings": sorted(by_day.items()),
            "prev_month": f"{prev_month:%Y-%m}",
            "next_month": f"{next_month:%Y-%m}",
            "this_month": f"{today:%Y-%m}",
            "weekdays": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
        },
    )


# --- one meeting ---


@branch_view("view_meetings")
@local_time
def meeting_detail(request, branch, meeting_id):
    meeting = _meeting(branch, meeting_id)
    record = meeting_record(meeting) if meeting.is_closed else None
    if record is not None and record["closed_at"] is not None:
        # History: every figure from the frozen record, none recounted.
        live_quorum = {"eligible": record["eligible_to_vote"], **{k: record[k] for k in FROZEN_QUORUM}}
        eligible_to_attend = record["eligible_to_attend"]
    else:
        record = None
        live_quorum = quorum(meeting)
        eligible_to_attend = count_eligible(branch, meeting.attendance_rule, meeting.effective_eligibility_date)
    may_manage = can(request.user, branch, "manage_meetings")
    # While it is under way, organisers answer stewards' requests from here too.
    now = timezone.now()
    requests = (
        requests_at(meeting)
        if record is None
        and not branch.stewards_may_override
        and meeting.status == MeetingStatus.PUBLISHED
        and meeting.starts_at - REQUESTS_BEFORE <= now
        and can(request.user, branch, "override")
        else None
    )
    return render(
        request,
        "groups/meetings/detail.html",
        {
            "branch": branch,
            "meeting": meeting,
            "record": record,
            "may_close": may_manage
            and record is None
            and meeting.status != MeetingStatus.CANCELLED
            and meeting.starts_at <= timezone.now(),
            "reopen_form": ReopenMeetingForm() if record is not None and may_manage else None,
            "eligible_to_attend": eligible_to_attend,
            "eligible_to_vote": live_quorum["eligible"],
            "live_quorum": live_quorum,
            "counts": meeting_reply_counts(meeting),
            "attendance_summary": meeting_rule_summary(meeting.attendance_rule),
            "voting_summary": meeting_rule_summary(meeting.voting_rule)
            if meeting.voting_rule
            else "Everyone who may attend.",
            "quorum": quorum_description(meeting),
            "eligibility_date": meeting.effective_eligibility_date,
            "may_manage": may_manage,
            "stopped_tasks": stopped_tasks(branch, page="meeting", meeting=meeting) if may_manage else [],
            "may_run_again": may_manage,
            "requests": requests,
            "public_url": request.build_absolute_uri(reverse("public_meeting", args=[branch.slug, meeting.pk]))
            if meeting.is_open_and_published
            else None,
        },
    )


FROZEN_QUORUM = ("present", "present_eligible", "quorum", "quorate", "guests")
# The door opens before the meeting starts: requests show from an hour before.
REQUESTS_BEFORE = timedelta(hours=1)


@require_POST
@branch_view("manage_meetings")
def meeting_close(request, branch, meeting_id):
    """Close the meeting and freeze its record (a plain form POST: no JavaScript needed)."""
    meeting = _meeting(branch, meeting_id)
    try:
        close_meeting(meeting=meeting, actor=request.user)
    except RollcallError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"“{meeting.title}” is closed. Its record is frozen as it stands now.")
    return redirect("meeting_detail", slug=branch.slug, meeting_id=meeting.pk)


@require_POST
@branch_view("manage_meetings")
def meeting_reopen(request, branch, meeting_id):
    """Reopen a closed meeting, with a reason (audited)."""
    meeting = _meeting(branch, meeting_id)
    form = ReopenMeetingForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the meeting is reopened: the reason is kept in the audit log.")
        return redirect("meeting_detail", slug=branch.slug, meeting_id=meeting.pk)
    try:
        reopen_meeting(meeting=meeting, actor=request.user, reason=form.cleaned_data["reason"])
    except RollcallError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"“{meeting.title}” is open again. Close it to freeze its record once more.")
    return redirect("meeting_detail", slug=branch.slug, meeting_id=meeting.pk)


def _form_values(form) -> dict:
    return {k: form.cleaned_data.get(k) for k in services.EDITABLE}


@branch_view("manage_meetings")
@local_time
def meeting_create(request, branch):
    defaults = kind_defaults(branch)
    initial = {"kind": request.GET.get("kind") or MeetingKind.OPEN, "quorum_combine": "greater"}
    form = MeetingForm(request.POST or None, branch=branch, creating=True, kind_defaults=defaults, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = _form_values(form)
        if values["attendance_rule"] is None:
            values.pop("attendance_rule")  # the kind's usual rule
        try:
            meeting = services.create_meeting(branch=branch, actor=request.user, **values)
        except RollcallError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"“{meeting.title}” is saved as a draft. Publish it when it is ready.")
            return redirect("meeting_detail", slug=branch.slug, meeting_id=meeting.pk)
    return render(request, "groups/meetings/form.html", {"branch": branch, "form": form, "meeting": None})


@branch_view("manage_meetings")
@local_time
def meeting_edit(request, branch, meeting_id):
    meeting = _meeting(branch, meeting_id)
    if meeting.status == MeetingStatus.CANCELLED:
        messages.error(request, "This meeting has been cancelled; duplicate it to call a new one.")
        return redirect("meeting_detail", slug=branch.slug, meeting_id=meeting.pk)
    if meeting.is_closed:
        messages.error(
            request, "This meeting is closed: its record is history. Reopen it (giving a reason) to change it."
        )
        return redirect("meeting_detail", slug=branch.slug, meeting_id=meeting.pk)
    initial = {f: getattr(meeting, f) for f in services.EDITABLE}
    form = MeetingForm(request.POST or None, branch=branch, creating=False, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_meeting(meeting=meeting, actor=request.user, **_form_values(form))
        except RollcallError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Your changes are saved.")
            return redirect("meeting_detail", slug=branch.slug, meeting_id=meeting.pk)
    return render(request, "groups/meetings/form.html", {"branch": branch, "form": form, "meeting": meeting})


@branch_view("manage_meetings")
@local_time
def meeting_duplicate(request, branch, meeting_id):
    meeting = _meeting(branch, meeting_id)
    suggested = timezone.localtime(meeting.starts_at) + timedelta(weeks=4)
    form = DuplicateMeetingForm(request.POST or None, initial={"starts_at": suggested})
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.duplicate_meeting(
                meeting=meeting, actor=request.user, starts_at=form.cleaned_data["starts_at"]
            )
        except RollcallError as exc:
            add_service_error(form, exc, field="starts_at")
        else:
            messages.success(request, "A copy is saved as a draft on the new date. Check it, then publish it.")
            return redirect("meeting_detail", slug=branch.slug, meeting_id=copy.pk)
    return render(request, "groups/meetings/duplicate.html", {"branch": branch, "form": form, "meeting": meeting})


@branch_view("manage_meetings")
@local_time
def meeting_cancel(request, branch, meeting_id):
    meeting = _meeting(branch, meeting_id)
    form = CancelMeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cancel_meeting(meeting=meeting, actor=request.user, reason=form.cleaned_data["reason"])
        except RollcallError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"“{meeting.title}” is cancelled. Invitees who agreed to email are being told.")
            return redirect("meeting_detail", slug=branch.slug, meeting_id=meeting.pk)
    counts = meeting_reply_counts(meeting)
    return render(
        request, "groups/meetings/cancel.html", {"branch": branch, "form": form, "meeting": meeting, "counts": counts}
    )


@require_POST
@branch_view("manage_meetings")
def meeting_publish(request, branch, meeting_id):
    meeting = _meeting(branch, meeting_id)
    try:
        services.publish_meeting(meeting=meeting, actor=request.user)
    except RollcallError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"“{meeting.title}” is published.")
    return redirect("meeting_detail", slug=branch.slug, meeting_id=meeting.pk)


@branch_view("manage_meetings")
def meeting_kind_defaults(request, branch):
    current = kind_defaults(branch)
    form = KindDefaultsForm(request.POST or None, branch=branch, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            set_kind_defaults(branch=branch, defaults=form.cleaned_data, actor=request.user)
        except RollcallError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "The usual rules are saved. They apply to meetings you create from now on.")
            return redirect("meeting_kind_defaults", slug=branch.slug)
    return render(request, "groups/meetings/kind_defaults.html", {"branch": branch, "form": form})
