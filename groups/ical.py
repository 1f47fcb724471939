"""Meetings as iCalendar (RFC 5545) with the icalendar library. Times are
written in UTC, so calendar apps need no time-zone definitions."""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable
from datetime import UTC, timedelta

from django.utils import timezone
from icalendar import Calendar, Event

from .models import Meeting, MeetingStatus
from .normalise import one_line

DEFAULT_LENGTH = timedelta(hours=2)


def meeting_uid(meeting: Meeting) -> str:
    """Stable for the meeting's life, so calendar apps update rather than duplicate."""
    return f"meeting-{meeting.pk}@rollcall.{meeting.branch.slug}"


def calendar_for(
    meetings: Iterable[Meeting], *, name: str, url_for: Callable[[Meeting], str], join_online: Container[int] = ()
) -> bytes:
    """The meetings as one calendar. A meeting's online link is written only
    for the ids in ``join_online`` (groups.queries.me.meetings_to_join_online:
    whom its attendance rule admits). One-line properties (the name, a
    summary, a location) have their line breaks folded to spaces."""
    cal = Calendar()
    cal.add("prodid", "-//Rollcall//Meetings//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", one_line(name))
    now = timezone.now().astimezone(UTC)
    for meeting in meetings:
        event = Event()
        event.add("uid", meeting_uid(meeting))
        event.add("dtstamp", now)
        event.add("last-modified", (meeting.updated_at or now).astimezone(UTC))
        event.add("dtstart", meeting.starts_at.astimezone(UTC))
        event.add("dtend", (meeting.ends_at or meeting.starts_at + DEFAULT_LENGTH).astimezone(UTC))
        title = meeting.title if meeting.status != MeetingStatus.CANCELLED else f"Cancelled: {meeting.title}"
        event.add("summary", one_line(title))
        online = meeting.online_link if meeting.pk in join_online else ""
        location = one_line(meeting.location) or online
        if location:
            event.add("location", location)
        event.add("url", url_for(meeting))
        description = [meeting.get_kind_display()]
        if online:
            description.append(f"Join online: {meeting.online_link}")
        if meeting.status == MeetingStatus.CANCELLED and meeting.cancel_reason:
            description.append(f"Cancelled: {meeting.cancel_reason}")
        event.add("description", "\n".join(description))
        event.add("status", "CANCELLED" if meeting.status == MeetingStatus.CANCELLED else "CONFIRMED")
        cal.add_component(event)
    return cal.to_ical()
