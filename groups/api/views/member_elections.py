"""Members' own nominations and the tellers' paper ballots, under one
election (issue 13; docs/API.md "§7 extended: elections"), over the services the pages
use (services/nominations.py, services/paper_ballots.py):

    GET/POST …/elections/{election_id}/my-nomination/           yours: may you, and nominate yourself
    POST     …/elections/{election_id}/my-nomination/withdraw/  withdraw your own
    POST     …/elections/{election_id}/my-nomination/accept/    accept a nomination someone else made
    POST     …/elections/{election_id}/my-nomination/decline/   decline it (it is withdrawn)
    POST     …/elections/{election_id}/member-nominations/      nominate another member (number and surname)
    GET      …/elections/{election_id}/tellers/                 the entries, the mismatches, the count
    POST     …/elections/{election_id}/tellers/entry/           your entry of the papers (replaces your last)
    POST     …/elections/{election_id}/tellers/accept/          the agreed papers become the ballots (organisers)"""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from ...errors import Conflict
from ...models import BallotMode, Election, ElectionStatus
from ...permissions import get_in_branch
from ...queries import elections as queries
from ...queries.me import linked_person
from ...services import nominations as services
from ...services import paper_ballots
from ...services.elections import voter_decision
from ..schema import FIELD_ERRORS
from ..serializers.elections import NominationSerializer
from ..serializers.member_elections import (
    MemberNomineeSerializer,
    MyNominationSerializer,
    PapersSerializer,
    TellersSerializer,
)
from ..serializers.votes import VoteRefusalSerializer
from .base import BranchScopedViewSet
from .elections import ELECTION_ID

TAGS = ["elections"]
REFUSALS = {403: VoteRefusalSerializer, 409: VoteRefusalSerializer}


class _ElectionScoped(BranchScopedViewSet):
    parser_classes = [JSONParser]
    serializer_class = MyNominationSerializer  # the schema's default; each action names its own

    def get_election(self) -> Election:
        if not hasattr(self, "_election"):
            queryset = Election.objects.select_related(
                "branch", "voting_rule", "meeting__attendance_rule", "meeting__voting_rule", "meeting__branch"
            ).prefetch_related("positions")
            self._election = get_in_branch(queryset, self.get_branch(), pk=self.kwargs["election_id"])
        return self._election


class MemberNominationViewSet(_ElectionScoped):
    permission = {
        "my_nomination": "nominate",
        "withdraw": "nominate",
        "accept": "nominate",
        "decline": "nominate",
        "nominate_member": "nominate",
    }

    def _state(self, election: Election) -> dict:
        person = linked_person(self.request.user, self.get_branch())
        if person is None:
            decision = {"eligible": False, "reasons": ["Your account is not linked to a member of this branch."]}
        else:
            decision = voter_decision(election, person).as_dict()
        mine = by_me = None
        if person is not None:
            nominations = queries.nominations(election)
            mine = nominations.filter(person=person).first()
            by_me = [
                {"id": n.pk, "name": str(n.person), "status": n.status}
                # names only: the person is joined; the nominators' prefetch is not needed here
                for n in nominations.filter(nominators=person).exclude(person=person).prefetch_related(None)
            ]
        return {
            "election": election.pk,
            "open": election.status == ElectionStatus.NOMINATIONS,
            "may_nominate": decision,
            "others_may_nominate": services.others_may_nominate(election),
            "nomination": NominationSerializer(mine).data if mine is not None else None,
            "nominated": by_me or [],
        }

    def _nomination(self, election, pk) -> Response:
        data = NominationSerializer(queries.nominations(election).get(pk=pk)).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"], tags=TAGS, parameters=[ELECTION_ID], responses={200: MyNominationSerializer},
        summary="Your nomination in this election, and whether you may nominate (an eligible voter)",
    )  # fmt: skip
    @extend_schema(
        methods=["POST"], tags=TAGS, parameters=[ELECTION_ID], request=None,
        summary="Nominate yourself (the person linked to your account) while nominations are open",
        description="You must be an eligible voter in the election: 403 not_eligible_nominator with the Decision "
        "otherwise; 403 not_linked; 409 nominations_closed, already_nominated. Your eligibility to stand is "
        "decided against the positions' holder rules when nominations close (the nomination's decision).",
        responses={201: NominationSerializer, **REFUSALS},
    )  # fmt: skip
    @action(detail=False, methods=["get", "post"], url_path="my-nomination")
    def my_nomination(self, request, *args, **kwargs):
        election = self.get_election()
        if request.method == "GET":
            return Response(self._state(election))
        nomination = services.nominate_as_member(
            election=election, nominator=linked_person(request.user, self.get_branch()), actor=request.user
        )
        return self._nomination(election, nomination.pk)

    @extend_schema(
        tags=TAGS, parameters=[ELECTION_ID], request=None, responses={200: NominationSerializer, **REFUSALS},
        summary="Withdraw your own nomination (until nominations close)",
        description="409 nominations_closed, already_withdrawn; 404 when you are not nominated.",
    )  # fmt: skip
    @action(detail=False, methods=["post"], url_path="my-nomination/withdraw")
    def withdraw(self, request, *args, **kwargs):
        election = self.get_election()
        person = linked_person(request.user, self.get_branch())
        nomination = queries.nominations(election).filter(person=person).first() if person else None
        if nomination is None:
            raise Http404
        services.withdraw_own_nomination(nomination=nomination, person=person, actor=request.user)
        return Response(NominationSerializer(queries.nominations(election).get(pk=nomination.pk)).data)

    def _answer(self, do) -> Response:
        election = self.get_election()
        person = linked_person(self.request.user, self.get_branch())
        nomination = queries.nominations(election).filter(person=person).first() if person else None
        if nomination is None:
            raise Http404
        do(nomination=nomination, person=person, actor=self.request.user)
        return Response(NominationSerializer(queries.nominations(election).get(pk=nomination.pk)).data)

    @extend_schema(
        tags=TAGS, parameters=[ELECTION_ID], request=None, responses={200: NominationSerializer, **REFUSALS},
        summary="Accept the nomination someone else made of you: it then stands at the close",
        description="Until you accept, a nomination by another member or an organiser awaits your consent "
        "(consent awaiting) and lapses when nominations close. 409 not_awaiting, nominations_closed; 404 when you "
        "are not nominated.",
    )  # fmt: skip
    @action(detail=False, methods=["post"], url_path="my-nomination/accept")
    def accept(self, request, *args, **kwargs):
        return self._answer(services.accept_nomination)

    @extend_schema(
        tags=TAGS, parameters=[ELECTION_ID], request=None, responses={200: NominationSerializer, **REFUSALS},
        summary="Decline the nomination someone else made of you (it is withdrawn; only you may stand again)",
        description="409 not_awaiting, nominations_closed; 404 when you are not nominated.",
    )  # fmt: skip
    @action(detail=False, methods=["post"], url_path="my-nomination/decline")
    def decline(self, request, *args, **kwargs):
        return self._answer(services.decline_nomination)

    @extend_schema(
        tags=TAGS, parameters=[ELECTION_ID], request=MemberNomineeSerializer,
        summary="Nominate another member, named by membership number and surname (where the positions allow)",
        description="403 self_only where the election's positions let members nominate only themselves; 403 "
        "not_eligible_nominator with the Decision when you may not vote in the election; 400 no_such_member; "
        "409 already_nominated (by you), withdrawn (the nominee withdrew: only they may stand again). A member "
        "already nominated by someone else gains you as a nominator.",
        responses={201: NominationSerializer, 400: FIELD_ERRORS, **REFUSALS},
    )  # fmt: skip
    @action(detail=False, methods=["post"], url_path="member-nominations")
    def nominate_member(self, request, *args, **kwargs):
        election = self.get_election()
        body = MemberNomineeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        nominee = services.find_member(election, **body.validated_data)
        nomination = services.nominate_as_member(
            election=election, nominator=linked_person(request.user, self.get_branch()), nominee=nominee,
            actor=request.user,
        )  # fmt: skip
        return self._nomination(election, nomination.pk)


