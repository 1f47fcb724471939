"""Votes through the API (CONTRACT.md §6), under
/branches/{slug}/meetings/{meeting_id}/votes/. The chair (organisers) sets
up, opens, counts a show of hands and closes; a voter casts their own ballot
as the person linked to their account. Every write is a service in
groups.services.votes; domain errors become JSON through groups.api.errors."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from ...models import Choice, Meeting, Vote
from ...permissions import access_branch, access_meeting, can
from ...queries.me import linked_person
from ...queries.votes import live_progress, meeting_votes, plain_vote, vote_in_meeting
from ...services import votes as services
from ...sql import as_id
from ..schema import FIELD_ERRORS
from ..serializers.votes import (
    BallotSerializer,
    CloseSerializer,
    OpenSerializer,
    ResultSerializer,
    TallySerializer,
    VoteCreateSerializer,
    VoteRefusalSerializer,
    VoteSerializer,
    result_of,
)
from ..throttling import counted_in_write, settle
from .base import BranchScopedViewSet
from .door import MEETING_ID

TAGS = ["votes"]


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="The meeting's votes, with progress and results", parameters=[MEETING_ID]),
    retrieve=extend_schema(tags=TAGS, summary="One vote", parameters=[MEETING_ID]),
)
class VoteViewSet(BranchScopedViewSet):
    serializer_class = VoteSerializer
    parser_classes = [JSONParser]
    filter_backends: list = []
    pagination_class = None  # a meeting has a handful of votes
    lookup_value_regex = "[0-9]{1,18}"
    permission = {
        "list": "view_branch",
        "retrieve": "view_branch",
        "create": "chair",
        "open": "chair",
        "tally": "chair",
        "close": "chair",
        "ballots": "vote",
    }

    def get_meeting(self) -> Meeting:
        if not hasattr(self, "_meeting"):
            queryset = Meeting.objects.select_related("branch", "attendance_rule", "voting_rule")
            self._meeting = access_meeting(self.request.user, self.get_branch(), self.kwargs["meeting_id"], queryset)
        return self._meeting

    def get_queryset(self):
        if self.is_schema_generation():
            return Vote.objects.none()
        return meeting_votes(self.get_meeting())

    def get_object(self) -> Vote:
        vote = vote_in_meeting(self.get_meeting(), self.kwargs["pk"])
        if vote is None:
            raise Http404
        return vote

    def list(self, request, *args, **kwargs):
        # The named roll is left out of the list: one query per vote otherwise.
        return Response(VoteSerializer(self.get_queryset(), many=True, context={"roll": False}).data)

    def retrieve(self, request, *args, **kwargs):
        return Response(VoteSerializer(self.get_object()).data)

    def _fresh(self, vote: Vote) -> dict:
        return VoteSerializer(vote_in_meeting(self.get_meeting(), vote.pk)).data

    @extend_schema(
        tags=TAGS,
        summary="Set up a vote, in draft (the chair: organisers)",
        description="Without a threshold, the branch's standing orders give the default for its kind.",
        parameters=[MEETING_ID],
        request=VoteCreateSerializer,
        responses={201: VoteSerializer, 400: FIELD_ERRORS},
    )
    def create(self, request, *args, **kwargs):
        meeting = self.get_meeting()  # 404 before anything is read from the body
        body = VoteCreateSerializer(data=request.data, context={"meeting": meeting})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        vote = services.create_vote(
            meeting=meeting,
            actor=request.user,
            question=data.get("question") or "",
            method=data["method"],
            threshold=data.get("threshold"),
            kind=data.get("kind") or "motion",
            motion=data.get("motion"),
        )
        return Response(self._fresh(vote), status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=TAGS,
        summary="Open the vote (the chair: organisers)",
        description=(
            "Only while the meeting is quorate, unless override_reason is given (it is recorded): otherwise 409 "
            "with code not_quorate and the quorum figures. Snapshots who is entitled: those checked in now whom "
            "the meeting's rules admit; someone checked in later is not in this vote."
        ),
        parameters=[MEETING_ID],
        request=OpenSerializer,
        responses={200: VoteSerializer, 409: VoteRefusalSerializer},
    )
    @action(detail=True, methods=["post"])
    def open(self, request, *args, **kwargs):
        vote = self.get_object()  # 404 before anything is read from the body
        body = OpenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        vote = services.open_vote(
            vote=vote, actor=request.user, override_reason=body.validated_data.get("override_reason")
        )
        return Response(self._fresh(vote))

    @extend_schema(
        tags=TAGS,
        summary="Vote: your own ballot (the person linked to your account)",
        description=(
            "201 when counted. 403 with the Decision (code not_entitled) when you may not vote: not checked in "
            "and entitled when the vote opened, gone since, or not admitted by the meeting's rules. 409 "
            "already_voted for a second ballot, vote_closed when the vote is not open, show_of_hands when the "
            "chair counts hands. A secret ballot is kept apart from the record that you voted."
        ),
        parameters=[MEETING_ID],
        request=BallotSerializer,
        responses={
            201: OpenApiResponse(description='{"detail": "…", "voted": n, "entitled": m}'),
            403: VoteRefusalSerializer,
            409: VoteRefusalSerializer,
        },
    )
    @action(detail=True, methods=["post"])
    @counted_in_write  # the rate-limit count shares the mark's commit (api/throttling.py)
    def ballots(self, request, window) -> Response:
        branch = self.get_branch()
        data = request.data if isinstance(request.data, dict) else {}
        kwargs = self.kwargs
        mark = cast_in_one_statement(request.user, branch, kwargs["meeting_id"], kwargs["pk"], data, window)
        # Counted in the statement's commit when it ran, on its own when it did not; 429 past the limit.
        settle(window, written=True)
        if mark is not None:
            return Response(counted(mark.progress), status=status.HTTP_201_CREATED)
        # Not taken: the long way, for the 404s, the body's errors and the reason.
        vote = plain_vote(self.get_meeting(), self.kwargs["pk"])
        if vote is None:
            raise Http404
        body = BallotSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        person = linked_person(request.user, branch)
        services.cast_ballot(vote=vote, person=person, choice=body.validated_data["choice"], actor=request.user)
        return Response(counted(live_progress(vote.pk)), status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=TAGS,
        summary="Enter a show of hands (the chair: organisers)",
        description="400 when the total is more than those entitled and still present.",
        parameters=[MEETING_ID],
        request=TallySerializer,
        responses={200: VoteSerializer, 400: FIELD_ERRORS, 409: VoteRefusalSerializer},
    )
    @action(detail=True, methods=["post"])
    def tally(self, request, *args, **kwargs):
        vote = self.get_object()  # 404 before anything is read from the body
        body = TallySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        vote = services.enter_tally(
            vote=vote,
            actor=request.user,
            votes_for=data["for"],
            votes_against=data["against"],
            abstain=data["abstain"],
        )
        return Response(self._fresh(vote))

    @extend_schema(
        tags=TAGS,
        summary="Close the vote and declare the result (the chair: organisers)",
        description=(
            "The result is computed from the counts, those entitled and the threshold, never typed. A tie is "
            "lost unless the standing orders give the chair a casting vote and casting_vote is given."
        ),
        parameters=[MEETING_ID],
        request=CloseSerializer,
        responses={200: ResultSerializer, 400: FIELD_ERRORS, 409: VoteRefusalSerializer},
    )
    @action(detail=True, methods=["post"])
    def close(self, request, *args, **kwargs):
        vote = self.get_object()  # 404 before anything is read from the body
        body = CloseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        vote = services.close_vote(vote=vote, actor=request.user, casting_vote=body.validated_data.get("casting_vote"))
        return Response(result_of(vote))


def counted(progress: dict) -> dict:
    """The 201 body, with the vote's progress as the ballot left it."""
    return {"detail": "Your vote has been recorded.", "voted": progress["voted"], "entitled": progress["entitled"]}


