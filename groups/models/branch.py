from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import models
from django.utils import timezone

# The one fallback: a branch with no (or an unreadable) time zone meets in London.
DEFAULT_TIME_ZONE = "Europe/London"


class Branch(models.Model):
    """The local group. Every person, rule and meeting belongs to exactly one."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    description = models.TextField(blank=True)
    time_zone = models.CharField(max_length=64, default=DEFAULT_TIME_ZONE)
    stewards_may_override = models.BooleanField(
        default=False, help_text="Let stewards admit someone the attendance rule refuses, with a reason."
    )
    session_idle_minutes = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Keep stewards' and organisers' sessions open this long without use (door phones left open "
        "through a meeting); empty for the site's default (2 hours). Never beyond SESSION_IDLE_MAX_MINUTES.",
    )
    mfa_required_for_stewards = models.BooleanField(
        default=False, help_text="Stewards must sign in with two-factor, as organisers always do."
    )
    import_choices = models.JSONField(
        default=dict,
        blank=True,
        help_text="The last import's choices (column → field, category and status values → what they stand "
        "for), offered again for the next file: a branch imports the same export every month.",
    )
    # Raised by every write that can change who a rule admits (groups/services/people_version.py):
    # cached counts of eligible people are keyed by it, so a write makes them miss, never lie.
    people_version = models.PositiveBigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "branches"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        """A saved branch never writes back the people_version it was read with: a
        form or the admin holding an old one would undo a bump made since, and a
        version used twice could serve a count cached before the second write."""
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields if not f.primary_key and f.name != "people_version"
            ]
        super().save(*args, **kwargs)

    @property
    def zone(self) -> ZoneInfo:
        """Where the branch meets: its dates (today, a meeting's day, the
        eligibility date) and the times its pages show are in this zone."""
        try:
            return ZoneInfo(self.time_zone or DEFAULT_TIME_ZONE)
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo(DEFAULT_TIME_ZONE)

    def local_date(self, when: datetime) -> date:
        """The date of an aware datetime where the branch meets."""
        return when.astimezone(self.zone).date()

    def today(self, now: datetime | None = None) -> date:
        """Today where the branch meets (``now`` defaults to the clock): the
        default "as of" date of its rules."""
        return self.local_date(now or timezone.now())


class RoleName(models.TextChoices):
    ORGANISER = "organiser", "Organiser"
    STEWARD = "steward", "Steward"
    MEMBER = "member", "Member"


class Role(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="branch_roles")
    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=16, choices=RoleName.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "branch"], name="one_role_per_user_and_branch")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} of {self.branch}"


class RoleInvitation(models.Model):
    """An organiser's invitation to take a role. The token in the link is only
    stored hashed, works once, and expires."""

    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="role_invitations")
    email = models.EmailField()
    role = models.CharField(max_length=16, choices=RoleName.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation to {self.email} as {self.role}"
