from groups.models import AgendaItem, Motion, Person, PointOfOrder

from ..factories import MeetingFactory
from . import Entry


def _m(w):
    return {"slug": w.branch.slug, "meeting_id": MeetingFactory(branch=w.branch).pk}


def _item(w):
    meeting = MeetingFactory(branch=w.branch)
    item = AgendaItem.objects.create(meeting=meeting, order=1, title="Apologies")
    return {"slug": w.branch.slug, "meeting_id": meeting.pk, "item_id": item.pk}


def _motion(w):
    meeting = MeetingFactory(branch=w.branch)
    motion = Motion.objects.create(meeting=meeting, text="That we meet monthly.")
    return {"slug": w.branch.slug, "meeting_id": meeting.pk, "motion_id": motion.pk, "action": "withdraw"}


def _point(w):
    meeting = MeetingFactory(branch=w.branch)
    person = Person.objects.create(branch=w.branch, first_name="Pat")
    point = PointOfOrder.objects.create(meeting=meeting, raised_by=person, point="Quorum?", raised_at=meeting.starts_at)
    return {"slug": w.branch.slug, "meeting_id": meeting.pk, "point_id": point.pk}


ENTRIES = {
    # Members read a called meeting's agenda on their phone; organisers change it; the chair moves through it.
    "meeting_agenda": Entry(kwargs=_m, need="view_branch"),
    "agenda_item_add": Entry(
        kwargs=_m, need="manage_meetings", method="post", data=lambda w: {"title": "AOB", "kind": "other"}
    ),
    "agenda_item_edit": Entry(kwargs=_item, need="manage_meetings"),
    "agenda_item_move": Entry(kwargs=_item, need="manage_meetings", method="post", data=lambda w: {"direction": "up"}),
    "agenda_item_remove": Entry(kwargs=_item, need="manage_meetings", method="post"),
    "agenda_current": Entry(kwargs=_m, need="chair", method="post"),
    "meeting_motions": Entry(kwargs=_m, need="chair"),
    "motion_submit": Entry(
        kwargs=_m, need="chair", method="post", data=lambda w: {"text": "That we act.", "kind": "motion"}
    ),
    "motion_procedural": Entry(
        kwargs=_m, need="chair", method="post", data=lambda w: {"procedure": "suspend_standing_orders"}
    ),
    # Nobody is checked in, so no one can be named as raising it: the form comes back with what to fix.
    "motion_action": Entry(kwargs=_motion, need="chair", method="post"),
    "meeting_points": Entry(kwargs=_m, need="chair"),
    "point_raise": Entry(kwargs=_m, need="chair", method="post"),
    "point_rule": Entry(kwargs=_point, need="chair", method="post"),
    "point_challenge": Entry(kwargs=_point, need="chair", method="post"),
}
