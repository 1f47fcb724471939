"""groups.services.attendance, the way a steward or an organiser at the door
would notice it going wrong: the wrong name saved, someone let in who should not
be, a refusal that still wrote a row, a limit a few characters off.

Every refusal here also checks that nothing was written (people, check-ins and
audit events unchanged)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from groups.errors import Conflict, InvalidInput, NotAllowed
from groups.models import Attendance, AuditEvent, MeetingStatus, Person, Rule
from groups.services import attendance as svc
from groups.services.rules import create_rule

from ..factories import MeetingFactory, PersonFactory, person_with_membership

pytestmark = pytest.mark.django_db

AT = datetime(2026, 3, 12, 19, 30, tzinfo=UTC)


def counts():
    """What a refusal must leave as it was."""
    return (Person.objects.count(), Attendance.objects.count(), AuditEvent.objects.count())


@pytest.fixture
def party_meeting(branch):
    rule = Rule.objects.get(branch=branch, name="Party members only")
    return MeetingFactory(branch=branch, title="AGM", attendance_rule=rule, voting_rule=rule)


@pytest.fixture
def open_meeting(branch):
    """No attendance rule: everyone is admitted, so only the service's own checks can refuse."""
    return MeetingFactory(branch=branch, title="Social")


# --------------------------------------------------------------------------
# A new person at the door


def test_a_new_person_is_saved_with_both_names_tidied_and_checked_in(open_meeting, organiser):
    person, attendance = svc.create_person_at_door(
        meeting=open_meeting, first_name="  Ana  Maria ", last_name=" da   Silva ", actor=organiser, at=AT
    )
    person = Person.objects.get(pk=person.pk)
    assert (person.first_name, person.last_name) == ("Ana Maria", "da Silva")
    assert (person.email, person.postcode) == ("", "")
    assert person.branch_id == open_meeting.branch_id
    assert attendance.person_id == person.pk and attendance.checked_in_at == AT
    assert attendance.checked_in_by == organiser and attendance.method == "door"
    created = AuditEvent.objects.get(action="person.create")
    assert (created.person_id, created.actor, created.at) == (person.pk, organiser, AT)
    assert created.summary == "Added at the door of Social"
    assert created.changes == {"person": person.pk}
    assert AuditEvent.objects.filter(action="attendance.check_in", person_id=person.pk).count() == 1


def test_a_new_person_with_only_a_last_name_is_fine(open_meeting, organiser):
    person, _ = svc.create_person_at_door(meeting=open_meeting, first_name=" ", last_name="Okafor", actor=organiser)
    person.refresh_from_db()
    assert (person.first_name, person.last_name) == ("", "Okafor")


def test_a_new_persons_email_and_postcode_are_stored_tidied(open_meeting, organiser):
    person, _ = svc.create_person_at_door(
        meeting=open_meeting,
        first_name="Bo",
        last_name="Lee",
        email="  Bo.Lee@Example.ORG ",
        postcode="n154ab",
        actor=organiser,
    )
    person.refresh_from_db()
    assert person.postcode == "N15 4AB"
    assert person.email.lower() == "bo.lee@example.org" and not person.email.startswith(" ")


def test_names_longer_than_the_field_are_refused_and_nothing_is_written(open_meeting, organiser):
    # clean_person refuses a name part over 100 characters rather than cutting it short.
    before = counts()
    with pytest.raises(InvalidInput) as exc:
        svc.create_person_at_door(meeting=open_meeting, first_name="A" * 150, last_name="B" * 150, actor=organiser)
    assert "longer than 100 characters" in exc.value.message
    assert counts() == before
    person, _ = svc.create_person_at_door(
        meeting=open_meeting, first_name="A" * 100, last_name="B" * 100, actor=organiser
    )
    person.refresh_from_db()
    assert (person.first_name, person.last_name) == ("A" * 100, "B" * 100)


