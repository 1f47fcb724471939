from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import models

from .branch import Branch
from .people import Person
from .rules import Rule

# A meeting closes itself this long after it ends (CONTRACT.md §5).
AUTO_CLOSE_AFTER = timedelta(hours=6)


class MeetingKind(models.TextChoices):
    OPEN = "open", "Open meeting"
    ORGANISATIONAL = "organisational", "Organisational meeting"
    AGM = "agm", "AGM"
    SELECTION = "selection", "Selection meeting"
    SOCIAL = "social", "Social"
    OTHER = "other", "Other"


class MeetingStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    CANCELLED = "cancelled", "Cancelled"
    HELD = "held", "Held"


class QuorumCombine(models.TextChoices):
    GREATER = "greater", "The greater of the two"
    LESSER = "lesser", "The lesser of the two"


class MeetingQuerySet(models.QuerySet):
    def open_and_published(self) -> MeetingQuerySet:
        """Published open meetings: the ones with a public page, in the public
        calendar feed, and open to registering interest."""
        return self.filter(kind=MeetingKind.OPEN, status=MeetingStatus.PUBLISHED)


class Meeting(models.Model):
    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=MeetingKind.choices, default=MeetingKind.OPEN)
    status = models.CharField(max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.DRAFT)
    agenda = models.TextField(blank=True, help_text="Markdown")
    description = models.TextField(blank=True, help_text="Markdown")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    location = models.CharField(max_length=200, blank=True)
    online_link = models.URLField(blank=True)
    # null = everyone
    attendance_rule = models.ForeignKey(Rule, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    voting_rule = models.ForeignKey(Rule, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    eligibility_date = models.DateField(null=True, blank=True, help_text="Freeze date; the meeting's date when empty.")
    quorum = models.PositiveIntegerField(null=True, blank=True)
    quorum_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    quorum_combine = models.CharField(max_length=8, choices=QuorumCombine.choices, default=QuorumCombine.GREATER)
    capacity = models.PositiveIntegerField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Set when the meeting is closed and its record frozen (MeetingRecord); null while open.
    closed_at = models.DateTimeField(null=True, blank=True)
    # The agenda item the chair has reached (null: not started, or done).
    current_item = models.ForeignKey(
        "groups.AgendaItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # When it was last reopened: it closes itself again only AUTO_CLOSE_AFTER that.
    reopened_at = models.DateTimeField(null=True, blank=True)
    # Automatic reminder to those who have not answered, this many days before the start (0 = none).
    remind_days_before = models.PositiveSmallIntegerField(default=2)
    # When the automatic reminder is due, once invitations have gone out (null = none waiting):
    # the task queued for it checks this is still its time, so a moved meeting's old task sends nothing.
    reminder_planned_for = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at"]
        indexes = [models.Index(fields=["branch", "starts_at"], name="meeting_branch_starts")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__isnull=True) | models.Q(ends_at__gte=models.F("starts_at")),
                name="meeting_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(quorum_percent__isnull=True)
                | (models.Q(quorum_percent__gte=0) & models.Q(quorum_percent__lte=100)),
                name="meeting_quorum_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def effective_eligibility_date(self) -> date:
        """The date its rules are applied on: the freeze date when one is set,
        else the meeting's own date where the branch meets."""
        return self.eligibility_date or self.branch.local_date(self.starts_at)

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def closes_by_itself_at(self) -> datetime:
        """When the meeting closes itself: 6 hours after it ends (or starts, with
        no end), and no sooner than 6 hours after it was last reopened (a
        meeting reopened for a late paper list is not closed under the organiser)."""
        due = (self.ends_at or self.starts_at) + AUTO_CLOSE_AFTER
        if self.reopened_at is not None:
            due = max(due, self.reopened_at + AUTO_CLOSE_AFTER)
        return due

    @property
    def is_open_and_published(self) -> bool:
        """See MeetingQuerySet.open_and_published."""
        return self.kind == MeetingKind.OPEN and self.status == MeetingStatus.PUBLISHED


class Reply(models.TextChoices):
    NONE = "", "No reply yet"
    YES = "yes", "Yes"
    NO = "no", "No"
    MAYBE = "maybe", "Maybe"


class SendStatus(models.TextChoices):
    NOT_SENT = "", "Not sent yet"
    QUEUED = "queued", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    NO_CONSENT = "no_consent", "Not sent: no consent to email"
    NO_EMAIL = "no_email", "Not sent: no email address"


class Invitation(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="invitations")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    send_error = models.CharField(max_length=200, blank=True)
    # What happened to the email (groups.services.invitations).
    send_status = models.CharField(max_length=12, choices=SendStatus.choices, blank=True, default="")
    # When it was last queued: one queued for long (a worker that died mid-send) may be queued again.
    queued_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    # The automatic reminder went (groups.services.reminders): it never goes twice.
    auto_reminded_at = models.DateTimeField(null=True, blank=True)
    reply = models.CharField(max_length=8, choices=Reply.choices, blank=True, default="")
    replied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="one_invitation_per_person")]

    def __str__(self) -> str:
        return f"{self.person} to {self.meeting}"


class KindDefault(models.Model):
    """The attendance rule a branch uses by default for one kind of meeting
    (null = anyone may come). Set up by create_branch; organisers change it."""

    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="kind_defaults")
    kind = models.CharField(max_length=20, choices=MeetingKind.choices)
    attendance_rule = models.ForeignKey(Rule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["branch", "kind"], name="one_default_per_branch_and_kind")]

    def __str__(self) -> str:
        return f"{self.branch}: {self.kind}"


class CalendarFeed(models.Model):
    """A user's private calendar feed. The token in the URL is stored only
    hashed; revoking sets revoked_at and the URL stops working."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"
