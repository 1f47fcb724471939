"""Positions (issue 13, item 1): the branch's offices and who holds them.

`create_position` / `update_position` define an office; `appoint` makes
someone a holder after checking the holder rule (refused with the Decision's
reasons), `end_term` ends a term (the row stays: the history is kept).

The daily re-check: `recheck_holders` decides every current holder against
their position's rule today; one who no longer qualifies gets a
PositionAlert with the reasons (shown to organisers on the dashboard and the
positions page), resolved when they qualify again or their term ends. It runs
as the `recheck` task, queued with `run_after` for 06:00 where the branch
meets each day while the branch has holders (`plan_recheck`, the plan kept in
RecheckPlan so a stale task does nothing); where the task backend cannot wait
(the immediate one) `manage.py recheck_positions` does the same from cron.
Elections will appoint their winners through `appoint_within` with
source=elected.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from ..eligibility.decisions import decide, decisions_for, unreadable
from ..eligibility.engine import RuleError
from ..errors import Conflict, InvalidInput, NotAllowed
from ..models import (
    AuditAction,
    Branch,
    HolderSource,
    Person,
    Position,
    PositionAlert,
    PositionHolder,
    RecheckPlan,
    Rule,
)
from . import audit, people_version

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
MAX_SEATS = 100
RECHECK_AT = time(6, 0)  # where the branch meets


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _clean(*, branch: Branch, name, description, holder_rule, seats, term_months, others_may_nominate=False) -> dict:
    name = (name or "").strip()
    if not name:
        raise InvalidInput("Give the position a name, such as “Chair”.", code="name_required", field="name")
    if len(name) > 100:
        raise InvalidInput("Keep the name to 100 characters.", code="name_too_long", field="name")
    if holder_rule is not None and (not isinstance(holder_rule, Rule) or holder_rule.branch_id != branch.pk):
        raise InvalidInput("Choose one of this branch's rules.", code="bad_rule", field="holder_rule")
    try:
        seats = int(seats)
    except (TypeError, ValueError):
        raise InvalidInput("Give the number of holders as a whole number.", code="bad_seats", field="seats") from None
    if not 1 <= seats <= MAX_SEATS:
        raise InvalidInput(f"A position has 1 to {MAX_SEATS} holders.", code="bad_seats", field="seats")
    if term_months in ("", None):
        term_months = None
    else:
        try:
            term_months = int(term_months)
        except (TypeError, ValueError):
            raise InvalidInput(
                "Give the term in whole months, such as 12.", code="bad_term", field="term_months"
            ) from None
        if not 1 <= term_months <= 120:
            raise InvalidInput("Give a term of 1 to 120 months.", code="bad_term", field="term_months")
    return {
        "name": name,
        "description": (description or "").strip(),
        "holder_rule": holder_rule,
        "seats": seats,
        "term_months": term_months,
        "others_may_nominate": others_may_nominate is True,
    }


@transaction.atomic(durable=True)
def create_position(
    *,
    branch: Branch,
    slug: str,
    name: str,
    actor,
    description="",
    holder_rule=None,
    seats=1,
    term_months=None,
    others_may_nominate: bool = False,
) -> Position:
    """A new office. Its slug is what rules name (`office`) and never changes."""
    slug = (slug or "").strip().lower()
    if not _SLUG.match(slug):
        raise InvalidInput(
            "Give a short name for rules of lower-case letters, digits and hyphens, such as “chair”.",
            code="bad_slug",
            field="slug",
        )
    fields = _clean(
        branch=branch,
        name=name,
        description=description,
        holder_rule=holder_rule,
        seats=seats,
        term_months=term_months,
        others_may_nominate=others_may_nominate,
    )
    if Position.objects.filter(branch=branch, slug=slug).exists():
        raise InvalidInput(f"The branch already has a position “{slug}”.", code="slug_taken", field="slug")
    order = Position.objects.filter(branch=branch).count()
    position = Position.objects.create(branch=branch, slug=slug, order=order, **fields)
    audit.record(
        actor=actor,
        branch=branch,
        action=AuditAction.POSITION_CREATE,
        obj=position,
        summary=f"Added the position {position.name}",
        changes={"slug": slug, **{k: v for k, v in fields.items() if k != "description"}},
    )
    return position


@transaction.atomic(durable=True)
def update_position(
    *,
    position: Position,
    actor,
    name: str,
    description="",
    holder_rule=None,
    seats=1,
    term_months=None,
    others_may_nominate: bool = False,
) -> Position:
    """Change an office (not its slug). Fewer seats than current holders is refused."""
    position = Position.objects.select_for_update(of=("self",)).select_related("branch").get(pk=position.pk)
    fields = _clean(
        branch=position.branch,
        name=name,
        description=description,
        holder_rule=holder_rule,
        seats=seats,
        term_months=term_months,
        others_may_nominate=others_may_nominate,
    )
    current = PositionHolder.objects.filter(position=position, ended_on__isnull=True).count()
    if fields["seats"] < current:
        raise Conflict(
            f"{current} people hold it now: end a term before making fewer seats.", code="seats_taken", field="seats"
        )
    changes = audit.diff(position, fields)
    if not changes:
        return position
    for key, value in fields.items():
        setattr(position, key, value)
    position.save()
    audit.record(
        actor=actor,
        branch=position.branch,
        action=AuditAction.POSITION_UPDATE,
        obj=position,
        summary=f"Changed the position {position.name}",
        changes=changes,
    )
    return position


def _date(value, field: str, what: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise InvalidInput(f"Give {what} as a real date, such as 2025-04-14.", code="bad_date", field=field) from None


def appoint_within(
    *, position: Position, person: Person, started_on, actor, source: str = HolderSource.APPOINTED
) -> PositionHolder:
    """appoint's body, for a caller inside a bigger write (an election's declaration)."""
    position = (
        Position.objects.select_for_update(of=("self",)).select_related("branch", "holder_rule").get(pk=position.pk)
    )
    branch = position.branch
    started_on = _date(started_on, "started_on", "the start")
    if person.branch_id != branch.pk or person.erased_at is not None:
        raise InvalidInput("Choose someone in this branch.", code="bad_person", field="person")
    current = list(PositionHolder.objects.filter(position=position, ended_on__isnull=True))
    if any(h.person_id == person.pk for h in current):
        raise Conflict(f"{person} already holds {position.name}.", code="already_holds")
    if len(current) >= position.seats:
        seats = "seat is" if position.seats == 1 else f"{position.seats} seats are"
        raise Conflict(
            f"{position.name}: its {seats} filled. End a term before appointing someone else.", code="seats_filled"
        )
    try:
        decision = decide(position.holder_rule, started_on, person=person)
    except RuleError as exc:
        decision = unreadable(exc, "position's rule")
    if not decision.eligible:
        raise NotAllowed(
            f"{person} may not hold {position.name}: " + "; ".join(decision.reasons) + ".",
            code="not_eligible",
            decision=decision.as_dict(),
        )
    holder = PositionHolder.objects.create(
        position=position,
        person=person,
        started_on=started_on,
        source=source,
        decision=decision.as_dict(),
        appointed_by=_user(actor),
        appointed_at=timezone.now(),
    )
    people_version.bump(branch.pk)  # rules may ask who holds an office (an `office` condition)
    audit.record(
        actor=actor,
        branch=branch,
        action=AuditAction.POSITION_APPOINT,
        obj=holder,
        person_id=person.pk,
        summary=f"{position.name}: person {person.pk} from {started_on.isoformat()}",
        changes={"position": position.slug, "started_on": started_on, "source": source},
    )
    plan_recheck(branch)
    return holder


@transaction.atomic(durable=True)
def appoint(*, position: Position, person: Person, started_on, actor) -> PositionHolder:
    """Make someone a holder from `started_on`, if the holder rule admits them
    on that date (NotAllowed with the Decision otherwise) and a seat is free."""
    return appoint_within(position=position, person=person, started_on=started_on, actor=actor)


@transaction.atomic(durable=True)
def end_term(*, holder: PositionHolder, ended_on, actor, reason: str = "") -> PositionHolder:
    """End a holder's term on `ended_on` (their last day). The row stays."""
    holder = PositionHolder.objects.select_for_update(of=("self",)).select_related("position__branch").get(pk=holder.pk)
    if holder.ended_on is not None:
        raise Conflict("That term has already ended.", code="already_ended")
    ended_on = _date(ended_on, "ended_on", "the last day")
    if ended_on < holder.started_on:
        raise InvalidInput("The last day cannot be before the term started.", code="bad_date", field="ended_on")
    reason = " ".join(str(reason or "").split())[:300]
    holder.ended_on, holder.end_reason, holder.ended_by = ended_on, reason, _user(actor)
    holder.save(update_fields=["ended_on", "end_reason", "ended_by"])
    now = timezone.now()
    still_open = PositionAlert.objects.filter(holder=holder, resolved_at__isnull=True)
    still_open.update(resolved_at=now, resolution="term ended")
    people_version.bump(holder.position.branch_id)
    audit.record(
        actor=actor,
        branch=holder.position.branch,
        action=AuditAction.POSITION_END,
        obj=holder,
        person_id=holder.person_id,
        summary=f"{holder.position.name}: term of person {holder.person_id} ended on {ended_on.isoformat()}",
        changes={"position": holder.position.slug, "ended_on": ended_on, "reason": reason},
        at=now,
    )
    return holder


