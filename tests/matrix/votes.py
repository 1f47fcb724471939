from groups.models import Vote

from ..factories import MeetingFactory
from . import Entry


def _m(w):
    return {"slug": w.branch.slug, "meeting_id": MeetingFactory(branch=w.branch).pk}


def _v(w):
    meeting = MeetingFactory(branch=w.branch)
    vote = Vote.objects.create(meeting=meeting, question="That we meet monthly", method="named", threshold="two_thirds")
    return {"slug": w.branch.slug, "meeting_id": meeting.pk, "vote_id": vote.pk}


ENTRIES = {
    "standing_orders": Entry(need="manage_standing_orders"),
    "meeting_votes": Entry(kwargs=_m, need="chair"),
    "vote_create": Entry(
        kwargs=_m, need="chair", method="post", data=lambda w: {"question": "Q", "method": "named", "kind": "motion"}
    ),
    "vote_projector": Entry(kwargs=_m, need="chair"),
    "vote_open": Entry(kwargs=_v, need="chair", method="post"),
    "vote_tally": Entry(kwargs=_v, need="chair", method="post"),
    "vote_close": Entry(kwargs=_v, need="chair", method="post"),
    # Anyone with a role may ask; whether they may vote is the meeting's rules' answer.
    "vote_now": Entry(kwargs=_m, need="vote"),
    # No choice sent: sent back to the ballot with a message.
    "vote_cast": Entry(kwargs=_v, need="vote", method="post"),
}
