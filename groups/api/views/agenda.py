"""The agenda through the API, under /branches/{slug}/meetings/{meeting_id}/agenda/:
anyone with a role reads a called meeting's agenda; organisers add, edit,
move and remove items; the chair sets the current item. Writes are
groups.services.agenda; a closed meeting answers 409 (meeting_closed)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from ...models import AgendaItem, Meeting
from ...permissions import access_meeting
from ...queries import motions as queries
from ...services import agenda as services
from ..schema import FIELD_ERRORS
from ..serializers.motions import AgendaItemSerializer, AgendaMoveSerializer, CurrentItemSerializer
from .base import BranchScopedViewSet
from .door import MEETING_ID

TAGS = ["agenda"]


class MeetingScoped(BranchScopedViewSet):
    """A viewset under one meeting of the branch (404 for another branch's)."""

    parser_classes = [JSONParser]
    filter_backends: list = []
    pagination_class = None  # a meeting's business is a few dozen rows at most
    lookup_value_regex = "[0-9]{1,18}"

    def get_meeting(self) -> Meeting:
        if not hasattr(self, "_meeting"):
            queryset = Meeting.objects.select_related("branch", "attendance_rule", "voting_rule")
            self._meeting = access_meeting(self.request.user, self.get_branch(), self.kwargs["meeting_id"], queryset)
        return self._meeting

    def body(self, serializer_class):
        body = serializer_class(data=self.request.data)
        body.is_valid(raise_exception=True)
        return body.validated_data


@extend_schema_view(
    list=extend_schema(
        tags=TAGS, summary="The agenda, in order (current marks the chair's item)", parameters=[MEETING_ID]
    ),
    retrieve=extend_schema(tags=TAGS, summary="One agenda item", parameters=[MEETING_ID]),
)
class AgendaItemViewSet(MeetingScoped):
    serializer_class = AgendaItemSerializer
    permission = {
        "list": "view_branch",
        "retrieve": "view_branch",
        "create": "manage_meetings",
        "partial_update": "manage_meetings",
        "destroy": "manage_meetings",
        "move": "manage_meetings",
        "current": "chair",
    }
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if self.is_schema_generation():
            return AgendaItem.objects.none()
        return AgendaItem.objects.filter(meeting=self.get_meeting())

    def get_object(self) -> AgendaItem:
        item = queries.item_in_meeting(self.get_meeting(), self.kwargs["pk"])
        if item is None:
            raise Http404
        item.is_current = item.pk == self.get_meeting().current_item_id
        return item

    def list(self, request, *args, **kwargs):
        return Response(AgendaItemSerializer(queries.agenda_items(self.get_meeting()), many=True).data)

    def retrieve(self, request, *args, **kwargs):
        return Response(AgendaItemSerializer(self.get_object()).data)

    @extend_schema(
        tags=TAGS,
        summary="Add an item at the end of the agenda (organisers)",
        parameters=[MEETING_ID],
        request=AgendaItemSerializer,
        responses={201: AgendaItemSerializer, 400: FIELD_ERRORS, 409: FIELD_ERRORS},
    )
    def create(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        data = self.body(AgendaItemSerializer)
        item = services.add_agenda_item(
            meeting=meeting,
            actor=request.user,
            title=data["title"],
            kind=data["kind"],
            minutes_allowed=data.get("minutes_allowed"),
        )
        return Response(AgendaItemSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=TAGS,
        summary="Change an item's title, kind or minutes allowed (organisers)",
        parameters=[MEETING_ID],
        request=AgendaItemSerializer(partial=True),
        responses={200: AgendaItemSerializer, 400: FIELD_ERRORS, 409: FIELD_ERRORS},
    )
    def partial_update(self, request, *args, **kwargs):
        item = self.get_object()
        body = AgendaItemSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        data = {"title": item.title, "kind": item.kind, "minutes_allowed": item.minutes_allowed, **body.validated_data}
        item = services.update_agenda_item(item=item, actor=request.user, **data)
        return Response(AgendaItemSerializer(self.get_object()).data)

    @extend_schema(
        tags=TAGS,
        summary="Take an item off the agenda (organisers); the rest are numbered again",
        parameters=[MEETING_ID],
        responses={204: None, 409: FIELD_ERRORS},
    )
    def destroy(self, request, *args, **kwargs):
        services.remove_agenda_item(item=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        tags=TAGS,
        summary="Move an item one place up or down (organisers)",
        parameters=[MEETING_ID],
        request=AgendaMoveSerializer,
        responses={200: AgendaItemSerializer(many=True), 400: FIELD_ERRORS, 409: FIELD_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def move(self, request, *args, **kwargs):
        item = self.get_object()
        data = self.body(AgendaMoveSerializer)
        services.move_agenda_item(item=item, actor=request.user, direction=data["direction"])
        return Response(AgendaItemSerializer(queries.agenda_items(self.get_meeting()), many=True).data)

    @extend_schema(
        tags=TAGS,
        summary="The chair moves to an item (null: none)",
        parameters=[MEETING_ID],
        request=CurrentItemSerializer,
        responses={200: AgendaItemSerializer(many=True), 400: FIELD_ERRORS, 409: FIELD_ERRORS},
    )
    @action(detail=False, methods=["post"])
    def current(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        data = self.body(CurrentItemSerializer)
        item = None
        if data["item"] is not None:
            item = queries.item_in_meeting(meeting, data["item"])
            if item is None:
                return Response({"item": ["No such item on this agenda."]}, status=status.HTTP_400_BAD_REQUEST)
        meeting = services.set_current_item(meeting=meeting, actor=request.user, item=item)
        return Response(AgendaItemSerializer(queries.agenda_items(meeting), many=True).data)
