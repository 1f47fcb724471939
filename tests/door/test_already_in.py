"""A refused check-in of someone already in answers with their check-in (they
were perhaps let in by override a moment ago: that stands) — but only a
check-in of that person, at this meeting, that was not undone. Anything else
would tell the steward "already in" about someone the rule refuses."""

from __future__ import annotations

import pytest

from groups.errors import NotAllowed
from groups.models import Attendance, AuditEvent, Rule
from groups.services import attendance as svc

from ..factories import MeetingFactory, person_with_membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def party_meeting(branch):
    rule = Rule.objects.get(branch=branch, name="Party members only")
    return MeetingFactory(branch=branch, title="AGM", attendance_rule=rule, voting_rule=rule)


def test_someone_let_in_by_override_is_already_in_when_a_steward_tries_again(party_meeting, branch, organiser, steward):
    sam = person_with_membership(branch, "registered-supporter")
    first, _ = svc.check_in(meeting=party_meeting, person=sam, actor=organiser, override_reason="Speaker")
    again, created = svc.check_in(meeting=party_meeting, person=sam, actor=steward)
    assert (again.pk, created) == (first.pk, False)


def test_a_check_in_at_another_meeting_does_not_let_a_refused_person_in(party_meeting, branch, organiser, steward):
    sam = person_with_membership(branch, "registered-supporter")
    social = MeetingFactory(branch=branch, title="Social")
    svc.check_in(meeting=social, person=sam, actor=steward)
    events = AuditEvent.objects.count()
    with pytest.raises(NotAllowed) as exc:
        svc.check_in(meeting=party_meeting, person=sam, actor=steward)
    assert exc.value.code == "not_eligible"
    assert not Attendance.objects.filter(meeting=party_meeting).exists()
    assert AuditEvent.objects.count() == events


def test_an_undone_override_does_not_let_a_refused_person_in(party_meeting, branch, organiser, steward):
    sam = person_with_membership(branch, "registered-supporter")
    first, _ = svc.check_in(meeting=party_meeting, person=sam, actor=organiser, override_reason="Speaker")
    svc.undo_check_in(attendance=first, actor=organiser, reason="Not the speaker after all")
    with pytest.raises(NotAllowed) as exc:
        svc.check_in(meeting=party_meeting, person=sam, actor=steward)
    assert exc.value.code == "not_eligible"
    assert Attendance.objects.get(pk=first.pk).undone_at is not None
