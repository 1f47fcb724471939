"""Votes: set up, open, vote, count a show of hands, close. Each write is one
durable transaction with its audit row (CONTRACT.md §6).

Entitlement is groups.eligibility.voting (may_vote / voters): snapshotted
when the vote opens, and checked again at the moment of voting. A secret
vote writes the voted mark and the ballot in one transaction, sharing no id,
time or order (see groups.models.votes); closing rewrites its ballots in a
random order."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from ..counting.thresholds import THRESHOLDS, ThresholdError, decide_question
from ..eligibility.voting import may_vote, voters
from ..errors import Conflict, InvalidInput, NotAllowed, not_entitled
from ..models import (
    Attendance,
    AuditAction,
    Ballot,
    Branch,
    Choice,
    Meeting,
    MeetingStatus,
    Motion,
    MotionState,
    Person,
    QuestionKind,
    Vote,
    VotedMark,
    VoteEntitlement,
    VoteMethod,
    VoteStatus,
)
from ..queries.attendance import quorum
from ..queries.standing_orders import standing_orders_for
from ..sql import insert, sqlite_ballots
from ..sql import votes as statements
from ..sql.core import in_own_transaction, write_turn
from . import audit
from .motions import check_may_put, settle_vote

MAX_QUESTION = 500
MAX_REASON = 500


def _locked(vote: Vote) -> Vote:
    """The vote as it stands now, its row locked until the transaction ends:
    a ballot and the close never cross."""
    return (
        Vote.objects.select_for_update(of=("self",))
        .select_related("meeting__branch", "meeting__attendance_rule", "meeting__voting_rule")
        .get(pk=vote.pk)
    )


def _present_check_ins(meeting: Meeting):
    return Attendance.objects.filter(
        meeting_id=meeting.pk, person__isnull=False, undone_at__isnull=True, left_at__isnull=True
    )


def withdraw_entitlements(*, meeting_id: int, person_id: int, at: datetime) -> int:
    """They left or their check-in was undone: no ballot from them in the
    meeting's open votes (inside the caller's transaction; the snapshot row
    stays, marked). How many open votes it touched."""
    return VoteEntitlement.objects.filter(
        vote__meeting_id=meeting_id, vote__status=VoteStatus.OPEN, person_id=person_id, withdrawn_at__isnull=True
    ).update(withdrawn_at=at)


def restore_entitlements(*, meeting_id: int, person_id: int) -> int:
    """Checked in again (an undone check-in re-opened) and admitted by the
    voting rule: the entitlements they had in open votes stand again, as if
    nothing had happened (inside the caller's transaction). Someone not in a
    vote's snapshot stays out of it."""
    return VoteEntitlement.objects.filter(
        vote__meeting_id=meeting_id, vote__status=VoteStatus.OPEN, person_id=person_id, withdrawn_at__isnull=False
    ).update(withdrawn_at=None)


def _entitled_and_present(vote: Vote) -> int:
    """Those in the vote's snapshot who are still here (a show of hands cannot count more)."""
    here = Attendance.objects.filter(meeting_id=vote.meeting_id, undone_at__isnull=True, left_at__isnull=True)
    return VoteEntitlement.objects.filter(vote=vote, person_id__in=here.values("person_id")).count()


@transaction.atomic(durable=True)
def create_vote(
    *,
    meeting: Meeting,
    actor,
    question: str = "",
    method: str,
    threshold: str | None = None,
    kind: str = QuestionKind.MOTION,
    motion: Motion | None = None,
) -> Vote:
    """A vote in draft: the question, how it is taken, and its threshold (the
    standing orders' default for its kind unless one is chosen). With a
    motion (seconded, of this meeting) the motion is put to the vote: its
    text is the question unless one is given, its kind the vote's."""
    if motion is not None:
        motion = Motion.objects.select_for_update().filter(pk=motion.pk, meeting=meeting).first()
        if motion is None:
            raise InvalidInput(
                "This meeting has no such motion.", code="invalid", errors={"motion": ["No such motion."]}
            )
        check_may_put(motion)
        question, kind = question or motion.summary[:MAX_QUESTION], motion.kind
    question = " ".join((question or "").split())
    errors = {}
    if not question:
        errors["question"] = ["Write the question the meeting is voting on."]
    elif len(question) > MAX_QUESTION:
        errors["question"] = [f"Keep the question under {MAX_QUESTION} characters."]
    if method not in VoteMethod.values:
        errors["method"] = ["Choose secret, named or show of hands."]
    if kind not in QuestionKind.values:
        errors["kind"] = ["Choose a kind of question."]
    if threshold not in (None, "") and threshold not in THRESHOLDS:
        errors["threshold"] = ["Choose one of the thresholds offered."]
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], code="invalid", errors=errors)
    if meeting.status == MeetingStatus.CANCELLED:
        raise Conflict("This meeting was cancelled, so it takes no votes.", code="meeting_cancelled")
    threshold = threshold or standing_orders_for(meeting.branch).threshold_for(kind)
    vote = Vote.objects.create(
        meeting=meeting,
        question=question,
        method=method,
        kind=kind,
        threshold=threshold,
        created_by=actor,
        motion=motion,
    )
    if motion is not None:
        motion.state = MotionState.PUT
        motion.save(update_fields=["state", "updated_at"])
    audit.record(
        actor=actor,
        branch=meeting.branch,
        action=AuditAction.VOTE_CREATE,
        obj=vote,
        summary=f"Vote set up: {question}"[:300],
        changes={
            "meeting": meeting.pk,
            "method": method,
            "threshold": threshold,
            "kind": kind,
            "motion": motion.pk if motion else None,
        },
    )
    return vote


