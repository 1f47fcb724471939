"""A meeting's record through the API (CONTRACT.md §5): read it (live for an
open meeting, frozen for a closed one), close the meeting, reopen it with a
reason. Under /branches/{slug}/meetings/{meeting_id}/; a meeting of another
branch answers 404."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from ...queries.records import meeting_record
from ...services.records import close_meeting, reopen_meeting
from ..schema import FIELD_ERRORS
from ..serializers.door import RefusalSerializer
from .door import MEETING_ID, MeetingScopedViewSet


class RuleVersionsSerializer(serializers.Serializer):
    attendance = serializers.IntegerField(allow_null=True, help_text="The attendance rule's version (null: no rule).")
    voting = serializers.IntegerField(allow_null=True, help_text="The voting rule's version (null: no rule).")


class RecordSerializer(serializers.Serializer):
    closed_at = serializers.DateTimeField(allow_null=True, help_text="When it was closed; null while it is open.")
    eligible_to_attend = serializers.IntegerField(help_text="People the attendance rule admits.")
    eligible_to_vote = serializers.IntegerField(
        help_text="People the attendance rule and the voting rule admit (no voting rule: all who may attend)."
    )
    quorum = serializers.IntegerField(help_text="The number needed (0 when no quorum is set).")
    present = serializers.IntegerField(help_text="Checked in and not gone, guests included.")
    present_eligible = serializers.IntegerField(help_text="Present and eligible to vote.")
    guests = serializers.IntegerField(help_text="Guests present.")
    overrides = serializers.IntegerField(help_text="People let in by override (not undone).")
    quorate = serializers.BooleanField()
    rule_versions = RuleVersionsSerializer()


class ReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text="Why the meeting is reopened (kept in the audit log).")


class MeetingRecordViewSet(MeetingScopedViewSet):
    """The meeting's record, and closing and reopening it."""

    serializer_class = RecordSerializer
    parser_classes = [JSONParser]
    permission = {"record": "view_meetings", "close": "manage_meetings", "reopen": "manage_meetings"}

    def _record(self):
        return Response(RecordSerializer(meeting_record(self.get_meeting())).data)

    @extend_schema(
        tags=["meetings"],
        summary="The meeting's record: frozen once closed, live while open",
        description="For a closed meeting, the figures frozen when it closed (later imports and rule changes "
        "change none of them); for an open one the same figures now, with closed_at null.",
        parameters=[MEETING_ID],
        responses={200: RecordSerializer},
    )
    @action(detail=False, methods=["get"])
    def record(self, request, *args, **kwargs):
        return self._record()

    @extend_schema(
        tags=["meetings"],
        summary="Close the meeting and freeze its record (organisers)",
        description="Once it has started. 409 when it is already closed, cancelled or not started yet.",
        parameters=[MEETING_ID],
        request=None,
        responses={200: RecordSerializer, 409: RefusalSerializer},
    )
    @action(detail=False, methods=["post"])
    def close(self, request, *args, **kwargs):
        close_meeting(meeting=self.get_meeting(), actor=request.user)
        del self._meeting  # read it again: it is closed now
        return self._record()

    @extend_schema(
        tags=["meetings"],
        summary="Reopen a closed meeting, with a reason (organisers)",
        description="Its figures are live again until it is closed once more. 400 without a reason; 409 when "
        "it is not closed.",
        parameters=[MEETING_ID],
        request=ReopenSerializer,
        responses={200: RecordSerializer, 400: FIELD_ERRORS, 409: RefusalSerializer},
    )
    @action(detail=False, methods=["post"])
    def reopen(self, request, *args, **kwargs):
        body = ReopenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reopen_meeting(meeting=self.get_meeting(), actor=request.user, reason=body.validated_data["reason"])
        del self._meeting
        return self._record()
