"""An election's ballots and count (issue 13 items 3 and 6).

`cast_election_ballot`: the voter's own, ranked where the method ranks, marks
otherwise. Entitlement: at a meeting, eligibility.voting.may_vote now; online,
between the ballot's two times, the voting rule on the freeze date
(services.elections.voter_decision). One ballot per person: the database's
unique ElectionVoterMark. Online ballots take no lock on the election's row:
the mark's conditional INSERT (sql/election_ballots.py) checks the ballot is
open and share-locks the row against the close, as meeting votes do.
`cast_own_election_ballot`: the API's way in (the DRF action and the lean
view), one statement on PostgreSQL for the rate limit, the roll, the window,
the mark, the ballot and the audit row; cast_election_ballot for the rest.
`cast_by_account`: the lean view's first try on PostgreSQL, that statement
with nothing read before it (the voter and the ranking's checks in it).
Secrecy as for votes: the mark and the ballot share no id, time or order, and
`close_ballot` rewrites the ballots in a random order.

`close_ballot`: the ballots as counting.Ballots, counted by counting.count with
a seed from `secrets` (recorded), the result (CountResult.as_dict), the seed
and the SHA-256 of the ballots' canonical BLT stored, the winners appointed."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from .. import counting
from ..eligibility.engine import Decision, format_date
from ..eligibility.voting import may_vote
from ..errors import Conflict, InvalidInput, NotAllowed, not_entitled
from ..models import (
    AuditAction,
    AuditEvent,
    BallotMode,
    Election,
    ElectionBallot,
    ElectionEntitlement,
    ElectionStatus,
    ElectionVoterMark,
    Person,
)
from ..queries import elections as queries
from ..sql import election_ballots as statements
from ..sql import insert, sqlite_ballots
from ..sql.core import write_turn
from . import audit
from .elections import voter_decision
from .nomination_steps import _locked, declare_within, labelled_constraints


def _refuse(reasons) -> NotAllowed:
    return not_entitled(reasons, to="in this election")


def check_ranking(election: Election, ranking, allowed: set[int]) -> list[int]:
    """The ballot as nomination ids: in order of preference for a ranked
    method (each candidate once), the marked ones for fptp (one) and block (up
    to the seats)."""
    if not isinstance(ranking, (list, tuple)) or not all(
        isinstance(pk, int) and not isinstance(pk, bool) for pk in ranking
    ):
        raise InvalidInput("Give the candidates as a list of their ids.", code="invalid", field="ranking")
    if not ranking:
        raise InvalidInput("Your ballot is empty: mark at least one candidate.", code="empty_ballot", field="ranking")
    if any(pk not in allowed for pk in ranking):
        raise InvalidInput("That is not a candidate in this election.", code="not_a_candidate", field="ranking")
    if len(set(ranking)) != len(ranking):
        raise InvalidInput("Give each candidate at most one preference.", code="repeated", field="ranking")
    if not election.ranked:
        most = 1 if election.method == "fptp" else election.seats
        if len(ranking) > most:
            raise InvalidInput(
                f"Mark at most {most} candidate{'s' if most > 1 else ''}.", code="too_many_marks", field="ranking"
            )
        return sorted(ranking)  # marks have no order: nothing to keep
    return list(ranking)


def entitlement(election: Election, person: Person | None, *, at: datetime):
    """The Decision on whether the person may vote in the election now:
    online, the voting rule on the freeze date, or a place on the roll taken
    when the ballot opened (services.nomination_steps.take_roll)."""
    if person is None:
        return Decision(False, ("Your account is not linked to a member of this branch.",))
    if election.ballot_mode == BallotMode.MEETING:
        return may_vote(election.meeting, person)
    decision = voter_decision(election, person)
    if decision.eligible:
        return decision
    if ElectionEntitlement.objects.filter(election=election, person=person).exists():
        # On the roll taken when the ballot opened: a lapse since does not take them off it.
        when = format_date(election.freeze_on)
        return Decision(
            True, (f"The voting rule admitted you on the freeze date, {when}: who may vote was fixed then.",)
        )
    return Decision(
        False, (*decision.reasons, f"Who may vote was fixed on the freeze date, {format_date(election.freeze_on)}.")
    )


def _check_open(election: Election, at: datetime) -> None:
    if election.status != ElectionStatus.BALLOT:
        word = "has been declared" if election.status == ElectionStatus.DECLARED else "is not taking ballots yet"
        raise Conflict(f"This election {word}.", code="ballot_closed")
    if election.ballot_mode == BallotMode.ONLINE and not (election.ballot_opens_at <= at < election.ballot_closes_at):
        word = "opens" if at < election.ballot_opens_at else "closed"
        when = election.ballot_opens_at if at < election.ballot_opens_at else election.ballot_closes_at
        local = timezone.localtime(when, election.branch.zone)
        raise Conflict(f"The online ballot {word} at {local:%H:%M on %-d %B %Y}.", code="ballot_closed")


@transaction.atomic(durable=True)
def cast_election_ballot(
    *, election: Election, person: Person | None, ranking, actor, at: datetime | None = None, window=None,
    standing: set[int] | None = None,
) -> ElectionVoterMark | None:  # fmt: skip
    """The voter's own ballot. not_entitled (with the Decision) when they may
    not vote; already_voted for a second (the unique mark is the last word);
    ballot_closed outside the ballot.

    Online, someone on the roll (taken when the ballot opened) with a good
    ballot is one statement: the roll's row, the ballot's window and the mark
    (sql/election_ballots.insert_entitled_mark); anyone else, and every
    refusal, goes the long way, which decides and says why. `standing`: the
    standing nominations' ids when the caller has read them (sql.ballot_reads).

    `window`: the caller's API rate-limit window (groups/api/throttling.py),
    counted first in this transaction so that the count and the ballot share
    one commit; None, with nothing else written, when it is over its limit."""
    if window is not None and not window.hit():
        return None
    at = at or timezone.now()
    if election.ballot_mode != BallotMode.ONLINE:
        return _cast_locked(election=election, person=person, ranking=ranking, actor=actor, at=at)
    # Online: no lock on the election's row, so ballots do not queue behind
    # each other; the mark's INSERT checks the ballot is open in the same
    # statement and share-locks the row against the close (sql/election_ballots).
    if standing is None:
        standing = queries.standing_ids(election)
    if person is not None:
        try:
            checked = check_ranking(election, ranking, standing)
        except InvalidInput:
            checked = None  # the long way says what a voter should hear first
        if checked is not None and statements.insert_entitled_mark(election_id=election.pk, person_id=person.pk, at=at):
            return _counted(election, person, checked, actor=actor, at=at)
    if election.status != ElectionStatus.BALLOT:
        # The caller's copy may be from before the ballot opened: the row decides, not a stale copy.
        election = Election.objects.select_related("branch").get(pk=election.pk)
    _check_open(election, at)  # the early, friendly refusal; the statement has the last word
    decision = entitlement(election, person, at=at)  # the rule on the freeze date: fixed for the window
    if not decision.eligible:
        raise _refuse(decision.reasons)
    ranking = check_ranking(election, ranking, standing)
    if not statements.insert_online_mark(election_id=election.pk, person_id=person.pk, at=at):
        _check_open(Election.objects.select_related("branch").get(pk=election.pk), at)  # closed meanwhile?
        raise Conflict("You have already voted in this election.", code="already_voted")
    return _counted(election, person, ranking, actor=actor, at=at)


def _cast_locked(*, election: Election, person: Person | None, ranking, actor, at: datetime) -> ElectionVoterMark:
    """A ballot at a meeting (or a refused paper one): the election's row
    locked, as there are a room's worth of voters at most."""
    election = _locked(election)  # a ballot and the close never cross
    _check_open(election, at)
    if election.ballot_mode == BallotMode.PAPER:
        raise Conflict("This election is by paper ballot: the tellers enter the papers.", code="paper_ballot")
    decision = entitlement(election, person, at=at)
    if not decision.eligible:
        raise _refuse(decision.reasons)
    ranking = check_ranking(election, ranking, queries.standing_ids(election))
    try:
        with transaction.atomic():
            ElectionVoterMark.objects.create(election=election, person=person, cast_at=at)
    except IntegrityError:
        raise Conflict("You have already voted in this election.", code="already_voted") from None
    return _counted(election, person, ranking, actor=actor, at=at)


