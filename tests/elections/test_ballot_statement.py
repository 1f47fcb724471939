"""An online election ballot through the API as cheap as each database
allows (services.election_ballots.cast_own_election_ballot): on PostgreSQL
one statement counts the request, checks the roll and the window and writes
the mark, the ballot and the audit row; on SQLite the same steps in one
durable transaction. The rows are the service's own, every refusal is as it
was (the long way, cast_election_ballot, which both API paths called before),
and the request is counted once."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from groups.api.throttling import parse_rate
from groups.models import AuditEvent, ElectionBallot, ElectionEntitlement, ElectionVoterMark, Person, RateCount
from groups.services import election_ballots
from groups.services.election_ballots import cast_election_ballot, cast_own_election_ballot
from groups.sql import sqlite_ballots

from ..factories import person_with_membership
from .helpers import FREEZE, contested

pytestmark = pytest.mark.django_db
ON_PG = connection.vendor == "postgresql"
REDIS = "redis" in settings.CACHES["default"]["BACKEND"].lower()
WINDOW_START = 1_800_000_000  # a whole number of minutes since 1970
HOUR = timezone.now().replace(minute=0, second=0, microsecond=0)  # the same times, so the same messages, each run


@pytest.fixture(autouse=True)
def one_minute(monkeypatch):
    """The rate limit's clock held inside one window (as tests/security/test_api_throttling.py)."""
    import groups.api.throttling as throttling

    class Clock:
        @staticmethod
        def time():
            return WINDOW_START + 1.5

    monkeypatch.setattr(throttling, "time", Clock)


def url(election):
    return f"/api/v1/branches/{election.branch.slug}/elections/{election.pk}/ballots/"


def link(person, user) -> Person:
    Person.objects.filter(branch=person.branch, user=user).update(user=None)
    Person.objects.filter(pk=person.pk).update(user=user)
    return person


def limit() -> int:
    return parse_rate(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["api"])[0]


def counted() -> int:
    row = RateCount.objects.filter(key__startswith="api:token-").first()
    return row.count if row else 0


def written(election) -> tuple[int, int, int]:
    """(marks, ballots, audit rows of a ballot) of the election."""
    return (
        ElectionVoterMark.objects.filter(election=election).count(),
        ElectionBallot.objects.filter(election=election).count(),
        AuditEvent.objects.filter(action="election.ballot", object_id=str(election.pk)).count(),
    )


# --- how many statements ---


def test_an_api_ballot_is_one_statement_on_postgresql(branch, organiser, member, api, django_assert_num_queries):
    election, nominations, voters = contested(branch, organiser, candidates=5)
    link(voters[4], member)
    client = api(member)
    client.get(f"/api/v1/branches/{branch.slug}/elections/")  # the token's first use is behind us
    if not ON_PG:
        sqlite_ballots.install()  # once per connection, on its first ballot: not each ballot's cost
    # token and user, role and branch; then PostgreSQL one statement, nothing read before it (the
    # voter and the ranking's checks in it), no BEGIN or COMMIT; SQLite election + rule + person +
    # standing ids, then one INSERT into the view whose trigger writes the rest, and one read of
    # what it did.
    with django_assert_num_queries(3 if ON_PG else 5) as captured:
        response = client.post(url(election), {"ranking": [n.pk for n in nominations]}, format="json")
    assert response.status_code == 201 and response.json() == {"detail": "Your ballot has been recorded."}
    writes = [q["sql"] for q in captured.captured_queries if "INSERT" in q["sql"].upper()]
    assert len(writes) == 1 and not any("SAVEPOINT" in q["sql"] for q in captured.captured_queries)
    assert writes[0].startswith("WITH " if ON_PG else "INSERT INTO temp.rollcall_election_ballot_request")
    assert written(election) == (1, 1, 1)