@pytest.mark.parametrize("first, last", [("", ""), ("   ", "  "), ("\t", "\n")])
def test_a_new_person_with_no_name_is_refused_and_nothing_is_written(open_meeting, organiser, first, last):
    before = counts()
    with pytest.raises(InvalidInput) as exc:
        svc.create_person_at_door(meeting=open_meeting, first_name=first, last_name=last, actor=organiser)
    # The same cleaning as every other way of adding a person: the problem is
    # named against the field the door form shows.
    assert exc.value.code == "invalid_person" and exc.value.message == "Enter a first name or a last name."
    assert exc.value.details["errors"] == {"first_name": ["Enter a first name or a last name."]}
    assert counts() == before


@pytest.mark.parametrize("override", [False, True])
def test_a_steward_may_not_add_a_new_person_even_where_everyone_is_welcome(open_meeting, branch, steward, override):
    # The meeting admits everyone, and the branch may even let stewards override:
    # only the "organisers add people" refusal stands in the way.
    branch.stewards_may_override = override
    branch.save(update_fields=["stewards_may_override"])
    before = counts()
    with pytest.raises(NotAllowed) as exc:
        svc.create_person_at_door(meeting=open_meeting, first_name="New", last_name="Person", actor=steward)
    assert exc.value.code == "not_organiser"
    assert exc.value.message == "Only an organiser can add a new person at the door."
    assert counts() == before


def test_a_new_person_the_rule_refuses_is_not_created(party_meeting, organiser):
    before = counts()
    with pytest.raises(NotAllowed) as exc:
        svc.create_person_at_door(meeting=party_meeting, first_name="New", last_name="Person", actor=organiser)
    assert exc.value.code == "not_eligible"
    assert counts() == before


@pytest.mark.parametrize(
    "fields, code",
    [
        # A detail that fails cleaning is named against its field, as on the person form.
        ({"email": "not-an-email"}, "invalid_person:email"),
        ({"email": "TAKEN@example.org"}, "email_taken"),
        ({"postcode": "nonsense"}, "invalid_person:postcode"),
    ],
)
def test_a_new_person_with_bad_details_is_refused_and_nothing_is_written(open_meeting, branch, organiser, fields, code):
    PersonFactory(branch=branch, email="taken@example.org")
    before = counts()
    with pytest.raises((InvalidInput, Conflict)) as exc:
        svc.create_person_at_door(meeting=open_meeting, first_name="New", actor=organiser, **fields)
    expected_code, _, field = code.partition(":")
    assert exc.value.code == expected_code
    if field:
        assert list(exc.value.details["errors"]) == [field]
    assert counts() == before


def test_an_email_used_in_another_branch_is_not_taken_here(open_meeting, other_branch, organiser):
    PersonFactory(branch=other_branch, email="shared@example.org")
    person, _ = svc.create_person_at_door(
        meeting=open_meeting, first_name="New", email="shared@example.org", actor=organiser
    )
    assert person.branch_id == open_meeting.branch_id


# --------------------------------------------------------------------------
# Guests


def test_a_guest_name_of_200_characters_is_kept_and_201_is_refused(open_meeting, steward):
    guest, created = svc.check_in(meeting=open_meeting, guest_name="G" * 200, actor=steward)
    assert created and Attendance.objects.get(pk=guest.pk).guest_name == "G" * 200
    before = counts()
    with pytest.raises(InvalidInput) as exc:
        svc.check_in(meeting=open_meeting, guest_name="G" * 201, actor=steward)
    assert exc.value.code == "guest_name_too_long"
    assert exc.value.message == "Keep the guest's name under 200 characters."
    assert counts() == before


def test_a_guest_name_is_measured_after_its_spaces_are_tidied(open_meeting, steward):
    guest, _ = svc.check_in(meeting=open_meeting, guest_name="  " + "G" * 198 + "   " + "H  ", actor=steward)
    assert guest.guest_name == "G" * 198 + " H"  # 200 once tidied