@transaction.atomic(durable=True)
def open_vote(*, vote: Vote, actor, override_reason: str | None = None, at: datetime | None = None) -> Vote:
    """Open the vote: only while the meeting is quorate, unless the chair gives
    a reason (recorded). Snapshots who is entitled: those present whom the
    rules admit now; someone checked in later is not in this vote."""
    vote = _locked(vote)
    if vote.status != VoteStatus.DRAFT:
        raise Conflict("This vote has already been opened.", code="vote_not_draft")
    meeting = vote.meeting
    if meeting.status == MeetingStatus.CANCELLED:
        raise Conflict("This meeting was cancelled, so it takes no votes.", code="meeting_cancelled")
    reason = " ".join((override_reason or "").split())
    if len(reason) > MAX_REASON:
        raise InvalidInput(f"Keep the reason under {MAX_REASON} characters.", code="reason_too_long")
    figures = quorum(meeting)
    if not figures["quorate"] and not reason:
        raise Conflict(
            f"Not quorate — {figures['present_eligible']} of {figures['quorum']} needed. "
            "To open the vote anyway, give a reason.",
            code="not_quorate",
            quorum=figures,
        )
    # Lock the check-ins of those present before deciding who is entitled: a
    # leave or an undo under way commits first (and they are left out); one
    # that starts now waits, then withdraws the entitlement written here.
    list(_present_check_ins(meeting).select_for_update().values_list("pk", flat=True))
    ids = voters(meeting)
    VoteEntitlement.objects.bulk_create([VoteEntitlement(vote=vote, person_id=pk) for pk in ids])
    vote.status = VoteStatus.OPEN
    vote.opened_at = at or timezone.now()
    vote.opened_by = actor
    vote.override_reason = "" if figures["quorate"] else reason
    vote.quorum_at_open = figures
    vote.save(update_fields=["status", "opened_at", "opened_by", "override_reason", "quorum_at_open"])
    overridden = not figures["quorate"]
    row = {"actor": actor, "branch": meeting.branch, "obj": vote, "at": vote.opened_at}
    if overridden:
        audit.record(
            action=AuditAction.VOTE_OPEN_OVERRIDE,
            summary=f"Vote opened although not quorate: {reason}"[:300],
            changes={"entitled": len(ids), "quorum": figures, "override_reason": reason},
            **row,
        )
    else:
        audit.record(
            action=AuditAction.VOTE_OPEN,
            summary="Vote opened",
            changes={"entitled": len(ids), "quorum": figures},
            **row,
        )
    return vote


def _refuse(reasons) -> NotAllowed:
    return not_entitled(reasons, to="on this")