def _counted(election: Election, person: Person, ranking: list[int], *, actor, at: datetime) -> ElectionVoterMark:
    """After the mark: the ballot, and the audit row (that they voted, never how)."""
    ElectionBallot.objects.create(election=election, ranking=ranking)  # a random UUID, no person, no time
    insert(_voted(election, person, actor=actor, at=at))
    return ElectionVoterMark(election=election, person=person, cast_at=at)


def _voted(election: Election, person: Person, *, actor, at: datetime) -> AuditEvent:
    return audit.new_event(
        actor=actor, branch=election.branch, action=AuditAction.ELECTION_BALLOT, obj=election,
        person_id=person.pk, at=at, summary="Voted",
    )  # fmt: skip


def cast_own_election_ballot(
    *, election: Election, person: Person | None, ranking, actor, window=None, standing: set[int] | None = None,
    at: datetime | None = None,
) -> ElectionVoterMark | None:  # fmt: skip
    """cast_election_ballot for the API (the DRF action and the lean view):
    the same ballot, refusals and rate limit, as cheaply as each database allows.

    PostgreSQL, an online ballot with a good ranking (checked here first, as
    the long way would): ONE statement, atomic in autocommit, counts the
    request (`window`, unless Redis or an earlier step counted it), checks the
    roll and the ballot's window and writes the mark, the ballot and the audit
    row (sql/election_ballots.cast_own). When it writes nothing (over the
    limit: None; not on the roll, closed, already voted), or for anything
    else, cast_election_ballot goes the long way and says why, the request
    already counted. SQLite: the same one statement, into a temporary view
    whose trigger takes those steps (sql/sqlite_ballots.py), ordered by
    SQLite's own write lock; the long way, a transaction of several
    statements, queues behind sql.core.write_turn."""
    if election.ballot_mode == BallotMode.ONLINE and person is not None:
        if standing is None:
            standing = queries.standing_ids(election)
        mark = _in_one_statement(
            election=election, person=person, ranking=ranking, actor=actor, window=window, standing=standing, at=at
        )
        if mark is not False:
            return mark
    with write_turn():
        return cast_election_ballot(
            election=election, person=person, ranking=ranking, actor=actor, at=at, window=window, standing=standing
        )


