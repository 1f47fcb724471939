"""/api/v1/branches/{slug}/meetings/{id}/door/, /checkins/ and /quorum/:
the door through the API — decisions, idempotent check-ins, refusals with
the Decision, overrides, guests and quorum."""

import pytest

from groups.models import Attendance, AuditEvent, MeetingStatus, Rule

from .factories import AttendanceFactory, MeetingFactory, PersonFactory, person_with_membership
from .rate_limits import RATE_LIMIT_QUERIES

pytestmark = pytest.mark.django_db


def person_in(branch, slug="party-member", number="", **kwargs):
    return person_with_membership(branch, slug, membership={"number": number}, **kwargs)


@pytest.fixture
def meeting(branch):
    rule = Rule.objects.get(branch=branch, name="Party members only")
    return MeetingFactory(branch=branch, title="Branch meeting", attendance_rule=rule, voting_rule=rule, quorum=2)


def url(meeting, what):
    return f"/api/v1/branches/{meeting.branch.slug}/meetings/{meeting.pk}/{what}/"


def search(client, meeting, q=None):
    """The door search as documented: POST door/ with {"q"}, so the name is in no URL."""
    return client.post(url(meeting, "door"), {} if q is None else {"q": q}, format="json")


# --- door search ---


def test_door_search_gives_decisions_and_who_is_in(api, steward, branch, meeting):
    ana = person_in(branch, first_name="Ana", last_name="Silva", number="PM-0042")
    sam = person_in(branch, "registered-supporter", first_name="Sam", last_name="Silver")
    person_in(branch, first_name="Bob", last_name="Jones")
    attendance = AttendanceFactory(meeting=meeting, person=ana)
    response = search(api(steward), meeting, "sil")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2 and body["next"] is None
    first, second = body["results"]
    assert set(first) == {"id", "name", "categories", "decision", "attendance", "checked_in_at"}
    assert (first["id"], first["name"], first["attendance"]) == (ana.pk, "Ana Silva", attendance.pk)
    assert first["checked_in_at"] is not None
    assert first["categories"] == [{"category": "party-member", "name": "Party member", "status": "active"}]
    assert first["decision"]["eligible"] is True
    assert (second["id"], second["attendance"], second["checked_in_at"]) == (sam.pk, None, None)
    assert second["decision"] == {
        "eligible": False,
        "reasons": ["No active Party member membership (holds: Registered supporter)"],
    }
    by_number = search(api(steward), meeting, "PM-0042").json()["results"]
    assert [p["id"] for p in by_number] == [ana.pk]


def test_door_search_with_nothing_typed_finds_nobody(api, steward, branch, meeting):
    person_in(branch)
    assert search(api(steward), meeting).json()["count"] == 0


def test_door_search_is_capped_at_ten(api, steward, branch, meeting):
    for i in range(12):
        person_in(branch, first_name=f"Al{'abcdefghijkl'[i]}", last_name="Smith")
    body = search(api(steward), meeting, "smith").json()
    assert (body["count"], len(body["results"]), body["next"], body["previous"]) == (10, 10, None, None)
    narrower = search(api(steward), meeting, "all smi").json()
    assert [p["name"] for p in narrower["results"]] == ["All Smith"]


@pytest.mark.parametrize("n", [3, 30])
def test_door_search_query_count_does_not_grow(api, steward, branch, meeting, django_assert_num_queries, n):
    for i in range(n):
        person = person_in(branch, first_name=f"Al{i:02}", last_name="Smith")
        if i % 2:
            AttendanceFactory(meeting=meeting, person=person)
    client = api(steward)
    with django_assert_num_queries(QUERIES) as captured:
        body = search(client, meeting, "smith").json()
    assert body["count"] == min(n, 10), [q["sql"] for q in captured.captured_queries]


def test_the_deprecated_get_answers_as_the_post_and_says_it_is_deprecated(api, steward, branch, meeting):
    person_in(branch, first_name="Ana", last_name="Silva")
    client = api(steward)
    posted, got = search(client, meeting, "sil"), client.get(url(meeting, "door"), {"q": "sil"})
    assert got.status_code == posted.status_code == 200 and got.json() == posted.json()
    assert [p["name"] for p in posted.json()["results"]] == ["Ana Silva"]
    assert got["Deprecation"] == "@1796169600" and 'rel="deprecation"' in got["Link"]
    assert "Deprecation" not in posted


def test_the_post_search_reads_the_body_not_the_address(api, steward, branch, meeting):
    person_in(branch, first_name="Ana", last_name="Silva")
    response = api(steward).post(url(meeting, "door") + "?q=silva", {}, format="json")
    assert response.status_code == 200 and response.json()["count"] == 0


