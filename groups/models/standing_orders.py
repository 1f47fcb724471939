"""A branch's standing orders as data: thresholds by kind of question, the
chair's casting vote, amendments to amendments, support for a challenge to
the chair. Who may move, second and vote is always the meeting's voting rule
(groups.eligibility.voting.may_vote), so it is not stored here."""

from django.db import models

from ..counting.thresholds import MAJORITY_PRESENT, SIMPLE_MAJORITY, THRESHOLDS, TWO_THIRDS, TWO_THIRDS_PRESENT
from .branch import Branch

THRESHOLD_CHOICES = list(THRESHOLDS.items())


class QuestionKind(models.TextChoices):
    MOTION = "motion", "A motion"
    AMENDMENT = "amendment", "An amendment"
    PROCEDURAL = "procedural", "A procedural motion"
    STANDING_ORDERS = "standing_orders", "Changing or suspending standing orders"
    CHALLENGE = "challenge", "A challenge to the chair's ruling"


class Preset(models.TextChoices):
    LABOUR = "labour", "Labour branch model procedural rules"
    UNION = "union", "Trade-union branch"
    SIMPLE = "simple", "Simple majority"


# Starting points an organiser picks and then edits; each value is what the
# StandingOrders fields hold. threshold_<kind> for every QuestionKind.
PRESETS: dict[str, dict] = {
    Preset.LABOUR: {
        "threshold_motion": SIMPLE_MAJORITY,
        "threshold_amendment": SIMPLE_MAJORITY,
        "threshold_procedural": SIMPLE_MAJORITY,
        "threshold_standing_orders": TWO_THIRDS,
        "threshold_challenge": SIMPLE_MAJORITY,
        "casting_vote": True,
        "amendment_to_amendment": False,
        "challenge_support": 2,
        "withdraw_needs_consent": True,
    },
    Preset.UNION: {
        "threshold_motion": SIMPLE_MAJORITY,
        "threshold_amendment": SIMPLE_MAJORITY,
        "threshold_procedural": SIMPLE_MAJORITY,
        "threshold_standing_orders": TWO_THIRDS_PRESENT,
        "threshold_challenge": MAJORITY_PRESENT,
        "casting_vote": False,
        "amendment_to_amendment": False,
        "challenge_support": 5,
        "withdraw_needs_consent": True,
    },
    Preset.SIMPLE: {
        "threshold_motion": SIMPLE_MAJORITY,
        "threshold_amendment": SIMPLE_MAJORITY,
        "threshold_procedural": SIMPLE_MAJORITY,
        "threshold_standing_orders": SIMPLE_MAJORITY,
        "threshold_challenge": SIMPLE_MAJORITY,
        "casting_vote": False,
        "amendment_to_amendment": False,
        "challenge_support": 1,
        "withdraw_needs_consent": False,
    },
}


def _threshold(help_text: str) -> models.CharField:
    return models.CharField(max_length=24, choices=THRESHOLD_CHOICES, default=SIMPLE_MAJORITY, help_text=help_text)


class StandingOrders(models.Model):
    branch = models.OneToOneField(Branch, on_delete=models.CASCADE, related_name="standing_orders")
    preset = models.CharField(
        max_length=12, choices=Preset.choices, default=Preset.SIMPLE, help_text="The preset these started from."
    )
    threshold_motion = _threshold("A motion")
    threshold_amendment = _threshold("An amendment")
    threshold_procedural = _threshold("A procedural motion")
    threshold_standing_orders = _threshold("Changing or suspending standing orders")
    threshold_challenge = _threshold("A challenge to the chair's ruling (to overturn it)")
    casting_vote = models.BooleanField(default=False, help_text="The chair has a casting vote on a tie.")
    amendment_to_amendment = models.BooleanField(default=False, help_text="An amendment may itself be amended.")
    challenge_support = models.PositiveSmallIntegerField(
        default=1, help_text="Members needed to support a challenge to the chair before it is put."
    )
    withdraw_needs_consent = models.BooleanField(
        default=False, help_text="Once seconded, a motion is withdrawn only with the meeting's consent."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "standing orders"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(challenge_support__gte=1), name="standing_orders_challenge_support_positive"
            )
        ]

    def __str__(self) -> str:
        return f"Standing orders of {self.branch}"

    def threshold_for(self, kind: str) -> str:
        """The default threshold for a kind of question."""
        return getattr(self, f"threshold_{kind}")

    def values(self) -> dict:
        return {field: getattr(self, field) for field in PRESETS[Preset.SIMPLE]}
