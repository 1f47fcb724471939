"""The count request (multipart) and the count, as the schema shows them. The
count is groups.counting.CountResult.as_dict() (CONTRACT.md §7)."""

from rest_framework import serializers

from ...counting import IF_UNMET, METHODS
from .base import CharField


class CountRequestSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The ballots as a BLT file (UTF-8), CONTRACT.md §7.")
    method = serializers.ChoiceField(choices=METHODS, help_text="How to count.")
    seed = CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Decides any tie left to lot, so that the count can be repeated exactly; "
        "a random one is chosen (and returned) when none is given.",
    )
    constraints = CharField(
        required=False,
        allow_blank=True,
        max_length=100_000,
        help_text='JSON list, e.g. [{"candidates": ["Ada", "Bea"], "min": 1, "max": 2}] (names as in the file). '
        "block, scottish_stv and meek_stv only.",
    )
    if_unmet = serializers.ChoiceField(
        choices=IF_UNMET,
        required=False,
        default="vacant",
        help_text="When a constraint cannot be met: the seat stays vacant, or goes to anyone.",
    )


class StageSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    action = serializers.ChoiceField(choices=["first", "surplus", "exclude", "elect", "guard", "doom"])
    candidate = serializers.CharField(allow_null=True, help_text="Whose surplus, exclusion or election; else null.")
    totals = serializers.DictField(child=serializers.CharField(), help_text="Every candidate's votes, five decimals.")
    non_transferable = serializers.CharField(help_text="Votes on papers with no continuing preference, so far.")
    lost_to_rounding = serializers.CharField(
        required=False, help_text="Scottish STV and IRV: what the five-decimal truncation has dropped, so far."
    )
    quota = serializers.CharField(required=False, help_text="Meek STV: the quota at this stage (it moves).")
    elected = serializers.ListField(child=serializers.CharField())
    excluded = serializers.ListField(child=serializers.CharField())
    guarded = serializers.ListField(child=serializers.CharField())
    description = serializers.CharField(help_text="What happened, in plain English.")
    precise_totals = serializers.DictField(
        child=serializers.CharField(), required=False, help_text="Meek STV: votes to the rule's nine decimals."
    )
    keep_factors = serializers.DictField(child=serializers.CharField(), required=False, help_text="Meek STV.")


class DrawSerializer(serializers.Serializer):
    draw = serializers.IntegerField()
    among = serializers.ListField(child=serializers.CharField())
    chosen = serializers.CharField()
    purpose = serializers.CharField(help_text="What the lot decided (an exclusion, whose surplus went first…).")


class ConstraintSerializer(serializers.Serializer):
    candidates = serializers.ListField(child=serializers.CharField())
    min = serializers.IntegerField()
    max = serializers.IntegerField(allow_null=True)


class CountResultSerializer(serializers.Serializer):
    method = serializers.CharField()
    title = serializers.CharField()
    seats = serializers.IntegerField()
    candidates = serializers.ListField(child=serializers.CharField())
    withdrawn = serializers.ListField(child=serializers.CharField())
    valid_ballots = serializers.IntegerField()
    invalid_ballots = serializers.IntegerField()
    quota = serializers.CharField(allow_null=True, help_text="Null for fptp, block and irv.")
    elected = serializers.ListField(child=serializers.CharField(), help_text="In order of election.")
    vacant_seats = serializers.IntegerField()
    stages = StageSerializer(many=True)
    seed = serializers.CharField()
    ballots_sha256 = serializers.CharField(help_text="SHA-256 of the ballots in canonical BLT (merged, sorted).")
    rules = serializers.CharField(help_text="The rules counted by, in a sentence.")
    constraints = ConstraintSerializer(many=True)
    if_unmet = serializers.CharField(allow_null=True)
    draws = DrawSerializer(many=True, help_text="Every lot drawn: SHA-256(seed:draw:name), smallest chosen.")
    notes = serializers.ListField(child=serializers.CharField())
