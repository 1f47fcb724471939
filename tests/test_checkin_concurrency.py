"""Many people at the same moment: sixteen stewards tap "Check in" for the same person (exactly
one Attendance row, everyone gets it back), sixteen invitees answer yes for the last place (one gets it)."""

from datetime import date

from groups.models import Attendance, Category, Invitation, Reply
from groups.services import attendance as svc
from groups.services import invitations as invitation_services

from .concurrency import RACES, race
from .factories import MeetingFactory, MembershipFactory, PersonFactory

THREADS = 16

pytestmark = RACES


def test_sixteen_concurrent_check_ins_make_one_row(branch, steward):
    meeting = MeetingFactory(branch=branch)
    person = PersonFactory(branch=branch)
    MembershipFactory(
        person=person, category=Category.objects.get(branch=branch, slug="party-member"), started_on=date(2015, 1, 1)
    )

    def tap():
        attendance, created = svc.check_in(meeting=meeting, person=person, actor=steward)
        return attendance.pk, created

    results = race([tap] * THREADS)
    assert Attendance.objects.filter(meeting=meeting, person=person).count() == 1
    row = Attendance.objects.get(meeting=meeting, person=person)
    assert {pk for pk, _ in results} == {row.pk}
    assert sum(created for _, created in results) == 1


def test_the_last_place_at_a_full_meeting_goes_to_one_of_sixteen_at_once(branch, organiser):
    """Sixteen invitees answer yes at the same moment to a meeting with one place left."""
    meeting = MeetingFactory(branch=branch, capacity=3)
    people = [PersonFactory(branch=branch) for _ in range(THREADS + 2)]
    for p in people[:2]:
        Invitation.objects.create(meeting=meeting, person=p, reply=Reply.YES)
    invitations = [Invitation.objects.create(meeting=meeting, person=p) for p in people[2:]]

    def answer(invitation):
        invitation_services.record_reply(invitation=invitation, reply=Reply.YES)
        return "yes"

    outcomes = race([lambda inv=inv: answer(inv) for inv in invitations])
    assert sorted(outcomes) == ["full"] * (THREADS - 1) + ["yes"]
    assert Invitation.objects.filter(meeting=meeting, reply=Reply.YES).count() == 3
