"""The steps of an election's nominations that organisers take by hand and
the schedule takes by itself (services/nomination_schedule.py): opening,
and the close — consent, the holder rules at the close, an uncontested
declaration and its appointments. Each runs inside the caller's write on a
locked election (services/elections.py has the durable wrappers)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from .. import counting
from ..counting.uncontested import declare as declare_uncontested
from ..eligibility.decisions import decide, decisions_for, eligible_people, unreadable
from ..eligibility.engine import Decision, RuleError
from ..errors import Conflict, InvalidInput
from ..models import (
    AuditAction,
    BallotMode,
    Election,
    ElectionEntitlement,
    ElectionStatus,
    HolderSource,
    Nomination,
    NominationStatus,
    Person,
    Position,
    Rule,
)
from . import audit
from .positions import appoint_within


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _locked(election: Election) -> Election:
    return (
        Election.objects.select_for_update(of=("self",))
        .select_related("branch", "voting_rule", "meeting__attendance_rule", "meeting__voting_rule", "meeting__branch")
        .get(pk=election.pk)
    )


def _bad(field: str, message: str, code: str = "invalid") -> InvalidInput:
    return InvalidInput(message, code=code, field=field, errors={field: [message]})


def open_within(*, election: Election, actor, at: datetime | None = None) -> Election:
    """Open nominations on a locked election, inside the caller's write (the
    organiser's button, or the task at the set time with actor None)."""
    if election.status != ElectionStatus.DRAFT:
        raise Conflict("Nominations have already been opened.", code="not_draft")
    election.status = ElectionStatus.NOMINATIONS
    election.nominations_open_at = at or timezone.now()
    election.save(update_fields=["status", "nominations_open_at"])
    audit.record(
        actor=actor, branch=election.branch, action=AuditAction.ELECTION_NOMINATIONS_OPEN, obj=election,
        summary=f"Nominations opened: {election.title}" + ("" if actor else " (at their set time)"),
        at=election.nominations_open_at, changes={"automatic": actor is None},
    )  # fmt: skip
    return election


def holder_decision(election: Election, positions: list[Position], person: Person) -> Decision:
    """May the person hold the election's positions on the election date?
    Every position's holder rule must admit them (a delegation without
    positions: anyone in the branch)."""
    reasons: list[str] = []
    eligible = True
    for position in positions:
        try:
            decision = decide(position.holder_rule, election.election_on, person=person)
        except RuleError as exc:
            decision = unreadable(exc, "position's rule")
        eligible = eligible and decision.eligible
        reasons.extend(decision.reasons if len(positions) == 1 else (f"{position.name}: {r}" for r in decision.reasons))
    return Decision(eligible, tuple(reasons) or ("Anyone in the branch may stand.",))


def labelled_constraints(election: Election, candidates: list[Nomination]) -> list[tuple[str, counting.Constraint]]:
    """The election's constraints as the count takes them, each with its label:
    each group is the standing candidates its rule admits on the election date,
    or those named (a minimum above the seats asks for every seat)."""
    out = []
    rules = {r.pk: r for r in Rule.objects.filter(pk__in=[c["rule"] for c in election.constraints if c["rule"]])}
    for item in election.constraints:
        if item["rule"] is not None:
            try:
                decided = decisions_for(
                    [n.person for n in candidates], rules[item["rule"]], branch=election.branch,
                    as_of=election.election_on,
                )  # fmt: skip
            except RuleError:
                decided = []
            members = {p.pk for p, d in decided if d.eligible}
        else:
            members = set(item["people"])
        group = frozenset(i for i, n in enumerate(candidates) if n.person_id in members)
        constraint = counting.Constraint(group, min(item["min"], election.seats), item["max"])
        out.append((item.get("label") or "the group", constraint))
    return out


def declare_within(*, election: Election, elected: list[Nomination], actor, at: datetime) -> None:
    """Mark the winners elected and appoint them to the positions, in the
    positions' order, each filling its free seats (inside the caller's write)."""
    positions = list(election.positions.order_by("order", "name"))
    queue = list(elected)
    for position in positions:
        for _ in range(position.seats):
            if not queue:
                break
            nomination = queue.pop(0)
            appoint_within(
                position=position,
                person=nomination.person,
                started_on=election.election_on,
                actor=actor,
                source=HolderSource.ELECTED,
            )
    Nomination.objects.filter(pk__in=[n.pk for n in elected]).update(elected=True)
    election.status, election.declared_at = ElectionStatus.DECLARED, at


LAPSED_REASON = "The nominee had not accepted the nomination when nominations closed."