def test_a_guest_is_recorded_with_who_let_them_in_and_never_votes(open_meeting, steward):
    guest, _ = svc.check_in(meeting=open_meeting, guest_name="Jo", guest_email="", actor=steward, at=AT)
    guest = Attendance.objects.get(pk=guest.pk)
    assert (guest.person, guest.guest_email, guest.decision, guest.may_vote) == (None, "", {}, False)
    assert (guest.checked_in_at, guest.checked_in_by, guest.method) == (AT, steward, "door")
    event = AuditEvent.objects.get(action="attendance.guest")
    assert (event.actor, event.branch) == (steward, open_meeting.branch)
    assert (event.summary, event.changes, event.person_id, event.at) == (
        "Guest added at Social",
        {"guest": True},
        None,
        AT,
    )


@pytest.mark.parametrize("name", ["", "   ", "\n"])
def test_a_guest_with_no_name_is_refused(open_meeting, steward, name):
    before = counts()
    with pytest.raises(InvalidInput) as exc:
        svc.check_in(meeting=open_meeting, guest_name=name, actor=steward)
    assert exc.value.code == "guest_name_required"
    assert counts() == before


def test_a_guest_with_a_bad_email_is_refused(open_meeting, steward):
    before = counts()
    with pytest.raises(InvalidInput) as exc:
        svc.check_in(meeting=open_meeting, guest_name="Jo", guest_email="jo at example", actor=steward)
    assert exc.value.code == "guest_email_invalid"
    assert counts() == before


# --------------------------------------------------------------------------
# Reasons: overrides and undoing


def test_an_override_reason_of_500_characters_is_kept_and_501_is_refused(party_meeting, branch, organiser):
    sam = person_with_membership(branch, "registered-supporter")
    before = counts()
    with pytest.raises(InvalidInput) as exc:
        svc.check_in(meeting=party_meeting, person=sam, actor=organiser, override_reason="r" * 501)
    assert exc.value.code == "reason_too_long" and exc.value.message == "Keep the reason under 500 characters."
    assert counts() == before
    attendance, created = svc.check_in(
        meeting=party_meeting, person=sam, actor=organiser, override_reason="  " + "r" * 500 + "  "
    )
    assert created and Attendance.objects.get(pk=attendance.pk).override_reason == "r" * 500


def test_an_undo_reason_of_500_characters_is_kept_and_501_is_refused(open_meeting, branch, steward):
    attendance, _ = svc.check_in(meeting=open_meeting, person=PersonFactory(branch=branch), actor=steward)
    before = counts()
    with pytest.raises(InvalidInput) as exc:
        svc.undo_check_in(attendance=attendance, actor=steward, reason="u" * 501)
    assert exc.value.code == "reason_too_long"
    assert counts() == before and Attendance.objects.get(pk=attendance.pk).undone_at is None
    svc.undo_check_in(attendance=attendance, actor=steward, reason=" " + "u" * 500 + " ", at=AT)
    attendance.refresh_from_db()
    assert (attendance.undo_reason, attendance.undone_at, attendance.undone_by) == ("u" * 500, AT, steward)


def test_an_undo_is_audited_with_the_person_and_the_time(open_meeting, branch, steward):
    ana = PersonFactory(branch=branch)
    attendance, _ = svc.check_in(meeting=open_meeting, person=ana, actor=steward)
    svc.undo_check_in(attendance=attendance, actor=steward, reason="Wrong Ana", at=AT)
    event = AuditEvent.objects.get(action="attendance.undo")
    assert (event.person_id, event.at, event.actor) == (ana.pk, AT, steward)
    assert (event.summary, event.changes) == ("Check-in undone at Social", {"person": ana.pk})
    assert event.object_id == str(attendance.pk)


def test_a_steward_without_the_override_setting_cannot_let_in_and_nothing_is_written(party_meeting, branch, steward):
    sam = person_with_membership(branch, "registered-supporter")
    before = counts()
    with pytest.raises(NotAllowed) as exc:
        svc.check_in(meeting=party_meeting, person=sam, actor=steward, override_reason="The chair agreed")
    assert exc.value.code == "override_not_allowed"
    assert exc.value.details["decision"]["eligible"] is False
    assert counts() == before


def test_a_refusal_names_the_reason_and_how_to_let_them_in(party_meeting, branch, organiser):
    sam = person_with_membership(branch, "registered-supporter")
    with pytest.raises(NotAllowed) as exc:
        svc.check_in(meeting=party_meeting, person=sam, actor=organiser)
    assert exc.value.message == (
        "Not eligible: No active Party member membership (holds: Registered supporter). "
        "To let them in anyway, give a reason."
    )


