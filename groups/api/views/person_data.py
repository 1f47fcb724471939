"""A person's data through the API (CONTRACT.md §8): subject access for
organisers (GET …/people/{id}/data/), erasure (POST …/people/{id}/erase/),
and the signed-in member's own export (GET /me/data/). Every export is
audited; another branch's person answers 404, as everywhere."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from ...models import Person
from ...permissions import get_in_branch
from ...queries.subject_access import counts, subject_access
from ...services import erasure, exports
from ..schema import FIELD_ERRORS, ErrorSerializer
from ..serializers.base import CharField
from .base import BranchScopedViewSet

EXPORT = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="details, consent, consent_history, memberships, self_declared, invitations, attendance "
    "(with each Decision), positions, nominations, votes (named votes only) and audit_events.",
)


class EraseSerializer(serializers.Serializer):
    reason = CharField(
        max_length=erasure.MAX_REASON, help_text="Why their data is erased (kept in the audit log, without their name)."
    )


class ErasedSerializer(serializers.Serializer):
    erased = serializers.BooleanField()
    counts = serializers.DictField(child=serializers.IntegerField(), help_text="What was erased, by kind.")


class PersonDataViewSet(BranchScopedViewSet):
    """Under /branches/{slug}/people/{id}/ beside the person's own endpoints."""

    serializer_class = EraseSerializer
    parser_classes = [JSONParser]
    lookup_value_regex = "[0-9]+"
    permission = {"data": "view_person_data", "erase": "erase_people"}

    def get_queryset(self):
        return Person.objects.select_related("branch", "user")

    def _person(self) -> Person:
        return get_in_branch(self.get_queryset(), self.get_branch(), pk=self.kwargs["pk"])

    @extend_schema(
        tags=["people"],
        summary="Everything the branch holds about one person (organisers; audited)",
        responses={200: EXPORT},
    )
    @action(detail=True, methods=["get"])
    def data(self, request, *args, **kwargs):
        person = self._person()
        data = subject_access(person)
        exports.record_subject_access(person=person, actor=request.user, counts=counts(data), own=False)
        return Response(data)

    @extend_schema(
        tags=["people"],
        summary="Erase a person's personal data everywhere (organisers)",
        description="Attendance stays as anonymous rows, so past turnout and quorum stay true; audit events stay "
        "with their values replaced by “erased”. 400 without a reason.",
        request=EraseSerializer,
        responses={200: ErasedSerializer, 400: FIELD_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def erase(self, request, *args, **kwargs):
        person = self._person()
        body = EraseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        done = erasure.erase_person(person=person, actor=request.user, reason=body.validated_data["reason"])
        return Response({"erased": True, "counts": done})


class MyDataView(APIView):
    """The signed-in member's own data, in every branch where their account
    is linked to a person (by a verified email address, as for My meetings)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["me"],
        summary="Your own data, in every branch that holds some (audited)",
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description='{"branches": [export, …]}: one export a branch.'),
            401: ErrorSerializer,
        },
    )
    def get(self, request, *args, **kwargs):
        mine = []
        for person in Person.objects.filter(user=request.user).select_related("branch", "user").order_by("branch_id"):
            data = subject_access(person)
            exports.record_subject_access(person=person, actor=request.user, counts=counts(data), own=True)
            mine.append(data)
        return Response({"branches": mine})