def test_the_service_alone_is_one_statement_on_postgresql(branch, organiser, django_assert_num_queries):
    election, nominations, voters = contested(branch, organiser)
    standing = {n.pk for n in nominations}
    if not ON_PG:
        sqlite_ballots.install()
    with django_assert_num_queries(1 if ON_PG else 2):  # SQLite: the view's INSERT, the read of what it did
        mark = cast_own_election_ballot(
            election=election, person=voters[1], ranking=[nominations[1].pk], actor=organiser, standing=standing
        )
    assert mark.person == voters[1] and written(election) == (1, 1, 1)


# --- what is written ---


@pytest.mark.parametrize("method,seats,order", [("scottish_stv", 2, [2, 0, 1]), ("block", 2, [2, 0])])
def test_the_api_writes_what_the_service_writes(branch, organiser, member, api, method, seats, order):
    election, nominations, voters = contested(branch, organiser, method=method, seats=seats)
    ranking = [nominations[i].pk for i in order]
    link(voters[1], member)
    before = timezone.now()
    assert api(member).post(url(election), {"ranking": ranking}, format="json").status_code == 201
    after = timezone.now()
    cast_election_ballot(election=election, person=voters[2], ranking=ranking, actor=member)  # the long way

    api_mark, service_mark = (ElectionVoterMark.objects.get(election=election, person=v) for v in voters[1:3])
    assert before <= api_mark.cast_at <= after
    # Ranked: in the voter's order; marks (block): sorted, as the service keeps them.
    expected = ranking if method == "scottish_stv" else sorted(ranking)
    assert list(ElectionBallot.objects.filter(election=election).values_list("ranking", flat=True)) == [
        expected,
        expected,
    ]
    assert {f.attname for f in ElectionBallot._meta.concrete_fields} == {"id", "election_id", "ranking"}
    fields = ["actor_id", "branch_id", "action", "object_type", "object_id", "summary", "changes"]
    api_row, service_row = (
        AuditEvent.objects.filter(action="election.ballot", person_id=v.pk).values(*fields, "at").get()
        for v in voters[1:3]
    )
    assert api_row.pop("at") == api_mark.cast_at  # one moment for the mark and the audit row
    service_row.pop("at")
    assert api_row == service_row == {
        "actor_id": member.pk, "branch_id": branch.pk, "action": "election.ballot", "object_type": "election",
        "object_id": str(election.pk), "summary": "Voted", "changes": {},
    }  # fmt: skip


def test_someone_the_rule_admits_but_not_on_the_roll_still_votes_the_long_way(branch, organiser, member, api):
    election, nominations, voters = contested(branch, organiser)
    ElectionEntitlement.objects.filter(election=election, person=voters[3]).delete()  # a roll kept before this
    link(voters[3], member)
    response = api(member).post(url(election), {"ranking": [nominations[0].pk]}, format="json")
    assert response.status_code == 201, response.json()
    assert written(election) == (1, 1, 1) and election.marks.get().person_id == voters[3].pk


# --- refusals: as before ---


def _off_the_roll(branch, organiser, election, nominations, voters, user):
    late = person_with_membership(branch, membership={"started_on": FREEZE + timedelta(days=2)})
    link(late, user)
    return [{"ranking": [nominations[0].pk]}]


def _closed(branch, organiser, election, nominations, voters, user):
    type(election).objects.filter(pk=election.pk).update(
        ballot_opens_at=HOUR - timedelta(hours=3), ballot_closes_at=HOUR - timedelta(hours=1)
    )
    link(voters[1], user)
    return [{"ranking": [nominations[0].pk]}]


def _not_open_yet(branch, organiser, election, nominations, voters, user):
    type(election).objects.filter(pk=election.pk).update(
        ballot_opens_at=HOUR + timedelta(hours=3), ballot_closes_at=HOUR + timedelta(hours=5)
    )
    link(voters[1], user)
    return [{"ranking": [nominations[0].pk]}]


def _twice(branch, organiser, election, nominations, voters, user):
    link(voters[1], user)
    return [{"ranking": [nominations[0].pk]}, {"ranking": [nominations[1].pk]}]


def _bad_rankings(branch, organiser, election, nominations, voters, user):
    link(voters[1], user)
    first = nominations[0].pk
    return [{"ranking": [999_999]}, {"ranking": [first, first]}, {"ranking": []}, {"ranking": "first"}]


