"""Positions: the offices of a branch (chair, secretary, women's officer,
delegate to the constituency …) and who held them, when.

A Position names its holder rule (a Rule: who may hold it), how many may hold
it at once (`seats`) and the usual term. A PositionHolder is one person's time
in the office: `ended_on` empty while they hold it; ending a term keeps the
row, so the history stays. The daily re-check (services/positions.py
`recheck_holders`) raises a PositionAlert when a current holder no longer
meets the holder rule, with the Decision's reasons; it is resolved when they
qualify again or their term ends.

Elections (issue 13, item 3) will reference Position: an election is for one
or more positions, and its winners become PositionHolders
(`PositionHolder.source` says how they came to hold it).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .branch import Branch
from .people import Person
from .rules import Rule


class Position(models.Model):
    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="positions")
    slug = models.SlugField(max_length=60)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    holder_rule = models.ForeignKey(
        Rule,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="positions",
        help_text="Who may hold it; empty: anyone in the branch.",
    )
    seats = models.PositiveSmallIntegerField(default=1, help_text="How many people hold it at once.")
    term_months = models.PositiveSmallIntegerField(null=True, blank=True, help_text="The usual term, in months.")
    order = models.PositiveIntegerField(default=0)
    # Members nominate themselves from their own view while nominations are
    # open; with this, a member may also nominate another member (issue 13).
    others_may_nominate = models.BooleanField(
        default=False, help_text="Members may nominate another member, not only themselves."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order", "name"]
        constraints = [models.UniqueConstraint(fields=["branch", "slug"], name="position_slug_unique_in_branch")]

    def __str__(self) -> str:
        return self.name


class HolderSource(models.TextChoices):
    APPOINTED = "appointed", "Appointed by an organiser"
    ELECTED = "elected", "Elected"


class PositionHolder(models.Model):
    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="holders")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="positions_held")
    started_on = models.DateField()
    # The last day held; empty while they hold it.
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=12, choices=HolderSource.choices, default=HolderSource.APPOINTED)
    # The holder rule's Decision when they took office (reasons in plain English).
    decision = models.JSONField(default=dict, blank=True)
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    appointed_at = models.DateTimeField()
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-started_on", "-id"]
        indexes = [
            models.Index(fields=["position", "ended_on"], name="holder_position_ended"),
            models.Index(fields=["person", "started_on"], name="holder_person_started"),
        ]

    def __str__(self) -> str:
        return f"{self.position} held by person {self.person_id}"

    @property
    def current(self) -> bool:
        return self.ended_on is None


class PositionAlert(models.Model):
    """A current holder who no longer meets the holder rule, found by the daily re-check."""

    holder = models.ForeignKey(PositionHolder, on_delete=models.CASCADE, related_name="alerts")
    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="position_alerts")
    found_on = models.DateField()
    reasons = models.JSONField(default=list)
    raised_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["holder"], condition=Q(resolved_at__isnull=True), name="one_open_alert_per_holder"
            )
        ]
        indexes = [models.Index(fields=["branch", "resolved_at"], name="position_alert_branch_open")]

    def __str__(self) -> str:
        return f"Alert for holder {self.holder_id}"


class RecheckPlan(models.Model):
    """When the branch's next daily re-check of holders is planned: the queued
    task runs only if this is still the plan (a second task queued for the
    same day finds another time here and does nothing)."""

    branch = models.OneToOneField(Branch, on_delete=models.CASCADE, related_name="recheck_plan")
    planned_for = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Re-check plan of branch {self.branch_id}"