def cast_ballot(*, vote: Vote, person: Person | None, choice: str, actor) -> VotedMark:
    """The voter's own ballot. Refused (not_entitled, with the Decision) when
    they were not entitled when the vote opened or may not vote now;
    already_voted for a second ballot (the database's unique constraint is
    the last word); vote_closed when the vote is not open.

    No lock on the vote and no Decision on the way in: one conditional INSERT
    (groups/sql/votes.py) takes the mark only while the vote is open and the
    person's entitlement is live — the snapshot taken at open, withdrawn by
    groups.services.attendance when they leave or their check-in is undone,
    so "entitled now" is one indexed row. Only a refusal reads further, to
    say why."""
    if choice not in Choice.values:
        raise InvalidInput('Choose "for", "against" or "abstain".', code="invalid", errors={"choice": ["Choose one."]})
    if person is None:
        raise _refuse(["Your account is not linked to a member of this branch."])
    with write_turn(), transaction.atomic(durable=True):
        at = timezone.now()
        mark = statements.insert_mark(
            vote_id=vote.pk, meeting_id=vote.meeting_id, person_id=person.pk, choice=choice, at=at
        )
        if mark is None:
            raise _why_not(vote, person)
        return _counted(mark, vote_id=vote.pk, branch_id=person.branch_id, choice=choice, actor=actor, at=at)


def cast_own_ballot(
    *, branch: Branch, meeting_id: int, vote_id: int, choice: str, actor, drafts_visible: bool, window=None
) -> VotedMark | None:
    """cast_ballot for the person of this branch linked to `actor`'s account,
    in a meeting of the branch the account may see (drafts only when
    `drafts_visible`): the API's hot path, where one statement finds the
    voter, checks the vote and takes the mark. The mark, with ``progress``
    ({"voted": n, "entitled": m}) for the answer; None when no ballot was
    taken, for any reason — the caller then goes the long way (its 404s,
    then cast_ballot, which says why).

    `window`: the caller's API rate-limit window (groups/api/throttling.py),
    counted first with the ballot, in the same commit; None, with nothing
    else written, when it is over its limit.

    PostgreSQL: the whole ballot is one statement (sql/votes.py cast_own) in
    autocommit — no BEGIN or COMMIT to send, and the ballot, the audit row
    and the progress come back with the mark. SQLite: one INSERT too, into a
    temporary view whose trigger takes the same steps (sql/sqlite_ballots.py),
    ordered by SQLite's own write lock; then one read of what it did and of
    the progress."""
    if choice not in Choice.values:
        return None
    at = timezone.now()
    who = {"vote_id": vote_id, "meeting_id": meeting_id, "branch_id": branch.pk, "user_id": actor.pk}
    who |= {"drafts_visible": drafts_visible, "choice": choice, "at": at}
    event = {"vote_id": vote_id, "branch_id": branch.pk, "choice": choice, "actor": actor, "at": at}
    return _cast_in_one_statement(who, event, window)


def _cast_in_one_statement(who: dict, event: dict, window) -> VotedMark | None:
    """cast_own_ballot in one statement, the rate limit in it unless Redis
    counts (or the window was counted already): statements.cast_own on
    PostgreSQL, sqlite_ballots.cast_own (a view's trigger) on SQLite."""
    if in_own_transaction():
        raise RuntimeError("A ballot's one statement commits on its own: not inside a transaction.")
    rate = window.in_statement() if window is not None else None
    if window is not None and rate is None and not window.hit():
        return None
    audit_rows = tuple(_ballot_event(person_id=None, named=named, **event) for named in (False, True))
    one_statement = statements.cast_own if connection.vendor == "postgresql" else sqlite_ballots.cast_own
    count, end, person_id, named_choice, voted, entitled = one_statement(
        **who, rate=rate, limit=window.limit if rate else 0, audit_rows=audit_rows
    )
    if rate is not None:
        window.took(count, end, rate[1], saved=not connection.in_atomic_block)
    if person_id is None:
        return None
    mark = VotedMark(vote_id=who["vote_id"], person_id=person_id, cast_at=who["at"], named_choice=named_choice)
    mark.progress = {"voted": voted, "entitled": entitled}
    return mark


