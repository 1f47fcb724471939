"""Issue 11 item 1: a meeting whose voting rule is left empty lets vote
everyone the attendance rule admits — never the whole branch. Every place
that counts voters agrees: quorum, the meeting page's "May vote", the door,
the API's quorum/ and record/, the check-in's may_vote."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from groups.eligibility.decisions import count_eligible, decide, voting_definition
from groups.eligibility.loading import load_facts
from groups.models import Person, Rule
from groups.queries.attendance import quorum
from groups.queries.records import meeting_record
from groups.services import attendance as svc

from ..factories import MeetingFactory, person_with_membership

pytestmark = pytest.mark.django_db


person_in = person_with_membership  # one membership of the category, since 1 January 2015


def rule(branch, name):
    return Rule.objects.get(branch=branch, name=name)


@pytest.fixture
def members_only(branch):
    """The issue's meeting: attendance rule "Party members only", no voting
    rule, quorum 10 %; 6 party members and 14 supporters in the branch."""
    for _ in range(6):
        person_in(branch, "party-member")
    for _ in range(14):
        person_in(branch, "registered-supporter")
    return MeetingFactory(
        branch=branch, attendance_rule=rule(branch, "Party members only"), voting_rule=None, quorum_percent=Decimal(50)
    )


def test_quorum_counts_voters_among_those_who_may_attend(members_only):
    q = quorum(members_only)
    assert q["eligible"] == 6  # not the branch's 20
    assert q["quorum"] == 3  # 50 % of 6, not of 20


def test_meeting_page_may_vote_is_at_most_may_attend(members_only, organiser, client_for):
    page = client_for(organiser).get(reverse("meeting_detail", args=[members_only.branch.slug, members_only.pk]))
    html = page.content.decode()
    assert "<dt>May attend</dt><dd>6</dd>" in html
    assert "<dt>May vote</dt><dd>6</dd>" in html


def test_door_quorum_panel_needs_share_of_those_who_may_attend(members_only, steward, client_for):
    page = client_for(steward).get(reverse("door", args=[members_only.branch.slug, members_only.pk]))
    assert "0 of 3 needed" in page.content.decode()


def test_api_quorum_and_record(members_only, organiser, api):
    base = f"/api/v1/branches/{members_only.branch.slug}/meetings/{members_only.pk}"
    assert api(organiser).get(f"{base}/quorum/").json()["eligible"] == 6
    record = api(organiser).get(f"{base}/record/").json()
    assert (record["eligible_to_attend"], record["eligible_to_vote"], record["quorum"]) == (6, 6, 3)
    assert record["closed_at"] is None


def test_someone_let_in_by_override_is_no_voter(members_only, organiser):
    supporter = Person.objects.filter(memberships__category__slug="registered-supporter").first()
    attendance, _ = svc.check_in(
        meeting=members_only, person=supporter, actor=organiser, override_reason="Speaker tonight"
    )
    assert attendance.may_vote is False
    q = quorum(members_only)
    assert (q["present"], q["present_eligible"]) == (1, 0)
    assert meeting_record(members_only)["overrides"] == 1


def test_a_voting_rule_wider_than_the_attendance_rule_admits_no_one_extra(branch, organiser):
    """Voting rule "Everyone" at a members-only meeting: still only members vote."""
    members = [person_in(branch, "party-member") for _ in range(2)]
    supporter = person_in(branch, "registered-supporter")
    meeting = MeetingFactory(
        branch=branch, attendance_rule=rule(branch, "Party members only"), voting_rule=rule(branch, "Everyone")
    )
    assert quorum(meeting)["eligible"] == 2
    attendance, _ = svc.check_in(meeting=meeting, person=supporter, actor=organiser, override_reason="Guest speaker")
    assert attendance.may_vote is False
    attendance, _ = svc.check_in(meeting=meeting, person=members[0], actor=organiser)
    assert attendance.may_vote is True


def test_no_rules_at_all_everyone_votes(branch):
    for _ in range(3):
        person_in(branch, "registered-supporter")
    meeting = MeetingFactory(branch=branch, attendance_rule=None, voting_rule=None)
    assert quorum(meeting)["eligible"] == 3


RULE_NAMES = [
    None,
    "Everyone",
    "Party members only",
    "Party members of six months or more",
    "Youth: party members under 27",
]


@pytest.mark.parametrize("attend_name", RULE_NAMES)
@pytest.mark.parametrize("vote_name", RULE_NAMES)
def test_voters_are_exactly_those_both_rules_admit(branch, attend_name, vote_name):
    """The test that would have caught the bug: for every pair of rules (none
    included), the voters counted are the people both the attendance rule and
    the voting rule admit, one by one through the engine, and never more than
    may attend."""
    people = [person_in(branch, "party-member") for _ in range(3)]
    people += [person_in(branch, "registered-supporter") for _ in range(2)]
    recent = person_in(branch, "party-member")
    recent.memberships.update(started_on=date.today())
    young = person_in(branch, "party-member")
    Person.objects.filter(pk=young.pk).update(date_of_birth=date(date.today().year - 20, 1, 1))
    attend = rule(branch, attend_name) if attend_name else None
    vote = rule(branch, vote_name) if vote_name else None
    meeting = MeetingFactory(branch=branch, attendance_rule=attend, voting_rule=vote)
    as_of = meeting.effective_eligibility_date
    facts = load_facts(Person.objects.filter(branch=branch), branch=branch, as_of=as_of).facts
    expected = sum(
        1 for f in facts.values() if decide(attend, as_of, facts=f).eligible and decide(vote, as_of, facts=f).eligible
    )
    counted = quorum(meeting)["eligible"]
    assert counted == expected
    assert counted <= count_eligible(branch, attend, as_of)
    assert count_eligible(branch, voting_definition(attend, vote), as_of) == expected
