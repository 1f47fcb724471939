"""The door through the API (CONTRACT.md §4): search with Decisions, check-ins
and quorum, under /branches/{slug}/meetings/{meeting_id}/. Organisers and
stewards ("door"). Check-ins go through groups.services.door_refusals.check_in_on_the_record (check_in, a refusal kept),
the only way in; a meeting of another branch answers 404."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from ...models import Attendance, Meeting
from ...models.attendance import CheckInMethod
from ...permissions import get_in_branch
from ...queries.attendance import attendance_rows, quorum
from ...queries.door import DOOR_RESULTS, door_cards, door_meeting, door_search
from ...services.attendance import mark_left, preview_check_in, undo_check_in
from ...services.door_refusals import check_in_on_the_record
from ..schema import FIELD_ERRORS
from ..serializers.door import (
    AttendanceSerializer,
    CheckInSerializer,
    DoorQuerySerializer,
    DoorResultSerializer,
    DoorSearchSerializer,
    QuorumSerializer,
    RefusalSerializer,
    SimulatedCheckInSerializer,
    UndoneAttendanceSerializer,
    UndoSerializer,
)
from .base import BranchScopedViewSet

MEETING_ID = OpenApiParameter(
    "meeting_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="A meeting of this branch."
)


class MeetingScopedViewSet(BranchScopedViewSet):
    permission = "door"
    throttle_scope = "door"  # a busy door searches on every keystroke (groups/api/throttling.py)

    def get_meeting(self) -> Meeting:
        """The branch's meeting with its rules, read as the door screen reads it."""
        if not hasattr(self, "_meeting"):
            self._meeting = door_meeting(self.get_branch(), self.kwargs["meeting_id"])
            if self._meeting is None:
                raise Http404
        return self._meeting