def _in_one_statement(
    *, election: Election, person: Person, ranking, actor, window, standing: set[int], at: datetime | None
) -> ElectionVoterMark | None | bool:  # fmt: skip
    """An online ballot's one statement (cast_own_election_ballot): the mark
    when it was cast; None over the limit; False when it cast nothing (a
    ranking check_ranking refuses: nothing tried; not on the roll, closed,
    already voted), the request then counted (the window settled)."""
    try:
        checked = check_ranking(election, ranking, standing)
    except InvalidInput:
        return False  # the long way says what a voter should hear first
    rate = window.in_statement() if window is not None else None
    if window is not None and rate is None and not window.hit():  # Redis, or counted already
        return None
    at = at or timezone.now()
    one_statement = statements.cast_own if connection.vendor == "postgresql" else sqlite_ballots.cast_election
    count, end, cast = one_statement(
        election_id=election.pk, person_id=person.pk, at=at,
        ballot=ElectionBallot(election_id=election.pk, ranking=checked),  # a random UUID, no person, no time
        event=_voted(election, person, actor=actor, at=at), rate=rate,
        limit=window.limit if window is not None else 0,
    )  # fmt: skip
    if rate is not None:
        window.took(count, end, rate[1])  # committed with the statement, written or not
        if not window.allowed:
            return None
    return ElectionVoterMark(election=election, person=person, cast_at=at) if cast else False


def _sqlite_by_account(*, branch, election_id: int, user, ranking, window, at: datetime | None):
    """cast_by_account on SQLite: the few values the one statement needs, read
    in one small statement (sql.ballot_keys: no rows built), then the view's
    one INSERT. The same answers: the mark, None, or False for the caller to
    read the election and the voter in full and go the long way."""
    keys = statements.ballot_keys(branch_id=branch.pk, election_id=election_id, user_id=user.pk)
    if keys is None:
        return False
    mode, method, seats, person_id, standing = keys
    if mode != BallotMode.ONLINE or person_id is None:
        return False
    election = Election(pk=election_id, branch=branch, ballot_mode=mode, method=method, seats=seats)
    person = Person(pk=person_id, branch=branch)
    return _in_one_statement(
        election=election, person=person, ranking=ranking, actor=user, window=window, standing=standing, at=at
    )


def _distinct_ids(ranking) -> bool:
    """The checks check_ranking makes whatever the election: a non-empty list
    of distinct ints (no bools), each one a nomination's id could be."""
    return (
        isinstance(ranking, list)
        and bool(ranking)
        and all(type(pk) is int and 0 < pk < 2**63 for pk in ranking)
        and len(set(ranking)) == len(ranking)
    )


