"""Applying a branch's retention schedule (issue 15 item 3). Nothing is kept
longer than the branch needs:

- people whose memberships all ended more than N years ago (default 6) are
  erased through groups.services.erasure.erase_person, one transaction each,
  as a registration of interest never reviewed after 90 days is;
- stored import uploads go after 24 hours, role invitations once they have
  expired unaccepted, and sign-in sessions once expired (site-wide).

Each real run leaves one audit row per branch with counts only (never who);
a dry run writes nothing. The daily run goes through the task queue
(`retention_run`, enqueued with run_after, which plans the next one when it
has run); `manage.py apply_retention` runs it by hand or from cron, and
prints what it would do with --dry-run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from ..cleaning import FieldErrors
from ..errors import InvalidInput
from ..imports.jobs import forget_upload
from ..models import AuditAction, Branch, Person, RetentionSchedule, RoleInvitation
from ..queries.retention import RetentionPlan, expired_sessions, retention_plan, schedule_of
from . import audit
from .erasure import erase_person

RUN_EVERY = timedelta(days=1)
LIMITS = {
    "former_member_years": (1, 50, "years"),
    "interest_days": (7, 3650, "days"),
    "upload_hours": (1, 168, "hours"),
}


@dataclass
class RetentionRun:
    plan: RetentionPlan
    dry_run: bool
    erased: int = 0

    def counts(self) -> dict[str, int]:
        return self.plan.counts()


# --- the schedule ---------------------------------------------------------------


@transaction.atomic(durable=True)
def update_schedule(*, branch: Branch, actor, data: dict, now: datetime | None = None) -> RetentionSchedule:
    """Save the branch's schedule (whole numbers within LIMITS), audited with
    the old and new values, and plan its daily run."""
    now = now or timezone.now()
    errors = FieldErrors()
    values = {}
    for name, (low, high, unit) in LIMITS.items():
        try:
            value = int(data.get(name))
        except (TypeError, ValueError):
            errors.add(name, f"Give a whole number of {unit}.")
            continue
        if not low <= value <= high:
            errors.add(name, f"Give between {low} and {high:,} {unit}.")
        values[name] = value
    if errors:
        first = next(iter(errors.values()))[0]
        raise InvalidInput(first, code="invalid", errors=dict(errors))
    schedule, _ = RetentionSchedule.objects.select_for_update().get_or_create(branch=branch)
    changes = audit.diff(schedule, values)
    for name, value in values.items():
        setattr(schedule, name, value)
    schedule.updated_at, schedule.updated_by = now, actor
    schedule.save()
    audit.record(
        actor=actor,
        branch=branch,
        action=AuditAction.RETENTION_UPDATE,
        obj=schedule,
        summary="Changed the retention schedule" if changes else "Saved the retention schedule unchanged",
        changes=changes,
        at=now,
    )
    _plan_next(schedule, now=now)
    return schedule


def _plan_next(schedule: RetentionSchedule, *, now: datetime) -> datetime:
    """Inside the caller's transaction: the next daily run is a day from now,
    unless one is already planned sooner; queued on commit."""
    if schedule.next_run_at is not None and now < schedule.next_run_at <= now + RUN_EVERY:
        return schedule.next_run_at
    due = now + RUN_EVERY
    RetentionSchedule.objects.filter(pk=schedule.pk).update(next_run_at=due)
    schedule.next_run_at = due
    if retention_run.get_backend().supports_defer:
        kwargs = {"branch_id": schedule.branch_id, "due": due.isoformat()}
        transaction.on_commit(lambda: retention_run.using(run_after=due).enqueue(**kwargs))
    return due


@transaction.atomic(durable=True)
def plan_daily_run(*, branch: Branch, now: datetime | None = None) -> datetime:
    """Make sure the branch's daily run is planned (its schedule saved with
    the defaults if it never was): `manage.py apply_retention --plan`."""
    schedule, _ = RetentionSchedule.objects.select_for_update().get_or_create(branch=branch)
    return _plan_next(schedule, now=now or timezone.now())


# --- a run ----------------------------------------------------------------------


def apply_retention(*, branch: Branch, at: datetime | None = None, dry_run: bool = False) -> RetentionRun:
    """Apply the branch's schedule at `at` (now by default). A dry run only
    plans. A real run erases each person in their own transaction (an
    erasure is durable), then removes the rest and writes the run's audit
    row in one."""
    at = at or timezone.now()
    plan = retention_plan(branch, at=at)
    run = RetentionRun(plan=plan, dry_run=dry_run)
    if dry_run:
        return run
    years = plan.schedule.former_member_years
    for pk, reason in [
        *((pk, f"Retention: every membership ended more than {years} years ago") for pk in plan.former_members),
        *(
            (pk, f"Retention: a registration of interest not reviewed in {plan.schedule.interest_days} days")
            for pk in plan.interest
        ),
    ]:
        person = Person.objects.filter(pk=pk, branch=branch).first()
        if person is None:
            continue  # erased or deleted since the plan was made
        erase_person(person=person, actor=None, reason=reason, at=at)
        run.erased += 1
    _finish_run(run)
    return run


@transaction.atomic(durable=True)
def _finish_run(run: RetentionRun) -> None:
    plan = run.plan
    RoleInvitation.objects.filter(pk__in=plan.role_invitations, accepted_at__isnull=True).delete()
    counts = {**plan.counts(), "erased": run.erased}
    audit.record(
        actor=None,
        branch=plan.branch,
        action=AuditAction.RETENTION_APPLY,
        summary=(
            f"Retention: erased {run.erased:,} {'person' if run.erased == 1 else 'people'}, "
            f"deleted {len(plan.uploads):,} uploads and {len(plan.role_invitations):,} expired role invitations"
        ),
        changes=counts,
        at=plan.at,
    )
    for token in plan.uploads:
        transaction.on_commit(lambda token=token: forget_upload(token))


@transaction.atomic(durable=True)
def clear_expired_sessions(*, at: datetime | None = None, dry_run: bool = False) -> int:
    """Sign-in sessions past their expiry: site-wide, one audit row (a count) when any went."""
    at = at or timezone.now()
    expired = expired_sessions(at)
    if dry_run:
        return expired.count()
    gone = expired.delete()[0]
    if gone:
        audit.record(
            actor=None,
            branch=None,
            action=AuditAction.RETENTION_APPLY,
            summary=f"Retention: deleted {gone:,} expired sign-in sessions",
            changes={"sessions": gone},
            at=at,
        )
    return gone


# --- the daily task -------------------------------------------------------------


@task()
def retention_run(*, branch_id: int, due: str) -> dict[str, int]:
    """The daily run planned for `due` (an ISO time). A task finding another
    time planned (the schedule was saved since, or another worker claimed
    it) does nothing; the one that claims it runs and plans the next."""
    due_at = datetime.fromisoformat(due)
    now = timezone.now()
    with transaction.atomic(durable=True):
        claimed = RetentionSchedule.objects.filter(branch_id=branch_id, next_run_at=due_at).update(next_run_at=None)
    if not claimed:
        return {}
    branch = Branch.objects.get(pk=branch_id)
    run = apply_retention(branch=branch, at=now)
    clear_expired_sessions(at=now)
    plan_daily_run(branch=branch, now=now)
    return {**run.counts(), "erased": run.erased}


__all__ = ["apply_retention", "clear_expired_sessions", "plan_daily_run", "retention_run", "schedule_of"]
