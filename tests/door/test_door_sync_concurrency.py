"""Door devices sending at the same moment (PostgreSQL, where writers really race):
eight devices send their check-in of the same person at once, each with its
own nonce and time — one attendance, at the earliest time, seven duplicates;
and one device's check-in sent eight times at once is one check-in."""

import uuid
from datetime import date, timedelta

import pytest
from django.utils import timezone

from groups.models import Attendance, Category, DoorScan
from groups.services.door_sync import sync_check_in

from ..concurrency import RACES, race
from ..factories import MeetingFactory, MembershipFactory, PersonFactory

DEVICES = 8

pytestmark = RACES


@pytest.fixture
def setting(branch):
    now = timezone.now()
    meeting = MeetingFactory(branch=branch, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1))
    person = PersonFactory(branch=branch)
    MembershipFactory(
        person=person, category=Category.objects.get(branch=branch, slug="party-member"), started_on=date(2015, 1, 1)
    )
    return meeting, person, now


def test_eight_devices_at_once_give_one_attendance_at_the_earliest_time(setting, steward):
    meeting, person, now = setting
    times = [now - timedelta(minutes=10 + i) for i in range(DEVICES)]
    race(
        [
            lambda at=at, i=i: sync_check_in(
                meeting=meeting, person=person, nonce=uuid.uuid4(), checked_in_at=at, device=f"D{i}", actor=steward
            )
            for i, at in enumerate(times)
        ]
    )
    attendance = Attendance.objects.get(meeting=meeting, person=person)
    assert attendance.checked_in_at == min(times)
    scans = DoorScan.objects.filter(meeting=meeting, person=person)
    assert scans.count() == DEVICES
    assert list(scans.filter(outcome="in").values_list("scanned_at", flat=True)) == [min(times)]


def test_one_nonce_sent_eight_times_at_once_is_one_check_in(setting, steward):
    meeting, person, now = setting
    nonce = uuid.uuid4()
    outcomes = race(
        [
            lambda: sync_check_in(
                meeting=meeting, person=person, nonce=nonce, checked_in_at=now - timedelta(minutes=5), actor=steward
            )
        ]
        * DEVICES
    )
    assert Attendance.objects.filter(meeting=meeting, person=person).count() == 1
    assert DoorScan.objects.filter(nonce=nonce).count() == 1
    # Those that lost the race were told to send again (409), and sending again answers the first.
    assert all(o == "nonce_in_flight" or o.scan.nonce == nonce for o in outcomes)
    again = sync_check_in(
        meeting=meeting, person=person, nonce=nonce, checked_in_at=now - timedelta(minutes=5), actor=steward
    )
    assert again.created is False and again.scan.outcome == "in"