# --------------------------------------------------------------------------
# Check-ins: what is stored and audited


def test_a_check_in_stores_the_decision_time_method_and_vote(party_meeting, branch, steward):
    ana = person_with_membership(branch, "party-member")
    attendance, created = svc.check_in(meeting=party_meeting, person=ana, actor=steward, method="qr", at=AT)
    stored = Attendance.objects.get(pk=attendance.pk)
    assert created and stored.person == ana and stored.meeting == party_meeting
    assert (stored.checked_in_at, stored.checked_in_by, stored.method) == (AT, steward, "qr")
    assert stored.decision == {"eligible": True, "reasons": ["Party member since 1 January 2015"]}
    assert stored.may_vote is True and stored.override_reason == "" and stored.left_at is None
    event = AuditEvent.objects.get(action="attendance.check_in")
    assert (event.person_id, event.at, event.summary) == (ana.pk, AT, "Checked in at AGM")
    assert (event.actor, event.branch) == (steward, branch)
    assert event.changes == {"person": ana.pk, "eligible": True, "method": "qr", "override": False}
    assert event.object_type == "attendance" and event.object_id == str(attendance.pk)


def test_an_override_is_audited_as_one(party_meeting, branch, organiser):
    sam = person_with_membership(branch, "registered-supporter")
    svc.check_in(meeting=party_meeting, person=sam, actor=organiser, override_reason="Speaker", at=AT)
    event = AuditEvent.objects.get(action="attendance.check_in")
    assert event.summary == "Checked in at AGM by override"
    assert event.changes == {"person": sam.pk, "eligible": False, "method": "door", "override": True}


def test_someone_admitted_to_the_meeting_but_not_to_vote_is_in_without_a_vote(branch, steward, organiser):
    everyone = create_rule(branch=branch, name="Anyone", definition={"everyone": True}, actor=organiser)
    party = Rule.objects.get(branch=branch, name="Party members only")
    meeting = MeetingFactory(branch=branch, attendance_rule=everyone, voting_rule=party)
    sam = person_with_membership(branch, "registered-supporter")
    attendance, _ = svc.check_in(meeting=meeting, person=sam, actor=steward)
    assert attendance.decision["eligible"] is True and attendance.may_vote is False


def test_an_unknown_method_is_refused(open_meeting, branch, steward):
    ana = PersonFactory(branch=branch)
    before = counts()
    with pytest.raises(InvalidInput) as exc:
        svc.check_in(meeting=open_meeting, person=ana, actor=steward, method="fax")
    assert exc.value.code == "bad_method"
    assert exc.value.message == "Unknown check-in method."
    assert counts() == before


def test_another_branchs_person_is_refused_and_nothing_is_written(open_meeting, other_branch, organiser):
    stranger = PersonFactory(branch=other_branch)
    before = counts()
    with pytest.raises(NotAllowed) as exc:
        svc.check_in(meeting=open_meeting, person=stranger, actor=organiser)
    assert exc.value.code == "wrong_branch"
    assert exc.value.message == "This person is not in this branch."
    assert counts() == before


def test_a_cancelled_meeting_refuses_and_nothing_is_written(open_meeting, branch, organiser):
    open_meeting.status = MeetingStatus.CANCELLED
    open_meeting.save(update_fields=["status"])
    before = counts()
    with pytest.raises(NotAllowed) as exc:
        svc.check_in(meeting=open_meeting, person=PersonFactory(branch=branch), actor=organiser)
    assert exc.value.code == "meeting_cancelled"
    with pytest.raises(NotAllowed):
        svc.bulk_check_in(meeting=open_meeting, person_ids=[PersonFactory(branch=branch).pk], actor=organiser)
    with pytest.raises(NotAllowed):
        svc.create_person_at_door(meeting=open_meeting, first_name="New", actor=organiser)
    assert counts()[1:] == before[1:]