def cast_by_account(*, branch, election_id: int, user, ranking, window=None, at: datetime | None = None):
    """PostgreSQL, the API's first try at an online ballot, with nothing read
    first: ONE statement (sql/election_ballots.cast_by_account) counts the
    request (`window`), finds the account's living person of the branch on the
    roll, checks the election is the branch's and taking online ballots now,
    checks the ranking against its standing nominations and method (as
    check_ranking would), and writes the mark, the ballot and the audit row —
    what cast_own_election_ballot writes, the same rows. The mark when cast;
    None over the limit (nothing written); False when it cast nothing or could
    not try (a ranking that is not a list of distinct ids): the caller
    then reads the election and the voter (sql.ballot_reads) and calls
    cast_own_election_ballot, which goes the long way and says why, the request
    counted once (the window is settled). SQLite: _sqlite_by_account, the
    same answers."""
    if not _distinct_ids(ranking):
        return False
    if connection.vendor != "postgresql":
        return _sqlite_by_account(
            branch=branch, election_id=election_id, user=user, ranking=ranking, window=window, at=at
        )
    rate = window.in_statement() if window is not None else None
    if window is not None and rate is None and not window.hit():  # Redis, or counted already
        return None
    at = at or timezone.now()
    election = Election(pk=election_id, branch=branch)  # for the audit row's object: nothing else is read
    event = audit.new_event(
        actor=user, branch=branch, action=AuditAction.ELECTION_BALLOT, obj=election, at=at, summary="Voted"
    )  # the person is the mark's, filled in by the statement
    count, end, person_id = statements.cast_by_account(
        election_id=election_id, branch_id=branch.pk, user_id=user.pk, at=at, ranking=ranking,
        ballot=ElectionBallot(election_id=election_id, ranking=sorted(ranking)),  # stored so when the method marks
        event=event, rate=rate, limit=window.limit if window is not None else 0,
    )  # fmt: skip
    if rate is not None:
        window.took(count, end, rate[1])  # committed with the statement, written or not
        if not window.allowed:
            return None
    if person_id is None:
        return False
    return ElectionVoterMark(election=election, person_id=person_id, cast_at=at)


def _reshuffle(election: Election) -> None:
    """Rewrite the ballots in a random order with fresh keys: no trace of the
    order they were cast in survives the close."""
    rankings = list(ElectionBallot.objects.filter(election=election).values_list("ranking", flat=True))
    secrets.SystemRandom().shuffle(rankings)
    ElectionBallot.objects.filter(election=election).delete()
    ElectionBallot.objects.bulk_create([ElectionBallot(election=election, ranking=r) for r in rankings])


def constraints_for(election: Election, candidates, names: list[str]) -> list[counting.Constraint]:
    """The election's constraints as the count takes them (services/elections.py labelled_constraints)."""
    return [constraint for _, constraint in labelled_constraints(election, candidates)]


@transaction.atomic(durable=True)
def close_ballot(*, election: Election, actor, at: datetime | None = None, seed: str | None = None) -> Election:
    """Close the ballot, count it and declare: the result, its seed and the
    ballots' SHA-256 stored; the winners appointed to the positions."""
    at = at or timezone.now()
    election = _locked(election)
    if election.status != ElectionStatus.BALLOT:
        raise Conflict("This election is not taking ballots.", code="ballot_closed")
    if election.ballot_mode == BallotMode.PAPER and election.papers_accepted_at is None:
        raise Conflict(
            "Two tellers must enter the paper ballots and agree before the count.", code="papers_not_accepted"
        )
    candidates = queries.standing(election)
    _reshuffle(election)
    ballots = queries.ballots(election, candidates)
    if ballots.ballot_papers == 0:
        raise Conflict("Nobody has voted yet: there is nothing to count.", code="no_ballots")
    seed = seed or secrets.token_hex(16)
    constraints = constraints_for(election, candidates, list(ballots.candidates))
    try:
        result = counting.count(
            ballots, election.method, seed=seed, constraints=constraints, if_unmet=election.if_unmet
        )
    except counting.CountError as exc:
        raise Conflict(f"The ballots cannot be counted: {exc}", code="count_failed") from None
    by_name = dict(zip(ballots.candidates, candidates, strict=True))
    elected = [by_name[name] for name in result.elected]
    election.result = result.as_dict()
    election.seed, election.ballots_sha256 = seed, ballots.sha256()
    election.ballots_cast = ballots.ballot_papers
    declare_within(election=election, elected=elected, actor=actor, at=at)
    election.save(update_fields=["result", "seed", "ballots_sha256", "ballots_cast", "status", "declared_at"])
    audit.record(
        actor=actor, branch=election.branch, action=AuditAction.ELECTION_DECLARE, obj=election, at=at,
        summary=f"{election.title}: elected " + (", ".join(result.elected) or "nobody"),
        changes={"elected": [n.person_id for n in elected], "seed": seed, "ballots_sha256": election.ballots_sha256,
                 "ballots": election.ballots_cast},
    )  # fmt: skip
    return election