def _ballot_event(*, person_id, named: bool, vote_id: int, branch_id: int, choice: str, actor, at: datetime):
    """The audit row of a ballot: that they voted, and how only in a named vote."""
    return audit.new_event(
        actor=actor,
        branch=Branch(pk=branch_id),
        action=AuditAction.VOTE_BALLOT,
        object_type="vote",
        object_id=vote_id,
        person_id=person_id,
        at=at,
        summary="Voted" + (f" {choice}" if named else ""),
        changes={"choice": choice} if named else {},  # a secret choice never reaches the audit trail
    )


def _counted(row: tuple, **event) -> VotedMark:
    """After the mark: a secret vote's ballot, and the audit row."""
    person_id, named_choice = row
    if not named_choice:
        statements.insert_ballot(vote_id=event["vote_id"], choice=event["choice"])  # a random UUID, no person, no time
    insert(_ballot_event(person_id=person_id, named=bool(named_choice), **event))
    return VotedMark(vote_id=event["vote_id"], person_id=person_id, cast_at=event["at"], named_choice=named_choice)


def _why_not(vote: Vote, person: Person) -> Exception:
    """The refusal for a ballot that was not taken, in the order a voter
    should hear it: the vote's state, then entitlement (with the full
    Decision's reasons), then a second ballot."""
    vote = (
        Vote.objects.select_related("meeting__branch", "meeting__attendance_rule", "meeting__voting_rule")
        .filter(pk=vote.pk, meeting_id=vote.meeting_id)
        .first()
    )
    if vote is None or vote.status != VoteStatus.OPEN:
        word = "has not opened yet" if vote is not None and vote.status == VoteStatus.DRAFT else "is closed"
        return Conflict(f"This vote {word}: no ballots are taken now.", code="vote_closed")
    if vote.method == VoteMethod.SHOW_OF_HANDS:
        return Conflict("This vote is a show of hands: raise your hand when the chair asks.", code="show_of_hands")
    entitlement = VoteEntitlement.objects.filter(vote=vote, person=person).first()
    if entitlement is None or entitlement.withdrawn_at is not None:
        decision = may_vote(vote.meeting, person)
        reasons = [] if decision.eligible else list(decision.reasons)
        if entitlement is None:  # not in the snapshot; the Decision says why, if it can
            reasons.insert(0, "You were not checked in and entitled to vote when this vote opened.")
        return _refuse(reasons or ["You left, or your check-in was undone, after this vote opened."])
    return Conflict("You have already voted on this.", code="already_voted")


@transaction.atomic(durable=True)
def enter_tally(*, vote: Vote, actor, votes_for: int, votes_against: int, abstain: int) -> Vote:
    """The chair's count of a show of hands; refused above those entitled and present."""
    vote = _locked(vote)
    if vote.method != VoteMethod.SHOW_OF_HANDS:
        raise Conflict("Only a show of hands is counted by the chair.", code="not_show_of_hands")
    if vote.status != VoteStatus.OPEN:
        raise Conflict("This vote is not open.", code="vote_closed")
    counts = {"for": votes_for, "against": votes_against, "abstain": abstain}
    bad = {
        k: ["Give a whole number, 0 or more."]
        for k, v in counts.items()
        if isinstance(v, bool) or not isinstance(v, int) or v < 0
    }
    if bad:
        raise InvalidInput("Give whole numbers, 0 or more.", code="invalid", errors=bad)
    limit = _entitled_and_present(vote)
    if sum(counts.values()) > limit:
        raise InvalidInput(
            f"{sum(counts.values())} hands is more than the {limit} entitled to vote and present.", code="too_many"
        )
    old = {"for": vote.tally_for, "against": vote.tally_against, "abstain": vote.tally_abstain}
    vote.tally_for, vote.tally_against, vote.tally_abstain = votes_for, votes_against, abstain
    vote.save(update_fields=["tally_for", "tally_against", "tally_abstain"])
    audit.record(
        actor=actor,
        branch=vote.meeting.branch,
        action=AuditAction.VOTE_TALLY,
        obj=vote,
        summary=f"Show of hands: {votes_for} for, {votes_against} against, {abstain} abstaining",
        changes={k: {"old": old[k], "new": v} for k, v in counts.items()},
    )
    return vote


