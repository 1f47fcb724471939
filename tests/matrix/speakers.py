from django.utils import timezone

from groups.models import SpeakerRequest

from ..factories import MeetingFactory, person_with_membership
from . import Entry


def _m(w):
    return {"slug": w.branch.slug, "meeting_id": MeetingFactory(branch=w.branch).pk}


def _r(w):
    meeting = MeetingFactory(branch=w.branch)
    request = SpeakerRequest.objects.create(
        meeting=meeting, person=person_with_membership(w.branch), kind="contribution", asked_at=timezone.now()
    )
    return {"slug": w.branch.slug, "meeting_id": meeting.pk, "request_id": request.pk}


ENTRIES = {
    "meeting_speakers": Entry(kwargs=_m, need="chair"),
    "speakers_settings": Entry(kwargs=_m, need="chair"),
    # Nobody waiting / not speaking / no reason: each answers with a message and back to the list.
    "speakers_call": Entry(kwargs=_m, need="chair", method="post"),
    "speakers_done": Entry(kwargs=_r, need="chair", method="post"),
    "speakers_move": Entry(kwargs=_r, need="chair", method="post"),
    "speakers_remove": Entry(kwargs=_r, need="chair", method="post"),
    # Anyone with a role may ask; whether they may speak is "checked in, not left".
    "speak": Entry(kwargs=_m, need="speak"),
    "speak_ask": Entry(kwargs=_m, need="speak", method="post"),
    "speak_withdraw": Entry(kwargs=_r, need="speak", method="post"),
}
