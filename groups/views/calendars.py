"""Calendars (.ics): one meeting, a branch's open meetings (public), and a
user's private feed of their meetings with the page that manages its address."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from ..eligibility.decisions import EVERYONE, definition_of
from ..ical import calendar_for
from ..models import Branch, Meeting
from ..permissions import access_meeting, called_meetings_for, can
from ..queries.me import meetings_to_join_online
from ..services import calendar_feeds as services
from .base import branch_view


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
    meeting = access_meeting(
        request.user, branch, meeting_id, Meeting.objects.select_related("branch", "attendance_rule", "voting_rule")
    )
    body = calendar_for(
        [meeting],
        name=meeting.title,
        url_for=lambda m: _detail_url(request, m),
        join_online=meetings_to_join_online(request.user, [meeting]),
    )
    return _ics_response(body, f"meeting-{meeting.pk}.ics")


def _detail_url(request, meeting: Meeting) -> str:
    return request.build_absolute_uri(reverse("meeting_detail", args=[meeting.branch.slug, meeting.pk]))


def _public_url(request, meeting: Meeting) -> str:
    return request.build_absolute_uri(reverse("public_meeting", args=[meeting.branch.slug, meeting.pk]))


@login_not_required
def public_feed(request, slug):
    branch = get_object_or_404(Branch, slug=slug)
    meetings = list(
        Meeting.objects.open_and_published().filter(branch=branch).select_related("branch", "attendance_rule")
    )
    # Anyone may read this feed: a join link only where the meeting admits everyone.
    everyone = {m.pk for m in meetings if definition_of(m.attendance_rule) == EVERYONE}
    body = calendar_for(
        meetings,
        name=f"{branch.name}: open meetings",
        url_for=lambda m: _public_url(request, m),
        join_online=everyone,
    )
    return _ics_response(body, f"{branch.slug}-open-meetings.ics")


@login_not_required
def private_feed(request, token):
    """The user's meetings across their branches. Organisers and stewards get
    every meeting but drafts; members the published, cancelled and held ones
    (the eligibility-filtered list comes with the members' own view)."""
    feed = services.find_calendar_feed(token)
    if feed is None:
        raise Http404
    since = timezone.now() - timedelta(days=366)
    meetings = (
        called_meetings_for(feed.user)
        .filter(starts_at__gte=since)
        .select_related("branch", "attendance_rule")
        .order_by("starts_at")
    )

    def url_for(m: Meeting) -> str:
        if can(feed.user, m.branch, "view_meetings"):
            return _detail_url(request, m)
        return request.build_absolute_uri(reverse("branch_dashboard", args=[m.branch.slug]))

    body = calendar_for(
        meetings,
        name="My meetings (Rollcall)",
        url_for=url_for,
        join_online=meetings_to_join_online(feed.user, meetings),
    )
    return _ics_response(body, "rollcall.ics")


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
