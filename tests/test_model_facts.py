"""Facts the models own about themselves: a branch's time zone, its today and
local dates; a meeting's eligibility date; open and published meetings."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from groups.models import Branch, Meeting, MeetingKind, MeetingStatus

from .factories import MeetingFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize("recorded", ["", "Not/AZone", "../../etc/passwd"])
def test_a_branch_without_a_readable_time_zone_meets_in_london(recorded):
    assert Branch(time_zone=recorded).zone == LONDON


def test_a_branch_uses_its_own_time_zone():
    assert Branch(time_zone="Pacific/Auckland").zone == ZoneInfo("Pacific/Auckland")
    assert Branch().zone == LONDON  # the default


def test_today_and_local_dates_are_the_branchs_not_utcs():
    late = datetime(2026, 6, 1, 23, 30, tzinfo=UTC)  # 00:30 on 2 June in London (BST)
    london, auckland = Branch(time_zone="Europe/London"), Branch(time_zone="Pacific/Auckland")
    assert london.local_date(late) == date(2026, 6, 2)
    assert london.today(late) == date(2026, 6, 2)
    winter = datetime(2026, 1, 1, 23, 30, tzinfo=UTC)  # GMT: still 1 January
    assert london.today(winter) == date(2026, 1, 1)
    assert auckland.today(datetime(2026, 1, 1, 10, 0, tzinfo=UTC)) == date(2026, 1, 1)
    assert auckland.today(datetime(2026, 1, 1, 11, 0, tzinfo=UTC)) == date(2026, 1, 2)  # NZDT is UTC+13


def test_a_meetings_eligibility_date_is_its_freeze_date_or_its_local_date(branch):
    meeting = MeetingFactory.build(branch=branch, starts_at=datetime(2026, 6, 1, 23, 30, tzinfo=UTC))
    assert meeting.effective_eligibility_date == date(2026, 6, 2)
    meeting.eligibility_date = date(2026, 1, 1)
    assert meeting.effective_eligibility_date == date(2026, 1, 1)
    branch.time_zone = "America/New_York"  # 19:30 on 1 June there
    meeting.eligibility_date = None
    assert meeting.effective_eligibility_date == date(2026, 6, 1)


def test_open_and_published_meetings(branch):
    shown = MeetingFactory(branch=branch, kind=MeetingKind.OPEN, status=MeetingStatus.PUBLISHED)
    for kind, status in [
        (MeetingKind.OPEN, MeetingStatus.DRAFT),
        (MeetingKind.OPEN, MeetingStatus.CANCELLED),
        (MeetingKind.OPEN, MeetingStatus.HELD),
        (MeetingKind.AGM, MeetingStatus.PUBLISHED),
    ]:
        hidden = MeetingFactory(branch=branch, kind=kind, status=status)
        assert not hidden.is_open_and_published
    assert list(Meeting.objects.open_and_published()) == [shown]
    assert shown.is_open_and_published
