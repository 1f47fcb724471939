"""Standing orders: choose a preset, then edit it. One transaction, one audit row."""

from __future__ import annotations

from django.db import transaction

from ..counting.thresholds import THRESHOLDS
from ..errors import InvalidInput
from ..models import AuditAction, Branch, Preset, StandingOrders
from ..models.standing_orders import PRESETS
from ..queries.standing_orders import standing_orders_for
from . import audit

FIELDS = tuple(PRESETS[Preset.SIMPLE])


def _clean(values: dict) -> dict:
    clean, errors = {}, {}
    for field, value in values.items():
        if field not in FIELDS:
            raise InvalidInput(f"Standing orders have no setting called {field!r}.", code="unknown_field")
        if field.startswith("threshold_"):
            if value not in THRESHOLDS:
                errors[field] = ["Choose one of the thresholds offered."]
        elif field == "challenge_support":
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1000:
                errors[field] = ["Give a whole number of members, at least 1."]
        elif not isinstance(value, bool):
            errors[field] = ["Answer yes or no."]
        clean[field] = value
    if errors:
        first = next(iter(errors.values()))[0]
        raise InvalidInput(first, code="invalid", errors=errors)
    return clean


@transaction.atomic(durable=True)
def set_standing_orders(*, branch: Branch, actor, preset: str | None = None, **values) -> StandingOrders:
    """Save the branch's standing orders: start from `preset` when given (its
    values), then apply the edited `values` (threshold_<kind>, casting_vote,
    amendment_to_amendment, challenge_support)."""
    current = standing_orders_for(branch)
    new = dict(current.values())
    if preset is not None:
        if preset not in PRESETS:
            raise InvalidInput("Choose one of the presets offered.", code="invalid", errors={"preset": ["Choose one."]})
        new.update(PRESETS[preset])
    new.update(_clean(values))
    changes = audit.diff(current, new) if current.pk else {k: {"old": None, "new": v} for k, v in new.items()}
    if preset is not None and preset != current.preset:
        changes["preset"] = {"old": current.preset if current.pk else None, "new": preset}
    obj, _ = StandingOrders.objects.select_for_update().get_or_create(branch=branch, defaults=new)
    for field, value in new.items():
        setattr(obj, field, value)
    if preset is not None:
        obj.preset = preset
    obj.save()
    audit.record(
        actor=actor,
        branch=branch,
        action=AuditAction.STANDING_ORDERS_UPDATE,
        obj=obj,
        summary="Standing orders changed" + (f" (from the {Preset(obj.preset).label} preset)" if preset else ""),
        changes=changes,
    )
    return obj