# --------------------------------------------------------------------------
# The daily re-check


@transaction.atomic(durable=True)
def recheck_holders(*, branch: Branch, at: datetime | None = None) -> dict[str, int]:
    """Decide every current holder of the branch against their position's rule
    today: an alert for each who no longer qualifies (one open alert per
    holder), resolving the alerts of those who qualify again."""
    at = at or timezone.now()
    today = branch.today(at)
    counts = {"checked": 0, "raised": 0, "resolved": 0}
    holders = list(
        PositionHolder.objects.filter(position__branch=branch, ended_on__isnull=True, started_on__lte=today)
        .select_related("position__holder_rule", "person")
        .order_by("position_id", "id")
    )
    open_alerts = {a.holder_id: a for a in PositionAlert.objects.filter(branch=branch, resolved_at__isnull=True)}
    by_rule: dict[int | None, list[PositionHolder]] = {}
    for h in holders:
        by_rule.setdefault(h.position.holder_rule_id, []).append(h)
    for group in by_rule.values():
        rule = group[0].position.holder_rule
        try:
            decided = dict(
                (p.pk, d) for p, d in decisions_for([h.person for h in group], rule, branch=branch, as_of=today)
            )
        except RuleError as exc:
            decided = {h.person_id: unreadable(exc, "position's rule") for h in group}
        for h in group:
            counts["checked"] += 1
            decision = decided[h.person_id]
            alert = open_alerts.get(h.pk)
            if decision.eligible and alert is not None:
                PositionAlert.objects.filter(pk=alert.pk).update(resolved_at=at, resolution="qualifies again")
                counts["resolved"] += 1
            elif not decision.eligible and alert is None:
                alert = PositionAlert.objects.create(
                    holder=h, branch=branch, found_on=today, reasons=list(decision.reasons), raised_at=at
                )
                audit.record(
                    actor=None,
                    branch=branch,
                    action=AuditAction.POSITION_ALERT,
                    obj=alert,
                    person_id=h.person_id,
                    summary=f"{h.position.name}: person {h.person_id} no longer meets its rule",
                    changes={"position": h.position.slug, "found_on": today},
                    at=at,
                )
                counts["raised"] += 1
    RecheckPlan.objects.update_or_create(branch=branch, defaults={"last_run_at": at})
    return counts