def tellers_state(election: Election, user) -> dict:
    """The tellers' page's state (queries.elections.tellers), as JSON."""
    if election.ballot_mode != BallotMode.PAPER:
        raise Conflict("This election is not by paper ballot.", code="not_paper")
    state = queries.tellers(election, user)
    papers = state["papers"]
    return {
        "election": election.pk,
        "status": election.status,
        "candidates": [{"id": i, "name": name} for i, name in enumerate(state["candidates"], start=1)],
        "entries": [
            {
                "teller": str(e.teller),
                "mine": e.teller_id == user.pk,
                "papers": len(e.papers),
                "entered_at": e.entered_at,
            }
            for e in state["entries"]
        ],
        "mine": state["mine"].papers if state["mine"] is not None else None,
        "agree": state["agree"],
        "mismatches": state["differences"],
        "agreed": {"papers": len(papers), "blank": sum(1 for p in papers if not p)} if papers is not None else None,
        "papers_accepted_at": election.papers_accepted_at,
        "result": election.result if election.status == ElectionStatus.DECLARED else None,
    }


class TellerViewSet(_ElectionScoped):
    permission = {"tellers": "tell_ballots", "entry": "tell_ballots", "accept": "manage_elections"}
    serializer_class = TellersSerializer

    @extend_schema(
        tags=TAGS, parameters=[ELECTION_ID], responses={200: TellersSerializer, 409: VoteRefusalSerializer},
        summary="Paper ballots: each teller's entry, every mismatch until they agree, the count once declared",
        description="Tellers (organisers and stewards). 409 not_paper for an election not by paper ballot.",
    )  # fmt: skip
    @action(detail=False, methods=["get"], url_path="tellers")
    def tellers(self, request, *args, **kwargs):
        return Response(tellers_state(self.get_election(), request.user))

    @extend_schema(
        tags=TAGS, parameters=[ELECTION_ID], request=PapersSerializer,
        responses={200: TellersSerializer, 400: FIELD_ERRORS, 409: VoteRefusalSerializer},
        summary="Your entry of the paper ballots (replacing your last); answers the tellers' state",
        description="400 bad_papers naming every bad paper by its number; 409 not_paper, ballot_closed, "
        "papers_accepted.",
    )  # fmt: skip
    @action(detail=False, methods=["post"], url_path="tellers/entry")
    def entry(self, request, *args, **kwargs):
        election = self.get_election()  # another branch's election is a 404 before the body is read
        body = PapersSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        paper_ballots.enter_papers(election=election, actor=request.user, papers=body.validated_data["papers"])
        return Response(tellers_state(election, request.user))

    @extend_schema(
        tags=TAGS, parameters=[ELECTION_ID], request=None,
        responses={200: TellersSerializer, 409: OpenApiResponse(VoteRefusalSerializer)},
        summary="Accept the agreed papers as the election's ballots (organisers); then close to count",
        description="409 needs_two_tellers, tellers_disagree (every mismatch is in the state), papers_accepted.",
    )  # fmt: skip
    @action(detail=False, methods=["post"], url_path="tellers/accept")
    def accept(self, request, *args, **kwargs):
        election = self.get_election()
        paper_ballots.accept_papers(election=election, actor=request.user)
        election.refresh_from_db(fields=["papers_accepted_at"])
        return Response(tellers_state(election, request.user))