def test_a_meeting_cancelled_after_the_page_was_drawn_refuses(open_meeting, branch, steward):
    from groups.models import Meeting

    drawn = Meeting.objects.select_related("branch", "attendance_rule", "voting_rule").get(pk=open_meeting.pk)
    Meeting.objects.filter(pk=open_meeting.pk).update(status=MeetingStatus.CANCELLED)
    with pytest.raises(NotAllowed) as exc:
        svc.check_in(meeting=drawn, person=PersonFactory(branch=branch), actor=steward)
    assert exc.value.code == "meeting_cancelled"


def test_a_reopened_check_in_is_the_same_row_with_the_new_details(party_meeting, branch, steward, organiser):
    ana = person_with_membership(branch, "party-member")
    first, _ = svc.check_in(meeting=party_meeting, person=ana, actor=steward)
    svc.mark_left(attendance=first, actor=steward)
    svc.undo_check_in(attendance=first, actor=steward, reason="Wrong Ana")
    again, created = svc.check_in(meeting=party_meeting, person=ana, actor=organiser, method="qr", at=AT)
    again = Attendance.objects.get(pk=again.pk)
    assert created and again.pk == first.pk
    assert (again.checked_in_at, again.checked_in_by, again.method) == (AT, organiser, "qr")
    assert (again.undone_at, again.undone_by, again.undo_reason, again.left_at) == (None, None, "", None)
    assert again.may_vote is True and again.decision["eligible"] is True
    event = AuditEvent.objects.get(action="attendance.reopen")
    assert (event.person_id, event.at, event.actor) == (ana.pk, AT, organiser)
    # On the branch's audit page, pointing at the re-opened row.
    assert (event.branch, event.object_type, event.object_id) == (branch, "attendance", str(first.pk))
    assert event.summary == "Checked in again at AGM"
    assert event.changes == {"person": ana.pk, "eligible": True, "method": "qr", "override": False}


def test_a_second_check_in_writes_nothing(open_meeting, branch, steward):
    ana = PersonFactory(branch=branch)
    first, _ = svc.check_in(meeting=open_meeting, person=ana, actor=steward)
    before = counts()
    again, created = svc.check_in(meeting=open_meeting, person=ana, actor=steward, at=AT)
    assert not created and again.pk == first.pk and again.checked_in_at == first.checked_in_at
    assert counts() == before


# --------------------------------------------------------------------------
# Leaving


def test_leaving_is_recorded_once_and_audited(open_meeting, branch, steward):
    ana = PersonFactory(branch=branch)
    attendance, _ = svc.check_in(meeting=open_meeting, person=ana, actor=steward)
    svc.mark_left(attendance=attendance, actor=steward, at=AT)
    event = AuditEvent.objects.get(action="attendance.left")
    assert (event.person_id, event.at, event.summary, event.changes) == (ana.pk, AT, "Left Social", {"person": ana.pk})
    assert Attendance.objects.get(pk=attendance.pk).left_at == AT


def test_an_undone_check_in_cannot_leave(open_meeting, branch, steward):
    attendance, _ = svc.check_in(meeting=open_meeting, person=PersonFactory(branch=branch), actor=steward)
    svc.undo_check_in(attendance=attendance, actor=steward, reason="Mistake")
    before = counts()
    with pytest.raises(Conflict) as exc:
        svc.mark_left(attendance=attendance, actor=steward)
    assert exc.value.code == "undone"
    assert counts() == before and Attendance.objects.get(pk=attendance.pk).left_at is None


# --------------------------------------------------------------------------
# From a paper list


def test_a_paper_list_checks_each_person_in_once(party_meeting, branch, organiser):
    ana, bo = person_with_membership(branch, "party-member"), person_with_membership(branch, "party-member")
    results = svc.bulk_check_in(meeting=party_meeting, person_ids=[ana.pk, str(bo.pk), ana.pk], actor=organiser, at=AT)
    assert [(a.person_id, created) for a, created in results] == [(ana.pk, True), (bo.pk, True)]
    stored = Attendance.objects.filter(meeting=party_meeting)
    assert sorted(stored.values_list("person_id", "method", "checked_in_at")) == sorted(
        [(ana.pk, "bulk", AT), (bo.pk, "bulk", AT)]
    )


