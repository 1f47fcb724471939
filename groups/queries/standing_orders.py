"""A branch's standing orders as they stand (the simple-majority preset until
an organiser saves some)."""

from __future__ import annotations

from ..models import Branch, Preset, StandingOrders
from ..models.standing_orders import PRESETS


def standing_orders_for(branch: Branch) -> StandingOrders:
    """The branch's saved standing orders, or the "Simple majority" preset, unsaved."""
    found = StandingOrders.objects.filter(branch=branch).first()
    if found is not None:
        return found
    return StandingOrders(branch=branch, preset=Preset.SIMPLE, **PRESETS[Preset.SIMPLE])
