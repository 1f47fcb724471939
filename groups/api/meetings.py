"""Meetings in the REST API (CONTRACT.md §4): serializer and viewset.

NOT wired to URLs here: the lead wires them when the API framework (branch
`api`) is merged, e.g.

    router.register(r"branches/(?P<slug>[^/.]+)/meetings", MeetingViewSet, basename="api-meeting")

Reads: anyone with view_meetings in the branch; writes: manage_meetings.
Creating and changing go through groups.services.meetings, so the API and
the pages validate, default (the kind's usual attendance rule) and audit
alike; domain errors become JSON through groups.api.errors.
"""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import mixins, serializers, viewsets

from ..models import Meeting, MeetingStatus, Rule
from ..permissions import access_branch
from ..services import meetings as services


class BranchRuleField(serializers.PrimaryKeyRelatedField):
    """A rule id of the request's branch; null means everyone."""

    def get_queryset(self):
        branch = self.context.get("branch")
        return Rule.objects.filter(branch=branch) if branch is not None else Rule.objects.none()


class MeetingSerializer(serializers.ModelSerializer):
    attendance_rule = BranchRuleField(allow_null=True, required=False)
    voting_rule = BranchRuleField(allow_null=True, required=False)
    status = serializers.ChoiceField(choices=MeetingStatus.choices, required=False)

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


class MeetingViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """GET/POST /branches/{slug}/meetings/, GET/PATCH /branches/{slug}/meetings/{id}/."""

    serializer_class = MeetingSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def _need(self) -> str:
        return "view_meetings" if self.request.method in ("GET", "HEAD", "OPTIONS") else "manage_meetings"

    @property
    def branch(self):
        if not hasattr(self, "_branch"):
            # 404 without a role in the branch, 403 when the role is too low.
            self._branch = access_branch(self.request.user, self.kwargs["slug"], self._need())
        return self._branch

    def get_queryset(self) -> QuerySet[Meeting]:
        return (
            Meeting.objects.filter(branch=self.branch)
            .select_related("attendance_rule", "voting_rule")
            .order_by("starts_at", "id")
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if "slug" in getattr(self, "kwargs", {}):
            context["branch"] = self.branch
        return context
