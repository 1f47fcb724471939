"""Points of order and the chair's rulings on them (issue 12, item 6).

    raised → ruled (the chair's ruling and reason)
               └→ challenged (enough members support it: a procedural
                  motion "that the chair's ruling be challenged" is put)
                    → upheld (the challenge lost) / overturned (carried)

Each step is written to the meeting's log (the audit trail)."""

from django.conf import settings
from django.db import models

from .meetings import Meeting
from .motions import AgendaItem, Motion
from .people import Person


class PointState(models.TextChoices):
    RAISED = "raised", "Raised, awaiting the chair's ruling"
    RULED = "ruled", "Ruled on by the chair"
    CHALLENGED = "challenged", "Ruling challenged: to the vote"
    UPHELD = "upheld", "Ruling upheld"
    OVERTURNED = "overturned", "Ruling overturned"


class PointOfOrder(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="points_of_order")
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    motion = models.ForeignKey(
        Motion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The question before the meeting.",
    )
    raised_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    standing_order = models.CharField(max_length=200, blank=True, help_text="The standing order cited.")
    point = models.TextField()
    raised_at = models.DateTimeField()
    state = models.CharField(max_length=12, choices=PointState.choices, default=PointState.RAISED)
    ruling = models.CharField(max_length=300, blank=True)
    ruling_reason = models.TextField(blank=True)
    ruled_at = models.DateTimeField(null=True, blank=True)
    ruled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    challenge = models.OneToOneField(
        Motion, on_delete=models.PROTECT, null=True, blank=True, related_name="challenged_point"
    )
    challenge_supporters = models.ManyToManyField(Person, blank=True, related_name="+")

    class Meta:
        ordering = ["raised_at", "id"]

    def __str__(self) -> str:
        return f"Point of order: {self.point[:60]}"