@pytest.mark.parametrize("body", [{"q": "x" * 101}, {"q": ["ana"]}, ["ana"]])
def test_a_post_search_with_a_bad_body_is_a_400_naming_q(api, steward, meeting, body):
    response = api(steward).post(url(meeting, "door"), body, format="json")
    assert response.status_code == 400 and response["Content-Type"] == "application/json"


def test_a_post_search_in_a_form_encoding_is_refused(api, steward, meeting):
    assert api(steward).post(url(meeting, "door"), {"q": "ana"}).status_code == 415


# token, branch with role, meeting; the search (by number, last name, first name: one statement);
# memberships with the category names and check-ins here (one statement; no attendance history:
# the rule does not ask)
QUERIES = 3 + 1 + 1 + RATE_LIMIT_QUERIES


# --- check-ins ---


def test_check_in_is_201_then_200_with_the_same_row(api, steward, branch, meeting):
    ana = person_in(branch)
    client = api(steward)
    first = client.post(url(meeting, "checkins"), {"person": ana.pk}, format="json")
    assert first.status_code == 201
    body = first.json()
    assert set(body) == {
        "id",
        "person",
        "guest_name",
        "checked_in_at",
        "checked_in_by",
        "decision",
        "override_reason",
        "left_at",
    }
    assert (body["person"], body["checked_in_by"], body["override_reason"], body["left_at"]) == (
        ana.pk,
        "steward@example.org",
        "",
        None,
    )
    assert body["decision"]["eligible"] is True
    again = client.post(url(meeting, "checkins"), {"person": ana.pk}, format="json")
    assert again.status_code == 200
    assert again.json() == body
    assert Attendance.objects.filter(meeting=meeting, person=ana).count() == 1
    assert Attendance.objects.get().method == "api"


def test_a_registered_supporter_is_refused_with_the_decision(api, steward, branch, meeting):
    sam = person_in(branch, "registered-supporter")
    response = api(steward).post(url(meeting, "checkins"), {"person": sam.pk}, format="json")
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "not_eligible"
    assert body["decision"] == {
        "eligible": False,
        "reasons": ["No active Party member membership (holds: Registered supporter)"],
    }
    assert body["detail"].startswith("Not eligible: No active Party member membership")
    assert not Attendance.objects.exists()


def test_an_organiser_overrides_with_a_reason(api, organiser, branch, meeting):
    sam = person_in(branch, "registered-supporter")
    response = api(organiser).post(
        url(meeting, "checkins"), {"person": sam.pk, "override_reason": "Invited speaker"}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["override_reason"] == "Invited speaker"
    assert body["decision"]["eligible"] is False
    attendance = Attendance.objects.get(person=sam)
    assert (attendance.override_reason, attendance.may_vote) == ("Invited speaker", False)
    event = AuditEvent.objects.get(action="attendance.check_in")
    assert event.changes["override"] is True


def test_a_steward_may_override_only_where_the_branch_allows(api, steward, branch, meeting):
    sam = person_in(branch, "registered-supporter")
    client = api(steward)
    refused = client.post(url(meeting, "checkins"), {"person": sam.pk, "override_reason": "Speaker"}, format="json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "override_not_allowed"
    assert refused.json()["decision"]["eligible"] is False
    assert not Attendance.objects.exists()
    branch.stewards_may_override = True
    branch.save()
    allowed = client.post(url(meeting, "checkins"), {"person": sam.pk, "override_reason": "Speaker"}, format="json")
    assert allowed.status_code == 201
    assert allowed.json()["override_reason"] == "Speaker"


def test_guest_check_in(api, steward, branch, meeting):
    response = api(steward).post(
        url(meeting, "checkins"), {"guest_name": "  Pat   Visitor ", "guest_email": "pat@example.org"}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["person"], body["guest_name"], body["decision"]) == (None, "Pat Visitor", None)
    guest = Attendance.objects.get()
    assert (guest.guest_email, guest.may_vote) == ("pat@example.org", False)


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"person": ["Give a person's id, or a guest_name for a guest."]}),
        ({"guest_name": "   "}, {"person": ["Give a person's id, or a guest_name for a guest."]}),
        ({"person": 999999}, {"person": ["There is no person 999999 in this branch."]}),
        ({"person": "x"}, {"person": ["Incorrect type. Expected pk value, received str."]}),
        ({"guest_name": "Pat", "override_reason": "x"}, {"override_reason": ["Guests need no override."]}),
    ],
)
def test_bad_check_ins_are_400_and_write_nothing(api, steward, branch, meeting, body, errors):
    response = api(steward).post(url(meeting, "checkins"), body, format="json")
    assert response.status_code == 400
    assert response.json() == errors
    assert not Attendance.objects.exists()


