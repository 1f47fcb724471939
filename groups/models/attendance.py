from django.conf import settings
from django.db import models

from .meetings import Meeting
from .people import Person
from .rules import RuleVersion


class CheckInMethod(models.TextChoices):
    DOOR = "door", "At the door"
    QR = "qr", "QR code"
    API = "api", "API"
    BULK = "bulk", "From a paper list"
    OFFLINE = "offline", "On a door device, sent later"


class Attendance(models.Model):
    """A check-in. One per meeting and person; an undone check-in keeps its row
    (undone_at, undone_by, undo_reason) so nothing disappears silently."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="attendances")
    guest_name = models.CharField(max_length=200, blank=True)
    guest_email = models.EmailField(blank=True)
    checked_in_at = models.DateTimeField()
    checked_in_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    method = models.CharField(max_length=8, choices=CheckInMethod.choices, default=CheckInMethod.DOOR)
    decision = models.JSONField(default=dict, help_text="The attendance Decision at check-in.")
    rule_version = models.ForeignKey(RuleVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # Whether the voting rule admitted them at check-in: only these count for quorum.
    may_vote = models.BooleanField(default=False)
    override_reason = models.TextField(blank=True)
    left_at = models.DateTimeField(null=True, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    undo_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-checked_in_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"], condition=models.Q(person__isnull=False), name="one_attendance_per_person"
            ),
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | ~models.Q(guest_name=""), name="attendance_person_or_guest"
            ),
        ]
        indexes = [models.Index(fields=["meeting", "checked_in_at"], name="attendance_meeting_time")]

    def __str__(self) -> str:
        return f"{self.person or self.guest_name} at {self.meeting}"
