"""Minutes (issue 12, item 8): draft them from a closed meeting's records,
edit them (the secretary, an organiser), approve them at a later meeting,
after which they never change. Each write is one durable transaction with its
audit row. The meeting's record is only read: minutes are a separate document.

A draft is written from the records once; drafting again replaces the text
only when asked to (`replace=True`), never over the secretary's edits by
surprise. An edit names the version it was made from, so two secretaries
editing at once cannot silently overwrite each other."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from ..errors import Conflict, InvalidInput
from ..minutes_text import draft_markdown
from ..models import AgendaItem, AuditAction, Meeting, MeetingStatus, Minutes, MinutesStatus
from ..queries.minutes import minutes_facts
from . import audit

MAX_TEXT = 100_000


def _refuse_if_approved(minutes: Minutes) -> None:
    if minutes.status == MinutesStatus.APPROVED:
        raise Conflict(
            "These minutes were approved at a later meeting: they can no longer be changed.",
            code="minutes_approved",
        )


@transaction.atomic(durable=True)
def draft_minutes(*, meeting: Meeting, actor, replace: bool = False, at: datetime | None = None) -> Minutes:
    """Write the draft from the records. Once there is a draft, only with
    `replace` (409 `minutes_exist` otherwise); never once approved."""
    meeting = Meeting.objects.select_for_update().select_related("branch").get(pk=meeting.pk)
    if meeting.closed_at is None:
        raise Conflict(
            "Minutes are drafted from a closed meeting's record: close the meeting first.",
            code="meeting_not_closed",
        )
    now = at or timezone.now()
    text = draft_markdown(minutes_facts(meeting))
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    if minutes is None:
        minutes = Minutes.objects.create(meeting=meeting, text=text, generated_at=now, generated_by=actor)
        created = True
        summary = f"Minutes of {meeting.title} drafted"
    else:
        _refuse_if_approved(minutes)
        if not replace:
            raise Conflict(
                "There is already a draft. Drafting again replaces it, edits included: confirm to do so.",
                code="minutes_exist",
            )
        minutes.text = text
        minutes.version += 1
        minutes.generated_at, minutes.generated_by = now, actor
        minutes.edited_at, minutes.edited_by = None, None
        minutes.save(update_fields=["text", "version", "generated_at", "generated_by", "edited_at", "edited_by"])
        created = False
        summary = f"Minutes of {meeting.title} drafted again from the records"
    audit.record(
        actor=actor,
        branch=meeting.branch,
        action=AuditAction.MINUTES_DRAFT if created else AuditAction.MINUTES_REGENERATE,
        obj=minutes,
        summary=summary[:300],
        changes={"meeting": meeting.pk, "version": minutes.version, "characters": len(text)},
        at=now,
    )
    return minutes


@transaction.atomic(durable=True)
def edit_minutes(*, minutes: Minutes, actor, text: str, version: int, at: datetime | None = None) -> Minutes:
    """The secretary's words replace the draft's. `version` is the one the
    edit started from: a newer one means someone else saved in between."""
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise InvalidInput("The minutes cannot be empty.", code="invalid", errors={"text": ["Write the minutes."]})
    if len(text) > MAX_TEXT:
        message = f"Keep the minutes under {MAX_TEXT:,} characters."
        raise InvalidInput(message, code="invalid", errors={"text": [message]})
    fresh = Minutes.objects.select_for_update().select_related("meeting__branch").get(pk=minutes.pk)
    _refuse_if_approved(fresh)
    if version != fresh.version:
        raise Conflict(
            "Someone saved these minutes after you opened them. Copy your changes, reload, and make them again.",
            code="minutes_stale",
        )
    before = len(fresh.text)
    fresh.text = text + "\n"
    fresh.version += 1
    fresh.edited_at, fresh.edited_by = at or timezone.now(), actor
    fresh.save(update_fields=["text", "version", "edited_at", "edited_by"])
    audit.record(
        actor=actor,
        branch=fresh.meeting.branch,
        action=AuditAction.MINUTES_EDIT,
        obj=fresh,
        summary=f"Minutes of {fresh.meeting.title} edited"[:300],
        changes={
            "meeting": fresh.meeting_id,
            "version": fresh.version,
            "characters": {"old": before, "new": len(text)},
        },
        at=fresh.edited_at,
    )
    return fresh


@transaction.atomic(durable=True)
def approve_minutes(*, minutes: Minutes, actor, item: AgendaItem, at: datetime | None = None) -> Minutes:
    """The later meeting, at its item "Minutes of the last meeting", agrees
    them as a true record: approved, never edited again. The item must be on
    a later meeting of the same branch that is called and not closed."""
    fresh = Minutes.objects.select_for_update().select_related("meeting__branch").get(pk=minutes.pk)
    _refuse_if_approved(fresh)
    item = AgendaItem.objects.select_related("meeting").filter(pk=item.pk).first()
    later = item.meeting if item is not None else None
    problem = None
    if later is None or later.branch_id != fresh.meeting.branch_id:
        problem = "Choose an agenda item of one of this branch's meetings."
    elif later.starts_at <= fresh.meeting.starts_at:
        problem = "Minutes are approved at a later meeting: choose an item of a meeting after this one."
    elif later.status in (MeetingStatus.CANCELLED, MeetingStatus.DRAFT):
        problem = "That meeting has not been called (or was cancelled): it cannot approve minutes."
    elif later.closed_at is not None:
        problem = "That meeting is closed: its business is history. Choose an item of a meeting still open."
    if problem:
        raise InvalidInput(problem, code="invalid_item", errors={"item": [problem]})
    fresh.status = MinutesStatus.APPROVED
    fresh.approved_at, fresh.approved_by = at or timezone.now(), actor
    fresh.approved_at_meeting, fresh.approved_item = later, item
    fresh.save(update_fields=["status", "approved_at", "approved_by", "approved_at_meeting", "approved_item"])
    audit.record(
        actor=actor,
        branch=fresh.meeting.branch,
        action=AuditAction.MINUTES_APPROVE,
        obj=fresh,
        summary=f"Minutes of {fresh.meeting.title} approved at {later.title}"[:300],
        changes={
            "meeting": fresh.meeting_id,
            "approved_at_meeting": later.pk,
            "item": item.pk,
            "version": fresh.version,
        },
        at=fresh.approved_at,
    )
    return fresh


@transaction.atomic(durable=True)
def record_minutes_export(*, minutes: Minutes, actor, fmt: str) -> None:
    """Minutes name who came and who sent apologies: each download is audited."""
    audit.record(
        actor=actor,
        branch=minutes.meeting.branch,
        action=AuditAction.MINUTES_EXPORT,
        obj=minutes,
        summary=f"Minutes of {minutes.meeting.title} downloaded as {fmt}"[:300],
        changes={"meeting": minutes.meeting_id, "format": fmt, "status": minutes.status},
    )
