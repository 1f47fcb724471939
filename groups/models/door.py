"""What the door leaves on the record besides check-ins: refusals."""

from django.conf import settings
from django.db import models

from .attendance import CheckInMethod
from .meetings import Meeting
from .people import Person


class DoorRefusal(models.Model):
    """Someone the door turned away: who, when, which steward, how (door, QR,
    API) and the Decision with its reasons. Written by
    groups.services.door_refusals.record_refusal after the refused check-in's
    own transaction has rolled back, so the refusal outlives it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="door_refusals")
    # Their personal data: goes with the person.
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="door_refusals")
    refused_at = models.DateTimeField()
    refused_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    method = models.CharField(max_length=8, choices=CheckInMethod.choices, default=CheckInMethod.DOOR)
    code = models.CharField(max_length=40, help_text="not_eligible, override_not_allowed, meeting_closed, …")
    message = models.TextField(help_text="What the steward was told.")
    decision = models.JSONField(default=dict, blank=True, help_text="The attendance Decision that refused them.")

    class Meta:
        ordering = ["refused_at", "id"]
        indexes = [models.Index(fields=["meeting", "refused_at"], name="door_refusal_meeting_time")]

    def __str__(self) -> str:
        return f"{self.person} refused at {self.meeting}"


class OverrideStatus(models.TextChoices):
    PENDING = "pending", "Waiting for an organiser"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class OverrideRequest(models.Model):
    """A steward who may not override asks an organiser to let someone in.
    Approving checks them in (override reason "approved by …"); either answer
    is audited and shows on the steward's card."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="override_requests")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="override_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    requested_at = models.DateTimeField()
    reason = models.TextField(help_text="Why the steward asks, as they typed it.")
    decision = models.JSONField(default=dict, blank=True, help_text="The attendance Decision when they asked.")
    status = models.CharField(max_length=8, choices=OverrideStatus.choices, default=OverrideStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        indexes = [models.Index(fields=["meeting", "status", "requested_at"], name="override_request_pending")]

    def __str__(self) -> str:
        return f"Override for {self.person} at {self.meeting}"


class ScanOutcome(models.TextChoices):
    CHECKED_IN = "in", "Checked in"
    DUPLICATE = "duplicate", "Duplicate scan (already in)"
    REVIEW = "review", "Kept for an organiser to review"


class DoorScan(models.Model):
    """One check-in a door device made with a nonce (CONTRACT §9), often
    offline and sent later. The nonce makes a resend the same check-in; the
    time is when it happened on the device. Of two devices' scans of one
    person, the earlier is the attendance's (outcome "in"), the other is kept
    as a duplicate. A scan the server now refuses is kept for review
    (outcome "review"), never dropped and never counted as present.
    Written by groups.services.door_sync."""

    nonce = models.UUIDField(unique=True)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="door_scans")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="door_scans")
    attendance = models.ForeignKey(
        "groups.Attendance", on_delete=models.SET_NULL, null=True, blank=True, related_name="scans"
    )
    scanned_at = models.DateTimeField(help_text="When it happened, on the device.")
    received_at = models.DateTimeField()
    device = models.CharField(max_length=100, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    outcome = models.CharField(max_length=9, choices=ScanOutcome.choices)
    decision = models.JSONField(default=dict, blank=True, help_text="The attendance Decision when it was received.")
    message = models.TextField(blank=True, help_text="Why it is kept for review.")
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    undo_reason = models.TextField(blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["scanned_at", "id"]
        indexes = [models.Index(fields=["meeting", "outcome"], name="door_scan_meeting_outcome")]

    def __str__(self) -> str:
        return f"{self.person} scanned at {self.meeting} ({self.outcome})"
