"""The speakers' list through the API, under
/branches/{slug}/meetings/{meeting_id}/speakers/: anyone with a role reads
the list and asks to speak or withdraws as the person linked to their
account (checked in, not left); the chair (organisers) calls the next
speaker, marks them done and moves a request with a reason. Every write is
a service in groups.services.speakers."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from ...models import AgendaItem, Meeting, SpeakerRequest
from ...permissions import access_meeting, can
from ...queries import speakers as queries
from ...queries.me import linked_person
from ...services import speakers as services
from ..schema import FIELD_ERRORS
from ..serializers.speakers import AskSerializer, MoveSerializer, SpeakerSerializer, SpeakersListSerializer
from .base import BranchScopedViewSet
from .door import MEETING_ID

TAGS = ["speakers"]


def _row(request: SpeakerRequest, position: int | None, *, reason: str | None = None, in_group=None) -> dict:
    row = {
        "id": request.pk,
        "name": queries.speaker_name(request.person),
        "kind": request.kind,
        "status": request.status,
        "position": position,
        "asked_at": request.asked_at,
        "called_at": request.called_at,
        "seconds_spoken": request.seconds_spoken,
    }
    if reason is not None:
        row["reason"], row["in_group"] = reason, bool(in_group)
    return row


class SpeakerViewSet(BranchScopedViewSet):
    serializer_class = SpeakerSerializer
    parser_classes = [JSONParser]
    filter_backends: list = []
    pagination_class = None  # the list is short and ordered as a whole
    lookup_value_regex = "[0-9]{1,18}"
    permission = {
        "list": "speak",
        "create": "speak",
        "withdraw": "speak",
        "call": "chair",
        "done": "chair",
        "move": "chair",
    }

    def get_meeting(self) -> Meeting:
        if not hasattr(self, "_meeting"):
            queryset = Meeting.objects.select_related("branch")
            self._meeting = access_meeting(self.request.user, self.get_branch(), self.kwargs["meeting_id"], queryset)
        return self._meeting

    def get_queryset(self):
        if self.is_schema_generation():
            return SpeakerRequest.objects.none()
        return SpeakerRequest.objects.filter(meeting=self.get_meeting())

    def get_object(self) -> SpeakerRequest:
        found = queries.request_in_meeting(self.get_meeting(), self.kwargs["pk"])
        if found is None:
            raise Http404
        return found

    def _listing(self) -> dict:
        meeting = self.get_meeting()
        listing = queries.speakers_list(meeting)
        chair = can(self.request.user, self.get_branch(), "chair")
        speaking = listing.speaking
        return {
            "speaking": _row(speaking, None) if speaking else None,
            "queue": [
                _row(p.request, p.position, reason=p.reason if chair else None, in_group=p.in_group)
                for p in listing.queue
            ],
            "spoken_on_item": listing.spoken_on_item,
            "speech_seconds": listing.settings.speech_seconds,
            "balance": listing.balanced,
            "alternate": listing.settings.alternate,
        }

    @extend_schema(
        tags=TAGS,
        summary="The speakers' list: who is speaking and the queue in order",
        description=(
            "The chair (organisers) also gets each position's reason and whether a request is in the balance "
            "group; everyone else gets names, kinds and positions only."
        ),
        parameters=[MEETING_ID],
        responses={200: SpeakersListSerializer},
    )
    def list(self, request, *args, **kwargs):
        return Response(self._listing())

    @extend_schema(
        tags=TAGS,
        summary="Ask to speak (the person linked to your account)",
        description=(
            "Only while checked in (not left, not undone): otherwise 403 with code not_checked_in. The voting rule "
            "does not matter: supporters may speak. One waiting request each (409 already_waiting), plus one point "
            "of order. A right of reply (kind reply) is the mover's only (403 not_the_mover). 409 meeting_closed "
            "when the meeting is closed."
        ),
        parameters=[MEETING_ID],
        request=AskSerializer,
        responses={201: SpeakerSerializer, 400: FIELD_ERRORS, 403: FIELD_ERRORS, 409: FIELD_ERRORS},
    )
    def create(self, request, *args, **kwargs):
        meeting = self.get_meeting()  # 404 before anything is read from the body
        body = AskSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        item = None
        if body.validated_data.get("agenda_item"):
            item = AgendaItem.objects.filter(meeting=meeting, pk=body.validated_data["agenda_item"]).first()
            if item is None:
                raise ValidationError({"agenda_item": ["This meeting has no such agenda item."]})
        asked = services.ask_to_speak(
            meeting=meeting,
            person=linked_person(request.user, self.get_branch()),
            kind=body.validated_data.get("kind") or "contribution",
            actor=request.user,
            agenda_item=item,
        )
        position = queries.speakers_list(meeting).position_of(asked.pk)
        return Response(_row(asked, position), status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=TAGS,
        summary="Withdraw a request: your own (or any, for the chair)",
        parameters=[MEETING_ID],
        request=None,
        responses={200: SpeakerSerializer, 403: FIELD_ERRORS, 409: FIELD_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, *args, **kwargs):
        found = self.get_object()
        withdrawn = services.withdraw_request(
            request=found,
            actor=request.user,
            person=linked_person(request.user, self.get_branch()),
            as_chair=can(request.user, self.get_branch(), "chair"),
        )
        return Response(_row(withdrawn, None))

    @extend_schema(
        tags=TAGS,
        summary="Call the next speaker (the chair: organisers)",
        description="Whoever is speaking is marked done first. 409 nobody_waiting when the queue is empty.",
        parameters=[MEETING_ID],
        request=None,
        responses={200: SpeakerSerializer, 409: FIELD_ERRORS},
    )
    @action(detail=False, methods=["post"])
    def call(self, request, *args, **kwargs):
        called = services.call_next(meeting=self.get_meeting(), actor=request.user)
        return Response(_row(called, None))

    @extend_schema(
        tags=TAGS,
        summary="Mark the speaker done: records that they spoke, and for how long (the chair)",
        parameters=[MEETING_ID],
        request=None,
        responses={200: SpeakerSerializer, 409: FIELD_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def done(self, request, *args, **kwargs):
        finished = services.finish_speaking(request=self.get_object(), actor=request.user)
        return Response(_row(finished, None))

    @extend_schema(
        tags=TAGS,
        summary="Move a waiting request to a position, with a reason (the chair; logged)",
        parameters=[MEETING_ID],
        request=MoveSerializer,
        responses={200: SpeakerSerializer, 400: FIELD_ERRORS, 409: FIELD_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def move(self, request, *args, **kwargs):
        found = self.get_object()  # 404 before anything is read from the body
        body = MoveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        moved = services.move_request(
            request=found,
            position=body.validated_data["position"],
            reason=body.validated_data["reason"],
            actor=request.user,
        )
        return Response(_row(moved, queries.speakers_list(self.get_meeting()).position_of(moved.pk)))
