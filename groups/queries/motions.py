"""Reads for the order of business: the agenda, the order paper (motions with
their amendments, each amendment's word diff and each motion's history), the
motion before the meeting now, points of order, who is in the room to move or
second, and the meeting's log of business. A fixed number of queries per page."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from ..amendments import word_diff
from ..models import (
    AgendaItem,
    Attendance,
    AuditAction,
    AuditEvent,
    Meeting,
    Motion,
    MotionRevision,
    MotionState,
    Person,
    PointOfOrder,
)
from ..models.motions import LIVE_STATES, PRECEDENCE

LOG_ACTIONS = [a for a in AuditAction.values if a.split(".")[0] in ("agenda", "motion", "point_of_order", "vote")]


def agenda_items(meeting: Meeting) -> list[AgendaItem]:
    """The items in order, each marked `is_current`."""
    items = list(AgendaItem.objects.filter(meeting=meeting).order_by("order", "id"))
    for item in items:
        item.is_current = item.pk == meeting.current_item_id
    return items


def item_in_meeting(meeting: Meeting, item_id) -> AgendaItem | None:
    try:
        return AgendaItem.objects.select_related("meeting__branch").get(meeting=meeting, pk=item_id)
    except (AgendaItem.DoesNotExist, ValueError, TypeError):
        return None


def motions(meeting: Meeting) -> QuerySet[Motion]:
    return (
        Motion.objects.filter(meeting=meeting)
        .select_related("mover", "seconder", "agenda_item")
        .prefetch_related(Prefetch("revisions", queryset=MotionRevision.objects.order_by("at", "id")))
        .order_by("created_at", "id")
    )


def motion_in_meeting(meeting: Meeting, motion_id) -> Motion | None:
    try:
        return Motion.objects.select_related("meeting__branch").get(meeting=meeting, pk=motion_id)
    except (Motion.DoesNotExist, ValueError, TypeError):
        return None


def decorate(motion: Motion) -> Motion:
    """Add what the pages and the API show: an amendment's `diff`, a motion's
    `original_text` (before any carried amendment)."""
    motion.diff = word_diff(motion.base_text, motion.text) if motion.is_amendment else []
    revisions = list(motion.revisions.all())
    for r in revisions:
        r.diff = word_diff(r.text_before, r.text_after)
    motion.original_text = revisions[0].text_before if revisions else motion.text
    motion.history = revisions
    return motion


def order_paper(meeting: Meeting) -> list[Motion]:
    """Substantive and procedural motions in order, each with `amendments_list`
    (its amendments, in order, each with theirs): three queries."""
    rows = [decorate(m) for m in motions(meeting)]
    by_parent: dict[int | None, list[Motion]] = {}
    for m in rows:
        by_parent.setdefault(m.amends_id, []).append(m)
    for m in rows:
        m.amendments_list = by_parent.get(m.pk, [])
    return by_parent.get(None, [])


def before_the_meeting(meeting: Meeting, paper: list[Motion] | None = None) -> Motion | None:
    """The question the meeting is dealing with now: a procedural motion of the
    highest precedence, else an amendment being dealt with, else a motion being
    debated (on the current item when there is one)."""
    flat: list[Motion] = []
    for m in paper if paper is not None else order_paper(meeting):
        flat.append(m)
        stack = list(m.amendments_list)
        while stack:
            a = stack.pop(0)
            flat.append(a)
            stack.extend(a.amendments_list)
    live = [m for m in flat if m.state in LIVE_STATES]
    procedural = sorted((m for m in live if m.procedure), key=lambda m: PRECEDENCE[m.procedure])
    if procedural:
        return procedural[0]
    amendments = [m for m in live if m.is_amendment]
    if amendments:
        return amendments[-1]
    here = [m for m in live if meeting.current_item_id in (None, m.agenda_item_id)]
    return (here or live or [None])[-1]


def present_people(meeting: Meeting) -> list[Person]:
    """Everyone checked in and still here, by name: whom the chair may pick as
    mover, seconder, or raiser of a point of order (may_vote decides the first two)."""
    ids = Attendance.objects.filter(
        meeting=meeting, person__isnull=False, undone_at__isnull=True, left_at__isnull=True
    ).values("person_id")
    return list(Person.objects.filter(pk__in=ids).order_by("last_name", "first_name", "pk"))


def points_of_order(meeting: Meeting) -> QuerySet[PointOfOrder]:
    return (
        PointOfOrder.objects.filter(meeting=meeting)
        .select_related("raised_by", "challenge", "agenda_item", "motion")
        .prefetch_related("challenge_supporters")
        .order_by("raised_at", "id")
    )


def point_in_meeting(meeting: Meeting, point_id) -> PointOfOrder | None:
    try:
        return PointOfOrder.objects.select_related("meeting__branch").get(meeting=meeting, pk=point_id)
    except (PointOfOrder.DoesNotExist, ValueError, TypeError):
        return None


def meeting_log(meeting: Meeting, limit: int = 200) -> list[AuditEvent]:
    """The meeting's business as the audit trail has it, oldest first."""
    rows = AuditEvent.objects.filter(branch_id=meeting.branch_id, action__in=LOG_ACTIONS, changes__meeting=meeting.pk)
    return list(reversed(rows.order_by("-at", "-id")[:limit]))


def panel(meeting: Meeting) -> dict:
    """What the chair's panel and the projector show of the business: the
    items, the current one, the next, and the question before the meeting."""
    items = agenda_items(meeting)
    current = next((i for i in items if i.is_current), None)
    following = items[items.index(current) + 1] if current and items.index(current) + 1 < len(items) else None
    if current is None and items and meeting.current_item_id is None:
        following = items[0]
    question = before_the_meeting(meeting)
    target = None
    if question is not None and question.is_amendment:
        target = question.amends
    return {
        "agenda_items": items,
        "current_item": current,
        "next_item": following,
        "previous_item": items[items.index(current) - 1] if current and items.index(current) > 0 else None,
        "question": question,
        "question_target": target,
        "states": MotionState,
    }
