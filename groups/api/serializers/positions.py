"""Positions, their holders and the re-check's alerts (issue 13; docs/API.md)."""

from rest_framework import serializers

from ...models import Person, Position, PositionAlert, PositionHolder, Rule
from .base import CharField, ModelSerializer, PrimaryKeyRelatedField, SlugField, StrictBooleanField


class HolderPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()


class HolderSerializer(ModelSerializer):
    person = HolderPersonSerializer(read_only=True)
    position = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = PositionHolder
        fields = ["id", "position", "person", "started_on", "ended_on", "end_reason", "source", "decision"]
        read_only_fields = fields


class PositionSerializer(ModelSerializer):
    slug = SlugField(max_length=60, help_text="What rules name in an office condition; never changes.")
    name = CharField(max_length=100)
    description = CharField(required=False, allow_blank=True, max_length=5000)
    holder_rule = PrimaryKeyRelatedField(
        queryset=Rule.objects.none(),
        allow_null=True,
        required=False,
        help_text="Who may hold it (a rule id of this branch); null: anyone in the branch.",
        error_messages={"does_not_exist": "There is no rule {pk_value} in this branch."},
    )
    seats = serializers.IntegerField(required=False, default=1, help_text="How many hold it at once.")
    term_months = serializers.IntegerField(required=False, allow_null=True, help_text="The usual term, in months.")
    others_may_nominate = StrictBooleanField(
        required=False, default=False, help_text="Members may nominate another member, not only themselves."
    )
    holders = serializers.SerializerMethodField(help_text="The current holders.")

    class Meta:
        model = Position
        fields = [
            "id",
            "slug",
            "name",
            "description",
            "holder_rule",
            "seats",
            "term_months",
            "others_may_nominate",
            "holders",
        ]
        read_only_fields = ["id"]
        validators: list = []  # a taken slug is the service's to refuse

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        branch = self.context.get("branch")
        if branch is not None:
            self.fields["holder_rule"].queryset = Rule.objects.filter(branch=branch)

    def get_holders(self, position) -> list[dict]:
        held = getattr(position, "current_holders", None)
        if held is None:
            held = position.holders.filter(ended_on__isnull=True).select_related("person")
        return [
            {"id": h.pk, "person": h.person_id, "name": str(h.person), "started_on": h.started_on.isoformat()}
            for h in held
        ]


class AppointSerializer(serializers.Serializer):
    person = PrimaryKeyRelatedField(
        queryset=Person.objects.none(),
        help_text="A person of this branch (id).",
        error_messages={"does_not_exist": "There is no person {pk_value} in this branch."},
    )
    started_on = serializers.DateField(required=False, help_text="The first day of the term; today when left out.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        branch = self.context.get("branch")
        if branch is not None:
            self.fields["person"].queryset = Person.objects.filter(branch=branch).select_related("branch")


class EndTermSerializer(serializers.Serializer):
    ended_on = serializers.DateField(required=False, help_text="Their last day; today when left out.")
    reason = CharField(required=False, allow_blank=True, max_length=300)


class AlertSerializer(ModelSerializer):
    holder = HolderSerializer(read_only=True)

    class Meta:
        model = PositionAlert
        fields = ["id", "holder", "found_on", "reasons", "raised_at"]
        read_only_fields = fields