def close_within(*, election: Election, actor, at: datetime | None = None) -> Election:
    """Close nominations on a locked election (the organiser's button, or the
    task at the set time with actor None): a nomination still awaiting the
    nominee's consent lapses, with the reason; every consented nominee is
    decided against the holder rules on the election date (those refused keep
    their reasons); none standing → refused (no_candidates); nominees ≤ seats
    → declared elected unopposed and appointed, the constraints applied
    (counting/uncontested.py: a minimum nobody can meet leaves its seats vacant
    or open to anyone, as the branch chose, stated in the result's notes);
    otherwise — or where a constraint leaves fewer seats than stand — the
    ballot opens (an online one between its two times, its electorate
    taken: `take_roll`)."""
    if election.status != ElectionStatus.NOMINATIONS:
        raise Conflict("Nominations are not open.", code="nominations_closed")
    at = at or timezone.now()
    positions = list(election.positions.select_related("holder_rule").order_by("order", "name"))
    nominations = list(
        Nomination.objects.filter(election=election).exclude(status=NominationStatus.WITHDRAWN).select_related("person")
    )
    standing, lapsed = [], []
    for nomination in nominations:
        if not nomination.consented:
            nomination.decision = {"eligible": False, "reasons": [LAPSED_REASON]}
            nomination.status = NominationStatus.LAPSED
            nomination.save(update_fields=["decision", "status"])
            lapsed.append(nomination.person_id)
            continue
        decision = holder_decision(election, positions, nomination.person)
        nomination.decision = decision.as_dict()
        nomination.status = NominationStatus.STANDING if decision.eligible else NominationStatus.REFUSED
        nomination.save(update_fields=["decision", "status"])
        if decision.eligible:
            standing.append(nomination)
    if not standing:
        raise Conflict(
            "Nobody eligible who has agreed to stand is nominated: keep nominations open until someone is.",
            code="no_candidates",
        )
    election.nominations_closed_at = at
    refused = [n.person_id for n in nominations if n.status == NominationStatus.REFUSED]
    outcome = None
    if len(standing) <= election.seats:
        # Uncontested, unless a constraint leaves fewer seats than stand (counting/uncontested.py).
        standing.sort(key=lambda n: (n.person.last_name, n.person.first_name, n.pk))  # the paper's order
        labelled = labelled_constraints(election, standing)
        outcome = declare_uncontested(len(standing), election.seats, labelled, election.if_unmet)
    if outcome is not None and not outcome.contested:
        names = [str(n.person) for n in standing]
        election.result = outcome.as_dict(names, election.seats, labelled, election.if_unmet)
        declare_within(election=election, elected=[standing[i] for i in outcome.elected], actor=actor, at=at)
    else:
        election.status = ElectionStatus.BALLOT
    electorate = take_roll(election, at) if election.status == ElectionStatus.BALLOT else None
    election.save(update_fields=["status", "nominations_closed_at", "declared_at", "result"])
    audit.record(
        actor=actor, branch=election.branch, action=AuditAction.ELECTION_NOMINATIONS_CLOSE, obj=election, at=at,
        summary=f"{election.title}: {len(standing)} standing for {election.seats} seats"
        + (", declared unopposed" if election.status == ElectionStatus.DECLARED else "")
        + ("" if actor else " (closed at the set time)"),
        changes={"standing": [n.person_id for n in standing], "refused": refused, "lapsed": lapsed,
                 "reasons": {str(n.person_id): n.decision.get("reasons", []) for n in nominations
                             if n.status != NominationStatus.STANDING},
                 "status": election.status, "notes": outcome.notes if outcome else [], "automatic": actor is None,
                 "electorate": electorate},
    )  # fmt: skip
    return election


def take_roll(election: Election, at: datetime) -> int | None:
    """An online ballot's electorate, when the ballot opens after its freeze
    date: everyone the voting rule admitted on it (the rule compiled to one
    filter, as lists decide it), written as ElectionEntitlement rows so that a
    ballot checks one row. None, and no roll, while the freeze date is today or
    later (the records may still change for it: every ballot is then decided
    on its own, as `voter_decision`) or when the rule cannot be read (each
    voter then hears why)."""
    if election.ballot_mode != BallotMode.ONLINE or election.freeze_on is None:
        return None
    if election.freeze_on >= timezone.localtime(at, election.branch.zone).date():
        return None
    try:
        admitted = eligible_people(election.branch, election.voting_rule, election.freeze_on)
        ids = list(admitted.filter(erased_at__isnull=True).order_by("pk").values_list("pk", flat=True))
    except RuleError:
        return None
    ElectionEntitlement.objects.bulk_create(
        [ElectionEntitlement(election=election, person_id=pk) for pk in ids], batch_size=ROLL_BATCH
    )
    return len(ids)


ROLL_BATCH = 5000  # rows per INSERT: two parameters each, well under SQLite's 32,766
