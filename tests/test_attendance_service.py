"""The check_in service and its siblings: idempotent, explained, audited."""

from datetime import timedelta

import pytest
from django.utils import timezone

from groups.errors import Conflict, InvalidInput, NotAllowed
from groups.models import Attendance, AuditEvent, MeetingStatus, Person, Rule
from groups.services import attendance as svc

from .factories import MeetingFactory, PersonFactory, person_with_membership

pytestmark = pytest.mark.django_db


def rule(branch, name):
    return Rule.objects.get(branch=branch, name=name)


person_in = person_with_membership  # one membership of the category, since 1 January 2015


@pytest.fixture
def meeting(branch):
    return MeetingFactory(
        branch=branch,
        attendance_rule=rule(branch, "Party members only"),
        voting_rule=rule(branch, "Party members only"),
    )


def test_check_in_records_the_decision_and_rule_version(meeting, branch, steward):
    ana = person_in(branch, "party-member", first_name="Ana", last_name="Silva")
    attendance, created = svc.check_in(meeting=meeting, person=ana, actor=steward)
    assert created
    assert attendance.decision["eligible"] is True
    assert "Party member" in attendance.decision["reasons"][0]
    assert attendance.rule_version.rule == meeting.attendance_rule
    assert attendance.rule_version.version == meeting.attendance_rule.version
    assert attendance.may_vote and attendance.checked_in_by == steward and attendance.method == "door"
    event = AuditEvent.objects.get(action="attendance.check_in")
    assert event.person_id == ana.pk
    assert event.changes == {"person": ana.pk, "eligible": True, "method": "door", "override": False}
    assert "Ana" not in str(event.changes) and "Ana" not in event.summary


def test_second_check_in_returns_the_first(meeting, branch, steward, organiser):
    ana = person_in(branch, "party-member")
    first, created = svc.check_in(meeting=meeting, person=ana, actor=steward)
    again, created_again = svc.check_in(meeting=meeting, person=ana, actor=organiser, method="qr")
    assert created and not created_again
    assert again.pk == first.pk and again.checked_in_by == steward and again.method == "door"
    assert Attendance.objects.filter(meeting=meeting).count() == 1
    assert AuditEvent.objects.filter(action="attendance.check_in").count() == 1


def test_ineligible_person_is_refused_with_the_decision(meeting, branch, steward):
    sam = person_in(branch, "registered-supporter")
    with pytest.raises(NotAllowed) as exc:
        svc.check_in(meeting=meeting, person=sam, actor=steward)
    assert exc.value.code == "not_eligible"
    assert exc.value.details["decision"]["eligible"] is False
    assert "Registered supporter" in exc.value.message
    assert not Attendance.objects.exists()


def test_steward_cannot_override_unless_the_branch_allows(meeting, branch, steward):
    sam = person_in(branch, "registered-supporter")
    with pytest.raises(NotAllowed) as exc:
        svc.check_in(meeting=meeting, person=sam, actor=steward, override_reason="Chair agreed")
    assert exc.value.code == "override_not_allowed"
    branch.stewards_may_override = True
    branch.save()
    steward.__dict__.pop("_rollcall_roles", None)
    attendance, _ = svc.check_in(meeting=meeting, person=sam, actor=steward, override_reason="  Chair agreed ")
    assert attendance.override_reason == "Chair agreed"
    assert attendance.decision["eligible"] is False
    assert attendance.may_vote is False  # the voting rule does not admit them either


def test_override_needs_a_reason_even_for_organisers(meeting, branch, organiser):
    sam = person_in(branch, "registered-supporter")
    with pytest.raises(NotAllowed) as exc:
        svc.check_in(meeting=meeting, person=sam, actor=organiser, override_reason="   ")
    assert exc.value.code == "not_eligible"
    attendance, _ = svc.check_in(meeting=meeting, person=sam, actor=organiser, override_reason="Speaker")
    assert attendance.override_reason == "Speaker"
    assert AuditEvent.objects.get(action="attendance.check_in").changes["override"] is True


def test_eligible_person_keeps_no_override_reason(meeting, branch, organiser):
    ana = person_in(branch, "party-member")
    attendance, _ = svc.check_in(meeting=meeting, person=ana, actor=organiser, override_reason="just because")
    assert attendance.override_reason == ""


def test_cancelled_meeting_refuses_check_in(meeting, branch, steward):
    meeting.status = MeetingStatus.CANCELLED
    meeting.save()
    with pytest.raises(NotAllowed) as exc:
        svc.check_in(meeting=meeting, person=person_in(branch, "party-member"), actor=steward)
    assert exc.value.code == "meeting_cancelled"
    with pytest.raises(NotAllowed):
        svc.check_in(meeting=meeting, guest_name="Guest", actor=steward)


def test_another_branchs_person_is_refused(meeting, other_branch, steward):
    stranger = PersonFactory(branch=other_branch)
    with pytest.raises(NotAllowed) as exc:
        svc.check_in(meeting=meeting, person=stranger, actor=steward)
    assert exc.value.code == "wrong_branch"


def test_undo_keeps_the_row_and_re_check_in_reopens_it(meeting, branch, steward, organiser):
    ana = person_in(branch, "party-member")
    attendance, _ = svc.check_in(meeting=meeting, person=ana, actor=steward)
    with pytest.raises(InvalidInput):
        svc.undo_check_in(attendance=attendance, actor=steward, reason=" ")
    svc.undo_check_in(attendance=attendance, actor=steward, reason="Wrong Ana")
    attendance.refresh_from_db()
    assert attendance.undone_at and attendance.undone_by == steward and attendance.undo_reason == "Wrong Ana"
    with pytest.raises(Conflict):
        svc.undo_check_in(attendance=attendance, actor=steward, reason="again")
    again, created = svc.check_in(meeting=meeting, person=ana, actor=organiser)
    assert created and again.pk == attendance.pk
    assert again.undone_at is None and again.undo_reason == "" and again.checked_in_by == organiser
    assert Attendance.objects.count() == 1
    assert list(
        AuditEvent.objects.filter(action__startswith="attendance.").order_by("id").values_list("action", flat=True)
    ) == ["attendance.check_in", "attendance.undo", "attendance.reopen"]


