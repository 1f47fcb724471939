"""Rules (CONTRACT.md §2 and §4). The definition is checked by the eligibility
engine in groups.services.rules, which names the bad part when it refuses one."""

from rest_framework import serializers

from ...eligibility.loading import category_names
from ...models import Person, Rule
from ...queries.rules import rule_summary
from .base import CharField, ModelSerializer, PrimaryKeyRelatedField


class RuleSerializer(ModelSerializer):
    name = CharField(max_length=120)
    description = CharField(required=False, allow_blank=True, max_length=5000)
    definition = serializers.JSONField(
        help_text='The rule as JSON (CONTRACT.md §2), e.g. {"membership": {"categories": ["party-member"], '
        '"min_days": 183}}.'
    )
    summary = serializers.SerializerMethodField(help_text="The rule in plain English (read-only).")

    class Meta:
        model = Rule
        fields = ["id", "name", "description", "definition", "summary"]
        read_only_fields = ["id"]
        validators: list = []  # a taken name is the service's to refuse

    def get_summary(self, rule) -> str:
        # The branch's category names, read once for a whole list (the context is the list's).
        context = self.context
        if "category_names" not in context:
            context["category_names"] = category_names(context.get("branch") or rule.branch_id)
        return rule_summary(rule, names=context["category_names"])


class EvaluateSerializer(serializers.Serializer):
    person = PrimaryKeyRelatedField(
        queryset=Person.objects.none(),
        help_text="A person of this branch (id).",
        error_messages={"does_not_exist": "There is no person {pk_value} in this branch."},
    )
    as_of = serializers.DateField(required=False, help_text="Decide as on this date; today when left out.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        branch = self.context.get("branch")
        if branch is not None:
            self.fields["person"].queryset = Person.objects.filter(branch=branch).select_related("branch")


class DecisionSerializer(serializers.Serializer):
    eligible = serializers.BooleanField()
    reasons = serializers.ListField(
        child=serializers.CharField(), help_text="One sentence per condition that decided it."
    )


class EvaluationSerializer(DecisionSerializer):
    as_of = serializers.DateField(help_text="The date the Decision is for.")


class PreviewQuerySerializer(serializers.Serializer):
    as_of = serializers.DateField(required=False, help_text="Count as on this date; today when left out.")


class CategoryCountSerializer(serializers.Serializer):
    name = serializers.CharField(help_text='A category\'s name, or "No membership".')
    eligible = serializers.IntegerField()
    not_eligible = serializers.IntegerField()


class PreviewSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    total = serializers.IntegerField()
    eligible = serializers.IntegerField()
    not_eligible = serializers.IntegerField()
    categories = CategoryCountSerializer(
        many=True, help_text="By category held (any status); someone with two categories counts under each."
    )
