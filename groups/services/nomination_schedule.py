"""Nominations opening and closing by themselves at their set times (issue
13): when an election is set up with `nominations_open_at` /
`nominations_close_at`, or `set_nomination_times` changes them, `plan` queues
the `nominations_due` task with run_after for each time still to act on. The
task is idempotent and checks the current plan on the locked election: a
task whose time is no longer the election's (it was moved) does nothing, as
does one for a step already taken (opened or closed by hand). Closing is the
organisers' close (services/elections.py close_within: consent, the holder
rules at the close, its audit row); where nobody could stand, nominations stay
open with an audit row saying so. A backend that cannot wait (the immediate
one of development and tests) queues nothing: `run_due_nominations` (the
`nominations_due` command) sweeps instead."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from ..errors import Conflict
from ..models import AuditAction, AuditEvent, Election, ElectionStatus
from . import audit
from .nomination_steps import _bad, _locked, close_within, open_within

OPEN, CLOSE = "open", "close"


def _steps(election: Election) -> list[tuple[str, datetime]]:
    """The steps the election still has to take by itself, with their times."""
    steps = []
    if election.status == ElectionStatus.DRAFT and election.nominations_open_at:
        steps.append((OPEN, election.nominations_open_at))
    if election.status in (ElectionStatus.DRAFT, ElectionStatus.NOMINATIONS) and election.nominations_close_at:
        steps.append((CLOSE, election.nominations_close_at))
    return steps


def plan(election: Election, *, only: tuple[str, ...] = (OPEN, CLOSE)) -> list[tuple[str, datetime]]:
    """Inside the caller's write: queue the task for each step (of `only`)
    after the commit. Returns what was queued."""
    if not nominations_due.get_backend().supports_defer:
        return []
    queued = [(step, when) for step, when in _steps(election) if step in only]
    for step, when in queued:
        kwargs = {"election_id": election.pk, "step": step, "planned_for": when.isoformat()}
        transaction.on_commit(lambda when=when, kwargs=kwargs: nominations_due.using(run_after=when).enqueue(**kwargs))
    return queued


@transaction.atomic(durable=True)
def set_nomination_times(
    *, election: Election, actor, nominations_open_at: datetime | None, nominations_close_at: datetime | None,
    now: datetime | None = None,
) -> Election:  # fmt: skip
    """Change when nominations open (before they have) and close (until they
    have), each time still to come; the tasks for the new times are queued and
    the old ones find themselves stale."""
    election = _locked(election)
    now = now or timezone.now()
    if election.status not in (ElectionStatus.DRAFT, ElectionStatus.NOMINATIONS):
        raise Conflict("Nominations have closed: their times can no longer change.", code="nominations_closed")
    if election.status == ElectionStatus.NOMINATIONS:
        nominations_open_at = election.nominations_open_at  # already open: that time is history
    elif nominations_open_at is not None and nominations_open_at <= now:
        raise _bad("nominations_open_at", "Choose an opening time still to come, or open nominations now.")
    if nominations_close_at is not None and nominations_close_at <= now:
        raise _bad("nominations_close_at", "Choose a closing time still to come, or close nominations now.")
    if nominations_open_at and nominations_close_at and nominations_close_at <= nominations_open_at:
        raise _bad("nominations_close_at", "Nominations must close after they open.")
    old = {"nominations_open_at": election.nominations_open_at, "nominations_close_at": election.nominations_close_at}
    new = {"nominations_open_at": nominations_open_at, "nominations_close_at": nominations_close_at}
    changed = [k for k in new if new[k] != old[k]]
    if not changed:
        return election
    for name in changed:
        setattr(election, name, new[name])
    election.save(update_fields=changed)
    audit.record(
        actor=actor, branch=election.branch, action=AuditAction.ELECTION_UPDATE, obj=election, at=now,
        summary=f"{election.title}: nomination times changed",
        changes={k: {"old": old[k], "new": new[k]} for k in changed},
    )  # fmt: skip
    plan(election, only=tuple(OPEN if k == "nominations_open_at" else CLOSE for k in changed))
    return election


def run_step(*, election_id: int, step: str, planned_for: datetime, now: datetime | None = None) -> str:
    """The task's work: take the step if it is still planned for that time and
    the time has come. Answers what happened: opened, closed, kept_open,
    stale (moved, done or gone) or early."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        election = Election.objects.filter(pk=election_id).first()
        if election is None:
            return "stale"
        election = _locked(election)
        if (step, planned_for) not in _steps(election):
            return "stale"
        if planned_for > now:
            return "early"
        if step == OPEN:
            open_within(election=election, actor=None, at=planned_for)
            return "opened"
        try:
            with transaction.atomic():  # a refused close leaves every nomination as it was
                close_within(election=election, actor=None, at=now)
        except Conflict as exc:
            said = AuditEvent.objects.filter(
                action=AuditAction.ELECTION_NOMINATIONS_KEPT_OPEN,
                object_type="election",
                object_id=str(election.pk),
                at__gte=planned_for,
            )
            if said.exists():  # said once for this closing time: a later sweep does not repeat it
                return "kept_open"
            audit.record(
                actor=None, branch=election.branch, action=AuditAction.ELECTION_NOMINATIONS_KEPT_OPEN, obj=election,
                at=now, summary=f"{election.title}: nominations not closed at their time — {exc.message}",
                changes={"code": exc.code, "planned_for": planned_for},
            )  # fmt: skip
            return "kept_open"
        return "closed"


@task()
def nominations_due(*, election_id: int, step: str, planned_for: str) -> str:
    """Open or close an election's nominations at their set time (see run_step)."""
    return run_step(election_id=election_id, step=step, planned_for=datetime.fromisoformat(planned_for))


def run_due_nominations(*, at: datetime | None = None) -> dict[str, int]:
    """Every step due (where no worker runs the tasks): each election in its own write."""
    at = at or timezone.now()
    counts: dict[str, int] = {}
    due = Election.objects.filter(status__in=(ElectionStatus.DRAFT, ElectionStatus.NOMINATIONS)).order_by("pk")
    for election in due:
        for step, when in _steps(election):
            if when <= at:
                outcome = run_step(election_id=election.pk, step=step, planned_for=when, now=at)
                counts[outcome] = counts.get(outcome, 0) + 1
                if outcome != "opened":
                    break
                election.status = ElectionStatus.NOMINATIONS  # opened: its close may be due too
    return counts
