"""/api/v1/branches/{slug}/elections/ (CONTRACT.md §7, docs/API.md):
organisers set up elections, open and close nominations, record nominations
and withdrawals, close the ballot (the count); anyone with a role sees the
elections and, once declared, the result; a voter casts their own ballot as
the person linked to their account; organisers download the ballots in BLT."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from ...errors import Conflict
from ...exports.blt import NO_BALLOTS, blt_download, has_ballots
from ...models import Election, ElectionStatus, Nomination
from ...permissions import access_branch, get_in_branch
from ...queries import elections as queries
from ...services import election_ballots
from ...services import elections as services
from ...services.nomination_schedule import set_nomination_times
from ...services.nominations import record_consent
from ...sql import as_id
from ...sql.election_ballots import ballot_reads
from ..schema import FIELD_ERRORS
from ..serializers.elections import (
    ConsentNoteSerializer,
    ElectionBallotSerializer,
    ElectionDetailSerializer,
    ElectionResultSerializer,
    ElectionSerializer,
    NominateSerializer,
    NominationSerializer,
    NominationTimesSerializer,
)
from ..serializers.votes import VoteRefusalSerializer
from ..throttling import counted_in_write
from .base import BranchScopedViewSet

TAGS = ["elections"]
RECORDED = {"detail": "Your ballot has been recorded."}
MAX_PREFERENCES = 200  # ElectionBallotSerializer's max_length
ELECTION_ID = OpenApiParameter(
    "election_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="An election of this branch."
)


def candidates_of(election: Election) -> list[dict]:
    if election.status in (ElectionStatus.DRAFT, ElectionStatus.NOMINATIONS):
        return []
    standing = queries.standing(election)
    return [{"id": n.pk, "name": name} for n, name in zip(standing, queries.candidate_names(standing), strict=True)]


@extend_schema_view(
    list=extend_schema(tags=TAGS, summary="The branch's elections"),
    retrieve=extend_schema(tags=TAGS, summary="One election, with the candidates once nominations have closed"),
    create=extend_schema(
        tags=TAGS,
        summary="Set up an election (organisers)",
        description="For positions (winners take office) and/or a delegation of `seats`. An online ballot needs "
        "ballot_opens_at, ballot_closes_at and freeze_on; a ballot at a meeting needs the meeting.",
        responses={201: ElectionSerializer, 400: FIELD_ERRORS},
    ),
)
class ElectionViewSet(mixins.ListModelMixin, BranchScopedViewSet):
    serializer_class = ElectionSerializer
    parser_classes = [JSONParser]
    http_method_names = ["get", "post", "options", "head"]
    lookup_value_regex = "[0-9]{1,18}"
    permission = {
        "list": "view_branch",
        "retrieve": "view_branch",
        "create": "manage_elections",
        "open_nominations": "manage_elections",
        "close_nominations": "manage_elections",
        "nomination_times": "manage_elections",
        "close": "manage_elections",
        "ballots": "vote",
        "blt": "manage_elections",
        "result": "view_branch",
    }

    def get_queryset(self):
        if self.is_schema_generation():
            return Election.objects.none()
        return queries.elections(self.get_branch())

    def get_object(self) -> Election:
        return get_in_branch(self.get_queryset(), self.get_branch(), pk=self.kwargs["pk"])

    def retrieve(self, request, *args, **kwargs):
        election = self.get_object()
        context = {**self.get_serializer_context(), "candidates": candidates_of(election)}
        return Response(ElectionDetailSerializer(election, context=context).data)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        election = services.create_election(
            branch=self.get_branch(),
            actor=request.user,
            constraints=[dict(c) for c in data.pop("constraints", [])],
            **data,
        )
        return Response(self.get_serializer(self.get_object_by_pk(election.pk)).data, status=status.HTTP_201_CREATED)

    def get_object_by_pk(self, pk) -> Election:
        return self.get_queryset().get(pk=pk)

    def _answer(self, election):
        return Response(self.get_serializer(self.get_object_by_pk(election.pk)).data)

    @extend_schema(tags=TAGS, summary="Open nominations (organisers)", request=None,
                   responses={200: ElectionSerializer, 409: VoteRefusalSerializer})  # fmt: skip
    @action(detail=True, methods=["post"], url_path="open-nominations")
    def open_nominations(self, request, *args, **kwargs):
        return self._answer(services.open_nominations(election=self.get_object(), actor=request.user))

    @extend_schema(
        tags=TAGS,
        summary="Close nominations (organisers)",
        description="Every nominee is decided against the holder rule on the election date; those refused are "
        "listed with the reasons (see nominations). Nominees ≤ seats: declared elected and appointed; otherwise "
        "the ballot opens. 409 no_candidates when nobody eligible is nominated.",
        request=None,
        responses={200: ElectionSerializer, 409: VoteRefusalSerializer},
    )
    @action(detail=True, methods=["post"], url_path="close-nominations")
    def close_nominations(self, request, *args, **kwargs):
        return self._answer(services.close_nominations(election=self.get_object(), actor=request.user))

    @extend_schema(
        tags=TAGS,
        summary="Set when nominations open and close by themselves (organisers)",
        description="Each time must be still to come; the opening time only before nominations open. Tasks are "
        "queued for the new times (those queued for the old ones do nothing). At the closing time the close runs "
        "as close-nominations does: nominations awaiting the nominee's consent lapse, every nominee is decided "
        "against the holder rule. 400 for a time past or a close before the opening; 409 nominations_closed.",
        request=NominationTimesSerializer,
        responses={200: ElectionSerializer, 400: FIELD_ERRORS, 409: VoteRefusalSerializer},
    )
    @action(detail=True, methods=["post"], url_path="nomination-times")
    def nomination_times(self, request, *args, **kwargs):
        election = self.get_object()  # another branch's election is a 404 before the body is read
        body = NominationTimesSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        election = set_nomination_times(
            election=election,
            actor=request.user,
            nominations_open_at=body.validated_data.get("nominations_open_at", election.nominations_open_at),
            nominations_close_at=body.validated_data.get("nominations_close_at", election.nominations_close_at),
        )
        return self._answer(election)

    @extend_schema(
        tags=TAGS,
        summary="Close the ballot, count it and declare the result (organisers)",
        description="Counted by the election's method with a seed chosen at random and recorded; the result, "
        "seed and SHA-256 of the ballots are stored and the winners take office.",
        request=None,
        responses={200: ElectionResultSerializer, 409: VoteRefusalSerializer},
    )
    @action(detail=True, methods=["post"])
    def close(self, request, *args, **kwargs):
        election = election_ballots.close_ballot(election=self.get_object(), actor=request.user)
        return Response(election.result)

    @extend_schema(
        tags=TAGS,
        summary="Vote: your own ballot (the person linked to your account)",
        description="201 when counted. 403 with the Decision (code not_entitled) when you may not vote: at a "
        "meeting, not checked in or not admitted by its rules; online, not admitted by the voting rule on the "
        "freeze date. 409 already_voted for a second ballot, ballot_closed outside the ballot. 400 for a "
        "ranking that is empty, repeats a candidate, names someone not standing or marks too many.",
        request=ElectionBallotSerializer,
        responses={
            201: OpenApiResponse(description='{"detail": "…"}'),
            400: FIELD_ERRORS,
            403: VoteRefusalSerializer,
            409: VoteRefusalSerializer,
        },
    )
    @action(detail=True, methods=["post"])
    @counted_in_write  # the rate-limit count shares the ballot's commit (api/throttling.py)
    def ballots(self, request, window) -> Response:
        branch = self.get_branch()
        election_id = as_id(self.kwargs["pk"])
        if election_id is None:
            raise Http404
        # The election (with its rule), the voter and the standing ids in one
        # statement: the reads get_in_branch and linked_person made (no nominee count, no positions).
        election, person, standing = ballot_reads(branch=branch, election_id=election_id, user_id=request.user.pk)
        if election is None:
            raise Http404
        body = ElectionBallotSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        election_ballots.cast_own_election_ballot(
            election=election,
            person=person,
            ranking=body.validated_data["ranking"],
            actor=request.user,
            window=window,
            standing=standing,
        )
        return Response(RECORDED, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=TAGS,
        summary="The cast ballots in BLT, for an independent recount (organisers)",
        description="Canonical BLT (CONTRACT.md §7): identical ballots merged and sorted; its SHA-256 is the "
        "result's ballots_sha256 once declared.",
        responses={(200, "text/plain"): OpenApiTypes.STR, 409: VoteRefusalSerializer},
    )
    def blt(self, request, *args, **kwargs):
        election = self.get_object()
        if not has_ballots(election):
            raise Conflict(NO_BALLOTS, code="no_ballots")
        return blt_download(election)

    @extend_schema(
        tags=TAGS,
        summary="The declared result: every stage of the count, the seed and the ballots' SHA-256",
        responses={200: ElectionResultSerializer, 409: VoteRefusalSerializer},
    )
    @action(detail=True, methods=["get"])
    def result(self, request, *args, **kwargs):
        election = self.get_object()
        if election.status != ElectionStatus.DECLARED:
            raise Conflict("This election has not been declared yet.", code="not_declared")
        return Response(election.result)


@extend_schema_view(
    list=extend_schema(
        tags=TAGS, summary="Nominations, with the holder rule's Decision at the close (organisers)",
        parameters=[ELECTION_ID],
    ),
    create=extend_schema(
        tags=TAGS, summary="Record a nomination (organisers)", parameters=[ELECTION_ID],
        request=NominateSerializer,
        description="403 not_eligible_nominator with the Decision when a nominator may not vote in the election; "
        "409 nominations_closed, already_nominated, withdrawn (the nominee declined or withdrew that "
        "nomination: nominate them again only with `consented` and the note). Unless `consented` (with "
        "`consent_note`, how they agreed) or the nominee is among the nominators, the nomination awaits the "
        "nominee's consent (they are told); it lapses at the close without it. 400 consent_note_required.",
        responses={201: NominationSerializer, 400: FIELD_ERRORS, 403: VoteRefusalSerializer,
                   409: VoteRefusalSerializer},
    ),
)  # fmt: skip
class NominationViewSet(mixins.ListModelMixin, BranchScopedViewSet):
    serializer_class = NominationSerializer
    parser_classes = [JSONParser]
    http_method_names = ["get", "post", "options", "head"]
    lookup_value_regex = "[0-9]{1,18}"
    permission = {
        "list": "manage_elections",
        "create": "manage_elections",
        "withdraw": "manage_elections",
        "consent": "manage_elections",
    }

    def get_election(self) -> Election:
        if not hasattr(self, "_election"):
            self._election = get_in_branch(Election.objects.all(), self.get_branch(), pk=self.kwargs["election_id"])
        return self._election

    def get_queryset(self):
        if self.is_schema_generation():
            return Nomination.objects.none()
        return queries.nominations(self.get_election())

    def create(self, request, *args, **kwargs):
        election = self.get_election()
        body = NominateSerializer(data=request.data, context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        nomination = services.nominate(
            election=election,
            person=body.validated_data["person"],
            nominators=body.validated_data["nominators"],
            actor=request.user,
            consented=body.validated_data["consented"],
            consent_note=body.validated_data.get("consent_note", ""),
        )
        return Response(NominationSerializer(self.get_queryset().get(pk=nomination.pk)).data, status=201)

    @extend_schema(tags=TAGS, summary="Withdraw a nomination (organisers)", parameters=[ELECTION_ID], request=None,
                   responses={200: NominationSerializer, 409: VoteRefusalSerializer})  # fmt: skip
    @action(detail=True, methods=["post"])
    def withdraw(self, request, *args, **kwargs):
        nomination = get_in_branch(self.get_queryset(), self.get_branch(), "election__branch", pk=self.kwargs["pk"])
        services.withdraw_nomination(nomination=nomination, actor=request.user)
        return Response(NominationSerializer(self.get_queryset().get(pk=nomination.pk)).data)

    @extend_schema(
        tags=TAGS, summary="Record that the nominee agreed to stand, and how (organisers)", parameters=[ELECTION_ID],
        request=ConsentNoteSerializer, responses={200: NominationSerializer, 400: FIELD_ERRORS,
                                                  409: VoteRefusalSerializer},
        description="For a nomination awaiting the nominee's consent: it then stands at the close. 409 not_awaiting, "
        "nominations_closed.",
    )  # fmt: skip
    @action(detail=True, methods=["post"])
    def consent(self, request, *args, **kwargs):
        nomination = get_in_branch(self.get_queryset(), self.get_branch(), "election__branch", pk=self.kwargs["pk"])
        body = ConsentNoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        record_consent(nomination=nomination, actor=request.user, note=body.validated_data["consent_note"])
        return Response(NominationSerializer(self.get_queryset().get(pk=nomination.pk)).data)


def lean_ballot(call, branch_slug: str, pk: str):
    """The ballots action without DRF's request cycle (groups/api/lean.py,
    mounted ahead of the router), for a body that is plainly a list of ids: on
    PostgreSQL first the ballot's one statement with nothing read before it,
    on SQLite after one small read (services.election_ballots.cast_by_account),
    then, when it cast nothing,
    the action's reads and service, which say why. None, or a refusal raised
    (rolled back), for anything else: ElectionViewSet.ballots then answers,
    with its bodies and codes."""
    ranking = call.data.get("ranking")
    election_id = as_id(pk)
    if election_id is None or not isinstance(ranking, list) or len(ranking) > MAX_PREFERENCES:
        return None
    if not all(type(item) is int for item in ranking):  # "3", 3.0 or true: the serializer's to judge
        return None
    branch = access_branch(call.user, branch_slug, ElectionViewSet.permission["ballots"])
    # The ballot in one statement (PostgreSQL: nothing read first; SQLite: the few values it needs, in one
    # small read); the full reads only when it cast nothing.
    mark = election_ballots.cast_by_account(
        branch=branch, election_id=election_id, user=call.user, ranking=ranking, window=call.window
    )
    if mark is False:
        election, person, standing = ballot_reads(branch=branch, election_id=election_id, user_id=call.user.pk)
        if election is None:
            return None
        mark = election_ballots.cast_own_election_ballot(
            election=election, person=person, ranking=ranking, actor=call.user, window=call.window, standing=standing
        )
    return None if mark is None else (RECORDED, status.HTTP_201_CREATED)
