from django.conf import settings
from django.db import models

from .meetings import Meeting


class MeetingRecord(models.Model):
    """A closed meeting's record, frozen when it closed (CONTRACT.md §5): later
    imports, membership edits, rule or category changes never touch it.
    Reopening deletes it (the audit event keeps its figures); closing again
    writes a new one. Meeting.closed_at says whether there is one, so pages
    that only need to know "closed?" read no extra row."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="record")
    closed_at = models.DateTimeField()
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    eligible_to_attend = models.PositiveIntegerField()
    eligible_to_vote = models.PositiveIntegerField()
    quorum = models.PositiveIntegerField()
    present = models.PositiveIntegerField()
    present_eligible = models.PositiveIntegerField()
    guests = models.PositiveIntegerField()
    overrides = models.PositiveIntegerField()
    quorate = models.BooleanField()
    # People checked in and not undone, those who left included: the reports' "attended".
    attended = models.PositiveIntegerField()
    # The version numbers of the rules that decided (null: no rule, everyone).
    attendance_rule_version = models.PositiveIntegerField(null=True, blank=True)
    voting_rule_version = models.PositiveIntegerField(null=True, blank=True)
    # Ids of the people the attendance rule admitted: "whom to reach out to"
    # must not name people imported after the meeting.
    eligible_ids = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"Record of {self.meeting}"