@extend_schema_view(
    list=extend_schema(
        tags=["door"],
        summary="Who is checked in, in order of arrival (organisers and stewards)",
        description="Check-ins that were undone are left out.",
        parameters=[MEETING_ID],
    ),
    create=extend_schema(
        tags=["door"],
        summary="Check a person or a guest in (organisers and stewards)",
        description=(
            'A person: {"person": id, "override_reason": "…"?}. A guest: {"guest_name": "…", "guest_email": "…"?}. '
            "201 with the new check-in; 200 with the existing one when the person is already in (never a "
            'duplicate). 403 with the Decision ({"detail", "code": "not_eligible", "decision"}) when the '
            "attendance rule does not admit them and no override_reason was given, or (code "
            "override_not_allowed) when you may not override: organisers may, stewards only where the "
            "branch allows it. Every such refusal is kept on the record for organisers. "
            '{"simulate": true} with a person answers what would happen, writing nothing: 200 with '
            '{"simulated": true, "outcome": "check_in" | "already_in" | "refused", "code"?, "detail"?, '
            '"decision", "may_vote"}.'
        ),
        parameters=[MEETING_ID],
        request=CheckInSerializer,
        responses={
            201: AttendanceSerializer,
            200: OpenApiResponse(
                PolymorphicProxySerializer(
                    component_name="CheckInOrSimulation",
                    serializers=[AttendanceSerializer, SimulatedCheckInSerializer],
                    resource_type_field_name=None,
                ),
                description="Already checked in: their first check-in. With simulate: what would happen.",
            ),
            400: FIELD_ERRORS,
            403: OpenApiResponse(RefusalSerializer, description="Refused: not eligible, or not allowed to override."),
        },
    ),
)
class CheckInViewSet(mixins.ListModelMixin, MeetingScopedViewSet):
    serializer_class = AttendanceSerializer
    parser_classes = [JSONParser]
    filter_backends: list = []
    lookup_value_regex = "[0-9]{1,18}"  # a check-in id; anything else is the API's JSON 404

    def get_queryset(self):
        if self.is_schema_generation():
            return Attendance.objects.none()
        return attendance_rows(self.get_meeting()).filter(undone_at__isnull=True)

    def create(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        serializer = CheckInSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        person = data.get("person")
        if data.get("simulate"):
            outcome = preview_check_in(
                meeting=meeting, person=person, actor=request.user, override_reason=data.get("override_reason") or None
            )
            return Response({"simulated": True, **outcome})
        attendance, created = check_in_on_the_record(
            meeting=meeting,
            person=person,
            guest_name=data.get("guest_name", ""),
            guest_email=data.get("guest_email", ""),
            actor=request.user,
            method=CheckInMethod.API,
            override_reason=data.get("override_reason") or None,
        )
        attendance = attendance_rows(meeting).get(pk=attendance.pk)
        return Response(
            AttendanceSerializer(attendance).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    def _attendance(self) -> Attendance:
        """One check-in at this meeting (undone ones too), or 404."""
        return get_in_branch(
            attendance_rows(self.get_meeting()), self.get_branch(), "meeting__branch", pk=self.kwargs["pk"]
        )

    @extend_schema(
        tags=["door"],
        summary="Undo a check-in (organisers and stewards)",
        description=(
            "Nothing is deleted: the check-in stays, with who undid it, when and why, and stops counting as "
            "present. Checking the person in again re-opens the same row. 409 when it was undone already."
        ),
        parameters=[MEETING_ID],
        request=UndoSerializer,
        responses={200: UndoneAttendanceSerializer, 400: FIELD_ERRORS, 409: RefusalSerializer},
    )
    @action(detail=True, methods=["post"])
    def undo(self, request, *args, **kwargs):
        attendance = self._attendance()
        body = UndoSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        undo_check_in(attendance=attendance, actor=request.user, reason=body.validated_data["reason"])
        return Response(UndoneAttendanceSerializer(self._attendance()).data)

    @extend_schema(
        tags=["door"],
        summary="Mark someone as having left (organisers and stewards)",
        description=(
            "They stop counting as present, and for quorum; their check-in stays. Marking again changes "
            "nothing (the first time stands). 409 for a check-in that was undone."
        ),
        parameters=[MEETING_ID],
        request=None,
        responses={200: AttendanceSerializer, 409: RefusalSerializer},
    )
    @action(detail=True, methods=["post"])
    def left(self, request, *args, **kwargs):
        attendance = self._attendance()
        mark_left(attendance=attendance, actor=request.user)
        return Response(AttendanceSerializer(self._attendance()).data)


class MeetingDoorViewSet(MeetingScopedViewSet):
    """The door search and the quorum, each one object about the meeting."""

    serializer_class = QuorumSerializer

    @extend_schema(
        tags=["door"],
        summary="Door search: matching people with their Decision and check-in (organisers and stewards)",
        description=(
            'Matches the start of a first or last name (or of both: "ana sil"), an exact membership number, '
            f"email or postcode; nobody for an empty q. Capped, not paged: at most {DOOR_RESULTS} people, "
            "by name — the door is for finding one person, so type more to narrow. `count` is the number "
            "returned; `next` and `previous` are always null."
        ),
        parameters=[MEETING_ID, DoorQuerySerializer],
        responses={200: DoorSearchSerializer, 400: FIELD_ERRORS},
    )
    @action(detail=False, methods=["get"])
    def door(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        query = DoorQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        branch = self.get_branch()
        people = door_search(branch, query.validated_data.get("q", ""))
        results = DoorResultSerializer(door_cards(branch, meeting, people), many=True).data
        return Response({"count": len(results), "next": None, "previous": None, "results": results})

    @extend_schema(
        tags=["door"],
        summary="Quorum now (organisers and stewards)",
        description="eligible: people the attendance and voting rules admit (no voting rule: all who may "
        "attend; a closed meeting: its frozen record); present: everyone checked in and not gone, guests "
        "included; present_eligible: present and admitted by the voting rule (never guests, never people let "
        "in by override whom the voting rule refuses); quorum: the number needed; guests: guests present.",
        parameters=[MEETING_ID],
        responses={200: QuorumSerializer},
    )
    @action(detail=False, methods=["get"])
    def quorum(self, request, *args, **kwargs):
        return Response(quorum(self.get_meeting()))