def test_a_paper_list_with_nobody_ticked_is_refused(party_meeting, organiser):
    with pytest.raises(InvalidInput) as exc:
        svc.bulk_check_in(meeting=party_meeting, person_ids=[], actor=organiser)
    assert exc.value.code == "nobody_ticked"


@pytest.mark.parametrize("bad", [0, -1, 2**63, 10**9])
def test_a_paper_list_naming_nobody_of_this_branch_is_refused(party_meeting, branch, organiser, bad):
    ana = person_with_membership(branch, "party-member")
    before = counts()
    with pytest.raises(InvalidInput) as exc:
        svc.bulk_check_in(meeting=party_meeting, person_ids=[ana.pk, bad], actor=organiser)
    assert exc.value.code == "unknown_people"
    assert counts() == before


def test_a_paper_list_with_one_refusal_checks_nobody_in_and_says_who(party_meeting, branch, organiser):
    ana = person_with_membership(branch, "party-member")
    sam = person_with_membership(branch, "registered-supporter", first_name="Sam", last_name="Reg")
    before = counts()
    with pytest.raises(InvalidInput) as exc:
        svc.bulk_check_in(meeting=party_meeting, person_ids=[ana.pk, sam.pk], actor=organiser)
    assert exc.value.code == "bulk_refused"
    assert exc.value.message.startswith(
        "Nobody was checked in: 1 of the ticked people could not be. Sam Reg: Not eligible"
    )
    assert list(exc.value.details["errors"]) == [sam.pk]
    assert counts() == before


def test_a_paper_list_override_is_for_the_person_it_names(party_meeting, branch, organiser):
    sam = person_with_membership(branch, "registered-supporter")
    results = svc.bulk_check_in(
        meeting=party_meeting, person_ids=[sam.pk], actor=organiser, override_reasons={sam.pk: "Chair agreed"}
    )
    ((attendance, _),) = results
    assert Attendance.objects.get(pk=attendance.pk).override_reason == "Chair agreed"


def test_eligibility_is_decided_on_the_meetings_date(branch, steward, organiser):
    # Dues paid until the day of the meeting: admitted on that day, whatever today is.
    day = date(2030, 5, 1)
    rule = create_rule(branch=branch, name="Dues", definition={"membership": {"dues_paid": True}}, actor=organiser)
    meeting = MeetingFactory(branch=branch, attendance_rule=rule, starts_at=datetime(2030, 5, 1, 18, 0, tzinfo=UTC))
    paid = person_with_membership(branch, membership={"dues_paid_until": day})
    late = person_with_membership(branch, membership={"dues_paid_until": day - timedelta(days=1)})
    assert svc.check_in(meeting=meeting, person=paid, actor=steward)[0].decision["eligible"] is True
    with pytest.raises(NotAllowed):
        svc.check_in(meeting=meeting, person=late, actor=steward)


# --------------------------------------------------------------------------
# What a person at the door reads, word for word


def test_the_refusals_say_what_to_do(party_meeting, open_meeting, branch, steward):
    sam = person_with_membership(branch, "registered-supporter")
    with pytest.raises(NotAllowed) as exc:
        svc.check_in(meeting=party_meeting, person=sam, actor=steward, override_reason="Chair agreed")
    assert exc.value.message == "Only an organiser can let in someone the rule does not admit. Ask an organiser."
    with pytest.raises(InvalidInput) as exc:
        svc.check_in(meeting=open_meeting, guest_name=" ", actor=steward)
    assert exc.value.message == "Give the guest's name."
    with pytest.raises(InvalidInput) as exc:
        svc.check_in(meeting=open_meeting, guest_name="Jo", guest_email="jo@", actor=steward)
    assert exc.value.message == "Enter the guest's email like name@example.org, or leave it empty."
    open_meeting.status = MeetingStatus.CANCELLED
    open_meeting.save(update_fields=["status"])
    with pytest.raises(NotAllowed) as exc:
        svc.check_in(meeting=open_meeting, guest_name="Jo", actor=steward)
    assert exc.value.message == "This meeting was cancelled, so nobody can be checked in."


