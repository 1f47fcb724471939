"""The door through the API (CONTRACT.md §4): search with Decisions, check-ins
and quorum, under /branches/{slug}/meetings/{meeting_id}/. Organisers and
stewards ("door"). Check-ins go through groups.services.door_refusals.check_in_on_the_record (check_in, a refusal kept),
the only way in; a meeting of another branch answers 404."""

import uuid

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
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error

from ...errors import RollcallError
from ...models import Attendance, DoorScan, Meeting
from ...models.attendance import CheckInMethod
from ...permissions import get_in_branch
from ...queries.attendance import attendance_rows, quorum
from ...queries.door import DOOR_RESULTS, door_cards, door_meeting, door_results
from ...queries.door_list import door_list
from ...services.attendance import mark_left, preview_check_in, undo_check_in
from ...services.door_refusals import check_in_on_the_record
from ...services.door_sync import SyncResult, sync_check_in, undo_scan
from ..errors import exception_handler
from ..schema import FIELD_ERRORS
from ..serializers.door import (
    MAX_BATCH,
    AttendanceSerializer,
    CheckInBatchResultSerializer,
    CheckInBatchSerializer,
    CheckInSerializer,
    DoorListSerializer,
    DoorQuerySerializer,
    DoorResultSerializer,
    DoorSearchSerializer,
    QuorumSerializer,
    RefusalSerializer,
    ReviewSerializer,
    ScanSerializer,
    SimulatedCheckInSerializer,
    SyncedCheckInSerializer,
    UndoneAttendanceSerializer,
    UndoScanSerializer,
    UndoSerializer,
    branch_people,
)
from ..throttling import charge_items
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
            '"decision", "may_vote"}. '
            "A door device's check-in, often sent later (CONTRACT §9), adds "
            '"nonce" (a UUID it made), "checked_in_at" (when it happened, within the meeting\'s day, else 400) '
            'and "device" (its name); the answer carries "scan" (its nonce and outcome). The same nonce again is '
            "the same check-in (200 with the first answer). A person already in gives one attendance at the "
            'earlier time, this one kept as a duplicate (outcome "duplicate"). Someone the rule now refuses is '
            'kept for an organiser to review: 202 {"code": "kept_for_review", "decision", "scan"}.'
        ),
        parameters=[MEETING_ID],
        request=CheckInSerializer,
        responses={
            201: OpenApiResponse(SyncedCheckInSerializer, description="The new check-in; with a nonce, its scan too."),
            202: OpenApiResponse(
                ReviewSerializer, description="A device's check-in the rule now refuses: kept for review."
            ),
            200: OpenApiResponse(
                PolymorphicProxySerializer(
                    component_name="CheckInOrSimulation",
                    serializers=[SyncedCheckInSerializer, SimulatedCheckInSerializer],
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
        if data.get("nonce") is not None:
            return self._sync(meeting, data)
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

    def _sync(self, meeting, data) -> Response:
        """A door device's check-in (groups.services.door_sync)."""
        result = self._sync_result(meeting, data)
        attendance = None
        if result.attendance is not None:
            attendance = attendance_rows(meeting).get(pk=result.attendance.pk)
        return Response(*_sync_answer(result, attendance))

    def _sync_result(self, meeting, data) -> SyncResult:
        return sync_check_in(
            meeting=meeting,
            person=data["person"],
            nonce=data["nonce"],
            checked_in_at=data["checked_in_at"],
            device=data.get("device") or "",
            actor=self.request.user,
            override_reason=data.get("override_reason") or None,
        )

    @extend_schema(
        tags=["door"],
        summary="A door device's queue of check-ins at once (organisers and stewards)",
        operation_id="branches_meetings_checkins_batch",
        description=(
            f'{{"items": [1 to {MAX_BATCH} device check-ins, each {{"person", "nonce", "checked_in_at", '
            '"device"?, "override_reason"?}]} (CONTRACT §9). Each item is handled exactly as POST checkins/ '
            "with its nonce, one after another in the items' order, each in its own transaction: one item "
            "refused or invalid does not stop the others, and a batch sent again is each item sent again "
            "(200 with the first answer). 200 with "
            '{"results": [{"status", "nonce", "body"}]}, one per item in order: `status` and `body` are what '
            "POST checkins/ would have answered for that item alone (201 in, 200 already in or sent before, "
            "202 kept for review, 400, 403, 409). The batch itself is 400, and nothing of it is handled, when it "
            f"is not 1 to {MAX_BATCH} items of the shape below (a device's bug, not a refusal): "
            '{"items": {"1": {"nonce": ["Must be a valid UUID."]}}} (by the items\' places, from 0). '
            "Each item counts against the door rate limit as one request."
        ),
        parameters=[MEETING_ID],
        request=CheckInBatchSerializer,
        responses={200: CheckInBatchResultSerializer, 400: FIELD_ERRORS},
    )
    @action(detail=False, methods=["post"], url_path="batch")
    def batch(self, request, *args, **kwargs):
        meeting = self.get_meeting()  # 404 before anything is read from the body
        body = CheckInBatchSerializer(data=request.data)
        body.is_valid(raise_exception=True)  # the shape; each item's meaning is read below, as POST checkins/ does
        items = request.data["items"]
        charge_items(request, self.throttle_scope, len(items))
        context = {**self.get_serializer_context(), "people": branch_people(self.get_branch(), items)}
        # One serializer reads every item (as a list serializer's child does): building one per item
        # copies its fields each time, which was a good part of a batch's time.
        reader = CheckInSerializer(context=context)
        handled = [self._batch_item(meeting, item, reader) for item in items]
        # The answers as things stand once the batch is in (one read each, not one per item): a later
        # item may have made an earlier one the duplicate, as a single check-in sent again would show.
        done = [result for result in handled if isinstance(result, SyncResult)]
        ids = [r.attendance.pk for r in done if r.attendance is not None]
        attendances = attendance_rows(meeting).in_bulk(ids)
        scans = DoorScan.objects.filter(pk__in=[r.scan.pk for r in done]).in_bulk()
        results = []
        for result in handled:
            if isinstance(result, SyncResult):
                result.scan = scans[result.scan.pk]
                attendance = attendances.get(result.attendance.pk) if result.attendance is not None else None
                data, code = _sync_answer(result, attendance)
                result = {"status": code, "nonce": str(result.scan.nonce), "body": data}
            results.append(result)
        return Response({"results": results})

    def _batch_item(self, meeting, item: dict, reader: CheckInSerializer) -> SyncResult | dict:
        """One item, as POST checkins/ with a nonce handles it: its result, or the answer that refused it."""
        try:
            data = reader.run_validation(item)
        except ValidationError as exc:
            return {"status": 400, "nonce": _nonce(item), "body": as_serializer_error(exc)}
        try:
            return self._sync_result(meeting, data)
        except RollcallError as exc:
            response = exception_handler(exc, {})
            return {"status": response.status_code, "nonce": str(data["nonce"]), "body": response.data}

    @extend_schema(
        tags=["door"],
        summary="Undo a door device's check-in, by its nonce (organisers and stewards)",
        # Its own name: the default would collide with checkins/{id}/undo/'s.
        operation_id="branches_meetings_checkins_undo_by_nonce",
        description=(
            "An undo names one check-in (CONTRACT §9). The one that holds the attendance undoes it (as "
            "checkins/{id}/undo/); a duplicate or one kept for review is only withdrawn: the other device's "
            "check-in stands. 409 when it was undone already; 400 for a nonce not known at this meeting."
        ),
        parameters=[MEETING_ID],
        request=UndoScanSerializer,
        responses={200: ScanSerializer, 400: FIELD_ERRORS, 409: RefusalSerializer},
    )
    @action(detail=False, methods=["post"], url_path="undo")
    def undo_device(self, request, *args, **kwargs):
        meeting = self.get_meeting()  # 404 before anything is read from the body
        body = UndoScanSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        scan = undo_scan(
            meeting=meeting,
            nonce=body.validated_data["nonce"],
            actor=request.user,
            reason=body.validated_data["reason"],
        )
        return Response(ScanSerializer(scan).data)

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


def _sync_answer(result: SyncResult, attendance: Attendance | None) -> tuple[dict, int]:
    """POST checkins/'s answer to a device's check-in: the body and the status."""
    scan = ScanSerializer(result.scan).data
    if attendance is None:
        body = {
            "detail": "Checked in on the device, but the rule now refuses them: "
            + result.scan.message
            + " Kept for an organiser to review.",
            "code": "kept_for_review",
            "decision": result.scan.decision,
            "scan": scan,
        }
        return body, status.HTTP_202_ACCEPTED
    body = {**AttendanceSerializer(attendance).data, "scan": scan}
    return body, status.HTTP_201_CREATED if result.new_attendance else status.HTTP_200_OK


def _nonce(item: dict) -> str | None:
    """An invalid item's nonce when it is one, so the device can tell which it was."""
    try:
        return str(uuid.UUID(str(item.get("nonce"))))
    except ValueError:
        return None


# RFC 9745: the date GET door/?q= was deprecated (2 December 2026), as a structured-field date.
DEPRECATED_GET = "@1796169600"
SEARCH = (
    'Matches the start of a first or last name (or of both: "ana sil", or surname first: "sil ana"), an '
    "exact membership number, email or postcode; nobody for an empty q. Capped, not paged: at most "
    f"{DOOR_RESULTS} people, by name — the door is for finding one person, so type more to narrow. "
    "`count` is the number returned; `next` and `previous` are always null. Only when nothing matches "
    'and q is a name: the names mistyped by a letter or two ("Adeymi" for Adeyemi), best first, with '
    "`close_matches` true."
)


class MeetingDoorViewSet(MeetingScopedViewSet):
    """The door search and the quorum, each one object about the meeting."""

    serializer_class = QuorumSerializer

    @extend_schema(
        methods=["POST"],
        tags=["door"],
        summary="Door search: matching people with their Decision and check-in (organisers and stewards)",
        operation_id="branches_meetings_door_search",
        description=SEARCH
        + ' The body is {"q": "…"}: what was typed (a member\'s name) stays out of URLs and access logs.',
        parameters=[MEETING_ID],
        request=DoorQuerySerializer,
        responses={200: DoorSearchSerializer, 400: FIELD_ERRORS},
    )
    @extend_schema(
        methods=["GET"],
        tags=["door"],
        summary='Door search by ?q= (deprecated: POST door/ with {"q"})',
        deprecated=True,
        description=SEARCH
        + " Kept for existing clients (CONTRACT §4); a name in the query string reaches URLs and logs, so use "
        "POST door/. Answers carry a `Deprecation` header (RFC 9745) and a `Link` to these docs.",
        parameters=[MEETING_ID, DoorQuerySerializer],
        responses={200: DoorSearchSerializer, 400: FIELD_ERRORS},
    )
    @action(detail=False, methods=["get", "post"], parser_classes=[JSONParser])
    def door(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        query = DoorQuerySerializer(data=request.data if request.method == "POST" else request.query_params)
        query.is_valid(raise_exception=True)
        branch = self.get_branch()
        found = door_results(branch, query.validated_data.get("q", ""), count_more=False)
        results = DoorResultSerializer(door_cards(branch, meeting, found.people), many=True).data
        body = {"count": len(results), "next": None, "previous": None, "results": results}
        response = Response({**body, "close_matches": found.close})
        if request.method == "GET":
            response["Deprecation"] = DEPRECATED_GET
            response["Link"] = '</api/v1/docs/>; rel="deprecation"'
        return response

    @extend_schema(
        tags=["door"],
        summary="The door list: what a door device needs to decide offline (organisers and stewards)",
        description=(
            "Everyone the meeting may expect (the invited and anyone checked in when it has invitations, "
            "otherwise the branch's whole list, so a device can say why someone is refused), by name, each with "
            "their Decision, whether they may vote and door fields only: name, membership numbers, postcode, "
            "category — never notes, date of birth, phone or email. Not paged: a device needs all of it. "
            "`meeting.keep_until` (24 h after the end) is when the device must wipe its copy."
        ),
        parameters=[MEETING_ID],
        responses={200: DoorListSerializer},
    )
    @action(detail=False, methods=["get"], url_path="door-list")
    def door_list(self, request, *args, **kwargs):
        response = Response(door_list(self.get_meeting()))
        response["Cache-Control"] = "private, no-store"
        return response

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