def _bad_ranking_off_the_roll(branch, organiser, election, nominations, voters, user):
    # Not entitled and a bad ranking: the voter hears that they may not vote, first.
    _off_the_roll(branch, organiser, election, nominations, voters, user)
    return [{"ranking": [999_999]}]


def _unlinked(branch, organiser, election, nominations, voters, user):
    Person.objects.filter(branch=branch, user=user).update(user=None)
    return [{"ranking": [nominations[0].pk]}]


REFUSALS = {
    "off the roll": (_off_the_roll, [403]),
    "closed": (_closed, [409]),
    "not open yet": (_not_open_yet, [409]),
    "twice": (_twice, [201, 409]),
    "bad rankings": (_bad_rankings, [400, 400, 400, 400]),
    "bad ranking off the roll": (_bad_ranking_off_the_roll, [403]),
    "no linked person": (_unlinked, [403]),
}


def _outcomes(branch, organiser, user, api, scenario) -> tuple[list, tuple]:
    election, nominations, voters = contested(branch, organiser, title=f"Election {timezone.now().timestamp()}")
    bodies = scenario(branch, organiser, election, nominations, voters, user)
    client = api(user)
    answers = []
    for body in bodies:
        response = client.post(url(election), body, format="json")
        answers.append((response.status_code, response.json()))
    return answers, written(election)


@pytest.mark.parametrize("name", list(REFUSALS))
def test_every_refusal_answers_and_writes_as_the_long_way_did(branch, organiser, member, api, monkeypatch, name):
    scenario, statuses = REFUSALS[name]
    with monkeypatch.context() as before:  # both API paths called the long way before this
        before.setattr(election_ballots, "cast_own_election_ballot", lambda **kw: cast_election_ballot(**kw))
        before.setattr(election_ballots, "cast_by_account", lambda **kw: False)
        old = _outcomes(branch, organiser, member, api, scenario)
    new = _outcomes(branch, organiser, member, api, scenario)
    assert new == old
    answers, rows = new
    assert [status for status, _ in answers] == statuses
    assert rows == ((1, 1, 1) if 201 in statuses else (0, 0, 0))
    codes = {"off the roll": "not_entitled", "closed": "ballot_closed", "twice": "already_voted"}
    if name in codes:
        assert answers[-1][1]["code"] == codes[name]


def test_too_many_marks_is_refused_as_before(branch, organiser, member, api):
    election, nominations, voters = contested(branch, organiser, method="fptp", seats=1)
    link(voters[1], member)
    response = api(member).post(url(election), {"ranking": [n.pk for n in nominations[:2]]}, format="json")
    assert response.status_code == 400 and response.json() == {"ranking": ["Mark at most 1 candidate."]}
    assert written(election) == (0, 0, 0)


def _another_elections_candidate(branch, organiser, election, nominations, voters, user):
    other, theirs, _ = contested(branch, organiser, title="Another election")
    link(voters[1], user)
    return [{"ranking": [nominations[0].pk, theirs[0].pk]}]


def _not_standing(branch, organiser, election, nominations, voters, user):
    nominations[2].status = "withdrawn"
    nominations[2].save(update_fields=["status"])
    link(voters[1], user)
    return [{"ranking": [nominations[2].pk]}]


def _too_many_marks(branch, organiser, election, nominations, voters, user):
    type(election).objects.filter(pk=election.pk).update(method="block", seats=2)
    link(voters[1], user)
    return [{"ranking": [n.pk for n in nominations[:3]]}]


# What the one statement checks in SQL that the long way checks in Python: refused the same.
IN_THE_STATEMENT = {
    "another election's candidate": (_another_elections_candidate, 400),
    "a nomination not standing": (_not_standing, 400),
    "more marks than seats": (_too_many_marks, 400),
}


