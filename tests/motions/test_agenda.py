"""The agenda: add, edit, reorder, remove items; the chair's current item; a closed meeting refuses."""

from datetime import timedelta

import pytest

from groups.errors import Conflict, InvalidInput
from groups.models import AgendaItem, AuditAction, AuditEvent
from groups.services import agenda as s
from groups.services.records import close_meeting

from .helpers import hall

pytestmark = pytest.mark.django_db


def _titles(meeting):
    return list(AgendaItem.objects.filter(meeting=meeting).values_list("order", "title"))


def test_items_are_added_edited_moved_and_removed_in_order(branch, organiser):
    meeting, _, _ = hall(branch, organiser, members=0, supporters=0)
    a = s.add_agenda_item(meeting=meeting, actor=organiser, title="Apologies", minutes_allowed=5)
    b = s.add_agenda_item(meeting=meeting, actor=organiser, title="Minutes", kind="business")
    c = s.add_agenda_item(meeting=meeting, actor=organiser, title="Motions", kind="motions", minutes_allowed=40)
    assert _titles(meeting) == [(1, "Apologies"), (2, "Minutes"), (3, "Motions")]
    s.move_agenda_item(item=c, actor=organiser, direction="up")
    assert _titles(meeting) == [(1, "Apologies"), (2, "Motions"), (3, "Minutes")]
    with pytest.raises(Conflict, match="already first"):
        s.move_agenda_item(item=a, actor=organiser, direction="up")
    s.update_agenda_item(item=b, actor=organiser, title="Minutes of the last meeting", kind="business")
    s.remove_agenda_item(item=a, actor=organiser)
    assert _titles(meeting) == [(1, "Motions"), (2, "Minutes of the last meeting")]
    with pytest.raises(InvalidInput, match="1 to 600"):
        s.update_agenda_item(item=b, actor=organiser, title="Minutes", kind="business", minutes_allowed=0)
    actions = set(AuditEvent.objects.filter(changes__meeting=meeting.pk).values_list("action", flat=True))
    assert {AuditAction.AGENDA_ITEM_MOVE, AuditAction.AGENDA_ITEM_UPDATE, AuditAction.AGENDA_ITEM_REMOVE} <= actions


def test_the_chair_moves_through_the_items(branch, organiser):
    meeting, _, _ = hall(branch, organiser, members=0, supporters=0)
    a = s.add_agenda_item(meeting=meeting, actor=organiser, title="Apologies")
    s.set_current_item(meeting=meeting, actor=organiser, item=a)
    meeting.refresh_from_db()
    assert meeting.current_item == a
    with pytest.raises(Conflict, match="on this item now"):
        s.remove_agenda_item(item=a, actor=organiser)
    other, _, _ = hall(branch, organiser, members=0, supporters=0)
    theirs = s.add_agenda_item(meeting=other, actor=organiser, title="Elsewhere")
    with pytest.raises(InvalidInput):
        s.set_current_item(meeting=meeting, actor=organiser, item=theirs)
    s.set_current_item(meeting=meeting, actor=organiser, item=None)
    meeting.refresh_from_db()
    assert meeting.current_item is None


def test_a_closed_meeting_refuses_agenda_changes(branch, organiser):
    meeting, _, _ = hall(branch, organiser, members=0, supporters=0)
    a = s.add_agenda_item(meeting=meeting, actor=organiser, title="Apologies")
    close_meeting(meeting=meeting, actor=organiser, at=meeting.starts_at + timedelta(hours=2))
    for attempt in (
        lambda: s.add_agenda_item(meeting=meeting, actor=organiser, title="Late"),
        lambda: s.update_agenda_item(item=a, actor=organiser, title="Changed", kind="business"),
        lambda: s.remove_agenda_item(item=a, actor=organiser),
        lambda: s.set_current_item(meeting=meeting, actor=organiser, item=a),
    ):
        with pytest.raises(Conflict, match="closed"):
            attempt()
    assert _titles(meeting) == [(1, "Apologies")]