def cast_in_one_statement(user, branch, meeting_id: str, pk: str, data: dict, window):
    """Thousands vote at once: for a body BallotSerializer would take as it is
    (checked without building one), services.cast_own_ballot finds the voter
    and the vote and casts the ballot (one statement on PostgreSQL). The mark,
    with its ``progress``, when it was cast; None for the long way (the 404s,
    the body's errors, the reason)."""
    choice = data.get("choice")
    vote_id, meeting = as_id(pk), as_id(meeting_id)
    if not (isinstance(choice, str) and choice in Choice.values) or vote_id is None or meeting is None:
        return None
    return services.cast_own_ballot(
        branch=branch,
        meeting_id=meeting,
        vote_id=vote_id,
        choice=choice,
        actor=user,
        drafts_visible=can(user, branch, "view_meetings"),
        window=window,
    )


def lean_ballot(call, branch_slug: str, meeting_id: str, pk: str):
    """The ballots action's fast path without DRF's request cycle
    (groups/api/lean.py, mounted ahead of the router): the same checks and
    the same one statement. None, or a 404/403 raised, for anything else:
    VoteViewSet.ballots then answers, with its bodies."""
    branch = access_branch(call.user, branch_slug, VoteViewSet.permission["ballots"])
    mark = cast_in_one_statement(call.user, branch, meeting_id, pk, call.data, call.window)
    return None if mark is None else (counted(mark.progress), status.HTTP_201_CREATED)
