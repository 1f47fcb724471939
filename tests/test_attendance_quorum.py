"""Quorum as CONTRACT.md §4 defines it: only people present and admitted by the
voting rule count; never guests, never override entrants the voting rule refuses,
never people who left or whose check-in was undone."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from groups.eligibility.decisions import count_eligible
from groups.models import Rule
from groups.queries.attendance import quorum, quorum_needed
from groups.services import attendance as svc

from .factories import BranchFactory, MeetingFactory, PersonFactory, person_with_membership

pytestmark = pytest.mark.django_db


person_in = person_with_membership  # one membership of the category, since 1 January 2015


@pytest.mark.parametrize(
    ("number", "percent", "combine", "eligible", "needed"),
    [
        (None, None, "greater", 40, 0),
        (25, None, "greater", 40, 25),
        (None, Decimal("10"), "greater", 41, 5),  # 4.1 rounds up
        (None, Decimal("12.5"), "greater", 40, 5),
        (3, Decimal("10"), "greater", 41, 5),
        (3, Decimal("10"), "lesser", 41, 3),
        (30, Decimal("50"), "lesser", 10, 5),
        (None, Decimal("0"), "greater", 10, 0),
        (None, Decimal("100"), "greater", 7, 7),
    ],
)
def test_quorum_needed(number, percent, combine, eligible, needed):
    meeting = MeetingFactory.build(quorum=number, quorum_percent=percent, quorum_combine=combine)
    assert quorum_needed(meeting, eligible) == needed


@pytest.fixture
def setup(branch, organiser):
    party = Rule.objects.get(branch=branch, name="Party members only")
    meeting = MeetingFactory(branch=branch, attendance_rule=None, voting_rule=party, quorum=3)
    members = [person_in(branch, "party-member") for _ in range(4)]
    supporters = [person_in(branch, "registered-supporter") for _ in range(2)]
    return meeting, members, supporters, organiser


def test_quorum_counts_only_present_voters(setup):
    meeting, members, supporters, organiser = setup
    assert quorum(meeting) == {
        "eligible": 4,
        "present": 0,
        "present_eligible": 0,
        "quorum": 3,
        "quorate": False,
        "guests": 0,
    }
    for p in members[:2] + supporters:
        svc.check_in(meeting=meeting, person=p, actor=organiser)
    svc.check_in(meeting=meeting, guest_name="Observer", actor=organiser)
    q = quorum(meeting)
    assert (q["present"], q["present_eligible"], q["guests"], q["quorate"]) == (5, 2, 1, False)
    third, _ = svc.check_in(meeting=meeting, person=members[2], actor=organiser)
    assert quorum(meeting)["quorate"] is True
    svc.mark_left(attendance=third, actor=organiser)
    q = quorum(meeting)
    assert (q["present"], q["present_eligible"], q["quorate"]) == (5, 2, False)
    fourth, _ = svc.check_in(meeting=meeting, person=members[3], actor=organiser)
    assert quorum(meeting)["quorate"] is True
    svc.undo_check_in(attendance=fourth, actor=organiser, reason="Wrong person")
    assert quorum(meeting)["present_eligible"] == 2


def test_override_entrants_the_voting_rule_refuses_never_count(branch, organiser):
    party = Rule.objects.get(branch=branch, name="Party members only")
    meeting = MeetingFactory(branch=branch, attendance_rule=party, voting_rule=party, quorum=1)
    sam = person_in(branch, "registered-supporter")
    svc.check_in(meeting=meeting, person=sam, actor=organiser, override_reason="Guest speaker")
    q = quorum(meeting)
    assert (q["present"], q["present_eligible"], q["quorate"]) == (1, 0, False)


def test_no_quorum_set_is_quorate_and_no_voting_rule_means_everyone(branch, organiser):
    meeting = MeetingFactory(branch=branch)
    PersonFactory(branch=branch)
    q = quorum(meeting)
    assert q["quorum"] == 0 and q["quorate"] is True and q["eligible"] == 1


def test_percent_quorum_uses_the_eligible_count(setup):
    meeting, members, supporters, organiser = setup
    meeting.quorum, meeting.quorum_percent = None, Decimal("50")
    meeting.save()
    assert quorum(meeting)["quorum"] == 2


def test_count_eligible_ignores_other_branches(branch, other_branch):
    party = Rule.objects.get(branch=branch, name="Party members only")
    person_in(branch, "party-member")
    person_in(branch, "supporter")
    PersonFactory(branch=other_branch)
    assert count_eligible(branch, party, date(2026, 1, 1)) == 1
    assert count_eligible(branch, None, date(2026, 1, 1)) == 2


def test_eligibility_date_is_the_local_date_or_the_freeze_date():
    branch = BranchFactory.build(time_zone="Europe/London")
    late = datetime(2026, 6, 1, 23, 30, tzinfo=ZoneInfo("UTC"))  # 00:30 on 2 June in London
    meeting = MeetingFactory.build(branch=branch, starts_at=late, eligibility_date=None)
    assert meeting.effective_eligibility_date == date(2026, 6, 2)
    meeting.eligibility_date = date(2026, 1, 1)
    assert meeting.effective_eligibility_date == date(2026, 1, 1)


def test_quorum_partial_and_panel(client_for, steward, setup):
    meeting, members, supporters, organiser = setup
    client = client_for(steward)
    part = reverse("door_quorum", args=[meeting.branch.slug, meeting.pk])
    assert "Not quorate — 0 of 3 needed" in client.get(part).content.decode()
    for p in members[:3]:
        svc.check_in(meeting=meeting, person=p, actor=organiser)
    html = client.get(part).content.decode()
    assert "Quorate — 3 of 3 needed" in html and "<html" not in html
    page = client.get(reverse("door", args=[meeting.branch.slug, meeting.pk])).content.decode()
    # The bar refreshes every 5 s, and at once after each check-in at this door (door mode).
    assert 'hx-trigger="every 5s, door-changed from:body"' in page
    assert f'hx-get="{part}?recent=1"' in page and "Quorate — 3 of 3 needed" in page
    # The door page's poll brings the last check-ins too, out of band (every device at the door sees them).
    polled = client.get(part + "?recent=1").content.decode()
    assert "Quorate — 3 of 3 needed" in polled and 'id="door-recent-body" hx-swap-oob="true"' in polled
    assert str(members[2]) in polled and "door-recent-body" not in html
