"""Elections through their services: nominations and their close (the holder
rule's reasons), uncontested declarations, the online ballot's entitlement at
the freeze date, one ballot each, the count stored and repeatable from the
BLT download."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from groups import counting
from groups.errors import Conflict, InvalidInput, NotAllowed
from groups.models import AuditAction, AuditEvent, ElectionStatus, NominationStatus, PositionHolder
from groups.queries import elections as queries
from groups.services import elections as services
from groups.services.election_ballots import cast_election_ballot, close_ballot

from ..factories import person_with_membership
from .helpers import FREEZE, chair, contested, members, online

pytestmark = pytest.mark.django_db


def test_a_nominee_the_holder_rule_refuses_is_listed_with_the_reason(branch, organiser):
    position = chair(branch)
    election = online(branch, organiser, method="fptp", seats=1, positions=[position])
    supporter = person_with_membership(branch, "registered-supporter", first_name="Sam", last_name="Lee")
    good, voter = members(branch, 2)
    services.nominate(
        election=election,
        person=supporter,
        nominators=[voter],
        actor=organiser,
        consented=True,
        consent_note="Signed the form",
    )
    services.nominate(
        election=election,
        person=good,
        nominators=[voter],
        actor=organiser,
        consented=True,
        consent_note="Signed the form",
    )
    election = services.close_nominations(election=election, actor=organiser)
    refused = election.nominations.get(person=supporter)
    assert refused.status == NominationStatus.REFUSED
    assert refused.decision["eligible"] is False
    assert any("Party member" in r for r in refused.decision["reasons"]), refused.decision
    # One eligible nominee for one seat: declared and appointed.
    assert election.status == ElectionStatus.DECLARED
    assert election.result["uncontested"] is True
    holder = PositionHolder.objects.get(position=position)
    assert holder.person == good and holder.source == "elected" and holder.started_on == election.election_on


def test_a_nominator_who_may_not_vote_is_refused_with_their_reasons(branch, organiser):
    election = online(branch, organiser)
    nominee = members(branch, 1)[0]
    supporter = person_with_membership(branch, "registered-supporter")
    with pytest.raises(NotAllowed) as refused:
        services.nominate(
            election=election,
            person=nominee,
            nominators=[supporter],
            actor=organiser,
            consented=True,
            consent_note="Signed the form",
        )
    assert refused.value.code == "not_eligible_nominator"
    assert refused.value.details["decision"]["eligible"] is False
    assert not election.nominations.exists()


def test_uncontested_delegation_declares_everyone_standing_with_a_vacancy(branch, organiser):
    election = online(branch, organiser, seats=3)
    a, b, voter = members(branch, 3)
    for p in (a, b):
        services.nominate(
            election=election,
            person=p,
            nominators=[voter],
            actor=organiser,
            consented=True,
            consent_note="Signed the form",
        )
    election = services.close_nominations(election=election, actor=organiser)
    assert election.status == ElectionStatus.DECLARED
    assert election.result["vacant_seats"] == 1
    assert set(election.nominations.filter(elected=True).values_list("person", flat=True)) == {a.pk, b.pk}


def test_withdrawn_nominee_is_not_on_the_ballot(branch, organiser):
    election = online(branch, organiser, seats=1, method="irv")
    a, b, c, voter = members(branch, 4)
    nominations = [
        services.nominate(
            election=election,
            person=p,
            nominators=[voter],
            actor=organiser,
            consented=True,
            consent_note="Signed the form",
        )
        for p in (a, b, c)
    ]
    services.withdraw_nomination(nomination=nominations[0], actor=organiser)
    election = services.close_nominations(election=election, actor=organiser)
    assert election.status == ElectionStatus.BALLOT
    assert {n.person_id for n in queries.standing(election)} == {b.pk, c.pk}


def test_online_ballot_refuses_someone_who_joined_after_the_freeze_date(branch, organiser):
    election, nominations, _ = contested(branch, organiser)
    late = person_with_membership(branch, membership={"started_on": FREEZE + timedelta(days=3)})
    with pytest.raises(NotAllowed) as refused:
        cast_election_ballot(election=election, person=late, ranking=[nominations[0].pk], actor=None)
    assert refused.value.code == "not_entitled"
    reasons = refused.value.details["decision"]["reasons"]
    assert reasons and "1 March 2026" in " ".join(reasons), reasons
    assert not election.marks.exists() and not election.ballots.exists()


def test_a_second_ballot_is_refused(branch, organiser):
    election, nominations, voters = contested(branch, organiser)
    cast_election_ballot(election=election, person=voters[1], ranking=[nominations[0].pk], actor=None)
    with pytest.raises(Conflict) as again:
        cast_election_ballot(election=election, person=voters[1], ranking=[nominations[1].pk], actor=None)
    assert again.value.code == "already_voted"
    assert election.ballots.count() == 1


def test_a_copy_of_the_election_from_before_the_ballot_opened_still_casts(branch, organiser):
    # The demo (and any caller) may hold the election as it was when nominations were open.
    election, nominations, voters = contested(branch, organiser)
    election.status = ElectionStatus.NOMINATIONS  # the stale copy; the row says the ballot is open
    cast_election_ballot(election=election, person=voters[1], ranking=[nominations[0].pk], actor=None)
    assert election.ballots.count() == 1


def test_bad_ballots_are_refused_with_a_message(branch, organiser):
    election, nominations, voters = contested(branch, organiser)
    for ranking, code in (([], "empty_ballot"), ([nominations[0].pk] * 2, "repeated"), ([999999], "not_a_candidate")):
        with pytest.raises(InvalidInput) as bad:
            cast_election_ballot(election=election, person=voters[1], ranking=ranking, actor=None)
        assert bad.value.code == code
    assert not election.marks.exists()


def test_a_block_vote_takes_at_most_a_mark_per_seat(branch, organiser):
    election, nominations, voters = contested(branch, organiser, method="block", seats=2)
    with pytest.raises(InvalidInput) as bad:
        cast_election_ballot(election=election, person=voters[1], ranking=[n.pk for n in nominations], actor=None)
    assert bad.value.code == "too_many_marks"


def test_outside_the_ballot_times_nothing_is_taken(branch, organiser):
    election, nominations, voters = contested(branch, organiser)
    with pytest.raises(Conflict) as late:
        cast_election_ballot(
            election=election, person=voters[1], ranking=[nominations[0].pk], actor=None,
            at=timezone.now() + timedelta(days=2),
        )  # fmt: skip
    assert late.value.code == "ballot_closed"


def test_the_stored_result_is_the_count_of_the_blt_download(branch, organiser):
    position = chair(branch)
    position.seats = 2
    position.save()
    election, nominations, voters = contested(branch, organiser, candidates=4, seats=2, positions=[position])
    a, b, c, d = (n.pk for n in nominations)
    papers = [[a, b], [a, c], [b], [c, d, a], [d], [a]]
    for voter, ranking in zip(voters, papers, strict=True):
        cast_election_ballot(election=election, person=voter, ranking=ranking, actor=None)
    election = close_ballot(election=election, actor=organiser)
    assert election.status == ElectionStatus.DECLARED
    download = queries.blt(election)
    ballots = counting.read_blt(download)
    constraints = counting.parse_constraints(election.result["constraints"] or None, ballots)
    recount = counting.count(ballots, election.method, seed=election.seed, constraints=constraints)
    assert recount.as_dict() == election.result
    assert election.ballots_sha256 == ballots.sha256() == election.result["ballots_sha256"]
    assert election.result["seed"] == election.seed and len(election.seed) == 32
    elected = set(election.nominations.filter(elected=True).values_list("person_id", flat=True))
    assert len(elected) == 2
    assert set(PositionHolder.objects.filter(position=position).values_list("person_id", flat=True)) == elected
    event = AuditEvent.objects.get(action=AuditAction.ELECTION_DECLARE)
    assert event.changes["seed"] == election.seed


def test_a_womens_minimum_by_rule_is_applied_in_the_count(branch, organiser):
    from groups.models import Rule

    women = Rule.objects.create(branch=branch, name="Named women", definition={"everyone": True})
    election, nominations, voters = contested(
        branch, organiser, candidates=3, seats=2, method="scottish_stv", election_on=date(2026, 3, 10)
    )
    # A constraint naming the last candidate: at least one of them elected.
    election.constraints = [
        {"label": "women", "rule": None, "people": [nominations[2].person_id], "min": 1, "max": None}
    ]
    election.save()
    a, b, c = (n.pk for n in nominations)
    for voter, ranking in zip(voters, [[a], [a], [a], [b], [b], [c]], strict=True):
        cast_election_ballot(election=election, person=voter, ranking=ranking, actor=None)
    election = close_ballot(election=election, actor=organiser)
    assert nominations[2].person_id in set(
        election.nominations.filter(elected=True).values_list("person_id", flat=True)
    )
    assert election.result["constraints"][0]["min"] == 1
    assert women.pk  # the rule form of a constraint is exercised through the API tests


def test_a_meeting_ballot_admits_only_those_who_may_vote_there(branch, organiser):
    from groups.services import attendance

    from ..factories import MeetingFactory
    from .helpers import party

    meeting = MeetingFactory(branch=branch, attendance_rule=None, voting_rule=party(branch))
    election = services.create_election(
        branch=branch, actor=organiser, title="Officers", method="fptp", seats=1, election_on=date(2026, 3, 10),
        ballot_mode="meeting", meeting=meeting,
    )  # fmt: skip
    services.open_nominations(election=election, actor=organiser)
    a, b, here, away = members(branch, 4)
    attendance.check_in(meeting=meeting, person=here, actor=organiser)
    for p in (a, b):
        services.nominate(
            election=election,
            person=p,
            nominators=[here],
            actor=organiser,
            consented=True,
            consent_note="Signed the form",
        )
    election = services.close_nominations(election=election, actor=organiser)
    nomination = election.nominations.get(person=a)
    cast_election_ballot(election=election, person=here, ranking=[nomination.pk], actor=None)
    with pytest.raises(NotAllowed) as refused:
        cast_election_ballot(election=election, person=away, ranking=[nomination.pk], actor=None)
    assert "Not checked in" in refused.value.details["decision"]["reasons"][0]
