"""The order of business: add, edit, move, remove agenda items, and the chair
moving through them (the meeting's current item). Each write is one durable
transaction with its audit row; a closed or cancelled meeting refuses them all
(`refuse_if_closed`, which the motions and points of order share)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from ..errors import Conflict, InvalidInput
from ..models import AgendaItem, AgendaKind, AuditAction, Meeting, MeetingStatus
from . import audit


def refuse_if_closed(meeting: Meeting) -> None:
    """A closed meeting is history, a cancelled one never sat: neither takes business."""
    if meeting.closed_at is not None:
        raise Conflict(
            "This meeting is closed: its record is history. An organiser can reopen it, giving a reason.",
            code="meeting_closed",
        )
    if meeting.status == MeetingStatus.CANCELLED:
        raise Conflict("This meeting was cancelled, so it takes no business.", code="meeting_cancelled")


def _lock_meeting(meeting: Meeting) -> Meeting:
    """The meeting as it is now, locked: one writer changes its agenda at a
    time, and a meeting closed a moment ago is seen closed."""
    fresh = Meeting.objects.select_for_update().select_related("branch").get(pk=meeting.pk)
    refuse_if_closed(fresh)
    return fresh


def _clean(title: str, kind: str, minutes_allowed) -> str:
    title = " ".join((title or "").split())
    errors = {}
    if not title or len(title) > 200:
        errors["title"] = ["Give the item a title of at most 200 characters."]
    if kind not in AgendaKind.values:
        errors["kind"] = ["Choose a kind of item."]
    if minutes_allowed is not None and (
        isinstance(minutes_allowed, bool) or not isinstance(minutes_allowed, int) or not 0 < minutes_allowed <= 600
    ):
        errors["minutes_allowed"] = ["Give the minutes allowed as a whole number from 1 to 600, or leave it empty."]
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], code="invalid", errors=errors)
    return title


@transaction.atomic(durable=True)
def add_agenda_item(
    *, meeting: Meeting, actor, title: str, kind: str = AgendaKind.BUSINESS, minutes_allowed: int | None = None
) -> AgendaItem:
    """A new item at the end of the agenda."""
    title = _clean(title, kind, minutes_allowed)
    meeting = _lock_meeting(meeting)
    last = AgendaItem.objects.filter(meeting=meeting).aggregate(n=Max("order"))["n"] or 0
    item = AgendaItem.objects.create(
        meeting=meeting, order=last + 1, title=title, kind=kind, minutes_allowed=minutes_allowed
    )
    audit.record(
        actor=actor,
        branch=meeting.branch,
        action=AuditAction.AGENDA_ITEM_ADD,
        obj=item,
        summary=f"Agenda item {item.order}: {title}"[:300],
        changes={"meeting": meeting.pk, "kind": kind, "minutes_allowed": minutes_allowed},
    )
    return item


def _item(meeting: Meeting, item: AgendaItem) -> AgendaItem:
    fresh = AgendaItem.objects.select_for_update().filter(pk=item.pk, meeting=meeting).first()
    if fresh is None:
        raise InvalidInput("That agenda item is not on this meeting's agenda.", code="invalid")
    return fresh


@transaction.atomic(durable=True)
def update_agenda_item(
    *, item: AgendaItem, actor, title: str, kind: str, minutes_allowed: int | None = None
) -> AgendaItem:
    title = _clean(title, kind, minutes_allowed)
    meeting = _lock_meeting(item.meeting)
    item = _item(meeting, item)
    changes = audit.diff(item, {"title": title, "kind": kind, "minutes_allowed": minutes_allowed})
    item.title, item.kind, item.minutes_allowed = title, kind, minutes_allowed
    item.save(update_fields=["title", "kind", "minutes_allowed"])
    audit.record(
        actor=actor,
        branch=meeting.branch,
        action=AuditAction.AGENDA_ITEM_UPDATE,
        obj=item,
        summary=f"Agenda item {item.order}: {title}"[:300],
        changes={"meeting": meeting.pk, **changes},
    )
    return item


def _renumber(meeting: Meeting, items: list[AgendaItem]) -> None:
    for n, it in enumerate(items, start=1):
        it.order = n
    AgendaItem.objects.bulk_update(items, ["order"])


@transaction.atomic(durable=True)
def move_agenda_item(*, item: AgendaItem, actor, direction: str) -> AgendaItem:
    """One place up or down the agenda."""
    if direction not in ("up", "down"):
        raise InvalidInput('Move an item "up" or "down".', code="invalid", errors={"direction": ["Up or down."]})
    meeting = _lock_meeting(item.meeting)
    items = list(AgendaItem.objects.filter(meeting=meeting).order_by("order", "id"))
    at = next((n for n, it in enumerate(items) if it.pk == item.pk), None)
    if at is None:
        raise InvalidInput("That agenda item is not on this meeting's agenda.", code="invalid")
    to = at - 1 if direction == "up" else at + 1
    if not 0 <= to < len(items):
        raise Conflict(f"This item is already {'first' if direction == 'up' else 'last'}.", code="agenda_end")
    items[at], items[to] = items[to], items[at]
    _renumber(meeting, items)
    moved = items[to]
    audit.record(
        actor=actor,
        branch=meeting.branch,
        action=AuditAction.AGENDA_ITEM_MOVE,
        obj=moved,
        summary=f"Agenda item moved {direction} to {moved.order}: {moved.title}"[:300],
        changes={"meeting": meeting.pk, "order": {"old": at + 1, "new": to + 1}},
    )
    return moved


@transaction.atomic(durable=True)
def remove_agenda_item(*, item: AgendaItem, actor) -> None:
    """Take an item off the agenda; its motions stay on the meeting's order
    paper, under no item. The rest are numbered again."""
    meeting = _lock_meeting(item.meeting)
    item = _item(meeting, item)
    if meeting.current_item_id == item.pk:
        raise Conflict("The meeting is on this item now: move to another item first.", code="agenda_current")
    title, pk = item.title, item.pk
    item.delete()
    _renumber(meeting, list(AgendaItem.objects.filter(meeting=meeting).order_by("order", "id")))
    audit.record(
        actor=actor,
        branch=meeting.branch,
        action=AuditAction.AGENDA_ITEM_REMOVE,
        object_type="agendaitem",
        object_id=pk,
        summary=f"Agenda item removed: {title}"[:300],
        changes={"meeting": meeting.pk, "title": title},
    )


@transaction.atomic(durable=True)
def set_current_item(*, meeting: Meeting, actor, item: AgendaItem | None) -> Meeting:
    """The chair moves to an item (None: the business is over, or not begun)."""
    meeting = _lock_meeting(meeting)
    if item is not None:
        item = _item(meeting, item)
    old = meeting.current_item_id
    meeting.current_item = item
    meeting.save(update_fields=["current_item", "updated_at"])
    audit.record(
        actor=actor,
        branch=meeting.branch,
        action=AuditAction.AGENDA_CURRENT,
        obj=meeting,
        summary=(f"Now on item {item.order}: {item.title}" if item else "No agenda item now")[:300],
        changes={"meeting": meeting.pk, "current_item": {"old": old, "new": item.pk if item else None}},
    )
    return meeting