def test_a_refusal_for_two_reasons_gives_both(branch, organiser, steward):
    rule = create_rule(
        branch=branch,
        name="Young members",
        definition={"all": [{"membership": {"categories": ["party-member"]}}, {"age": {"max": 26}}]},
        actor=organiser,
    )
    meeting = MeetingFactory(branch=branch, attendance_rule=rule, starts_at=datetime(2030, 5, 1, 18, tzinfo=UTC))
    sam = person_with_membership(branch, "registered-supporter")
    with pytest.raises(NotAllowed) as exc:
        svc.check_in(meeting=meeting, person=sam, actor=steward)
    assert exc.value.message == (
        "Not eligible: No active Party member membership (holds: Registered supporter); "
        "Age condition not met: date of birth not recorded. To let them in anyway, give a reason."
    )


def test_a_refusal_names_a_category_the_person_does_not_hold_by_its_name(branch, organiser, steward):
    from groups.models import Category

    Category.objects.create(branch=branch, name="Youth wing", slug="yw", order=9)
    rule = create_rule(branch=branch, name="Youth", definition={"membership": {"categories": ["yw"]}}, actor=organiser)
    meeting = MeetingFactory(branch=branch, attendance_rule=rule)
    sam = person_with_membership(branch, "registered-supporter")
    with pytest.raises(NotAllowed) as exc:
        svc.check_in(meeting=meeting, person=sam, actor=steward)
    assert exc.value.details["decision"]["reasons"] == ["No active Youth wing membership (holds: Registered supporter)"]


# --------------------------------------------------------------------------
# Rules that look at attendance history


@pytest.fixture
def last_meeting(branch):
    return MeetingFactory(branch=branch, title="Last month", starts_at=datetime(2030, 4, 1, 18, tzinfo=UTC))


def _regulars(branch, organiser):
    return create_rule(
        branch=branch, name="Regulars", definition={"attended": {"min": 1, "of_last": 1}}, actor=organiser
    )


def test_an_attendance_rule_about_history_admits_those_who_came_last_time(branch, organiser, steward, last_meeting):
    meeting = MeetingFactory(
        branch=branch,
        attendance_rule=_regulars(branch, organiser),
        starts_at=datetime(2030, 5, 1, 18, tzinfo=UTC),
    )
    came, stayed_away = PersonFactory(branch=branch), PersonFactory(branch=branch)
    svc.check_in(meeting=last_meeting, person=came, actor=steward)
    attendance, _ = svc.check_in(meeting=meeting, person=came, actor=steward)
    assert attendance.decision == {"eligible": True, "reasons": ["Attended the last meeting (needs 1)"]}
    assert attendance.may_vote is True  # no voting rule: everyone in may vote
    with pytest.raises(NotAllowed):
        svc.check_in(meeting=meeting, person=stayed_away, actor=steward)


def test_a_voting_rule_about_history_decides_the_vote(branch, organiser, steward, last_meeting):
    meeting = MeetingFactory(
        branch=branch,
        voting_rule=_regulars(branch, organiser),
        starts_at=datetime(2030, 5, 1, 18, tzinfo=UTC),
    )
    came, stayed_away = PersonFactory(branch=branch), PersonFactory(branch=branch)
    svc.check_in(meeting=last_meeting, person=came, actor=steward)
    assert svc.check_in(meeting=meeting, person=came, actor=steward)[0].may_vote is True
    assert svc.check_in(meeting=meeting, person=stayed_away, actor=steward)[0].may_vote is False


