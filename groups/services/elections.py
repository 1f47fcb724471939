"""Elections (issue 13 item 3): set up, nominations, their close. Ballots,
the count and the declaration are in services/election_ballots.py.

`create_election` defines one; `open_nominations`, `nominate` (nominators must
be eligible voters: `voter_decision`), `withdraw_nomination`;
`close_nominations` decides every nominee against their position's holder
rule on the election date (refused with the reasons), declares an
uncontested election (nominees ≤ seats) and appoints its winners through
services/positions.py, or opens the ballot — the steps themselves in
services/nomination_steps.py, which the schedule (services/nomination_schedule.py)
also takes at the set times. Each write is one durable transaction with its
audit row."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from .. import counting
from ..eligibility.decisions import decide, meeting_voting_definition, unreadable
from ..eligibility.engine import Decision, RuleError
from ..errors import Conflict, NotAllowed
from ..models import (
    AuditAction,
    BallotMode,
    Branch,
    Election,
    ElectionStatus,
    Meeting,
    Nomination,
    NominationStatus,
    NomineeConsent,
    Person,
    Position,
    Rule,
)
from . import audit
from .nomination_schedule import plan
from .nomination_steps import _bad, _locked, _user, close_within, open_within

MAX_TITLE = 200
MAX_SEATS = 100
MAX_NOMINATORS = 20


def _constraints(branch: Branch, data) -> list[dict]:
    """`[{"label", "rule": id?, "people": [id]?, "min": n, "max": n?}]`, checked."""
    if data in (None, ""):
        return []
    if not isinstance(data, list) or len(data) > counting.constraints.MAX_CONSTRAINTS:
        raise _bad("constraints", 'Give a list such as [{"label": "women", "rule": 3, "min": 1}].')
    out = []
    for i, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise _bad("constraints", f"Constraint {i} must be an object with a rule or people, and min or max.")
        rule_id, people = item.get("rule"), item.get("people") or []
        if (rule_id is None) == (not people):
            raise _bad("constraints", f"Constraint {i}: name either a rule or the people it covers, not both.")
        if rule_id is not None and not Rule.objects.filter(branch=branch, pk=rule_id).exists():
            raise _bad("constraints", f"Constraint {i}: choose one of this branch's rules.")
        if people and (
            not isinstance(people, list)
            or not all(isinstance(p, int) and not isinstance(p, bool) for p in people)
            or Person.objects.filter(branch=branch, pk__in=people).count() != len(set(people))
        ):
            raise _bad("constraints", f"Constraint {i}: name people of this branch by their ids.")
        low, high = item.get("min", 0), item.get("max")
        for value in (low, high):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise _bad("constraints", f"Constraint {i}: min and max are whole numbers, 0 or more.")
        if not low and high is None:
            raise _bad("constraints", f"Constraint {i}: give a minimum, a maximum or both.")
        if high is not None and high < (low or 0):
            raise _bad("constraints", f"Constraint {i}: the maximum is below the minimum.")
        label = " ".join(str(item.get("label") or "").split())[:60] or f"group {i}"
        out.append({"label": label, "rule": rule_id, "people": sorted(set(people)), "min": low or 0, "max": high})
    return out


def _clean(*, branch: Branch, title, positions, seats, method, voting_rule, constraints, if_unmet, election_on,
           nominations_open_at, nominations_close_at, ballot_mode, meeting, ballot_opens_at, ballot_closes_at,
           freeze_on) -> dict:  # fmt: skip
    title = " ".join(str(title or "").split())
    if not title:
        raise _bad("title", "Give the election a title, such as “Officers 2026”.")
    if len(title) > MAX_TITLE or '"' in title:
        raise _bad("title", f"Keep the title under {MAX_TITLE} characters, without double quotes.")
    positions = list(positions or [])
    if any(not isinstance(p, Position) or p.branch_id != branch.pk for p in positions):
        raise _bad("positions", "Choose this branch's positions.")
    if seats in (None, ""):
        seats = sum(p.seats for p in positions) or 1
    try:
        seats = int(seats)
    except (TypeError, ValueError):
        raise _bad("seats", "Give the number of seats as a whole number.") from None
    if not 1 <= seats <= MAX_SEATS:
        raise _bad("seats", f"An election fills 1 to {MAX_SEATS} seats.")
    if positions and seats > sum(p.seats for p in positions):
        raise _bad("seats", "More seats than the positions have: the winners could not all take office.")
    if method not in counting.METHODS:
        raise _bad("method", "Choose one of: " + ", ".join(counting.METHODS) + ".")
    if method in ("fptp", "irv") and seats != 1:
        raise _bad("method", f"{method} elects one person: choose block or an STV method for {seats} seats.")
    if voting_rule is not None and (not isinstance(voting_rule, Rule) or voting_rule.branch_id != branch.pk):
        raise _bad("voting_rule", "Choose one of this branch's rules.")
    if if_unmet not in counting.IF_UNMET:
        raise _bad("if_unmet", "Choose vacant or anyone.")
    if not isinstance(election_on, date):
        raise _bad("election_on", "Give the election date.")
    if nominations_open_at and nominations_close_at and nominations_close_at <= nominations_open_at:
        raise _bad("nominations_close_at", "Nominations must close after they open.")
    if ballot_mode == BallotMode.MEETING:
        if not isinstance(meeting, Meeting) or meeting.branch_id != branch.pk:
            raise _bad("meeting", "Choose the meeting that holds the ballot.")
        ballot_opens_at = ballot_closes_at = freeze_on = None
    elif ballot_mode == BallotMode.PAPER:
        if meeting is not None and (not isinstance(meeting, Meeting) or meeting.branch_id != branch.pk):
            raise _bad("meeting", "Choose one of this branch's meetings.")
        ballot_opens_at = ballot_closes_at = freeze_on = None
    elif ballot_mode == BallotMode.ONLINE:
        meeting = None
        if not (ballot_opens_at and ballot_closes_at) or ballot_closes_at <= ballot_opens_at:
            raise _bad("ballot_closes_at", "An online ballot needs an opening time and a later closing time.")
        if not isinstance(freeze_on, date):
            raise _bad("freeze_on", "Give the freeze date: who the voting rule admits on it may vote.")
    else:
        raise _bad("ballot_mode", "Choose at a meeting, online or paper.")
    return {
        "title": title,
        "seats": seats,
        "method": method,
        "voting_rule": voting_rule,
        "constraints": _constraints(branch, constraints),
        "if_unmet": if_unmet,
        "election_on": election_on,
        "nominations_open_at": nominations_open_at,
        "nominations_close_at": nominations_close_at,
        "ballot_mode": ballot_mode,
        "meeting": meeting,
        "ballot_opens_at": ballot_opens_at,
        "ballot_closes_at": ballot_closes_at,
        "freeze_on": freeze_on,
    }, positions


@transaction.atomic(durable=True)
def create_election(
    *,
    branch: Branch,
    actor,
    title: str,
    method: str,
    election_on: date,
    positions=(),
    seats: int | None = None,
    voting_rule: Rule | None = None,
    constraints=None,
    if_unmet: str = "vacant",
    nominations_open_at: datetime | None = None,
    nominations_close_at: datetime | None = None,
    ballot_mode: str = BallotMode.ONLINE,
    meeting: Meeting | None = None,
    ballot_opens_at: datetime | None = None,
    ballot_closes_at: datetime | None = None,
    freeze_on: date | None = None,
) -> Election:
    """A new election in draft: nothing is open until nominations are (by
    hand, or at `nominations_open_at`: services/nomination_schedule.py)."""
    fields, positions = _clean(
        branch=branch, title=title, positions=positions, seats=seats, method=method, voting_rule=voting_rule,
        constraints=constraints, if_unmet=if_unmet, election_on=election_on,
        nominations_open_at=nominations_open_at, nominations_close_at=nominations_close_at, ballot_mode=ballot_mode,
        meeting=meeting, ballot_opens_at=ballot_opens_at, ballot_closes_at=ballot_closes_at, freeze_on=freeze_on,
    )  # fmt: skip
    election = Election.objects.create(branch=branch, created_by=_user(actor), **fields)
    election.positions.set(positions)
    audit.record(
        actor=actor,
        branch=branch,
        action=AuditAction.ELECTION_CREATE,
        obj=election,
        summary=f"Election set up: {election.title}",
        changes={**fields, "positions": [p.slug for p in positions]},
    )
    plan(election)  # nominations open and close by themselves at their set times
    return election


@transaction.atomic(durable=True)
def open_nominations(*, election: Election, actor, at: datetime | None = None) -> Election:
    return open_within(election=_locked(election), actor=actor, at=at)


def voter_rule_and_date(election: Election) -> tuple[dict | Rule | None, date]:
    """Who may vote in the election, and on which date that is decided: an
    online ballot's voting rule on the freeze date; a meeting's rules (its
    attendance rule and voting rule, or the election's) on its eligibility date."""
    if election.ballot_mode != BallotMode.ONLINE and election.meeting is not None:
        meeting = election.meeting
        definition = meeting_voting_definition(meeting)
        if election.voting_rule is not None:
            definition = {"all": [definition, election.voting_rule.definition]}
        return definition, meeting.effective_eligibility_date
    if election.ballot_mode != BallotMode.ONLINE:
        return election.voting_rule, election.election_on
    return election.voting_rule, election.freeze_on


def voter_decision(election: Election, person: Person) -> Decision:
    """Would the person be entitled to vote in the election (its rule on its
    date)? The nominators' check, and the online ballot's entitlement: someone
    who joined after the freeze date is refused with the rule's reasons (their
    membership had not started on it)."""
    if person.branch_id != election.branch_id or person.erased_at is not None:
        return Decision(False, ("Not a member of this branch.",))
    rule, on = voter_rule_and_date(election)
    try:
        return decide(rule, on, person=person)
    except RuleError as exc:
        return unreadable(exc, "election's voting rule")


def _refusal(who: str, decision: Decision, code: str) -> NotAllowed:
    return NotAllowed(
        f"{who}: " + "; ".join(r.rstrip(".") for r in decision.reasons) + ".", code=code, decision=decision.as_dict()
    )


def check_nominations_open(election: Election, at: datetime) -> None:
    if election.status != ElectionStatus.NOMINATIONS:
        raise Conflict("Nominations are not open.", code="nominations_closed")
    if election.nominations_close_at and at >= election.nominations_close_at:
        raise Conflict("Nominations have closed.", code="nominations_closed")


MAX_NOTE = 300


def organiser_consent(person: Person, nominators: list[Person], consented: bool, note) -> tuple[str, str]:
    """The consent an organiser's entry carries: the nominee among their own
    nominators is a self-nomination; an organiser ticking that the nominee
    agreed must say how (the note); otherwise it awaits the nominee."""
    note = " ".join(str(note or "").split())
    if len(note) > MAX_NOTE:
        raise _bad("consent_note", f"Keep the note under {MAX_NOTE} characters.")
    if any(n.pk == person.pk for n in nominators):
        return NomineeConsent.SELF, note
    if not consented:
        return NomineeConsent.AWAITING, ""
    if not note:
        raise _bad(
            "consent_note", "Say how the nominee agreed to stand, such as “signed the nomination form”.",
            code="consent_note_required",
        )  # fmt: skip
    return NomineeConsent.RECORDED, note


def renomination_refused(person: Person, nomination: Nomination, then: str) -> Conflict:
    """Someone nominating again a nominee who declined or withdrew that
    nomination, without their consent (code withdrawn)."""
    did = "declined" if nomination.consent == NomineeConsent.DECLINED else "withdrew from"
    return Conflict(f"{person} {did} this nomination. {then}", code="withdrawn")


@transaction.atomic(durable=True)
def nominate(
    *, election: Election, person: Person, nominators, actor, at: datetime | None = None, consented: bool = False,
    consent_note: str = "",
) -> Nomination:  # fmt: skip
    """Record a nomination while nominations are open. Every nominator must be
    an eligible voter (refused with their Decision, code not_eligible_nominator);
    a nominee is checked against the holder rule at the close. Someone else's
    nomination awaits the nominee's consent (they are told) unless the
    organiser records that they agreed (`consented`, with `consent_note`);
    one the nominee declined or withdrew comes back only so (code withdrawn)."""
    election = _locked(election)
    at = at or timezone.now()
    check_nominations_open(election, at)
    if not isinstance(person, Person) or person.branch_id != election.branch_id or person.erased_at is not None:
        raise _bad("person", "Choose someone in this branch.")
    nominators = list(dict.fromkeys(nominators or []))
    if not nominators:
        raise _bad("nominators", "Name at least one nominator.")
    if len(nominators) > MAX_NOMINATORS:
        raise _bad("nominators", f"Name at most {MAX_NOMINATORS} nominators.")
    for n in nominators:
        if not isinstance(n, Person) or n.branch_id != election.branch_id:
            raise _bad("nominators", "Choose nominators in this branch.")
        decision = voter_decision(election, n)
        if not decision.eligible:
            raise _refusal(f"{n} may not nominate (not an eligible voter)", decision, "not_eligible_nominator")
    consent, note = organiser_consent(person, nominators, consented, consent_note)
    nomination = Nomination.objects.filter(election=election, person=person).first()
    if nomination is not None and nomination.status != NominationStatus.WITHDRAWN:
        raise Conflict(f"{person} is already nominated.", code="already_nominated")
    if nomination is not None and consent == NomineeConsent.AWAITING:
        # They said no once: asking them again through the same nomination
        # would only nag. Only their recorded agreement puts it back.
        raise renomination_refused(
            person, nomination, "Nominate them again only if they agree: tick that they agreed and say how."
        )
    if nomination is None:
        nomination = Nomination(election=election, person=person)
    nomination.status, nomination.withdrawn_at, nomination.nominated_at = NominationStatus.NOMINATED, None, at
    nomination.consent, nomination.consent_note = consent, note
    nomination.consent_at = None if consent == NomineeConsent.AWAITING else at
    nomination.consent_recorded_by = _user(actor) if consent == NomineeConsent.RECORDED else None
    nomination.save()
    nomination.nominators.set(nominators)
    audit.record(
        actor=actor, branch=election.branch, action=AuditAction.ELECTION_NOMINATE, obj=nomination,
        person_id=person.pk, at=at, summary=f"{election.title}: person {person.pk} nominated",
        changes={"election": election.pk, "nominators": [n.pk for n in nominators], "consent": consent,
                 **({"consent_note": note} if note else {})},
    )  # fmt: skip
    if consent == NomineeConsent.AWAITING:
        from .nominee_notices import tell_nominee_on_commit

        tell_nominee_on_commit(nomination)
    return nomination


@transaction.atomic(durable=True)
def withdraw_nomination(*, nomination: Nomination, actor, at: datetime | None = None) -> Nomination:
    """A nominee withdraws, recorded by an organiser (before the ballot opens)."""
    return withdraw_within(nomination=nomination, actor=actor, at=at)


def withdraw_within(*, nomination: Nomination, actor, at: datetime | None = None) -> Nomination:
    """The withdrawal inside the caller's write (the organisers' and the nominee's own)."""
    election = _locked(nomination.election)
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if election.status not in (ElectionStatus.DRAFT, ElectionStatus.NOMINATIONS):
        raise Conflict("Nominations have closed: the ballot paper is printed.", code="nominations_closed")
    if nomination.status == NominationStatus.WITHDRAWN:
        raise Conflict("That nomination is already withdrawn.", code="already_withdrawn")
    nomination.status, nomination.withdrawn_at = NominationStatus.WITHDRAWN, at or timezone.now()
    nomination.save(update_fields=["status", "withdrawn_at"])
    audit.record(
        actor=actor, branch=election.branch, action=AuditAction.ELECTION_WITHDRAW, obj=nomination,
        person_id=nomination.person_id, summary=f"{election.title}: person {nomination.person_id} withdrew",
        at=nomination.withdrawn_at,
    )  # fmt: skip
    return nomination


@transaction.atomic(durable=True)
def close_nominations(*, election: Election, actor, at: datetime | None = None) -> Election:
    return close_within(election=_locked(election), actor=actor, at=at)
