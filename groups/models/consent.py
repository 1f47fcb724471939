"""Consent to be contacted, per channel and purpose, with its history
(issue 15 item 4). The person's current answers live on Person
(consent_email / consent_phone for service messages — meeting invitations
and reminders, which stay neutral — and campaign_email / campaign_phone for
campaigning: newsletters, calls to action); every change is one
ConsentRecord saying who recorded it, when and how. Written only by
groups/services/consent.py; every send asks it at send time."""

from django.conf import settings
from django.db import models

from .branch import Branch
from .people import Person


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"


class Purpose(models.TextChoices):
    SERVICE = "service", "Meeting invitations and reminders"
    CAMPAIGNING = "campaigning", "Campaigning: newsletters and calls to action"


class ConsentMethod(models.TextChoices):
    FORM = "form", "Recorded by an organiser"
    IMPORT = "import", "From an imported list"
    SELF = "self", "By the person, signed in"
    DOUBLE_OPT_IN = "double_opt_in", "By the person, confirming their email address"
    LINK = "link", "By the person, through the link in an email"


class ConsentRecord(models.Model):
    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consent_records")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    given = models.BooleanField()
    method = models.CharField(max_length=16, choices=ConsentMethod.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["person", "at"], name="consent_person_at")]

    def __str__(self) -> str:
        return f"{self.channel}/{self.purpose} {'given' if self.given else 'withdrawn'} at {self.at:%Y-%m-%d}"