def _counts(vote: Vote) -> tuple[int, int, int, int]:
    """(for, against, abstain, voted)."""
    if vote.method == VoteMethod.SHOW_OF_HANDS:
        if vote.tally_for is None:
            raise InvalidInput("Enter the show of hands before closing the vote.", code="no_tally")
        f, a, b = vote.tally_for, vote.tally_against, vote.tally_abstain
        return f, a, b, f + a + b
    if vote.method == VoteMethod.NAMED:
        rows = VotedMark.objects.filter(vote=vote).values_list("named_choice").annotate(n=Count("id"))
    else:
        rows = Ballot.objects.filter(vote=vote).values_list("choice").annotate(n=Count("id"))
    got = dict(rows)
    voted = VotedMark.objects.filter(vote=vote).count()
    return got.get("for", 0), got.get("against", 0), got.get("abstain", 0), voted


def _reshuffle(vote: Vote, counts: dict[str, int]) -> None:
    """Rewrite a secret vote's ballots in a random order with fresh keys, so no
    trace of the order they were cast in (physical order, PostgreSQL's xmin)
    survives the close. The choices are the counts just taken (the vote's
    row is locked: no ballot comes in between)."""
    choices = [choice for choice, n in counts.items() for _ in range(n)]
    # A uniformly random order: sorted by 64-bit keys from the OS's randomness,
    # read once (SystemRandom's shuffle reads it once per ballot).
    raw = secrets.token_bytes(8 * len(choices))
    keys = [raw[8 * i : 8 * i + 8] for i in range(len(choices))]
    order = sorted(range(len(choices)), key=keys.__getitem__)
    statements.rewrite_ballots(vote_id=vote.pk, choices=[choices[i] for i in order])


@transaction.atomic(durable=True)
def close_vote(*, vote: Vote, actor, casting_vote: str | None = None, at: datetime | None = None) -> Vote:
    """Close the vote and declare its result, computed by
    groups.counting.thresholds from the counts, those entitled and the
    standing orders (the chair's casting vote only on a tie, where allowed)."""
    vote = _locked(vote)
    if vote.status != VoteStatus.OPEN:
        word = "is closed already" if vote.status == VoteStatus.CLOSED else "has not been opened"
        raise Conflict(f"This vote {word}.", code="vote_closed")
    votes_for, votes_against, abstain, voted = _counts(vote)
    entitled = VoteEntitlement.objects.filter(vote=vote).count()
    so = standing_orders_for(vote.meeting.branch)
    try:
        outcome = decide_question(
            threshold=vote.threshold,
            votes_for=votes_for,
            votes_against=votes_against,
            abstain=abstain,
            present=entitled,
            casting_allowed=so.casting_vote,
            casting_vote=casting_vote or None,
        )
    except ThresholdError as exc:
        raise InvalidInput(str(exc), code="invalid_casting_vote", errors={"casting_vote": [str(exc)]}) from None
    if vote.method == VoteMethod.SECRET:
        _reshuffle(vote, {"for": votes_for, "against": votes_against, "abstain": abstain})
    vote.status = VoteStatus.CLOSED
    vote.closed_at = at or timezone.now()
    vote.closed_by = actor
    vote.votes_for, vote.votes_against, vote.abstain = votes_for, votes_against, abstain
    vote.entitled, vote.voted, vote.base, vote.needed = entitled, voted, outcome.base, outcome.needed
    vote.casting_vote = outcome.casting_vote or ""
    vote.result = outcome.result
    vote.explanation = outcome.explanation[:300]
    vote.save()
    if vote.motion_id is not None:
        settle_vote(motion_id=vote.motion_id, carried=outcome.carried, actor=actor, at=vote.closed_at)
    audit.record(
        actor=actor,
        branch=vote.meeting.branch,
        action=AuditAction.VOTE_CLOSE,
        obj=vote,
        at=vote.closed_at,
        summary=f"{vote.question}: {outcome.result} ({outcome.explanation})"[:300],
        changes={
            "for": votes_for,
            "against": votes_against,
            "abstain": abstain,
            "entitled": entitled,
            "voted": voted,
            "threshold": vote.threshold,
            "result": outcome.result,
            "casting_vote": outcome.casting_vote,
        },
    )
    return vote
