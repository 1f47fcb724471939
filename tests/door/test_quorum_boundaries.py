"""The quorum's number at its boundaries: a percentage of the people eligible
to vote, rounded up to a whole person, in exact arithmetic (Decimal, never
floats). The answers are worked out by hand."""

from decimal import Decimal

import pytest

from groups.queries.attendance import quorum_needed

from ..factories import MeetingFactory


@pytest.mark.parametrize(
    ("percent", "eligible", "needed"),
    [
        ("50", 202, 101),  # exactly half: no rounding
        ("10", 1001, 101),  # 100.1 people: one more
        ("50", 200, 100),
        ("50", 201, 101),  # 100.5 rounds up
        ("10", 1000, 100),
        ("10", 999, 100),  # 99.9 rounds up
        ("33.33", 300, 100),  # 99.99 rounds up
        ("33.34", 300, 101),  # 100.02 rounds up
        ("0.01", 10000, 1),
        ("0.01", 1, 1),  # any part of a person is a person
        ("100", 1001, 1001),
        ("50", 0, 0),  # nobody eligible: nobody needed
    ],
)
def test_a_percentage_quorum_is_rounded_up_to_whole_people(percent, eligible, needed):
    meeting = MeetingFactory.build(quorum=None, quorum_percent=Decimal(percent))
    assert quorum_needed(meeting, eligible) == needed


@pytest.mark.parametrize(
    ("number", "percent", "combine", "eligible", "needed"),
    [
        (100, "50", "greater", 202, 101),
        (102, "50", "greater", 202, 102),
        (100, "50", "lesser", 202, 100),
        (102, "50", "lesser", 202, 101),
        (101, "10", "lesser", 1001, 101),  # equal: either way
        (0, "10", "greater", 1001, 101),
        (0, "10", "lesser", 1001, 0),
    ],
)
def test_a_number_and_a_percentage_combine_as_the_meeting_says(number, percent, combine, eligible, needed):
    meeting = MeetingFactory.build(quorum=number, quorum_percent=Decimal(percent), quorum_combine=combine)
    assert quorum_needed(meeting, eligible) == needed


def test_a_number_alone_ignores_how_many_are_eligible():
    meeting = MeetingFactory.build(quorum=7, quorum_percent=None)
    assert [quorum_needed(meeting, n) for n in (0, 5, 1001)] == [7, 7, 7]


def test_no_quorum_set_needs_nobody():
    meeting = MeetingFactory.build(quorum=None, quorum_percent=None, quorum_combine="lesser")
    assert quorum_needed(meeting, 1001) == 0
