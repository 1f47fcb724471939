"""Motions and points of order through the API, under
/branches/{slug}/meetings/{meeting_id}/motions/ and …/points-of-order/.
Anyone with a role reads them; the chair (organisers) does the rest. Putting
a motion to the vote is POST …/votes/ with "motion". Writes are
groups.services.motions and groups.services.points_of_order; a closed
meeting answers 409 (meeting_closed)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from ...errors import InvalidInput
from ...models import Motion, Person, PointOfOrder
from ...queries import motions as queries
from ...services import motions as services
from ...services import points_of_order as point_services
from ..schema import FIELD_ERRORS
from ..serializers.motions import (
    ChallengeSerializer,
    MotionCreateSerializer,
    MotionSerializer,
    PersonBodySerializer,
    PointCreateSerializer,
    PointOfOrderSerializer,
    ReasonSerializer,
    RulingSerializer,
    WithdrawSerializer,
)
from ..serializers.votes import VoteRefusalSerializer
from .agenda import MeetingScoped
from .door import MEETING_ID

TAGS = ["motions"]
REFUSED = {200: MotionSerializer, 400: FIELD_ERRORS, 403: VoteRefusalSerializer, 409: VoteRefusalSerializer}


def _person(branch, pk, field: str) -> Person:
    person = Person.objects.filter(branch=branch, pk=pk).first()
    if person is None:
        raise InvalidInput("No such person in this branch.", code="invalid", errors={field: ["No such person."]})
    return person


@extend_schema_view(
    list=extend_schema(
        tags=TAGS,
        summary="The order paper: motions, amendments (with word diffs), procedural motions",
        parameters=[MEETING_ID],
    ),
    retrieve=extend_schema(tags=TAGS, summary="One motion, with its history", parameters=[MEETING_ID]),
)
class MotionViewSet(MeetingScoped):
    serializer_class = MotionSerializer
    permission = {
        "list": "view_branch",
        "retrieve": "view_branch",
        "create": "chair",
        "move": "chair",
        "second": "chair",
        "fall": "chair",
        "withdraw": "chair",
        "rule_out": "chair",
        "remit": "chair",
        "refer_back": "chair",
        "not_reached": "chair",
    }

    def get_queryset(self):
        if self.is_schema_generation():
            return Motion.objects.none()
        return queries.motions(self.get_meeting())

    def get_object(self) -> Motion:
        motion = queries.motion_in_meeting(self.get_meeting(), self.kwargs["pk"])
        if motion is None:
            raise Http404
        return motion

    def _fresh(self, pk: int) -> dict:
        return MotionSerializer(queries.decorate(queries.motions(self.get_meeting()).get(pk=pk))).data

    def list(self, request, *args, **kwargs):
        rows = [queries.decorate(m) for m in queries.motions(self.get_meeting())]
        return Response(MotionSerializer(rows, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        return Response(self._fresh(self.get_object().pk))

    @extend_schema(
        tags=TAGS,
        summary="Submit a motion, an amendment or a procedural motion (the chair, on a member's behalf)",
        description=(
            "A motion: text (and kind, agenda_item). An amendment: amends, action (insert / delete / replace), "
            "words (as they appear in the motion; for an insert the words it goes after, empty for the end) and "
            "with_words; 403 no_amendment_to_amendment unless the standing orders allow one. A procedural motion: "
            "procedure, and concerns (the motion debated) for closure and next business."
        ),
        parameters=[MEETING_ID],
        request=MotionCreateSerializer,
        responses={201: MotionSerializer, 400: FIELD_ERRORS, 403: VoteRefusalSerializer, 409: FIELD_ERRORS},
    )
    def create(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        data = self.body(MotionCreateSerializer)

        def mine(pk, field):
            found = queries.motion_in_meeting(meeting, pk)
            if found is None:
                raise InvalidInput("This meeting has no such motion.", code="invalid", errors={field: ["No such."]})
            return found

        if data.get("amends"):
            motion = services.submit_amendment(
                motion=mine(data["amends"], "amends"),
                actor=request.user,
                action=data.get("action") or "",
                words=data.get("words") or "",
                with_words=data.get("with_words") or "",
            )
        elif data.get("procedure"):
            about = mine(data["concerns"], "concerns") if data.get("concerns") else None
            motion = services.submit_procedural(
                meeting=meeting, actor=request.user, procedure=data["procedure"], concerns=about
            )
        else:
            item = None
            if data.get("agenda_item"):
                item = queries.item_in_meeting(meeting, data["agenda_item"])
                if item is None:
                    raise InvalidInput("No such agenda item.", code="invalid", errors={"agenda_item": ["No such."]})
            motion = services.submit_motion(
                meeting=meeting, actor=request.user, text=data.get("text") or "", kind=data["kind"], agenda_item=item
            )
        return Response(self._fresh(motion.pk), status=status.HTTP_201_CREATED)

    def _with_person(self, act, field: str):
        motion = self.get_object()
        data = self.body(PersonBodySerializer)
        act(motion, _person(self.get_branch(), data["person"], "person"))
        return Response(self._fresh(motion.pk))

    @extend_schema(
        tags=TAGS,
        summary="Moved by a person (admitted by the voting rule now: 403 not_entitled with the Decision otherwise)",
        parameters=[MEETING_ID],
        request=PersonBodySerializer,
        responses=REFUSED,
    )
    @action(detail=True, methods=["post"])
    def move(self, request, *args, **kwargs):
        return self._with_person(lambda m, p: services.move_motion(motion=m, actor=request.user, mover=p), "person")

    @extend_schema(
        tags=TAGS,
        summary="Seconded by a person (admitted by the voting rule now; not the mover)",
        parameters=[MEETING_ID],
        request=PersonBodySerializer,
        responses=REFUSED,
    )
    @action(detail=True, methods=["post"])
    def second(self, request, *args, **kwargs):
        return self._with_person(
            lambda m, p: services.second_motion(motion=m, actor=request.user, seconder=p), "person"
        )

    def _plain(self, act):
        motion = self.get_object()
        act(motion=motion, actor=self.request.user)
        return Response(self._fresh(motion.pk))

    @extend_schema(tags=TAGS, summary="Falls for want of a seconder", parameters=[MEETING_ID], request=None,
                   responses=REFUSED)  # fmt: skip
    @action(detail=True, methods=["post"])
    def fall(self, request, *args, **kwargs):
        return self._plain(services.fall_motion)

    @extend_schema(
        tags=TAGS,
        summary="Withdrawn (before it is put; once seconded, with_consent where the standing orders need it)",
        description="403 consent_needed when the standing orders need the meeting's consent and it is not given.",
        parameters=[MEETING_ID],
        request=WithdrawSerializer,
        responses=REFUSED,
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, *args, **kwargs):
        motion = self.get_object()
        data = self.body(WithdrawSerializer)
        services.withdraw_motion(motion=motion, actor=request.user, with_consent=data["with_consent"])
        return Response(self._fresh(motion.pk))

    @extend_schema(tags=TAGS, summary="Remitted", parameters=[MEETING_ID], request=None, responses=REFUSED)
    @action(detail=True, methods=["post"])
    def remit(self, request, *args, **kwargs):
        return self._plain(services.remit_motion)

    @extend_schema(tags=TAGS, summary="Referred back", parameters=[MEETING_ID], request=None, responses=REFUSED)
    @action(detail=True, methods=["post"], url_path="refer-back")
    def refer_back(self, request, *args, **kwargs):
        return self._plain(services.refer_back_motion)

    @extend_schema(tags=TAGS, summary="Not reached", parameters=[MEETING_ID], request=None, responses=REFUSED)
    @action(detail=True, methods=["post"], url_path="not-reached")
    def not_reached(self, request, *args, **kwargs):
        return self._plain(services.not_reached_motion)

    @extend_schema(
        tags=TAGS,
        summary="Ruled out of order, with the chair's reason",
        parameters=[MEETING_ID],
        request=ReasonSerializer,
        responses=REFUSED,
    )
    @action(detail=True, methods=["post"], url_path="rule-out")
    def rule_out(self, request, *args, **kwargs):
        motion = self.get_object()
        data = self.body(ReasonSerializer)
        services.rule_out_of_order(motion=motion, actor=request.user, reason=data["reason"])
        return Response(self._fresh(motion.pk))


POINT_REFUSED = {200: PointOfOrderSerializer, 400: FIELD_ERRORS, 403: VoteRefusalSerializer, 409: FIELD_ERRORS}


@extend_schema_view(
    list=extend_schema(tags=["points of order"], summary="The meeting's points of order", parameters=[MEETING_ID]),
    retrieve=extend_schema(tags=["points of order"], summary="One point of order", parameters=[MEETING_ID]),
)
class PointOfOrderViewSet(MeetingScoped):
    serializer_class = PointOfOrderSerializer
    permission = {
        "list": "view_branch",
        "retrieve": "view_branch",
        "create": "chair",
        "rule": "chair",
        "challenge": "chair",
    }

    def get_queryset(self):
        if self.is_schema_generation():
            return PointOfOrder.objects.none()
        return queries.points_of_order(self.get_meeting())

    def get_object(self) -> PointOfOrder:
        point = queries.point_in_meeting(self.get_meeting(), self.kwargs["pk"])
        if point is None:
            raise Http404
        return point

    def _fresh(self, pk: int) -> dict:
        return PointOfOrderSerializer(queries.points_of_order(self.get_meeting()).get(pk=pk)).data

    def list(self, request, *args, **kwargs):
        return Response(PointOfOrderSerializer(self.get_queryset(), many=True).data)

    def retrieve(self, request, *args, **kwargs):
        return Response(self._fresh(self.get_object().pk))

    @extend_schema(
        tags=["points of order"],
        summary="Record a point of order raised by someone checked in",
        parameters=[MEETING_ID],
        request=PointCreateSerializer,
        responses={201: PointOfOrderSerializer, 400: FIELD_ERRORS, 403: VoteRefusalSerializer, 409: FIELD_ERRORS},
    )
    def create(self, request, *args, **kwargs):
        meeting = self.get_meeting()
        data = self.body(PointCreateSerializer)
        point = point_services.raise_point(
            meeting=meeting,
            actor=request.user,
            raised_by=_person(self.get_branch(), data["raised_by"], "raised_by"),
            point=data["point"],
            standing_order=data.get("standing_order") or "",
            motion=queries.before_the_meeting(meeting),
        )
        return Response(self._fresh(point.pk), status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=["points of order"],
        summary="The chair's ruling and reason",
        parameters=[MEETING_ID],
        request=RulingSerializer,
        responses=POINT_REFUSED,
    )
    @action(detail=True, methods=["post"])
    def rule(self, request, *args, **kwargs):
        point = self.get_object()
        data = self.body(RulingSerializer)
        point_services.rule_on_point(point=point, actor=request.user, ruling=data["ruling"], reason=data["reason"])
        return Response(self._fresh(point.pk))

    @extend_schema(
        tags=["points of order"],
        summary="Challenge the ruling",
        description=(
            "supporters: at least the standing orders' challenge_support members, each admitted by the voting "
            "rule now (403 not_entitled otherwise). Makes the procedural motion \"that the chair's ruling be "
            'challenged" (moved and seconded by the first two); put it with POST …/votes/ and its motion id: '
            "carried overturns the ruling."
        ),
        parameters=[MEETING_ID],
        request=ChallengeSerializer,
        responses=POINT_REFUSED,
    )
    @action(detail=True, methods=["post"])
    def challenge(self, request, *args, **kwargs):
        point = self.get_object()
        data = self.body(ChallengeSerializer)
        branch = self.get_branch()
        people = [_person(branch, pk, "supporters") for pk in dict.fromkeys(data["supporters"])]
        point_services.challenge_ruling(point=point, actor=request.user, supporters=people)
        return Response(self._fresh(point.pk))
