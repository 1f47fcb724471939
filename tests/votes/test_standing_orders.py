"""Standing orders: a preset chosen, then edited; every save audited."""

import pytest

from groups.errors import InvalidInput
from groups.models import AuditAction, AuditEvent, Preset, StandingOrders
from groups.queries.standing_orders import standing_orders_for
from groups.services.standing_orders import set_standing_orders

pytestmark = pytest.mark.django_db


def test_a_branch_without_standing_orders_uses_simple_majority(branch):
    so = standing_orders_for(branch)
    assert so.pk is None and so.preset == Preset.SIMPLE
    assert so.threshold_for("standing_orders") == "simple_majority" and not so.casting_vote


def test_choosing_a_preset_then_editing_it(branch, organiser):
    so = set_standing_orders(branch=branch, actor=organiser, preset=Preset.LABOUR)
    assert so.casting_vote and so.threshold_standing_orders == "two_thirds"
    so = set_standing_orders(branch=branch, actor=organiser, amendment_to_amendment=True, challenge_support=3)
    assert StandingOrders.objects.filter(branch=branch).count() == 1
    so.refresh_from_db()
    assert so.preset == Preset.LABOUR and so.amendment_to_amendment and so.challenge_support == 3
    events = AuditEvent.objects.filter(branch=branch, action=AuditAction.STANDING_ORDERS_UPDATE).order_by("id")
    assert events.count() == 2
    assert events.last().changes["challenge_support"] == {"old": 2, "new": 3}


def test_bad_values_are_refused_and_nothing_is_saved(branch, organiser):
    with pytest.raises(InvalidInput) as exc:
        set_standing_orders(branch=branch, actor=organiser, threshold_motion="most", challenge_support=0)
    assert set(exc.value.details["errors"]) == {"threshold_motion", "challenge_support"}
    assert not StandingOrders.objects.filter(branch=branch).exists()
    assert not AuditEvent.objects.filter(action=AuditAction.STANDING_ORDERS_UPDATE).exists()
