"""Which attendance row a check-in answers with, and whose name is on it.

A refused check-in of someone already in answers with their check-in (they
were perhaps let in by override a moment ago: that stands) — but only a
check-in of that person, at this meeting, that was not undone. Anything else
would tell the steward "already in" about someone the rule refuses. Checking
someone in again after an undo re-opens their own row at this meeting, never
another person's or another meeting's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser

from groups.errors import NotAllowed
from groups.models import Attendance, AuditEvent, Rule
from groups.services import attendance as svc

from ..factories import MeetingFactory, person_with_membership

pytestmark = pytest.mark.django_db

T1 = datetime(2026, 3, 12, 19, 0, tzinfo=UTC)


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


def test_checking_in_again_after_an_undo_reopens_this_persons_row_at_this_meeting(party_meeting, branch, steward):
    ana = person_with_membership(branch, "party-member")
    bo = person_with_membership(branch, "party-member")
    social = MeetingFactory(branch=branch, title="Social")
    ours, _ = svc.check_in(meeting=party_meeting, person=ana, actor=steward, at=T1)
    svc.undo_check_in(attendance=ours, actor=steward, reason="Pressed the wrong name")
    # Checked in later than her undone row: Bo here, and Ana herself at the social.
    bos, _ = svc.check_in(meeting=party_meeting, person=bo, actor=steward, at=T1 + timedelta(minutes=5))
    at_social, _ = svc.check_in(meeting=social, person=ana, actor=steward, at=T1 + timedelta(minutes=10))

    again, created = svc.check_in(meeting=party_meeting, person=ana, actor=steward, at=T1 + timedelta(minutes=20))
    assert (again.pk, created) == (ours.pk, True)
    again = Attendance.objects.get(pk=again.pk)
    assert (again.meeting, again.person, again.undone_at) == (party_meeting, ana, None)
    assert again.checked_in_at == T1 + timedelta(minutes=20)
    # The other two rows are as they were.
    assert Attendance.objects.get(pk=bos.pk).checked_in_at == T1 + timedelta(minutes=5)
    assert Attendance.objects.get(pk=at_social.pk).checked_in_at == T1 + timedelta(minutes=10)


@pytest.mark.parametrize("actor", [None, "anonymous"])
def test_a_person_checked_in_without_a_signed_in_actor_has_nobody_as_checked_in_by(party_meeting, branch, actor):
    ana = person_with_membership(branch, "party-member")
    actor = AnonymousUser() if actor == "anonymous" else None
    attendance, created = svc.check_in(meeting=party_meeting, person=ana, actor=actor)
    assert created and Attendance.objects.get(pk=attendance.pk).checked_in_by is None
