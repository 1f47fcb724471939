"""A meeting's minutes (issue 12, item 8): a document the secretary writes
about a closed meeting, drafted from its records and then edited by hand.

    draft (generated from the records; edited; regenerated only on request)
      └→ approved (at a later meeting, under its agenda item "Minutes of the
         last meeting"): never edited again

The minutes refer to the meeting's record; they never rewrite it. The text is
Markdown source, rendered safely (groups.templatetags.meetings_tags) for the
page, and exported as Markdown and as PDF (groups.exports.minutes_pdf)."""

from django.conf import settings
from django.db import models

from .meetings import Meeting
from .motions import AgendaItem


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved"


class Minutes(models.Model):
    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    text = models.TextField(help_text="Markdown source.")
    status = models.CharField(max_length=8, choices=MinutesStatus.choices, default=MinutesStatus.DRAFT)
    # Bumped by every save: an edit made from an older copy is refused, never
    # silently written over another secretary's words.
    version = models.PositiveIntegerField(default=1)
    generated_at = models.DateTimeField()
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    edited_at = models.DateTimeField(null=True, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The later meeting that approved them, and its agenda item (the item may
    # be removed later; the meeting stays named).
    approved_at_meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="minutes_approved"
    )
    approved_item = models.ForeignKey(AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name_plural = "minutes"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(approved_at__isnull=False),
                name="approved_minutes_say_when",
            )
        ]

    def __str__(self) -> str:
        return f"Minutes of {self.meeting}"

    @property
    def is_approved(self) -> bool:
        return self.status == MinutesStatus.APPROVED
