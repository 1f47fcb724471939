"""Door sync through the API (CONTRACT §9): check-ins a door device made
offline, sent later with a nonce, the real time and its name; the door list
a device downloads to decide offline."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from django.utils import timezone

from groups.models import Attendance, AuditAction, AuditEvent, DoorScan, Invitation, Rule

from ..factories import AttendanceFactory, MeetingFactory, person_with_membership
from ..rate_limits import RATE_LIMIT_QUERIES

pytestmark = pytest.mark.django_db


def person_in(branch, slug="party-member", number="", **kwargs):
    return person_with_membership(branch, slug, membership={"number": number}, **kwargs)


@pytest.fixture
def meeting(branch):
    rule = Rule.objects.get(branch=branch, name="Party members only")
    now = timezone.now()
    return MeetingFactory(
        branch=branch,
        title="Branch meeting",
        attendance_rule=rule,
        voting_rule=rule,
        quorum=2,
        starts_at=now - timedelta(minutes=30),
        ends_at=now + timedelta(hours=2),
    )


def url(meeting, what):
    return f"/api/v1/branches/{meeting.branch.slug}/meetings/{meeting.pk}/{what}/"


def sent(person, minutes_ago, nonce=None, device="Door phone A"):
    return {
        "person": person.pk,
        "nonce": str(nonce or uuid.uuid4()),
        "checked_in_at": (timezone.now() - timedelta(minutes=minutes_ago)).isoformat(),
        "device": device,
    }


def test_the_same_nonce_twice_is_one_check_in(api, steward, branch, meeting):
    ana = person_in(branch)
    client = api(steward)
    body = sent(ana, 10)
    first = client.post(url(meeting, "checkins"), body, format="json")
    assert first.status_code == 201, first.json()
    assert first.json()["scan"]["outcome"] == "in"
    assert first.json()["scan"]["device"] == "Door phone A"
    again = client.post(url(meeting, "checkins"), body, format="json")
    assert again.status_code == 200
    assert again.json() == first.json()
    attendance = Attendance.objects.get(meeting=meeting, person=ana)
    assert attendance.method == "offline"
    # The device's time, not the time it was received.
    assert abs((timezone.now() - attendance.checked_in_at) - timedelta(minutes=10)) < timedelta(seconds=30)
    assert DoorScan.objects.count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.ATTENDANCE_CHECK_IN).count() == 1


def test_a_nonce_used_for_someone_else_is_409(api, steward, branch, meeting):
    ana, bob = person_in(branch), person_in(branch)
    nonce = uuid.uuid4()
    client = api(steward)
    assert client.post(url(meeting, "checkins"), sent(ana, 5, nonce), format="json").status_code == 201
    clash = client.post(url(meeting, "checkins"), sent(bob, 5, nonce), format="json")
    assert clash.status_code == 409
    assert "nonce" in clash.json()["detail"]
    assert not Attendance.objects.filter(person=bob).exists()


@pytest.mark.parametrize(
    "when, words",
    [
        (lambda m: m.starts_at - timedelta(days=2), "not on the meeting's day"),
        (lambda m: m.ends_at + timedelta(days=2), "not on the meeting's day"),
        (lambda m: timezone.now() + timedelta(hours=1), "still to come"),
    ],
)
def test_a_time_outside_the_meetings_day_is_refused_with_a_message(api, steward, branch, meeting, when, words):
    ana = person_in(branch)
    body = {**sent(ana, 0), "checked_in_at": when(meeting).isoformat()}
    response = api(steward).post(url(meeting, "checkins"), body, format="json")
    assert response.status_code == 400
    assert words in response.json()["detail"]
    assert not Attendance.objects.exists() and not DoorScan.objects.exists()


def test_a_nonce_needs_the_time_and_a_person(api, steward, branch, meeting):
    ana = person_in(branch)
    client = api(steward)
    no_time = client.post(url(meeting, "checkins"), {"person": ana.pk, "nonce": str(uuid.uuid4())}, format="json")
    assert no_time.status_code == 400 and "checked_in_at" in no_time.json()
    no_nonce = client.post(
        url(meeting, "checkins"), {"person": ana.pk, "checked_in_at": timezone.now().isoformat()}, format="json"
    )
    assert no_nonce.status_code == 400 and "checked_in_at" in no_nonce.json()
    assert not Attendance.objects.exists()


def test_two_devices_give_one_attendance_at_the_earlier_time(api, steward, organiser, branch, meeting):
    ana, bob = person_in(branch), person_in(branch)
    phone_a, phone_b = api(steward), api(organiser)
    # Ana: device A at 20 minutes ago is sent first; device B (15 minutes ago) is the duplicate.
    assert phone_a.post(url(meeting, "checkins"), sent(ana, 20), format="json").status_code == 201
    dup = phone_b.post(url(meeting, "checkins"), sent(ana, 15, device="Door phone B"), format="json")
    assert dup.status_code == 200 and dup.json()["scan"]["outcome"] == "duplicate"
    # Bob: device A (10 minutes ago) sent first, device B saw him earlier (12 minutes ago): B's time wins.
    later = sent(bob, 10)
    phone_a.post(url(meeting, "checkins"), later, format="json")
    earlier = phone_b.post(url(meeting, "checkins"), sent(bob, 12, device="Door phone B"), format="json")
    assert earlier.status_code == 200 and earlier.json()["scan"]["outcome"] == "in"

    assert Attendance.objects.filter(meeting=meeting).count() == 2
    for person, minutes in ((ana, 20), (bob, 12)):
        attendance = Attendance.objects.get(meeting=meeting, person=person)
        assert abs((timezone.now() - attendance.checked_in_at) - timedelta(minutes=minutes)) < timedelta(seconds=30)
        outcomes = sorted(DoorScan.objects.filter(person=person).values_list("outcome", flat=True))
        assert outcomes == ["duplicate", "in"]
    assert DoorScan.objects.get(nonce=later["nonce"]).outcome == "duplicate"
    assert AuditEvent.objects.filter(action=AuditAction.ATTENDANCE_DUPLICATE_SCAN).count() == 2
    assert Attendance.objects.get(person=bob).checked_in_by == organiser
    quorum = api(steward).get(url(meeting, "quorum")).json()
    assert quorum["present"] == 2  # counted once each


def test_someone_the_rule_now_refuses_is_kept_for_review_not_dropped(api, steward, branch, meeting):
    sam = person_in(branch, "registered-supporter", first_name="Sam", last_name="Reg")
    body = sent(sam, 5)
    response = api(steward).post(url(meeting, "checkins"), body, format="json")
    assert response.status_code == 202
    answer = response.json()
    assert answer["code"] == "kept_for_review" and answer["scan"]["outcome"] == "review"
    assert "review" in answer["detail"] and answer["decision"]["eligible"] is False
    # Not silently accepted: not present, not counted.
    assert not Attendance.objects.filter(person=sam).exists()
    scan = DoorScan.objects.get(person=sam)
    assert scan.outcome == "review" and scan.decision["eligible"] is False
    assert AuditEvent.objects.filter(action=AuditAction.ATTENDANCE_REVIEW).count() == 1
    # Sent again: the same answer, still one scan.
    assert api(steward).post(url(meeting, "checkins"), body, format="json").status_code == 202
    assert DoorScan.objects.count() == 1


def test_the_review_list_beside_the_attendance(client_for, organiser, branch, meeting):
    from groups.services.door_sync import sync_check_in

    sam = person_in(branch, "registered-supporter", first_name="Sam", last_name="Reg")
    sync_check_in(
        meeting=meeting,
        person=sam,
        nonce=uuid.uuid4(),
        checked_in_at=timezone.now(),
        device="Door phone A",
        actor=organiser,
    )
    page = client_for(organiser).get(f"/b/{branch.slug}/meetings/{meeting.pk}/attendance/")
    text = page.content.decode()
    assert "to review" in text and "Sam Reg" in text and "Door phone A" in text


def test_an_organiser_lets_in_or_leaves_out_a_check_in_kept_for_review(client_for, organiser, steward, branch, meeting):
    from groups.services.door_sync import sync_check_in

    sam = person_in(branch, "registered-supporter", first_name="Sam", last_name="Reg")
    kim = person_in(branch, "registered-supporter", first_name="Kim", last_name="Reg")
    at = timezone.now() - timedelta(minutes=7)
    kept = {
        p: sync_check_in(
            meeting=meeting, person=p, nonce=uuid.uuid4(), checked_in_at=at, device="Door phone A", actor=steward
        )
        for p in (sam, kim)
    }
    page = f"/b/{branch.slug}/meetings/{meeting.pk}/attendance/"
    review = f"/b/{branch.slug}/meetings/{meeting.pk}/attendance/review/"
    client = client_for(organiser)
    # Letting in needs a reason; nothing changes without one.
    client.post(f"{review}{kept[sam].scan.pk}/", {"action": "admit", "reason": " "})
    assert not Attendance.objects.filter(person=sam).exists()
    response = client.post(f"{review}{kept[sam].scan.pk}/", {"action": "admit", "reason": "Renewed last week"})
    assert response.status_code == 302 and response["Location"].endswith("#review")
    attendance = Attendance.objects.get(person=sam, meeting=meeting)
    assert attendance.checked_in_at == at  # when the device checked them in
    assert "Renewed last week" in attendance.override_reason and "Door phone A" in attendance.override_reason
    client.post(f"{review}{kept[kim].scan.pk}/", {"action": "leave_out"})
    assert not Attendance.objects.filter(person=kim).exists()
    assert DoorScan.objects.filter(reviewed_by=organiser).count() == 2
    assert AuditEvent.objects.filter(action=AuditAction.ATTENDANCE_REVIEWED).count() == 2
    text = client.get(page).content.decode()
    assert "Let in by" in text and "Left out by" in text
    # Decided once: a second answer changes nothing.
    client.post(f"{review}{kept[kim].scan.pk}/", {"action": "admit", "reason": "Changed my mind"})
    assert not Attendance.objects.filter(person=kim).exists()
    # A steward (who may not override here) may not decide.
    assert client_for(steward).post(f"{review}{kept[kim].scan.pk}/", {"action": "leave_out"}).status_code == 403


def test_an_undo_refers_to_one_device_check_in(api, steward, organiser, branch, meeting):
    ana = person_in(branch)
    first, second = sent(ana, 20), sent(ana, 10, device="Door phone B")
    api(steward).post(url(meeting, "checkins"), first, format="json")
    api(organiser).post(url(meeting, "checkins"), second, format="json")
    # Undoing the duplicate leaves Ana in.
    undo = api(organiser).post(
        url(meeting, "checkins/undo"), {"nonce": second["nonce"], "reason": "Tapped twice"}, format="json"
    )
    assert undo.status_code == 200, undo.json()
    assert Attendance.objects.get(person=ana).undone_at is None
    again = api(organiser).post(
        url(meeting, "checkins/undo"), {"nonce": second["nonce"], "reason": "Again"}, format="json"
    )
    assert again.status_code == 409
    # Undoing the one that holds the attendance undoes it.
    held = api(steward).post(url(meeting, "checkins/undo"), {"nonce": first["nonce"], "reason": "Wrong"}, format="json")
    assert held.status_code == 200
    assert Attendance.objects.get(person=ana).undone_at is not None
    unknown = api(steward).post(
        url(meeting, "checkins/undo"), {"nonce": str(uuid.uuid4()), "reason": "x"}, format="json"
    )
    assert unknown.status_code == 400


def test_a_device_check_in_of_someone_checked_in_at_the_door_page(api, steward, branch, meeting):
    ana = person_in(branch)
    attendance = AttendanceFactory(meeting=meeting, person=ana, checked_in_at=timezone.now() - timedelta(minutes=5))
    response = api(steward).post(url(meeting, "checkins"), sent(ana, 25), format="json")
    assert response.status_code == 200 and response.json()["id"] == attendance.pk
    attendance.refresh_from_db()
    assert abs((timezone.now() - attendance.checked_in_at) - timedelta(minutes=25)) < timedelta(seconds=30)


def test_a_cancelled_meeting_refuses_a_device_check_in(api, steward, branch, meeting):
    ana = person_in(branch)
    meeting.status = "cancelled"
    meeting.save()
    response = api(steward).post(url(meeting, "checkins"), sent(ana, 5), format="json")
    assert response.status_code == 403
    assert not DoorScan.objects.exists()


# --- the door list ---


def test_the_door_list_has_door_fields_only(api, steward, branch, meeting):
    ana = person_in(
        branch,
        number="PM-0042",
        first_name="Ana",
        last_name="Silva",
        postcode="N1 1AA",
        notes="Secret note about Ana",
        date_of_birth=date(1970, 5, 17),
        phone="+447700900123",
        email="ana.silva@example.org",
    )
    sam = person_in(branch, "registered-supporter", first_name="Sam", last_name="Reg")
    AttendanceFactory(meeting=meeting, person=ana, may_vote=True)
    response = api(steward).get(url(meeting, "door-list"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    text = response.content.decode()
    for secret in ("Secret note", "1970-05-17", "7700900123", "ana.silva@", "notes", "date_of_birth", "email", "phone"):
        assert secret not in text
    body = response.json()
    assert body["count"] == 2
    by_id = {p["id"]: p for p in body["people"]}
    assert set(by_id[ana.pk]) == {
        "id",
        "first_name",
        "last_name",
        "numbers",
        "postcode",
        "category",
        "decision",
        "may_vote",
        "checked_in_at",
        "here_may_vote",
        "qr",
    }
    assert by_id[ana.pk]["numbers"] == ["PM-0042"] and by_id[ana.pk]["postcode"] == "N1 1AA"
    assert by_id[ana.pk]["checked_in_at"] is not None and by_id[ana.pk]["here_may_vote"] is True
    assert by_id[sam.pk]["decision"]["eligible"] is False and by_id[sam.pk]["may_vote"] is False
    assert by_id[sam.pk]["decision"]["reasons"]
    assert body["quorum"]["quorum"] == 2 and body["meeting"]["keep_until"]
    # The start of each badge's signature, so a scanner offline can tell a genuine one; never the whole token.
    from groups.exports.qr import door_token

    token = door_token(meeting.pk, ana.pk)
    assert token.split(":")[1].startswith(by_id[ana.pk]["qr"]) and len(by_id[ana.pk]["qr"]) == 8
    assert token not in text and by_id[ana.pk]["qr"] != by_id[sam.pk]["qr"]


def test_the_door_list_says_who_may_vote_with_both_rules(api, steward, branch):
    from groups.models import Membership

    tenured = Rule.objects.get(branch=branch, name="Party members of six months or more")
    party = Rule.objects.get(branch=branch, name="Party members only")
    meeting = MeetingFactory(branch=branch, attendance_rule=party, voting_rule=tenured)
    old, new = person_in(branch), person_in(branch)
    Membership.objects.filter(person=new).update(started_on=timezone.localdate() - timedelta(days=30))
    supporter = person_in(branch, "registered-supporter")
    people = {p["id"]: p for p in api(steward).get(url(meeting, "door-list")).json()["people"]}
    assert people[old.pk]["may_vote"] is True
    assert people[new.pk]["decision"]["eligible"] is True and people[new.pk]["may_vote"] is False
    assert people[supporter.pk]["may_vote"] is False


def test_an_invited_meetings_door_list_is_the_invited(api, steward, branch, meeting):
    ana, bob, extra = person_in(branch), person_in(branch), person_in(branch)
    Invitation.objects.create(meeting=meeting, person=ana)
    AttendanceFactory(meeting=meeting, person=extra)
    body = api(steward).get(url(meeting, "door-list")).json()
    assert {p["id"] for p in body["people"]} == {ana.pk, extra.pk}
    assert bob.pk not in {p["id"] for p in body["people"]}


def test_a_member_may_not_download_the_door_list(api, member, meeting):
    assert api(member).get(url(meeting, "door-list")).status_code == 403


# token, branch with role, meeting; invitations?; the loader (people's facts, memberships with the
# category names, who is here); membership numbers; names and postcodes; quorum (attendance counts,
# the voting rule's categories, the eligible count). The same for 2 people and 40.
DOOR_LIST_QUERIES = 3 + 1 + 3 + 1 + 1 + 3 + RATE_LIMIT_QUERIES


@pytest.mark.parametrize("n", [2, 40])
def test_the_door_list_query_count_does_not_grow(api, steward, branch, meeting, django_assert_num_queries, n):
    for i in range(n):
        person = person_in(branch, number=f"PM-{i}")
        if i % 2:
            AttendanceFactory(meeting=meeting, person=person)
    client = api(steward)
    with django_assert_num_queries(DOOR_LIST_QUERIES):
        body = client.get(url(meeting, "door-list")).json()
    assert body["count"] == n
