"""What a branch's retention schedule would remove now (issue 15 item 3): the
plan that groups/services/retention.py applies and `manage.py apply_retention
--dry-run` prints. Counts and ids only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.sessions.models import Session
from django.db.models import Count, Max, Q

from ..imports.jobs import uploads_older_than
from ..models import AuditAction, AuditEvent, Branch, Person, RetentionSchedule, RoleInvitation


def schedule_of(branch: Branch) -> RetentionSchedule:
    """The branch's schedule, or an unsaved one with the defaults."""
    return RetentionSchedule.objects.filter(branch=branch).first() or RetentionSchedule(branch=branch)


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@dataclass
class RetentionPlan:
    branch: Branch
    schedule: RetentionSchedule
    at: datetime
    former_members: list[int] = field(default_factory=list)
    interest: list[int] = field(default_factory=list)
    uploads: list[str] = field(default_factory=list)
    role_invitations: list[int] = field(default_factory=list)

    @property
    def ended_before(self) -> date:
        return years_before(self.branch.today(self.at), self.schedule.former_member_years)

    def counts(self) -> dict[str, int]:
        return {
            "former_members": len(self.former_members),
            "interest": len(self.interest),
            "uploads": len(self.uploads),
            "role_invitations": len(self.role_invitations),
        }


def retention_plan(branch: Branch, *, at: datetime, schedule: RetentionSchedule | None = None) -> RetentionPlan:
    """Who and what the schedule removes at `at`: people whose memberships
    all ended before the cutoff (and who hold at least one), registrations of
    interest never reviewed, the branch's old import uploads and its role
    invitations that expired unaccepted. Three queries and a look at the
    upload folder."""
    schedule = schedule or schedule_of(branch)
    plan = RetentionPlan(branch=branch, schedule=schedule, at=at)
    people = Person.objects.filter(branch=branch).order_by("pk")
    plan.former_members = list(
        people.filter(pending_review=False)
        .annotate(
            held=Count("memberships"),
            still_open=Count("memberships", filter=Q(memberships__ended_on__isnull=True)),
            last_ended=Max("memberships__ended_on"),
        )
        .filter(held__gt=0, still_open=0, last_ended__lt=plan.ended_before)
        .values_list("pk", flat=True)
    )
    plan.interest = list(
        people.filter(pending_review=True, created_at__lt=at - timedelta(days=schedule.interest_days)).values_list(
            "pk", flat=True
        )
    )
    plan.uploads = uploads_older_than(branch.pk, (at - timedelta(hours=schedule.upload_hours)).timestamp())
    plan.role_invitations = list(
        RoleInvitation.objects.filter(branch=branch, accepted_at__isnull=True, expires_at__lt=at)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return plan


def expired_sessions(at: datetime):
    """Sign-in sessions past their expiry (site-wide, not a branch's)."""
    return Session.objects.filter(expire_date__lt=at)


def last_run(branch: Branch) -> AuditEvent | None:
    return AuditEvent.objects.filter(branch=branch, action=AuditAction.RETENTION_APPLY).order_by("-at", "-id").first()
