"""Votes (CONTRACT.md §6): the vote as the API shows it, and each action's body.

"for" is a Python keyword, so the bodies and results that carry it are built
with type()."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ...counting.thresholds import THRESHOLDS
from ...models import Choice, Motion, QuestionKind, VoteMethod
from ...queries.votes import named_roll, progress
from .base import CharField
from .rules import DecisionSerializer


class VoteCreateSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=VoteMethod.choices)
    threshold = serializers.ChoiceField(
        choices=list(THRESHOLDS.items()),
        required=False,
        allow_null=True,
        help_text="Leave out for the standing orders' default for the kind of question.",
    )
    kind = serializers.ChoiceField(choices=QuestionKind.choices, required=False, default=QuestionKind.MOTION)
    motion = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text="A seconded motion of this meeting, put to the vote by this one (its text is the question).",
    )
    question = CharField(max_length=500, required=False, allow_blank=True, help_text="Needed without a motion.")

    def validate_motion(self, value):
        if value is None:
            return None
        motion = Motion.objects.filter(meeting=self.context.get("meeting"), pk=value).first()
        if motion is None:
            raise serializers.ValidationError("This meeting has no such motion.")
        return motion


class OpenSerializer(serializers.Serializer):
    override_reason = CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="Needed only to open while the meeting is not quorate; recorded.",
    )


class BallotSerializer(serializers.Serializer):
    choice = serializers.ChoiceField(choices=Choice.choices)


def _counts(name: str, **extra):
    fields = {k: serializers.IntegerField(min_value=0, max_value=100000) for k in ("for", "against", "abstain")}
    return type(name, (serializers.Serializer,), {**fields, **extra})


TallySerializer = _counts("TallySerializer")


class CloseSerializer(serializers.Serializer):
    casting_vote = serializers.ChoiceField(
        choices=[("for", "For"), ("against", "Against")],
        required=False,
        allow_null=True,
        help_text="The chair's casting vote, only on a tie and where the standing orders give one.",
    )


ResultSerializer = _counts(
    "VoteResultSerializer",
    entitled=serializers.IntegerField(help_text="Checked in and entitled when the vote opened."),
    voted=serializers.IntegerField(),
    threshold=serializers.CharField(),
    base=serializers.IntegerField(help_text="What the threshold is a share of: those voting, or those present."),
    needed=serializers.IntegerField(help_text="The fewest votes for that carry it."),
    casting_vote=serializers.CharField(allow_null=True),
    result=serializers.ChoiceField(choices=[("carried", "Carried"), ("lost", "Lost")]),
    explanation=serializers.CharField(),
)


def result_of(vote) -> dict:
    return {
        "for": vote.votes_for,
        "against": vote.votes_against,
        "abstain": vote.abstain,
        "entitled": vote.entitled,
        "voted": vote.voted,
        "threshold": vote.threshold,
        "base": vote.base,
        "needed": vote.needed,
        "casting_vote": vote.casting_vote or None,
        "result": vote.result,
        "explanation": vote.explanation,
    }


class NamedChoiceSerializer(serializers.Serializer):
    person = serializers.IntegerField()
    name = serializers.CharField()
    choice = serializers.ChoiceField(choices=Choice.choices)


class VoteSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    question = serializers.CharField()
    method = serializers.ChoiceField(choices=VoteMethod.choices)
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    threshold = serializers.ChoiceField(choices=list(THRESHOLDS.items()))
    threshold_text = serializers.SerializerMethodField()
    motion = serializers.SerializerMethodField()
    status = serializers.CharField(help_text="draft, open or closed")
    opened_at = serializers.DateTimeField(allow_null=True)
    override_reason = serializers.CharField(help_text="Why it opened although not quorate; blank when quorate.")
    closed_at = serializers.DateTimeField(allow_null=True)
    entitled = serializers.SerializerMethodField()
    voted = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()
    named = serializers.SerializerMethodField()
    result = serializers.SerializerMethodField()

    def get_threshold_text(self, vote) -> str:
        return THRESHOLDS[vote.threshold]

    def get_motion(self, vote) -> int | None:
        return vote.motion_id

    def get_entitled(self, vote) -> int:
        return progress(vote)["entitled"]

    def get_voted(self, vote) -> int:
        return progress(vote)["voted"]

    def get_progress(self, vote) -> str:
        return progress(vote)["text"]

    @extend_schema_field(NamedChoiceSerializer(many=True))
    def get_named(self, vote) -> list[dict]:
        """A named vote: each voter's choice; empty otherwise (a secret vote has
        none to give). Only for one vote: a list leaves it out (`roll` false)."""
        if not self.context.get("roll", True):
            return []
        return [
            {"person": p.pk, "name": f"{p.first_name} {p.last_name}".strip(), "choice": c} for p, c in named_roll(vote)
        ]

    @extend_schema_field(ResultSerializer(allow_null=True))
    def get_result(self, vote) -> dict | None:
        return result_of(vote) if vote.result else None


class VoteRefusalSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(help_text="not_quorate, not_entitled, already_voted, vote_closed, …")
    decision = DecisionSerializer(required=False, help_text="Why they may not vote (not_entitled).")
