"""/api/v1/branches/{slug}/positions/: the branch's offices (stewards may read,
organisers change), their holders (appoint: the holder rule decides, 403 with
its Decision when it refuses; end a term) and the daily re-check's alerts."""

from django.db.models import F
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from ...models import PositionHolder
from ...permissions import get_in_branch
from ...queries import positions as queries
from ...services import positions as services
from ..serializers.positions import (
    AlertSerializer,
    AppointSerializer,
    EndTermSerializer,
    HolderSerializer,
    PositionSerializer,
)
from .base import BranchScopedViewSet


def _fields(data: dict, position=None) -> dict:
    def pick(key, default):
        return data[key] if key in data else (getattr(position, key) if position is not None else default)

    return {
        "name": pick("name", ""),
        "description": pick("description", ""),
        "holder_rule": pick("holder_rule", None),
        "seats": pick("seats", 1),
        "term_months": pick("term_months", None),
        "others_may_nominate": pick("others_may_nominate", False),
    }


@extend_schema_view(
    list=extend_schema(tags=["positions"], summary="The branch's positions with their current holders"),
    retrieve=extend_schema(tags=["positions"], summary="One position"),
    create=extend_schema(tags=["positions"], summary="Add a position (organisers)"),
    partial_update=extend_schema(tags=["positions"], summary="Change a position (organisers); not its slug"),
)
class PositionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, BranchScopedViewSet):
    serializer_class = PositionSerializer
    http_method_names = ["get", "post", "patch", "options", "head"]
    lookup_value_regex = "[0-9]+"
    permission = {
        "list": "view_positions",
        "retrieve": "view_positions",
        "create": "manage_positions",
        "partial_update": "manage_positions",
        "alerts": "manage_positions",
    }

    def get_queryset(self):
        if self.is_schema_generation():
            return PositionSerializer.Meta.model.objects.none()
        return queries.positions(self.get_branch())

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        position = services.create_position(
            branch=self.get_branch(), slug=data["slug"], actor=request.user, **_fields(data)
        )
        return Response(self.get_serializer(position).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        position = self.get_object()
        serializer = self.get_serializer(position, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = {k: v for k, v in serializer.validated_data.items() if k != "slug"}
        position = services.update_position(position=position, actor=request.user, **_fields(data, position))
        return Response(self.get_serializer(queries.positions(self.get_branch()).get(pk=position.pk)).data)

    @extend_schema(
        tags=["positions"],
        summary="Holders who no longer meet their position's rule, found by the daily re-check (organisers)",
        responses={200: AlertSerializer(many=True)},
    )
    @action(detail=False, methods=["get"])
    def alerts(self, request, *args, **kwargs):
        page = self.paginate_queryset(queries.open_alerts(self.get_branch()))
        return self.get_paginated_response(AlertSerializer(page, many=True).data)


@extend_schema_view(
    list=extend_schema(tags=["positions"], summary="Everyone who held the position, current holders first"),
    create=extend_schema(
        tags=["positions"],
        summary="Appoint someone (organisers)",
        request=AppointSerializer,
        description="403 with code not_eligible and the Decision when the holder rule refuses them on the start "
        "date; 409 (seats_filled, already_holds) when no seat is free or they hold it already.",
    ),
)
class HolderViewSet(mixins.ListModelMixin, BranchScopedViewSet):
    serializer_class = HolderSerializer
    lookup_value_regex = "[0-9]+"
    http_method_names = ["get", "post", "options", "head"]
    permission = {"list": "view_positions", "create": "manage_positions", "end": "manage_positions"}

    def get_position(self):
        if not hasattr(self, "_position"):
            self._position = get_in_branch(
                queries.positions(self.get_branch()), self.get_branch(), pk=self.kwargs["position_id"]
            )
        return self._position

    def get_queryset(self):
        if self.is_schema_generation():
            return PositionHolder.objects.none()
        return (
            PositionHolder.objects.filter(position=self.get_position())
            .select_related("person", "position")
            .order_by(F("ended_on").desc(nulls_first=True), "-started_on", "-id")
        )

    def create(self, request, *args, **kwargs):
        position = self.get_position()
        serializer = AppointSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        holder = services.appoint(
            position=position,
            person=data["person"],
            started_on=data.get("started_on") or self.get_branch().today(),
            actor=request.user,
        )
        return Response(HolderSerializer(holder).data, status=status.HTTP_201_CREATED)

    @extend_schema(tags=["positions"], summary="End a term (organisers)", request=EndTermSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, *args, **kwargs):
        holder = get_in_branch(self.get_queryset(), self.get_branch(), "position__branch", pk=self.kwargs["pk"])
        serializer = EndTermSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        holder = services.end_term(
            holder=holder,
            ended_on=data.get("ended_on") or self.get_branch().today(),
            reason=data.get("reason", ""),
            actor=request.user,
        )
        return Response(HolderSerializer(holder).data)
