"""Many people at the same moment: sixteen stewards tap "Check in" for the same person (exactly
one Attendance row, everyone gets it back), sixteen invitees answer yes for the last place (one gets it)."""

import threading
from datetime import date

import pytest
from django.db import connection, connections

from groups.models import Attendance, Category
from groups.services import attendance as svc

from .factories import MeetingFactory, MembershipFactory, PersonFactory

THREADS = 16

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite serialises writers, so threads cannot race there",
    ),
]


def test_sixteen_concurrent_check_ins_make_one_row(branch, steward):
    meeting = MeetingFactory(branch=branch)
    person = PersonFactory(branch=branch)
    MembershipFactory(
        person=person, category=Category.objects.get(branch=branch, slug="party-member"), started_on=date(2015, 1, 1)
    )
    barrier = threading.Barrier(THREADS)
    results, errors = [None] * THREADS, []

    def tap(i):
        try:
            barrier.wait(timeout=30)
            attendance, created = svc.check_in(meeting=meeting, person=person, actor=steward)
            results[i] = (attendance.pk, created)
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=tap, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert Attendance.objects.filter(meeting=meeting, person=person).count() == 1
    row = Attendance.objects.get(meeting=meeting, person=person)
    assert {pk for pk, _ in results} == {row.pk}
    assert sum(created for _, created in results) == 1


def test_the_last_place_at_a_full_meeting_goes_to_one_of_sixteen_at_once(branch, organiser):
    """Sixteen invitees answer yes at the same moment to a meeting with one place left."""
    from groups.errors import Conflict
    from groups.models import Invitation, Reply
    from groups.services import invitations as invitation_services

    meeting = MeetingFactory(branch=branch, capacity=3)
    people = [PersonFactory(branch=branch) for _ in range(THREADS + 2)]
    for p in people[:2]:
        Invitation.objects.create(meeting=meeting, person=p, reply=Reply.YES)
    invitations = [Invitation.objects.create(meeting=meeting, person=p) for p in people[2:]]
    barrier = threading.Barrier(THREADS)
    outcomes, errors = [], []

    def answer(invitation):
        try:
            barrier.wait(timeout=30)
            invitation_services.record_reply(invitation=invitation, reply=Reply.YES)
            outcomes.append("yes")
        except Conflict as exc:
            outcomes.append(exc.code)
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=answer, args=(inv,)) for inv in invitations]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert sorted(outcomes) == ["full"] * (THREADS - 1) + ["yes"]
    assert Invitation.objects.filter(meeting=meeting, reply=Reply.YES).count() == 3