@pytest.mark.parametrize("name", list(IN_THE_STATEMENT))
def test_what_the_statement_checks_is_refused_as_the_long_way_refuses_it(
    branch, organiser, member, api, monkeypatch, name
):
    scenario, code = IN_THE_STATEMENT[name]
    with monkeypatch.context() as before:
        before.setattr(election_ballots, "cast_own_election_ballot", lambda **kw: cast_election_ballot(**kw))
        before.setattr(election_ballots, "cast_by_account", lambda **kw: False)
        old = _outcomes(branch, organiser, member, api, scenario)
    new = _outcomes(branch, organiser, member, api, scenario)
    assert new == old and [status for status, _ in new[0]] == [code] and new[1] == (0, 0, 0)


@pytest.mark.skipif(not ON_PG, reason="the one statement is PostgreSQL's")
def test_the_statement_alone_casts_nothing_for_a_ranking_the_long_way_refuses(branch, organiser, member):
    from groups.sql.election_ballots import cast_by_account

    election, nominations, voters = contested(branch, organiser, method="block", seats=2)
    other, theirs, _ = contested(branch, organiser, title="Another election")
    link(voters[1], member)
    at = timezone.now()

    def cast(ranking, branch_id=branch.pk):
        event = AuditEvent(
            at=at, branch=branch, action="election.ballot", object_type="election", object_id=str(election.pk)
        )
        ballot = ElectionBallot(election_id=election.pk, ranking=sorted(ranking))
        return cast_by_account(
            election_id=election.pk, branch_id=branch_id, user_id=member.pk, at=at, ranking=ranking,
            ballot=ballot, event=event,
        )[2]  # fmt: skip

    assert cast([n.pk for n in nominations]) is None  # three marks for two seats
    assert cast([theirs[0].pk]) is None
    assert cast([nominations[0].pk], branch_id=branch.pk + 1000) is None  # not this branch's election
    assert written(election) == (0, 0, 0)
    assert cast([nominations[1].pk, nominations[0].pk]) == voters[1].pk
    assert list(ElectionBallot.objects.filter(election=election).values_list("ranking", flat=True)) == [
        sorted([nominations[1].pk, nominations[0].pk])
    ]  # marks, stored sorted
    assert written(election) == (1, 1, 1)
    assert AuditEvent.objects.get(action="election.ballot", object_id=str(election.pk)).person_id == voters[1].pk
    assert cast([nominations[0].pk]) is None  # already voted


def test_a_ballot_after_the_close_is_refused(branch, organiser, member, api):
    election, nominations, voters = contested(branch, organiser)
    cast_election_ballot(election=election, person=voters[2], ranking=[nominations[0].pk], actor=None)
    election_ballots.close_ballot(election=election, actor=organiser)
    link(voters[1], member)
    response = api(member).post(url(election), {"ranking": [nominations[0].pk]}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "ballot_closed"
    assert not ElectionVoterMark.objects.filter(election=election, person=voters[1]).exists()


# --- the rate limit: counted once ---


@pytest.mark.skipif(REDIS, reason="counts in Redis")
def test_each_ballot_request_is_counted_once_and_429_at_the_limit_writes_nothing(
    branch, organiser, member, api, django_assert_num_queries
):
    election, nominations, voters = contested(branch, organiser)
    link(voters[1], member)
    client = api(member)
    ranking = {"ranking": [nominations[0].pk]}
    assert client.post(url(election), ranking, format="json").status_code == 201
    assert counted() == 1  # in the ballot's own statement (or transaction)
    assert client.post(url(election), ranking, format="json").status_code == 409  # the lean path, then DRF's
    assert counted() == 2
    link(voters[2], member)
    RateCount.objects.filter(key__startswith="api:token-").update(count=limit() - 1)
    with django_assert_num_queries(3 if ON_PG else 5):  # the last one allowed: still the one statement
        assert client.post(url(election), ranking, format="json").status_code == 201
    assert counted() == limit()
    link(voters[3], member)
    refused = client.post(url(election), ranking, format="json")
    assert refused.status_code == 429 and refused.json()["code"] == "throttled" and int(refused["Retry-After"]) >= 1
    assert counted() == limit() + 1
    assert not ElectionVoterMark.objects.filter(election=election, person=voters[3]).exists()
    assert written(election) == (2, 2, 2)
