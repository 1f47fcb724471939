"""Meeting pages for organisers and stewards, the public page of an open
meeting, and calendars (.ics). Times are shown and typed in the branch's
time zone: each view runs inside `timezone.override(branch.zone)`."""

from __future__ import annotations

import calendar
from contextlib import suppress
from datetime import date, datetime, time, timedelta
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ..eligibility.decisions import count_eligible
from ..errors import RollcallError
from ..forms import CancelMeetingForm, DuplicateMeetingForm, InterestForm, KindDefaultsForm, MeetingForm
from ..models import Branch, Meeting, MeetingKind, MeetingStatus, Person, Role
from ..permissions import can, get_in_branch
from ..queries.attendance import quorum
from ..queries.meetings import (
    meeting_reply_counts,
    meeting_rule_summary,
    past_meetings,
    quorum_description,
    upcoming_meetings,
)
from ..services import meetings as services
from .base import branch_view, paginate

INTEREST_LIMIT = 5  # registrations of interest per IP address per hour
INTEREST_WINDOW = 60 * 60


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
    as_of = meeting.effective_eligibility_date
    live_quorum = quorum(meeting)
    return render(
        request,
        "groups/meetings/detail.html",
        {
            "branch": branch,
            "meeting": meeting,
            "eligible_to_attend": count_eligible(branch, meeting.attendance_rule, as_of),
            "eligible_to_vote": live_quorum["eligible"],
            "live_quorum": live_quorum,
            "counts": meeting_reply_counts(meeting),
            "attendance_summary": meeting_rule_summary(meeting.attendance_rule),
            "voting_summary": meeting_rule_summary(meeting.voting_rule)
            if meeting.voting_rule
            else "Everyone who may attend.",
            "quorum": quorum_description(meeting),
            "eligibility_date": meeting.effective_eligibility_date,
            "may_manage": can(request.user, branch, "manage_meetings"),
            "public_url": request.build_absolute_uri(reverse("public_meeting", args=[branch.slug, meeting.pk]))
            if meeting.is_open_and_published
            else None,
        },
    )


def _form_values(form) -> dict:
    return {k: form.cleaned_data.get(k) for k in services.EDITABLE}


@branch_view("manage_meetings")
@local_time
def meeting_create(request, branch):
    defaults = services.kind_defaults(branch)
    initial = {"kind": request.GET.get("kind") or MeetingKind.OPEN, "quorum_combine": "greater"}
    form = MeetingForm(request.POST or None, branch=branch, creating=True, kind_defaults=defaults, initial=initial)
    if request.method == "POST" and form.is_valid():
        values = _form_values(form)
        if values["attendance_rule"] is None:
            values.pop("attendance_rule")  # the kind's usual rule
        try:
            meeting = services.create_meeting(branch=branch, actor=request.user, **values)
        except RollcallError as exc:
            form.add_error(None, exc.message)
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
    initial = {f: getattr(meeting, f) for f in services.EDITABLE}
    form = MeetingForm(request.POST or None, branch=branch, creating=False, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_meeting(meeting=meeting, actor=request.user, **_form_values(form))
        except RollcallError as exc:
            form.add_error(None, exc.message)
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
            form.add_error("starts_at", exc.message)
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
            services.cancel_meeting(meeting=meeting, actor=request.user, reason=form.cleaned_data["reason"])
        except RollcallError as exc:
            form.add_error(None, exc.message)
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
    current = services.kind_defaults(branch)
    form = KindDefaultsForm(request.POST or None, branch=branch, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_kind_defaults(branch=branch, defaults=form.cleaned_data, actor=request.user)
        except RollcallError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "The usual rules are saved. They apply to meetings you create from now on.")
            return redirect("meeting_kind_defaults", slug=branch.slug)
    return render(request, "groups/meetings/kind_defaults.html", {"branch": branch, "form": form})


# --- people who registered interest ---


@branch_view("manage_meetings")
@local_time
def meeting_pending(request, branch):
    people = Person.objects.filter(branch=branch, pending_review=True).order_by("-created_at", "-id")
    page, query = paginate(request, people)
    return render(request, "groups/meetings/pending.html", {"branch": branch, "page": page, "query": query})


@require_POST
@branch_view("manage_meetings")
def meeting_pending_approve(request, branch, person_id):
    person = get_in_branch(Person.objects.select_related("branch"), branch, pk=person_id, pending_review=True)
    services.approve_supporter(person=person, actor=request.user)
    messages.success(request, f"{person.full_name or person.email} is now a supporter of the branch.")
    return redirect("meeting_pending", slug=branch.slug)


@require_POST
@branch_view("manage_meetings")
def meeting_pending_reject(request, branch, person_id):
    person = get_in_branch(Person.objects.select_related("branch"), branch, pk=person_id, pending_review=True)
    name = person.full_name or person.email
    try:
        services.reject_supporter(person=person, actor=request.user)
    except RollcallError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"The registration from {name} is deleted.")
    return redirect("meeting_pending", slug=branch.slug)


