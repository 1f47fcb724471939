"""The order of business and what is moved in it: agenda items, and motions
(amendments are motions that amend another) with their states.

    submitted → moved → seconded → put to the vote → carried / lost
                  └→ fallen (for want of a seconder)
    withdrawn: by the mover, at any point before the vote is put

Who may move and second is the meeting's voting rule, checked at that moment
(groups.eligibility.voting.may_vote)."""

from django.conf import settings
from django.db import models

from .meetings import Meeting
from .people import Person
from .standing_orders import QuestionKind


class AgendaKind(models.TextChoices):
    BUSINESS = "business", "Business"
    MOTIONS = "motions", "Motions"
    REPORT = "report", "Report"
    ELECTION = "election", "Election"
    OTHER = "other", "Any other business"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=AgendaKind.choices, default=AgendaKind.BUSINESS)
    minutes_allowed = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"


class MotionState(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    MOVED = "moved", "Moved"
    SECONDED = "seconded", "Seconded"
    FALLEN = "fallen", "Fell for want of a seconder"
    PUT = "put", "Put to the vote"
    CARRIED = "carried", "Carried"
    LOST = "lost", "Lost"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Motion(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="motions")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="motions"
    )
    amends = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="amendments")
    kind = models.CharField(max_length=20, choices=QuestionKind.choices, default=QuestionKind.MOTION)
    text = models.TextField()
    state = models.CharField(max_length=10, choices=MotionState.choices, default=MotionState.SUBMITTED)
    mover = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    seconder = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:80]