def test_mark_left(meeting, branch, steward):
    attendance, _ = svc.check_in(meeting=meeting, person=person_in(branch, "party-member"), actor=steward)
    when = timezone.now() + timedelta(hours=2)
    svc.mark_left(attendance=attendance, actor=steward, at=when)
    attendance.refresh_from_db()
    assert attendance.left_at == when
    svc.mark_left(attendance=attendance, actor=steward)  # a second tap changes nothing
    attendance.refresh_from_db()
    assert attendance.left_at == when
    assert AuditEvent.objects.filter(action="attendance.left").count() == 1


def test_guest_needs_a_name_and_never_votes(meeting, steward):
    with pytest.raises(InvalidInput):
        svc.check_in(meeting=meeting, guest_name="  ", actor=steward)
    with pytest.raises(InvalidInput):
        svc.check_in(meeting=meeting, guest_name="Jo", guest_email="not-an-email", actor=steward)
    guest, created = svc.check_in(
        meeting=meeting, guest_name=" Jo  Bloggs ", guest_email="jo@example.org", actor=steward
    )
    assert created and guest.guest_name == "Jo Bloggs" and guest.person is None and not guest.may_vote
    assert AuditEvent.objects.get(action="attendance.guest").changes == {"guest": True}


def test_create_person_at_door_is_for_organisers_and_all_or_nothing(meeting, branch, organiser, steward):
    with pytest.raises(NotAllowed):
        svc.create_person_at_door(meeting=meeting, first_name="New", actor=steward, override_reason="x")
    with pytest.raises(NotAllowed) as exc:  # nobody new is a party member: refused without a reason
        svc.create_person_at_door(meeting=meeting, first_name="New", last_name="Person", actor=organiser)
    assert exc.value.code == "not_eligible"
    assert not Person.objects.filter(first_name="New").exists()
    person, attendance = svc.create_person_at_door(
        meeting=meeting,
        first_name="New",
        last_name="Person",
        postcode="n154ab",
        email="new@example.org",
        actor=organiser,
        override_reason="Joining tonight",
    )
    assert person.postcode == "N15 4AB" and attendance.person == person and attendance.override_reason


def test_everyone_rule_admits_and_lets_vote(branch, steward):
    meeting = MeetingFactory(branch=branch)
    attendance, _ = svc.check_in(meeting=meeting, person=PersonFactory(branch=branch), actor=steward)
    assert attendance.decision == {"eligible": True, "reasons": ["Open to everyone"]}
    assert attendance.may_vote and attendance.rule_version is None


def test_bulk_check_in_is_all_or_nothing(meeting, branch, organiser):
    ana, bo = person_in(branch, "party-member"), person_in(branch, "party-member")
    sam = person_in(branch, "registered-supporter")
    with pytest.raises(InvalidInput) as exc:
        svc.bulk_check_in(meeting=meeting, person_ids=[ana.pk, sam.pk, bo.pk], actor=organiser)
    assert exc.value.code == "bulk_refused" and list(exc.value.details["errors"]) == [sam.pk]
    assert not Attendance.objects.exists()
    results = svc.bulk_check_in(
        meeting=meeting,
        person_ids=[ana.pk, sam.pk, bo.pk],
        actor=organiser,
        override_reasons={sam.pk: "On the paper list, chair agreed"},
    )
    assert len(results) == 3
    assert set(Attendance.objects.values_list("method", flat=True)) == {"bulk"}


def test_bulk_check_in_refuses_people_of_another_branch(meeting, other_branch, organiser):
    with pytest.raises(InvalidInput):
        svc.bulk_check_in(meeting=meeting, person_ids=[PersonFactory(branch=other_branch).pk], actor=organiser)


def test_a_rule_changed_after_the_meeting_was_read_decides_with_the_new_version(meeting, branch, steward, organiser):
    from groups.models import Meeting
    from groups.services.rules import update_rule

    held = Meeting.objects.select_related("branch", "attendance_rule", "voting_rule").get(pk=meeting.pk)
    sam = person_in(branch, "registered-supporter")
    rule_now = update_rule(
        rule=meeting.attendance_rule,
        actor=organiser,
        definition={"membership": {"categories": ["party-member", "registered-supporter"]}},
    )
    attendance, created = svc.check_in(meeting=held, person=sam, actor=steward)
    assert created and attendance.decision["eligible"] is True
    assert attendance.rule_version.version == rule_now.version == 2


def test_someone_let_in_by_override_is_not_refused_on_a_second_tap(meeting, branch, organiser, steward):
    sam = person_in(branch, "registered-supporter")
    first, _ = svc.check_in(meeting=meeting, person=sam, actor=organiser, override_reason="Speaker")
    again, created = svc.check_in(meeting=meeting, person=sam, actor=steward)
    assert again.pk == first.pk and not created
    assert AuditEvent.objects.filter(action="attendance.check_in").count() == 1


def test_a_check_in_is_its_own_transaction_and_refuses_to_run_inside_another(meeting, branch, steward):
    """durable: a caller cannot roll a check-in back without knowing (bulk_check_in and the
    door's new person use the inner function, inside their own transaction)."""
    from django.db import transaction

    person = PersonFactory(branch=branch)
    with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
        svc.check_in(meeting=meeting, person=person, actor=steward, override_reason="x")
    assert not Attendance.objects.exists()
