from groups.exports.qr import door_token

from ..factories import AttendanceFactory, MeetingFactory, PersonFactory, person_with_membership
from . import Entry


def _meeting(w):
    return MeetingFactory(branch=w.branch)


def _m(w):
    return {"slug": w.branch.slug, "meeting_id": _meeting(w).pk}


def _attendance(w):
    a = AttendanceFactory(meeting=_meeting(w))
    return {"slug": w.branch.slug, "meeting_id": a.meeting_id, "attendance_id": a.pk}


def _token(w):
    meeting = _meeting(w)
    person = PersonFactory(branch=w.branch)
    return {"slug": w.branch.slug, "meeting_id": meeting.pk, "token": door_token(meeting.pk, person.pk)}


def _person_post(w):
    return {"person": person_with_membership(w.branch, "party-member").pk}


def _override_request(w):
    from django.utils import timezone

    from groups.models import OverrideRequest

    meeting = _meeting(w)
    asked = OverrideRequest.objects.create(
        meeting=meeting, person=PersonFactory(branch=w.branch), requested_at=timezone.now(), reason="Please"
    )
    return {"slug": w.branch.slug, "meeting_id": meeting.pk, "request_id": asked.pk}


def _review(w):
    import uuid

    from django.utils import timezone

    from groups.models import DoorScan

    meeting = _meeting(w)
    scan = DoorScan.objects.create(
        nonce=uuid.uuid4(),
        meeting=meeting,
        person=PersonFactory(branch=w.branch),
        scanned_at=timezone.now(),
        received_at=timezone.now(),
        outcome="review",
    )
    return {"slug": w.branch.slug, "meeting_id": meeting.pk, "scan_id": scan.pk}


ENTRIES = {
    "door_index": Entry(need="door"),
    "door": Entry(kwargs=_m, need="door"),
    "door_search": Entry(kwargs=_m, need="door", method="post", data=lambda w: {"q": "a"}),
    "door_check_in": Entry(kwargs=_m, need="door", method="post", data=_person_post),
    "door_guest": Entry(kwargs=_m, need="door", method="post", data=lambda w: {"guest_name": "Jo Guest"}),
    "door_new_person": Entry(kwargs=_m, need="manage_people"),
    "door_undo": Entry(kwargs=_attendance, need="door", method="post", data=lambda w: {"reason": "Mistake"}),
    "door_left": Entry(kwargs=_attendance, need="door", method="post"),
    "door_qr_open": Entry(kwargs=_token, need="door"),
    "door_ask": Entry(kwargs=_m, need="door", method="post", data=lambda w: {**_person_post(w), "reason": "Please"}),
    "door_ask_status": Entry(kwargs=_override_request, need="door"),
    "door_requests": Entry(kwargs=_m, need="override"),
    "door_request_approve": Entry(kwargs=_override_request, need="override", method="post"),
    "door_request_decline": Entry(kwargs=_override_request, need="override", method="post"),
    "door_review": Entry(kwargs=_review, need="override", method="post", data=lambda w: {"action": "leave_out"}),
    # The signed token is the secret; the image repeats it and nothing more.
    "door_qr_image": Entry(kwargs=_token),
    "door_quorum": Entry(kwargs=_m, need="door"),
    "door_badges": Entry(kwargs=_m, need="door"),
    "attendance_list": Entry(kwargs=_m, need="door"),
    "attendance_csv": Entry(kwargs=_m, need="export_people"),
    "attendance_bulk": Entry(kwargs=_m, need="manage_meetings"),
    "signin_sheet": Entry(kwargs=_m, need="door"),
}