# --- public page of an open meeting ---


def _public_meeting(slug: str, meeting_id: int) -> Meeting:
    """Only published open meetings have a public page; anything else is 404."""
    meetings = Meeting.objects.open_and_published().select_related("branch")
    return get_object_or_404(meetings, branch__slug=slug, pk=meeting_id)


def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _over_limit(request) -> bool:
    key = f"interest-ip:{_client_ip(request)}"
    cache.add(key, 0, INTEREST_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, INTEREST_WINDOW)
        count = 1
    return count > INTEREST_LIMIT


@login_not_required
def public_meeting(request, slug, meeting_id):
    meeting = _public_meeting(slug, meeting_id)
    branch = meeting.branch
    form = InterestForm(request.POST or None)
    thanks = False
    status = 200
    if request.method == "POST":
        if _over_limit(request):
            status = 429
            form = InterestForm()
            messages.error(
                request, "Too many registrations have come from your connection. Please try again in an hour."
            )
        elif form.is_valid():
            if not form.cleaned_data["website"]:  # the honeypot is empty: a person
                # The same answer whatever happened: nothing to learn from it.
                with suppress(RollcallError):
                    services.register_interest(
                        meeting=meeting,
                        name=form.cleaned_data["name"],
                        email=form.cleaned_data["email"],
                        consent_email=form.cleaned_data["consent_email"],
                    )
            thanks = True
    with timezone.override(branch.zone):
        return render(
            request,
            "groups/meetings/public.html",
            {"meeting": meeting, "public_branch": branch, "form": form, "thanks": thanks},
            status=status,
        )


# --- calendars (.ics) ---


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@branch_view("view_branch")
def meeting_ics(request, branch, meeting_id):
    """One meeting as .ics, for anyone in the branch who may see it: organisers
    and stewards any meeting, members the published (or since cancelled or
    held) ones."""
    meeting = _meeting(branch, meeting_id)
    if not can(request.user, branch, "view_meetings") and meeting.status == MeetingStatus.DRAFT:
        raise Http404
    from ..ical import calendar_for

    body = calendar_for([meeting], name=meeting.title, url_for=lambda m: _detail_url(request, m))
    return _ics_response(body, f"meeting-{meeting.pk}.ics")


def _detail_url(request, meeting: Meeting) -> str:
    return request.build_absolute_uri(reverse("meeting_detail", args=[meeting.branch.slug, meeting.pk]))


def _public_url(request, meeting: Meeting) -> str:
    return request.build_absolute_uri(reverse("public_meeting", args=[meeting.branch.slug, meeting.pk]))


@login_not_required
def public_feed(request, slug):
    branch = get_object_or_404(Branch, slug=slug)
    from ..ical import calendar_for

    meetings = Meeting.objects.open_and_published().filter(branch=branch).select_related("branch")
    body = calendar_for(meetings, name=f"{branch.name}: open meetings", url_for=lambda m: _public_url(request, m))
    return _ics_response(body, f"{branch.slug}-open-meetings.ics")


@login_not_required
def private_feed(request, token):
    """The user's meetings across their branches. Organisers and stewards get
    every meeting but drafts; members the published, cancelled and held ones
    (the eligibility-filtered list comes with the members' own view)."""
    feed = services.find_calendar_feed(token)
    if feed is None:
        raise Http404
    from ..ical import calendar_for

    branch_ids = Role.objects.filter(user=feed.user).values("branch_id")
    since = timezone.now() - timedelta(days=366)
    meetings = (
        Meeting.objects.filter(branch_id__in=branch_ids, starts_at__gte=since)
        .exclude(status=MeetingStatus.DRAFT)
        .select_related("branch")
        .order_by("starts_at")
    )

    def url_for(m: Meeting) -> str:
        if can(feed.user, m.branch, "view_meetings"):
            return _detail_url(request, m)
        return request.build_absolute_uri(reverse("branch_dashboard", args=[m.branch.slug]))

    return _ics_response(calendar_for(meetings, name="My meetings (Rollcall)", url_for=url_for), "rollcall.ics")


def calendar_feed_settings(request):
    """Create, replace or revoke the signed-in user's private feed URL. The
    token is stored hashed, so the URL is shown only just after creating it."""
    feed_url = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            if services.revoke_calendar_feed(user=request.user):
                messages.success(request, "Your calendar feed is switched off; its address no longer works.")
            return redirect("calendar_feed_settings")
        _, token = services.create_calendar_feed(user=request.user)
        feed_url = request.build_absolute_uri(reverse("private_feed", args=[token]))
        messages.success(request, "Your new calendar address is below. Copy it now: it is shown only once.")
    active = request.user.calendar_feeds.filter(revoked_at__isnull=True).first()
    return render(request, "groups/meetings/calendar_feed.html", {"active": active, "feed_url": feed_url})
