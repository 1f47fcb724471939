"""An online ballot's roll (issue 13, CONTRACT.md §7: "everyone the voting rule
admits at the freeze date"): taken when the ballot opens, so that a ballot is
one statement for the roll, the window and the mark; refusals still give the
Decision's reasons; a lapse after the freeze date keeps someone on it; one
ballot each; nothing on the roll or the ballot says who voted how."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from groups.models import AuditEvent, ElectionBallot, ElectionEntitlement, ElectionVoterMark, Membership
from groups.services import elections as services
from groups.services.election_ballots import cast_election_ballot, entitlement
from groups.sql import sqlite_ballots

from ..factories import person_with_membership
from .helpers import FREEZE, contested, members, online

pytestmark = pytest.mark.django_db


def url(election):
    return f"/api/v1/branches/{election.branch.slug}/elections/{election.pk}/ballots/"


def linked(person, user):
    person.user = user
    person.save(update_fields=["user"])
    return person


def roll(election):
    return set(ElectionEntitlement.objects.filter(election=election).values_list("person_id", flat=True))


def test_the_roll_is_everyone_the_voting_rule_admits_on_the_freeze_date(branch, organiser):
    supporter = person_with_membership(branch, "registered-supporter")
    joined_later = person_with_membership(branch, membership={"started_on": FREEZE + timedelta(days=1)})
    election, nominations, voters = contested(branch, organiser)
    on_roll = roll(election)
    assert {v.pk for v in voters} | {n.person_id for n in nominations} <= on_roll
    assert supporter.pk not in on_roll and joined_later.pk not in on_roll
    close = AuditEvent.objects.filter(object_id=str(election.pk), action="election.nominations_close").get()
    assert close.changes["electorate"] == len(on_roll)


def test_someone_who_joined_after_the_freeze_date_is_refused_with_the_reason(branch, organiser, member, api):
    late = person_with_membership(branch, membership={"started_on": FREEZE + timedelta(days=2)})
    election, nominations, _ = contested(branch, organiser)
    linked(late, member)
    response = api(member).post(url(election), {"ranking": [nominations[0].pk]}, format="json")
    assert response.status_code == 403, response.json()
    body = response.json()
    reasons = " ".join(body["decision"]["reasons"])
    assert body["code"] == "not_entitled" and "1 March 2026" in reasons and "freeze date" in reasons
    assert not ElectionVoterMark.objects.filter(election=election).exists()
    assert not ElectionBallot.objects.filter(election=election).exists()


def test_a_member_admitted_on_the_freeze_date_who_lapsed_since_still_votes(branch, organiser, member, api):
    # §7: the electorate is whom the rule admits at the freeze date; a lapse afterwards changes nothing.
    election, nominations, voters = contested(branch, organiser)
    voter = linked(voters[2], member)
    Membership.objects.filter(person=voter).update(status="lapsed", ended_on=FREEZE + timedelta(days=5))
    assert services.voter_decision(election, voter).eligible is False  # today's records alone would refuse
    decision = entitlement(election, voter, at=timezone.now())
    assert decision.eligible and "freeze date" in " ".join(decision.reasons)
    response = api(member).post(url(election), {"ranking": [nominations[1].pk]}, format="json")
    assert response.status_code == 201, response.json()
    assert ElectionVoterMark.objects.filter(election=election, person=voter).count() == 1


def test_someone_the_records_admit_on_the_freeze_date_but_not_on_the_roll_votes(branch, organiser, member, api):
    # A membership entered after the ballot opened, backdated before the freeze date: decided live.
    election, nominations, _ = contested(branch, organiser)
    newcomer = linked(person_with_membership(branch, membership={"started_on": FREEZE - timedelta(days=30)}), member)
    assert newcomer.pk not in roll(election)
    response = api(member).post(url(election), {"ranking": [nominations[0].pk]}, format="json")
    assert response.status_code == 201, response.json()


def test_no_roll_while_the_freeze_date_is_still_to_come(branch, organiser):
    today = timezone.localdate()
    election, nominations, voters = contested(branch, organiser, freeze_on=today, election_on=today)
    assert not roll(election)
    cast_election_ballot(election=election, person=voters[1], ranking=[nominations[0].pk], actor=None)
    assert election.marks.count() == 1


def test_a_second_ballot_is_409_and_bad_ballots_are_400_before_anything_is_taken(branch, organiser, member, api):
    election, nominations, voters = contested(branch, organiser)
    linked(voters[1], member)
    client = api(member)
    bad = client.post(url(election), {"ranking": [nominations[0].pk] * 2}, format="json")
    assert bad.status_code == 400 and "at most one preference" in bad.json()["ranking"][0]
    assert client.post(url(election), {"ranking": [nominations[0].pk]}, format="json").status_code == 201
    again = client.post(url(election), {"ranking": [nominations[1].pk]}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_voted"
    assert election.marks.count() == 1 and election.ballots.count() == 1


def test_outside_the_window_a_voter_on_the_roll_hears_the_ballot_is_closed(branch, organiser):
    election, nominations, voters = contested(branch, organiser)
    from groups.errors import Conflict

    with pytest.raises(Conflict) as late:
        cast_election_ballot(
            election=election, person=voters[1], ranking=[nominations[0].pk], actor=None,
            at=timezone.now() + timedelta(days=2),
        )  # fmt: skip
    assert late.value.code == "ballot_closed" and not election.marks.exists()


def test_nothing_on_the_roll_or_the_ballot_links_a_voter_to_their_ballot(branch, organiser, member, api):
    election, nominations, voters = contested(branch, organiser)
    before = list(ElectionEntitlement.objects.filter(election=election).order_by("pk").values_list("pk", "person_id"))
    linked(voters[3], member)
    ranking = [nominations[2].pk, nominations[0].pk]
    assert api(member).post(url(election), {"ranking": ranking}, format="json").status_code == 201
    # The roll is as it was taken at the open, in the people's order: casting writes nothing to it.
    after = list(ElectionEntitlement.objects.filter(election=election).order_by("pk").values_list("pk", "person_id"))
    assert after == before and [p for _, p in before] == sorted(p for _, p in before)
    assert {f.attname for f in ElectionEntitlement._meta.concrete_fields} == {"id", "election_id", "person_id"}
    assert {f.attname for f in ElectionBallot._meta.concrete_fields} == {"id", "election_id", "ranking"}
    ballot = ElectionBallot.objects.get(election=election)
    assert ballot.ranking == ranking
    row = AuditEvent.objects.get(action="election.ballot", object_id=str(election.pk))
    assert str(nominations[2].pk) not in str(row.changes) and row.summary == "Voted"


def test_a_ballot_on_the_roll_costs_a_fixed_number_of_queries(
    branch, organiser, member, api, django_assert_num_queries
):
    election, nominations, voters = contested(branch, organiser, candidates=5)
    linked(voters[4], member)
    client = api(member)
    client.get(f"/api/v1/branches/{branch.slug}/elections/")  # the token's first use is behind us
    # token and user, role and branch; then on PostgreSQL one statement with nothing read before it
    # (rate limit, the account's person + roll + window + ranking + mark, ballot, audit row:
    # tests/elections/test_ballot_statement.py); on SQLite election + rule + person + standing ids,
    # then the same in a view's trigger and one read of what it did (was 11 with the Decision's
    # memberships and the standing ids read apart)
    if connection.vendor == "sqlite":
        sqlite_ballots.install()  # once per connection
    with django_assert_num_queries(3 if connection.vendor == "postgresql" else 5):
        response = client.post(url(election), {"ranking": [n.pk for n in nominations]}, format="json")
    assert response.status_code == 201, response.json()


def test_an_election_closed_before_the_roll_existed_still_decides_each_ballot(branch, organiser):
    # Elections whose ballot opened before this roll was kept: no rows, every ballot decided live.
    election, nominations, voters = contested(branch, organiser)
    ElectionEntitlement.objects.filter(election=election).delete()
    cast_election_ballot(election=election, person=voters[1], ranking=[nominations[0].pk], actor=None)
    late = person_with_membership(branch, membership={"started_on": FREEZE + timedelta(days=3)})
    from groups.errors import NotAllowed

    with pytest.raises(NotAllowed):
        cast_election_ballot(election=election, person=late, ranking=[nominations[0].pk], actor=None)
    assert election.marks.count() == 1


def test_the_roll_leaves_out_the_erased(branch, organiser):
    from groups.services.erasure import erase_person

    election = online(branch, organiser, open_=True)
    people = members(branch, 5)
    for p in people[:3]:
        services.nominate(
            election=election, person=p, nominators=[people[3]], actor=organiser, consented=True, consent_note="Signed"
        )
    erase_person(person=people[4], actor=organiser, reason="Asked to be forgotten")
    election = services.close_nominations(election=election, actor=organiser)
    assert people[4].pk not in roll(election) and people[3].pk in roll(election)
