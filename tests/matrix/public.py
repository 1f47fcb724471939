"""Pages anyone can open without signing in."""

from groups.services import meetings as services

from ..meetings_helpers import make_meeting
from . import Entry

EVERYONE = {a: 200 for a in ("anonymous", "outsider", "member", "steward", "organiser")}


def _open_meeting(w):
    meeting = make_meeting(w.branch, w.organiser, kind="open", status="published")
    return {"slug": w.branch.slug, "meeting_id": meeting.pk}


def _feed(w):
    _, token = services.create_calendar_feed(user=w.organiser)
    return {"token": token}


ENTRIES = {
    "public_meeting": Entry(kwargs=_open_meeting, public=True, expect=EVERYONE),
    "public_feed": Entry(kwargs=lambda w: {"slug": w.branch.slug}, public=True, expect=EVERYONE),
    "private_feed": Entry(kwargs=_feed, public=True, expect=EVERYONE),
}
