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
