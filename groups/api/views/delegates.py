"""GET /api/v1/branches/{slug}/delegates/: the delegates due under Labour's
rule, with the counts and the explanation line by line (docs/COUNTS.md).
Counts only, never who; organisers only; audited when it reads self-declared
answers (services/delegates.py)."""

from __future__ import annotations

from datetime import date

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from ...models import AttributeDefinition, Category, Position
from ...queries import delegates as queries
from ...services.delegates import work_out_entitlement
from ..schema import FIELD_ERRORS
from ..serializers.base import CharField
from .base import BranchScopedViewSet


class DelegatesQuerySerializer(serializers.Serializer):
    # Text, not a date field: an empty value (as a form sends it) means today, and the schema says so.
    as_of = CharField(
        required=False,
        allow_blank=True,
        max_length=10,
        help_text="The date to count on, YYYY-MM-DD; the branch's today when empty or left out.",
    )

    def validate_as_of(self, value: str):
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise serializers.ValidationError("Give a date as YYYY-MM-DD, such as 2026-06-01.") from None

    categories = CharField(
        required=False,
        allow_blank=True,
        max_length=1000,
        help_text="Slugs of the party members' categories, comma-separated; by default the category "
        "`party-member` (or those named “Party member…”). Empty: none, so nobody is counted.",
    )
    question = CharField(
        required=False,
        allow_blank=True,
        max_length=60,
        help_text="Key of the self-declared gender question; by default `gender`. Empty: count no women.",
    )
    women = CharField(
        required=False,
        allow_blank=True,
        max_length=1000,
        help_text="The question's answers (values) that count as a woman, comma-separated; by default those "
        "whose value or words say woman. Empty: none.",
    )
    position = CharField(
        required=False,
        allow_blank=True,
        max_length=60,
        help_text="Slug of the delegate position, for last year's sole delegate; by default the first whose "
        "slug holds “delegate”. Empty: none.",
    )


class DelegatesSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    members = serializers.IntegerField(help_text="Party members on the date.")
    women = serializers.IntegerField(
        allow_null=True, help_text="Of them, women by their consented self-declaration; null without a question."
    )
    young = serializers.IntegerField(help_text="Of them, under 27 on the date.")
    without_birth_date = serializers.IntegerField(help_text="Of them, with no date of birth recorded.")
    categories = serializers.ListField(child=serializers.CharField(), help_text="The categories counted (slugs).")
    question = serializers.CharField(allow_null=True, help_text="The gender question's key.")
    women_answers = serializers.ListField(child=serializers.CharField())
    position = serializers.CharField(allow_null=True, help_text="The delegate position's slug.")
    last_year_on = serializers.DateField(help_text="A year before as_of: whose term covered it is last year's.")
    last_year = serializers.ChoiceField(
        choices=["woman", "not_woman", "none", "several", "unknown"],
        help_text="Last year's sole delegate: a woman, not recorded as one, nobody, several holders, or unknown.",
    )
    total = serializers.IntegerField(help_text="Delegates due in all.")
    by_membership = serializers.IntegerField(help_text="1 up to 749 members, 1 more per 250 or part, at most 6.")
    women_delegate = serializers.BooleanField(help_text="One more, a woman: 100 or more women members.")
    young_delegate = serializers.BooleanField(help_text="One more, under 27: 30 or more members under 27.")
    at_least_women = serializers.IntegerField(help_text="Of the delegates by membership, at least this many women.")
    must_be_woman = serializers.BooleanField(
        allow_null=True, help_text="One delegate by membership: must this year's be a woman? null: cannot be told."
    )
    lines = serializers.ListField(child=serializers.CharField(), help_text="The working, line by line.")
    counted = serializers.ListField(child=serializers.CharField(), help_text="What was counted, in words.")


def _slugs(raw: str | None) -> list[str]:
    return [s.strip() for s in (raw or "").split(",") if s.strip()]


def _unknown(what: str, name: str, known) -> str:
    listed = ", ".join(known) or "none"
    return f"Unknown {what} “{name}” (this branch has: {listed})."


def _named(model, branch, field: str, name: str, what: str, errors: dict):
    """The branch's object called `name` (None for an empty name), or an error naming what the branch has."""
    if not name:
        return None
    found = model.objects.filter(branch=branch, **{field: name}).first()
    if found is None:
        errors[what] = [_unknown(what, name, model.objects.filter(branch=branch).values_list(field, flat=True))]
    return found


class DelegatesViewSet(BranchScopedViewSet):
    permission = {"delegates": "view_delegates"}
    serializer_class = DelegatesSerializer

    @extend_schema(
        tags=["delegates"],
        summary="Delegates due under Labour's rule, explained (organisers; counts only)",
        description=(
            "One delegate for the first 749 party members or part, one more per further 250 or part, at most 6; "
            "one more, a woman, with 100 or more women members; one more, under 27, with 30 or more members "
            "under 27. Women are counted from the branch's self-declared gender question (consented answers "
            "only). `lines` explains the result line by line; `last_year` says whether last year's sole "
            "delegate was a woman (a woman at least every other year). Counts only, never who; reading the "
            "self-declared answers is audited."
        ),
        parameters=[DelegatesQuerySerializer],
        responses={200: DelegatesSerializer, 400: FIELD_ERRORS},
    )
    @action(detail=False, methods=["get"])
    def delegates(self, request, *args, **kwargs):
        branch = self.get_branch()
        query = DelegatesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        errors: dict[str, list[str]] = {}

        categories = queries.default_categories(branch)
        if "categories" in params:
            by_slug = {c.slug: c for c in Category.objects.filter(branch=branch)}
            wanted = _slugs(params["categories"])
            categories = [by_slug[s] for s in wanted if s in by_slug]
            errors.update({"categories": [_unknown("category", s, by_slug) for s in wanted if s not in by_slug]})

        question = queries.default_question(branch)
        if "question" in params:
            question = _named(AttributeDefinition, branch, "key", params["question"], "question", errors)
        women = queries.women_answers(question)
        if "women" in params and question is not None:
            offered = [o.get("value") for o in question.options]
            women = _slugs(params["women"])
            errors["women"] = [_unknown(f"answer to {question.key}", v, offered) for v in women if v not in offered]

        positions = queries.delegate_positions(branch)
        position = positions[0] if positions else None
        if "position" in params:
            position = _named(Position, branch, "slug", params["position"], "position", errors)

        errors = {k: v for k, v in errors.items() if v}
        if errors:
            raise ValidationError(errors)
        counts, entitlement, counted = work_out_entitlement(
            branch=branch,
            actor=request.user,
            as_of=params.get("as_of") or branch.today(),
            categories=categories,
            question=question,
            women_values=women,
            position=position,
        )
        return Response(
            {
                "as_of": counts.as_of,
                "members": counts.members,
                "women": counts.women,
                "young": counts.young,
                "without_birth_date": counts.without_birth_date,
                "categories": [c.slug for c in counts.categories],
                "question": question.key if question else None,
                "women_answers": counts.women_values,
                "position": position.slug if position else None,
                "last_year_on": counts.last_year_on,
                "last_year": counts.last_year,
                **entitlement.as_dict(),
                "counted": counted,
            }
        )
