"""Subject-access requests as organisers log them (UK GDPR Art. 15): when one
arrived and when it must be answered by — one month later (Art. 12(3)) — and
when it was answered. The answer itself is the person's data page or JSON
(groups/queries/subject_access.py)."""

from django.conf import settings
from django.db import models

from .people import Person


class SubjectAccessRequest(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="access_requests")
    received_on = models.DateField()
    due_on = models.DateField(help_text="One calendar month after it was received.")
    answered_on = models.DateField(null=True, blank=True)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    logged_at = models.DateTimeField()

    class Meta:
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return f"Subject-access request received {self.received_on:%d %b %Y}"
