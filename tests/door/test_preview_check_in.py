"""groups.services.attendance.preview_check_in, the API's ``simulate``: what a
check-in would answer now, written out whole — an app at the door shows it
before anyone is let in, so a wrong key, a wrong vote or a wrong "already in"
is what its steward would see. Nothing is ever written."""

from __future__ import annotations

import pytest

from groups.models import Attendance, AuditEvent, MeetingStatus, Person, Rule
from groups.services import attendance as svc

from ..factories import AttendanceFactory, MeetingFactory, PersonFactory, person_with_membership

pytestmark = pytest.mark.django_db

ADMITTED = {"eligible": True, "reasons": ["Party member since 1 January 2015"]}
REFUSED = {"eligible": False, "reasons": ["No active Party member membership (holds: Registered supporter)"]}


def counts():
    return (Person.objects.count(), Attendance.objects.count(), AuditEvent.objects.count())


@pytest.fixture
def party_meeting(branch):
    rule = Rule.objects.get(branch=branch, name="Party members only")
    return MeetingFactory(branch=branch, title="AGM", attendance_rule=rule, voting_rule=rule)


def test_someone_the_rule_admits_would_be_checked_in_with_a_vote(party_meeting, branch, steward):
    ana = person_with_membership(branch, "party-member")
    before = counts()
    answer = svc.preview_check_in(meeting=party_meeting, person=ana, actor=steward)
    assert answer == {"outcome": "check_in", "decision": ADMITTED, "may_vote": True, "override": False}
    assert counts() == before


def test_an_override_would_let_them_in_without_a_vote(party_meeting, branch, organiser):
    sam = person_with_membership(branch, "registered-supporter")
    answer = svc.preview_check_in(meeting=party_meeting, person=sam, actor=organiser, override_reason="Speaker")
    assert answer == {"outcome": "check_in", "decision": REFUSED, "may_vote": False, "override": True}
    assert not Attendance.objects.exists()


def test_a_refusal_says_why_and_never_gives_a_vote(party_meeting, branch, steward):
    sam = person_with_membership(branch, "registered-supporter")
    answer = svc.preview_check_in(meeting=party_meeting, person=sam, actor=steward)
    assert answer == {
        "outcome": "refused",
        "code": "not_eligible",
        "detail": "Not eligible: " + REFUSED["reasons"][0] + ". To let them in anyway, give a reason.",
        "decision": REFUSED,
        "may_vote": False,
    }


def test_a_refusal_before_any_decision_has_no_decision(party_meeting, branch, steward):
    party_meeting.status = MeetingStatus.CANCELLED
    party_meeting.save(update_fields=["status"])
    ana = person_with_membership(branch, "party-member")
    answer = svc.preview_check_in(meeting=party_meeting, person=ana, actor=steward)
    assert answer == {
        "outcome": "refused",
        "code": "meeting_cancelled",
        "detail": "This meeting was cancelled, so nobody can be checked in.",
        "decision": None,
        "may_vote": False,
    }


def test_another_branchs_person_is_refused_as_a_check_in_would_be(party_meeting, other_branch, steward):
    stranger = PersonFactory(branch=other_branch)
    answer = svc.preview_check_in(meeting=party_meeting, person=stranger, actor=steward)
    assert answer == {
        "outcome": "refused",
        "code": "wrong_branch",
        "detail": "This person is not in this branch.",
        "decision": None,
        "may_vote": False,
    }


def test_already_in_is_this_persons_check_in_at_this_meeting_with_its_vote(party_meeting, branch, steward):
    ana = person_with_membership(branch, "party-member")
    bo = person_with_membership(branch, "party-member")
    # Bo is in (without a vote, as if let in by override); Ana was here once but
    # it was undone, and she went to another meeting: she is not in yet.
    AttendanceFactory(meeting=party_meeting, person=bo, may_vote=False)
    AttendanceFactory(meeting=MeetingFactory(branch=branch), person=ana)
    undone = AttendanceFactory(meeting=party_meeting, person=ana)
    Attendance.objects.filter(pk=undone.pk).update(undone_at=undone.checked_in_at)

    assert svc.preview_check_in(meeting=party_meeting, person=ana, actor=steward)["outcome"] == "check_in"
    assert svc.preview_check_in(meeting=party_meeting, person=bo, actor=steward) == {
        "outcome": "already_in",
        "decision": ADMITTED,
        "may_vote": False,
    }
