"""How long a branch keeps what it no longer needs (issue 15 item 3): one row
per branch, made with the defaults the first time it is read or saved
(groups/services/retention.py applies it, daily, through the task queue)."""

from django.conf import settings
from django.db import models

from .branch import Branch

FORMER_MEMBER_YEARS = 6
INTEREST_DAYS = 90
UPLOAD_HOURS = 24


class RetentionSchedule(models.Model):
    branch = models.OneToOneField(Branch, on_delete=models.CASCADE, related_name="retention")
    # People whose memberships all ended more than this many years ago are erased.
    former_member_years = models.PositiveSmallIntegerField(default=FORMER_MEMBER_YEARS)
    # Registrations of interest never reviewed after this many days are erased.
    interest_days = models.PositiveSmallIntegerField(default=INTEREST_DAYS)
    # Stored import uploads are deleted after this many hours.
    upload_hours = models.PositiveSmallIntegerField(default=UPLOAD_HOURS)
    # The daily run's next planned time: a queued run finding another time here does nothing.
    next_run_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    def __str__(self) -> str:
        return f"Retention schedule of {self.branch}"


class PrivacyNotice(models.Model):
    """The branch's privacy notice (issue 15 item 6): what it holds, why, the
    Art. 9 condition, how long, people's rights and whom to contact. The
    organisers fill it from a template (groups/queries/privacy.py); it is
    public at /privacy/<slug>/ and linked from every form that collects data
    and every email."""

    branch = models.OneToOneField(Branch, on_delete=models.CASCADE, related_name="privacy_notice")
    what_held = models.TextField()
    why = models.TextField()
    condition = models.TextField()
    retention = models.TextField()
    rights = models.TextField()
    contact = models.TextField()
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    SECTIONS = ("what_held", "why", "condition", "retention", "rights", "contact")

    def __str__(self) -> str:
        return f"Privacy notice of {self.branch}"
