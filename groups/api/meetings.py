"""Meetings in the REST API (CONTRACT.md §4): serializer and viewset.

Reads: anyone with view_meetings in the branch; writes: manage_meetings.
Creating and changing go through groups.services.meetings, so the API and
the pages validate, default (the kind's usual attendance rule) and audit
alike; domain errors become JSON through groups.api.errors.
"""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.parsers import JSONParser

from ..models import Meeting, MeetingStatus, Rule
from ..services import meetings as services
from .serializers.base import ModelSerializer, PrimaryKeyRelatedField
from .views.base import BranchScopedViewSet


class BranchRuleField(PrimaryKeyRelatedField):
    """A rule id of the request's branch; null means everyone."""

    def get_queryset(self):
        branch = self.context.get("branch")
        return Rule.objects.filter(branch=branch) if branch is not None else Rule.objects.none()


class MeetingSerializer(ModelSerializer):
    attendance_rule = BranchRuleField(allow_null=True, required=False)
    voting_rule = BranchRuleField(allow_null=True, required=False)
    status = serializers.ChoiceField(choices=MeetingStatus.choices, required=False)
    # A number in JSON (not DRF's default string), 0–100.
    quorum_percent = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        coerce_to_string=False,
        allow_null=True,
        required=False,
        min_value=0,
        max_value=100,
    )

    class Meta:
        model = Meeting
        fields = [
            "id",
            "title",
            "kind",
            "status",
            "starts_at",
            "ends_at",
            "location",
            "attendance_rule",
            "voting_rule",
            "eligibility_date",
            "quorum",
            "quorum_percent",
            "quorum_combine",
            "capacity",
        ]
        read_only_fields = ["id"]
        # The kind decides the usual attendance rule, so a new meeting names it.
        extra_kwargs = {"kind": {"required": True}}

    def validate_status(self, value):
        # Creating: draft or published. Changing status goes through the
        # meeting's own actions (publish, cancel), not a PATCH.
        if self.instance is not None and value != self.instance.status:
            raise serializers.ValidationError("Publish or cancel a meeting through its own actions.")
        if self.instance is None and value not in (MeetingStatus.DRAFT, MeetingStatus.PUBLISHED):
            raise serializers.ValidationError("A new meeting is a draft or published.")
        return value

    def create(self, validated_data):
        branch = self.context["branch"]
        actor = self.context["request"].user
        if "attendance_rule" not in validated_data:
            validated_data.pop("attendance_rule", None)  # the kind's usual rule
        return services.create_meeting(branch=branch, actor=actor, **validated_data)

    def update(self, instance, validated_data):
        validated_data.pop("status", None)
        changes = {k: v for k, v in validated_data.items() if k in services.EDITABLE}
        return services.update_meeting(meeting=instance, actor=self.context["request"].user, **changes)


@extend_schema_view(
    list=extend_schema(tags=["meetings"], summary="The branch's meetings (organisers and stewards)"),
    retrieve=extend_schema(tags=["meetings"], summary="One meeting"),
    create=extend_schema(tags=["meetings"], summary="Call a meeting (organisers)"),
    partial_update=extend_schema(tags=["meetings"], summary="Change a meeting (organisers)"),
)
class MeetingViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    BranchScopedViewSet,
):
    """GET/POST /branches/{slug}/meetings/, GET/PATCH /branches/{slug}/meetings/{id}/."""

    serializer_class = MeetingSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    # JSON only: a form cannot tell a field left out from an empty one (PATCH quorum_combine= was
    # taken as "left out"; found by schemathesis once it reached a real meeting).
    parser_classes = [JSONParser]
    permission = {
        "list": "view_meetings",
        "retrieve": "view_meetings",
        "create": "manage_meetings",
        "update": "manage_meetings",
        "partial_update": "manage_meetings",
    }

    def get_queryset(self) -> QuerySet[Meeting]:
        if self.is_schema_generation():
            return Meeting.objects.none()
        return (
            Meeting.objects.filter(branch=self.get_branch())
            .select_related("attendance_rule", "voting_rule")
            .order_by("starts_at", "id")
        )
