"""The agenda, motions (with amendments as word diffs and their history) and
points of order as the API shows them, and each action's body."""

from rest_framework import serializers

from ...models import AgendaKind, AmendAction, MotionState, PointState, Procedure, QuestionKind
from .base import CharField


class AgendaItemSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    order = serializers.IntegerField(read_only=True)
    title = CharField(max_length=200)
    kind = serializers.ChoiceField(choices=AgendaKind.choices, default=AgendaKind.BUSINESS)
    minutes_allowed = serializers.IntegerField(min_value=1, max_value=600, required=False, allow_null=True)
    current = serializers.SerializerMethodField(help_text="The item the chair has reached.")

    def get_current(self, item) -> bool:
        return bool(getattr(item, "is_current", False))


class AgendaMoveSerializer(serializers.Serializer):
    direction = serializers.ChoiceField(choices=[("up", "Up"), ("down", "Down")])


class CurrentItemSerializer(serializers.Serializer):
    item = serializers.IntegerField(allow_null=True, min_value=1, help_text="An item of this agenda; null for none.")


class DiffSerializer(serializers.Serializer):
    op = serializers.ChoiceField(choices=[("same", "Unchanged"), ("del", "Deleted"), ("ins", "Inserted")])
    words = serializers.CharField()


class RevisionSerializer(serializers.Serializer):
    amendment = serializers.IntegerField(source="amendment_id")
    text_before = serializers.CharField()
    text_after = serializers.CharField()
    at = serializers.DateTimeField()


class MotionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=QuestionKind.choices)
    procedure = serializers.CharField(help_text="A procedural motion's procedure; blank otherwise.")
    text = serializers.CharField(help_text="An amendment: the whole motion as it would read if carried.")
    summary = serializers.CharField(help_text="What is put to the meeting, in a line.")
    state = serializers.ChoiceField(choices=MotionState.choices)
    agenda_item = serializers.IntegerField(source="agenda_item_id", allow_null=True)
    amends = serializers.IntegerField(source="amends_id", allow_null=True)
    concerns = serializers.IntegerField(source="concerns_id", allow_null=True)
    mover = serializers.IntegerField(source="mover_id", allow_null=True)
    seconder = serializers.IntegerField(source="seconder_id", allow_null=True)
    amend_action = serializers.CharField()
    amend_words = serializers.CharField()
    amend_with = serializers.CharField()
    base_text = serializers.CharField(help_text="An amendment: the text it is applied to.")
    diff = serializers.SerializerMethodField()
    original_text = serializers.CharField(help_text="As submitted, before any carried amendment.")
    history = RevisionSerializer(many=True, help_text="Each carried amendment: the text before and after.")
    ruling_reason = serializers.CharField()
    created_at = serializers.DateTimeField()

    def get_diff(self, motion) -> list[dict]:
        """An amendment as words kept, deleted and inserted (difflib, word by word)."""
        return DiffSerializer([{"op": op, "words": w} for op, w in motion.diff], many=True).data


class MotionCreateSerializer(serializers.Serializer):
    """One of three: a motion (`text`), an amendment (`amends` with `action`,
    `words`, `with_words`), or a procedural motion (`procedure`, with
    `concerns` for closure and next business)."""

    text = CharField(max_length=5000, required=False, allow_blank=True)
    kind = serializers.ChoiceField(
        choices=[(QuestionKind.MOTION, "A motion"), (QuestionKind.STANDING_ORDERS, "A change to standing orders")],
        required=False,
        default=QuestionKind.MOTION,
    )
    agenda_item = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    amends = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    action = serializers.ChoiceField(choices=AmendAction.choices, required=False)
    words = CharField(max_length=2000, required=False, allow_blank=True)
    with_words = CharField(max_length=2000, required=False, allow_blank=True)
    procedure = serializers.ChoiceField(
        choices=[(p.value, p.label) for p in Procedure if p != Procedure.CHALLENGE], required=False
    )
    concerns = serializers.IntegerField(required=False, allow_null=True, min_value=1)


class PersonBodySerializer(serializers.Serializer):
    person = serializers.IntegerField(min_value=1, help_text="A person of this branch, checked in now.")


class WithdrawSerializer(serializers.Serializer):
    with_consent = serializers.BooleanField(
        required=False,
        default=False,
        help_text="The meeting consented (needed once seconded, where the standing orders say so).",
    )


class ReasonSerializer(serializers.Serializer):
    reason = CharField(max_length=1000)


class PointOfOrderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    raised_by = serializers.IntegerField(source="raised_by_id")
    standing_order = serializers.CharField()
    point = serializers.CharField()
    raised_at = serializers.DateTimeField()
    agenda_item = serializers.IntegerField(source="agenda_item_id", allow_null=True)
    motion = serializers.IntegerField(source="motion_id", allow_null=True)
    state = serializers.ChoiceField(choices=PointState.choices)
    ruling = serializers.CharField()
    ruling_reason = serializers.CharField()
    ruled_at = serializers.DateTimeField(allow_null=True)
    challenge = serializers.IntegerField(
        source="challenge_id", allow_null=True, help_text="The motion challenging the ruling."
    )
    challenge_supporters = serializers.SerializerMethodField()

    def get_challenge_supporters(self, point) -> list[int]:
        return [p.pk for p in point.challenge_supporters.all()]


class PointCreateSerializer(serializers.Serializer):
    raised_by = serializers.IntegerField(min_value=1, help_text="A person of this branch, checked in now.")
    standing_order = CharField(max_length=200, required=False, allow_blank=True)
    point = CharField(max_length=2000)


class RulingSerializer(serializers.Serializer):
    ruling = CharField(max_length=300)
    reason = CharField(max_length=2000)


class ChallengeSerializer(serializers.Serializer):
    supporters = serializers.ListField(
        child=serializers.IntegerField(min_value=1), max_length=1000, help_text="People of this branch, checked in."
    )
