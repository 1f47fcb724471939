"""Reads about positions: the list page and API list (a fixed number of
queries whatever the number of positions and holders), one position's
history, the open alerts, and a person's positions."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from ..models import Branch, Person, Position, PositionAlert, PositionHolder


def current_holders() -> Prefetch:
    return Prefetch(
        "holders",
        queryset=PositionHolder.objects.filter(ended_on__isnull=True).select_related("person").order_by("started_on"),
        to_attr="current_holders",
    )


def positions(branch: Branch) -> QuerySet[Position]:
    """The branch's positions with their rule and current holders (three queries)."""
    return (
        Position.objects.filter(branch=branch)
        .select_related("holder_rule")
        .prefetch_related(current_holders())
        .order_by("order", "name", "id")
    )


def holders(position: Position) -> QuerySet[PositionHolder]:
    """Everyone who held it, the current first, then by start date, newest first."""
    from django.db.models import F

    return (
        PositionHolder.objects.filter(position=position)
        .select_related("person")
        .order_by(F("ended_on").desc(nulls_first=True), "-started_on", "-id")
    )


def open_alerts(branch: Branch) -> list[PositionAlert]:
    """Holders who no longer meet their position's rule, oldest first (one query)."""
    return list(
        PositionAlert.objects.filter(branch=branch, resolved_at__isnull=True)
        .select_related("holder__person", "holder__position")
        .order_by("raised_at", "id")
    )


def positions_of(person: Person) -> list[PositionHolder]:
    """A person's terms, current first (one query)."""
    terms = list(PositionHolder.objects.filter(person=person).select_related("position").order_by("-started_on", "-id"))
    return sorted(terms, key=lambda t: t.ended_on is not None)
