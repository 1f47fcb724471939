"""The speakers' list (CONTRACT §6, extended in docs/API.md): the list as the
API shows it, and each action's body. The chair sees each position's reason
and whether a request is in the balance group; everyone else sees names,
kinds and positions only."""

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from ...models import SpeakingKind
from .base import CharField


class AskSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=SpeakingKind.choices, default=SpeakingKind.CONTRIBUTION, required=False)
    agenda_item = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text="An agenda item of this meeting (default: the current one).",
    )


class MoveSerializer(serializers.Serializer):
    position = serializers.IntegerField(min_value=1, max_value=1000, help_text="1 is next.")
    reason = CharField(max_length=500, help_text="Why; recorded in the meeting's log.")


class SpeakerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=SpeakingKind.choices)
    status = serializers.CharField()
    position = serializers.IntegerField(allow_null=True)
    asked_at = serializers.DateTimeField()
    called_at = serializers.DateTimeField(allow_null=True)
    seconds_spoken = serializers.IntegerField(allow_null=True)
    reason = serializers.CharField(required=False, help_text="Why this position (the chair only).")
    in_group = serializers.BooleanField(required=False, help_text="In the balance group (the chair only).")


@extend_schema_serializer(many=False)  # the list endpoint answers one object, not an array
class SpeakersListSerializer(serializers.Serializer):
    speaking = SpeakerSerializer(allow_null=True)
    queue = SpeakerSerializer(many=True)
    spoken_on_item = serializers.IntegerField()
    speech_seconds = serializers.IntegerField(help_text="Time allowed for each speech.")
    balance = serializers.BooleanField()
    alternate = serializers.BooleanField()
