"""/api/v1/branches/{slug}/rules/: eligibility rules, for organisers (the door
gets its decisions from the door endpoints, which stewards may use)."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from ...eligibility.decisions import decide
from ...eligibility.engine import RuleError
from ...errors import Conflict
from ...models import Rule
from ...queries.rules import eligibility_counts
from ...services import rules as rule_services
from ..schema import FIELD_ERRORS
from ..serializers.rules import (
    EvaluateSerializer,
    EvaluationSerializer,
    PreviewQuerySerializer,
    PreviewSerializer,
    RuleSerializer,
)
from .base import BranchScopedViewSet

BAD_DEFINITION = (
    'A bad definition answers 400 naming the bad part: {"definition": ["The rule is not valid at '
    'membership.categories[0]: …"]}; a taken name {"name": ["…"]}.'
)


@extend_schema_view(
    list=extend_schema(tags=["rules"], summary="The branch's eligibility rules (organisers)"),
    retrieve=extend_schema(tags=["rules"], summary="One rule (organisers)"),
    create=extend_schema(tags=["rules"], summary="Add a rule (organisers)", description=BAD_DEFINITION),
    partial_update=extend_schema(
        tags=["rules"],
        summary="Change a rule (organisers); a changed definition becomes a new version",
        description=BAD_DEFINITION,
    ),
    destroy=extend_schema(
        tags=["rules"],
        summary="Delete a rule (organisers)",
        description="Refused with 409 (code rule_in_use) while a meeting uses the rule: edit it instead.",
    ),
)
class RuleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, BranchScopedViewSet):
    serializer_class = RuleSerializer
    http_method_names = ["get", "post", "patch", "delete", "options", "head"]
    lookup_value_regex = "[0-9]+"
    parser_classes = [JSONParser]  # a definition is JSON; forms would blur "left out" and "empty"
    permission = "manage_rules"

    def get_queryset(self):
        if self.is_schema_generation():
            return Rule.objects.none()
        return Rule.objects.filter(branch=self.get_branch()).order_by("name", "id")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        rule = rule_services.create_rule(
            branch=self.get_branch(),
            actor=request.user,
            name=data["name"],
            description=data.get("description", ""),
            definition=data["definition"],
        )
        return Response(self.get_serializer(rule).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        rule = self.get_object()
        serializer = self.get_serializer(rule, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        rule = rule_services.update_rule(
            rule=rule,
            actor=request.user,
            name=data.get("name"),
            description=data.get("description"),
            definition=data.get("definition"),
        )
        return Response(self.get_serializer(rule).data)

    def destroy(self, request, *args, **kwargs):
        rule_services.delete_rule(rule=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        tags=["rules"],
        summary="One person's Decision under this rule (organisers)",
        request=EvaluateSerializer,
        responses={200: EvaluationSerializer},
    )
    @action(detail=True, methods=["post"])
    def evaluate(self, request, *args, **kwargs):
        rule = self.get_object()
        serializer = EvaluateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        person = serializer.validated_data["person"]
        as_of = serializer.validated_data.get("as_of") or self.get_branch().today()
        decision = _or_conflict(lambda: decide(rule, as_of, person=person))
        return Response({**decision.as_dict(), "as_of": as_of.isoformat()})

    @extend_schema(
        tags=["rules"],
        summary="How many the rule admits, by category (organisers)",
        parameters=[PreviewQuerySerializer],
        responses={200: PreviewSerializer, 400: FIELD_ERRORS},
    )
    @action(detail=True, methods=["get"])
    def preview(self, request, *args, **kwargs):
        rule = self.get_object()
        if request.query_params.get("as_of", None) == "":
            raise ValidationError({"as_of": ["Give a date as YYYY-MM-DD, or leave as_of out for today."]})
        query = PreviewQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        as_of = query.validated_data.get("as_of") or self.get_branch().today()
        counts = _or_conflict(lambda: eligibility_counts(self.get_branch(), rule.definition, as_of))
        return Response({"as_of": as_of.isoformat(), **counts})


def _or_conflict(fn):
    """Rules are checked on save, so an unreadable one is old data: say so, not 500."""
    try:
        return fn()
    except RuleError as exc:
        raise Conflict(f"This rule cannot be read ({exc}); edit it first.", code="bad_rule") from None
