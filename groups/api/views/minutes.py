"""Minutes and the decisions register through the API (docs/API.md):
under /branches/{slug}/meetings/{meeting_id}/minutes/ a meeting's minutes
(members read approved ones; organisers the draft too, draft, edit, approve),
and /branches/{slug}/decisions/ every carried motion, paginated. Writes are
groups.services.minutes; another branch's meeting answers 404."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from ...errors import InvalidInput
from ...models import AgendaItem, Motion
from ...permissions import can
from ...queries import minutes as queries
from ...services import minutes as services
from ..schema import FIELD_ERRORS
from ..serializers.door import RefusalSerializer
from ..serializers.minutes import (
    CarriedMotionSerializer,
    MinutesApproveSerializer,
    MinutesDraftSerializer,
    MinutesEditSerializer,
    MinutesSerializer,
    RegisterQuerySerializer,
)
from .agenda import MeetingScoped
from .base import BranchScopedViewSet
from .door import MEETING_ID

TAGS = ["minutes"]


class MinutesViewSet(MeetingScoped):
    serializer_class = MinutesSerializer
    permission = {
        "minutes": "view_branch",
        "edit": "manage_minutes",
        "draft": "manage_minutes",
        "approve": "manage_minutes",
    }

    def _minutes(self):
        minutes = queries.minutes_of(self.get_meeting())
        if minutes is None or (
            not minutes.is_approved and not can(self.request.user, self.get_branch(), "manage_minutes")
        ):
            raise Http404  # no minutes, or a draft, which only organisers see
        return minutes

    def _answer(self, minutes, code=status.HTTP_200_OK):
        return Response(MinutesSerializer(queries.minutes_of(minutes.meeting)).data, status=code)

    @extend_schema(
        tags=TAGS,
        summary="A meeting's minutes (approved ones for everyone with a role; drafts for organisers)",
        parameters=[MEETING_ID],
        responses={200: MinutesSerializer},
    )
    @action(detail=False, methods=["get"], url_path="minutes")
    def minutes(self, request, *args, **kwargs):
        return Response(MinutesSerializer(self._minutes()).data)

    @extend_schema(
        tags=TAGS,
        summary="Edit the draft minutes (organisers)",
        description="409 `minutes_stale` when `version` is not the latest (someone saved since); "
        "409 `minutes_approved` once approved.",
        parameters=[MEETING_ID],
        request=MinutesEditSerializer,
        responses={200: MinutesSerializer, 400: FIELD_ERRORS, 409: RefusalSerializer},
    )
    @minutes.mapping.patch
    def edit(self, request, *args, **kwargs):
        minutes = self._minutes()
        data = self.body(MinutesEditSerializer)
        return self._answer(services.edit_minutes(minutes=minutes, actor=request.user, **data))

    @extend_schema(
        tags=TAGS,
        summary="Draft the minutes from the closed meeting's records (organisers)",
        description="201 with the new draft; with `replace`, 200 with a fresh draft over the old one. "
        "409 `meeting_not_closed`, `minutes_exist` (a draft is there and `replace` is not set), `minutes_approved`.",
        parameters=[MEETING_ID],
        request=MinutesDraftSerializer,
        responses={200: MinutesSerializer, 201: MinutesSerializer, 400: FIELD_ERRORS, 409: RefusalSerializer},
    )
    @action(detail=False, methods=["post"], url_path="minutes/draft")
    def draft(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        existed = queries.minutes_of(meeting) is not None
        data = self.body(MinutesDraftSerializer)
        minutes = services.draft_minutes(meeting=meeting, actor=request.user, replace=data["replace"])
        return self._answer(minutes, status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    @extend_schema(
        tags=TAGS,
        summary="Mark the minutes approved at a later meeting's agenda item (organisers)",
        description="After this they are never edited again. 400 `invalid_item` for an item of an earlier, "
        "closed, uncalled or cancelled meeting; 409 `minutes_approved` when already approved.",
        parameters=[MEETING_ID],
        request=MinutesApproveSerializer,
        responses={200: MinutesSerializer, 400: FIELD_ERRORS, 409: RefusalSerializer},
    )
    @action(detail=False, methods=["post"], url_path="minutes/approve")
    def approve(self, request, *args, **kwargs):
        minutes = self._minutes()
        data = self.body(MinutesApproveSerializer)
        item = AgendaItem.objects.filter(pk=data["item"], meeting__branch=self.get_branch()).first()
        if item is None:
            raise InvalidInput(
                "Choose an agenda item of one of this branch's meetings.",
                code="invalid_item",
                errors={"item": ["No such item."]},
            )
        return self._answer(services.approve_minutes(minutes=minutes, actor=request.user, item=item))


class DecisionRegisterViewSet(BranchScopedViewSet):
    """Every carried motion of the branch, newest first."""

    serializer_class = CarriedMotionSerializer
    permission = {"list": "view_branch"}
    filter_backends: list = []
    http_method_names = ["get", "head", "options"]

    def get_queryset(self):
        if self.is_schema_generation():
            return Motion.objects.none()
        query = RegisterQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        return queries.decisions(
            self.get_branch(), words=data.get("q", ""), since=data.get("since"), until=data.get("until")
        )

    @extend_schema(
        tags=TAGS,
        summary="The decisions register: every carried motion, as finally carried, with its vote",
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="Words that must all appear in the motion."),
            OpenApiParameter("since", OpenApiTypes.DATE, description="Meetings on or after this date."),
            OpenApiParameter("until", OpenApiTypes.DATE, description="Meetings on or before this date."),
        ],
    )
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(
            CarriedMotionSerializer(page, many=True, context=self.get_serializer_context()).data
        )
