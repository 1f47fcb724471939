"""Sixteen stewards tap "Check in" for the same person at the same moment:
exactly one Attendance row, and everyone gets that row back."""

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