def test_a_check_in_under_a_history_rule_runs_a_fixed_number_of_queries(
    branch, organiser, steward, last_meeting, django_assert_num_queries
):
    from groups.models import Meeting

    rule = _regulars(branch, organiser)
    meeting = MeetingFactory(
        branch=branch, attendance_rule=rule, voting_rule=rule, starts_at=datetime(2030, 5, 1, 18, tzinfo=UTC)
    )
    people = [PersonFactory(branch=branch) for _ in range(2)]
    for p in people:
        svc.check_in(meeting=last_meeting, person=p, actor=steward)
    held = Meeting.objects.select_related("branch", "attendance_rule", "voting_rule").get(pk=meeting.pk)
    svc.check_in(meeting=held, person=people[0], actor=steward)
    # savepoint; meeting status, rule version and memberships; the person's memberships, attendance
    # and the branch's meetings (the person is not read again); insert; audit; release.
    with django_assert_num_queries(8):
        svc.check_in(meeting=held, person=people[1], actor=steward)


def test_a_rule_changed_meanwhile_stores_the_version_of_the_meetings_own_rule(branch, organiser, steward):
    from groups.models import Meeting
    from groups.services.rules import update_rule

    other = Rule.objects.get(branch=branch, name="Party members only")
    update_rule(rule=other, actor=organiser, definition={"everyone": True})  # another rule at version 2 first
    ours = create_rule(branch=branch, name="Zeta", definition={"everyone": True}, actor=organiser)  # named last
    meeting = MeetingFactory(branch=branch, attendance_rule=ours)
    held = Meeting.objects.select_related("branch", "attendance_rule", "voting_rule").get(pk=meeting.pk)
    update_rule(rule=ours, actor=organiser, definition={"membership": {}})
    attendance, _ = svc.check_in(meeting=held, person=person_with_membership(branch), actor=steward)
    assert (attendance.rule_version.rule_id, attendance.rule_version.version) == (ours.pk, 2)


# --------------------------------------------------------------------------
# Guests, in full


def test_a_guest_keeps_their_email_and_the_way_they_came_in(open_meeting, steward):
    guest, _ = svc.check_in(
        meeting=open_meeting, guest_name="Jo", guest_email="jo@example.org", actor=steward, method="qr"
    )
    stored = Attendance.objects.get(pk=guest.pk)
    assert (stored.guest_email, stored.method) == ("jo@example.org", "qr")
    event = AuditEvent.objects.get(action="attendance.guest")
    assert (event.object_type, event.object_id) == ("attendance", str(guest.pk))


@pytest.mark.parametrize("actor", [None, "anonymous"])
def test_a_guest_recorded_without_a_signed_in_actor_has_nobody_as_checked_in_by(open_meeting, actor):
    from django.contrib.auth.models import AnonymousUser

    actor = AnonymousUser() if actor == "anonymous" else None
    guest, _ = svc.check_in(meeting=open_meeting, guest_name="Jo", actor=actor)
    assert Attendance.objects.get(pk=guest.pk).checked_in_by is None
    assert AuditEvent.objects.get(action="attendance.guest").actor is None


# --------------------------------------------------------------------------
# Query counts of the organiser's two bigger writes


def test_adding_a_person_at_the_door_runs_a_fixed_number_of_queries(open_meeting, organiser, django_assert_num_queries):
    svc.create_person_at_door(meeting=open_meeting, first_name="Warm", actor=organiser)
    # savepoint; the meeting with its branch and rules; the email check; insert person; audit;
    # then the check-in inside the same transaction (meeting and memberships, insert, audit);
    # the branch's people_version raised (the door's cached eligible count: tests/door/test_quorum_cache.py); release.
    with django_assert_num_queries(10):
        svc.create_person_at_door(meeting=open_meeting, first_name="New", email="new@example.org", actor=organiser)


@pytest.mark.parametrize("n", [2, 5])
def test_a_paper_list_runs_queries_per_person_not_per_lookup(
    party_meeting, branch, organiser, n, django_assert_num_queries
):
    people = [person_with_membership(branch) for _ in range(n)]
    svc.bulk_check_in(meeting=party_meeting, person_ids=[person_with_membership(branch).pk], actor=organiser)
    # savepoint; the meeting with its branch and rules; the people; per person a check-in of
    # three statements inside the one transaction (meeting and memberships, insert, audit); release.
    with django_assert_num_queries(4 + 3 * n):
        svc.bulk_check_in(meeting=party_meeting, person_ids=[p.pk for p in people], actor=organiser)