def test_a_guest_with_a_bad_email(api, steward, branch, meeting):
    response = api(steward).post(url(meeting, "checkins"), {"guest_name": "Pat", "guest_email": "nope"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "guest_email_invalid"
    assert not Attendance.objects.exists()


def test_another_branchs_person_cannot_be_checked_in(api, organiser, branch, other_branch, meeting):
    theirs = PersonFactory(branch=other_branch)
    response = api(organiser).post(url(meeting, "checkins"), {"person": theirs.pk}, format="json")
    assert response.status_code == 400
    assert not Attendance.objects.exists()


def test_a_cancelled_meeting_refuses_check_ins(api, organiser, branch, meeting):
    meeting.status = MeetingStatus.CANCELLED
    meeting.save()
    response = api(organiser).post(url(meeting, "checkins"), {"person": person_in(branch).pk}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "meeting_cancelled"


def test_checkins_list_leaves_out_undone_ones(api, steward, branch, meeting):
    came = AttendanceFactory(meeting=meeting, person=person_in(branch))
    AttendanceFactory(meeting=meeting, person=person_in(branch), undone_at=came.checked_in_at)
    body = api(steward).get(url(meeting, "checkins")).json()
    assert [a["id"] for a in body["results"]] == [came.pk]


@pytest.mark.parametrize("n", [3, 30])
def test_checkins_list_query_count_does_not_grow(api, steward, branch, meeting, django_assert_num_queries, n):
    for _ in range(n):
        AttendanceFactory(meeting=meeting, person=person_in(branch), checked_in_by=steward)
    client = api(steward)
    # token, branch with role, meeting, count, page (with people and who checked them in)
    with django_assert_num_queries(5 + RATE_LIMIT_QUERIES):
        body = client.get(url(meeting, "checkins"), {"page_size": 100}).json()
    assert body["count"] == n
    assert {a["checked_in_by"] for a in body["results"]} == {"steward@example.org"}


# --- quorum ---


def test_quorum_changes_with_check_ins(api, organiser, branch, meeting):
    members = [person_in(branch) for _ in range(3)]
    supporter = person_in(branch, "registered-supporter")
    client = api(organiser)

    def quorum():
        response = client.get(url(meeting, "quorum"))
        assert response.status_code == 200
        return response.json()

    assert quorum() == {
        "eligible": 3,
        "present": 0,
        "present_eligible": 0,
        "quorum": 2,
        "quorate": False,
        "guests": 0,
    }
    client.post(url(meeting, "checkins"), {"person": members[0].pk}, format="json")
    client.post(url(meeting, "checkins"), {"guest_name": "Pat"}, format="json")
    client.post(url(meeting, "checkins"), {"person": supporter.pk, "override_reason": "Speaker"}, format="json")
    now = quorum()
    assert (now["present"], now["present_eligible"], now["guests"], now["quorate"]) == (3, 1, 1, False)
    client.post(url(meeting, "checkins"), {"person": members[1].pk}, format="json")
    now = quorum()
    assert (now["present"], now["present_eligible"], now["quorate"]) == (4, 2, True)


# --- who may ---


@pytest.mark.parametrize(
    ("actor", "status"), [("organiser", 200), ("steward", 200), ("member", 403), ("outsider", 404)]
)
def test_who_may_use_the_door(api, request, branch, meeting, actor, status):
    person = person_in(branch)
    client = api(request.getfixturevalue(actor))
    assert search(client, meeting, "a").status_code == status
    assert client.get(url(meeting, "checkins")).status_code == status
    assert client.get(url(meeting, "quorum")).status_code == status
    posted = client.post(url(meeting, "checkins"), {"person": person.pk}, format="json")
    assert posted.status_code == (201 if status == 200 else status)
    assert Attendance.objects.exists() == (status == 200)


def test_another_branchs_meeting_is_404(api, organiser, branch, other_branch):
    theirs = MeetingFactory(branch=other_branch)
    client = api(organiser)
    base = f"/api/v1/branches/green-lanes/meetings/{theirs.pk}/"
    assert client.post(base + "door/", {"q": "a"}, format="json").status_code == 404
    assert client.get(base + "checkins/").status_code == 404
    assert client.get(base + "quorum/").status_code == 404
    person = person_in(branch)
    assert client.post(base + "checkins/", {"person": person.pk}, format="json").status_code == 404
    assert not Attendance.objects.exists()


# --- undo and left (an extension of CONTRACT §4: what the door screen does, for a door app) ---


def checked_in(api, actor, meeting, person):
    response = api(actor).post(url(meeting, "checkins"), {"person": person.pk}, format="json")
    assert response.status_code == 201
    return response.json()["id"]


def test_undo_keeps_the_row_records_why_and_stops_counting_them(api, steward, organiser, branch, meeting):
    ana = person_in(branch)
    pk = checked_in(api, steward, meeting, ana)
    client = api(organiser)
    response = client.post(url(meeting, f"checkins/{pk}/undo"), {"reason": "Tapped the wrong Ana"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["undo_reason"], body["undone_by"]) == (pk, "Tapped the wrong Ana", "organiser@example.org")
    assert body["undone_at"] is not None
    assert client.get(url(meeting, "checkins")).json()["count"] == 0
    assert client.get(url(meeting, "quorum")).json()["present"] == 0
    assert Attendance.objects.filter(pk=pk).exists()  # nothing deleted
    event = AuditEvent.objects.get(action="attendance.undo")
    assert (event.person_id, event.actor.email) == (ana.pk, "organiser@example.org")
    # Undone twice: a conflict, with a sentence.
    again = client.post(url(meeting, f"checkins/{pk}/undo"), {"reason": "Again"}, format="json")
    assert again.status_code == 409 and "already undone" in again.json()["detail"]
    # Checked in again: the same row re-opens.
    reopened = client.post(url(meeting, "checkins"), {"person": ana.pk}, format="json")
    assert (reopened.status_code, reopened.json()["id"]) == (201, pk)


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}, {"reason": "x" * 501}])
def test_undo_needs_a_reason_and_changes_nothing_without_one(api, steward, branch, meeting, body):
    pk = checked_in(api, steward, meeting, person_in(branch))
    response = api(steward).post(url(meeting, f"checkins/{pk}/undo"), body, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    assert Attendance.objects.get(pk=pk).undone_at is None
    assert not AuditEvent.objects.filter(action="attendance.undo").exists()


def test_left_stops_counting_them_once(api, steward, branch, meeting):
    pk = checked_in(api, steward, meeting, person_in(branch))
    client = api(steward)
    first = client.post(url(meeting, f"checkins/{pk}/left"), format="json")
    assert first.status_code == 200 and first.json()["left_at"] is not None
    assert client.get(url(meeting, "quorum")).json()["present"] == 0
    again = client.post(url(meeting, f"checkins/{pk}/left"), format="json")
    assert again.json()["left_at"] == first.json()["left_at"]  # the first time stands
    assert AuditEvent.objects.filter(action="attendance.left").count() == 1


def test_an_undone_check_in_cannot_leave(api, steward, branch, meeting):
    pk = checked_in(api, steward, meeting, person_in(branch))
    client = api(steward)
    client.post(url(meeting, f"checkins/{pk}/undo"), {"reason": "Mistake"}, format="json")
    response = client.post(url(meeting, f"checkins/{pk}/left"), format="json")
    assert response.status_code == 409
    assert Attendance.objects.get(pk=pk).left_at is None


@pytest.mark.parametrize(("actor", "status"), [("member", 403), ("outsider", 404)])
def test_who_may_undo_and_mark_left(api, request, steward, branch, meeting, actor, status):
    pk = checked_in(api, steward, meeting, person_in(branch))
    client = api(request.getfixturevalue(actor))
    assert client.post(url(meeting, f"checkins/{pk}/undo"), {"reason": "No"}, format="json").status_code == status
    assert client.post(url(meeting, f"checkins/{pk}/left"), format="json").status_code == status
    row = Attendance.objects.get(pk=pk)
    assert (row.undone_at, row.left_at) == (None, None)


def test_a_check_in_of_another_meeting_or_no_check_in_is_404(api, steward, branch, meeting):
    pk = checked_in(api, steward, meeting, person_in(branch))
    other = MeetingFactory(branch=branch)
    client = api(steward)
    assert client.post(url(other, f"checkins/{pk}/undo"), {"reason": "No"}, format="json").status_code == 404
    assert client.post(url(other, f"checkins/{pk}/left"), format="json").status_code == 404
    for bad in ("999999", "abc", str(2**64)):
        response = client.post(url(meeting, f"checkins/{bad}/left"), format="json")
        assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert Attendance.objects.get(pk=pk).left_at is None