def next_recheck_at(branch: Branch, after: datetime) -> datetime:
    """06:00 where the branch meets, on the first day that time is after `after`."""
    local = after.astimezone(branch.zone)
    at = datetime.combine(local.date(), RECHECK_AT, tzinfo=branch.zone)
    return at if at > after else datetime.combine(local.date() + timedelta(days=1), RECHECK_AT, tzinfo=branch.zone)


def plan_recheck(branch: Branch, *, now: datetime | None = None) -> datetime | None:
    """Inside the caller's transaction: make sure tomorrow's (or today's) re-check
    is planned and queued, once. None where the task backend cannot wait."""
    if not recheck.get_backend().supports_defer:
        return None
    now = now or timezone.now()
    plan, _ = RecheckPlan.objects.select_for_update().get_or_create(branch=branch)
    if plan.planned_for is not None and plan.planned_for > now:
        return plan.planned_for
    due = next_recheck_at(branch, now)
    RecheckPlan.objects.filter(pk=plan.pk).update(planned_for=due)
    kwargs = {"branch_id": branch.pk, "planned_for": due.isoformat()}
    transaction.on_commit(lambda: recheck.using(run_after=due).enqueue(**kwargs))
    return due


def run_planned_recheck(*, branch_id: int, planned_for: datetime, now: datetime | None = None) -> dict[str, int] | None:
    """The queued re-check planned for `planned_for`: nothing when that is no
    longer the plan (stale) or too early; otherwise re-check and plan the next
    day's while the branch has holders."""
    now = now or timezone.now()
    branch = Branch.objects.filter(pk=branch_id).first()
    if branch is None:
        return None
    with transaction.atomic():
        plan = RecheckPlan.objects.select_for_update().filter(branch=branch).first()
        if plan is None or plan.planned_for != planned_for or planned_for > now:
            return None
        RecheckPlan.objects.filter(pk=plan.pk).update(planned_for=None)
    counts = recheck_holders(branch=branch, at=now)
    if PositionHolder.objects.filter(position__branch=branch, ended_on__isnull=True).exists():
        with transaction.atomic():
            plan_recheck(branch, now=now)
    return counts


@task()
def recheck(*, branch_id: int, planned_for: str) -> dict[str, int] | None:
    """The daily re-check of a branch's holders (see run_planned_recheck)."""
    return run_planned_recheck(branch_id=branch_id, planned_for=datetime.fromisoformat(planned_for))


def recheck_all(*, at: datetime | None = None) -> dict[str, dict[str, int]]:
    """Re-check every branch with current holders (cron: `manage.py recheck_positions`)."""
    branches = Branch.objects.filter(positions__holders__ended_on__isnull=True).distinct().order_by("slug")
    return {b.slug: recheck_holders(branch=b, at=at) for b in branches}
