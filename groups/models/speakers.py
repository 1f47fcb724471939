"""The speakers' list: a checked-in person's request to speak (a Speaker
request), and how the list is ordered at a meeting or by a branch's default.

    waiting → speaking → done (with how long they spoke)
       └→ withdrawn (by the person, or the chair)

One waiting request per person at a meeting, plus one point of order; one
person speaking at a time — both held by the database. The order itself is
worked out by groups.speaking.order (pure), from groups.queries.speakers."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .attributes import AttributeDefinition
from .branch import Branch
from .meetings import Meeting
from .motions import AgendaItem
from .people import Person

DEFAULT_SPEECH_SECONDS = 180


class SpeakingKind(models.TextChoices):
    CONTRIBUTION = "contribution", "To speak in the debate"
    FOR = "for", "For the motion"
    AGAINST = "against", "Against the motion"
    POINT_OF_ORDER = "point_of_order", "Point of order"
    POINT_OF_INFORMATION = "point_of_information", "Point of information"
    REPLY = "reply", "Right of reply (the mover)"


class SpeakerStatus(models.TextChoices):
    WAITING = "waiting", "Waiting"
    SPEAKING = "speaking", "Speaking"
    DONE = "done", "Spoke"
    WITHDRAWN = "withdrawn", "Withdrawn"


class SpeakerRequest(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="speaker_requests")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="speaker_requests"
    )
    # None once the person's data is erased (groups.services.erasure): the speech stays counted.
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="speaker_requests")
    kind = models.CharField(max_length=24, choices=SpeakingKind.choices, default=SpeakingKind.CONTRIBUTION)
    status = models.CharField(max_length=10, choices=SpeakerStatus.choices, default=SpeakerStatus.WAITING)
    asked_at = models.DateTimeField()
    moved_to = models.PositiveIntegerField(null=True, blank=True, help_text="The position the chair moved it to.")
    moved_reason = models.TextField(blank=True)
    called_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    seconds_spoken = models.PositiveIntegerField(null=True, blank=True)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["asked_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"],
                condition=Q(status="waiting") & ~Q(kind="point_of_order"),
                name="one_waiting_speaker_request",
            ),
            models.UniqueConstraint(
                fields=["meeting", "person"],
                condition=Q(status="waiting", kind="point_of_order"),
                name="one_waiting_point_of_order",
            ),
            models.UniqueConstraint(fields=["meeting"], condition=Q(status="speaking"), name="one_speaker_at_a_time"),
        ]
        indexes = [models.Index(fields=["meeting", "status"], name="speaker_request_meeting_status")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.meeting_id}"


class SpeakersListSettings(models.Model):
    """How a speakers' list is ordered: the branch's default (meeting None) or
    one meeting's own. The balance names a self-declared attribute and the
    values that make up the group with a target share (at least
    target_percent of the speeches on an item)."""

    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="speakers_list_settings")
    meeting = models.OneToOneField(
        Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="speakers_list_settings"
    )
    balance = models.BooleanField(default=False)
    attribute = models.ForeignKey(
        AttributeDefinition, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    balance_values = models.JSONField(default=list, blank=True)
    group_name = models.CharField(
        max_length=100, blank=True, help_text='What the chair sees, e.g. "women and non-binary speakers".'
    )
    target_percent = models.PositiveSmallIntegerField(default=50)
    alternate = models.BooleanField(default=False, help_text="Speakers for and against take turns.")
    speech_seconds = models.PositiveIntegerField(default=DEFAULT_SPEECH_SECONDS)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "speakers' list settings"
        constraints = [
            models.UniqueConstraint(
                fields=["branch"], condition=Q(meeting__isnull=True), name="one_speakers_default_per_branch"
            ),
            models.CheckConstraint(
                condition=Q(target_percent__gte=1, target_percent__lte=100), name="speakers_target_percent_range"
            ),
            models.CheckConstraint(condition=Q(speech_seconds__gte=10), name="speakers_speech_seconds_min"),
        ]

    def __str__(self) -> str:
        return f"Speakers' list settings of {self.meeting or self.branch}"
