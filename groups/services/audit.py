from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone

from ..models import AuditAction, AuditEvent, Branch
from ..sql import insert


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Decimal):
        return str(value)  # JSON has no decimals; text keeps the exact value (a quorum of 33.5%)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):  # {"old": a time, "new": a time}
        return {k: _plain(v) for k, v in value.items()}
    return value


def record(**row) -> AuditEvent:
    """Append an audit event (the arguments are ``new_event``'s). Call inside the service's transaction."""
    event = new_event(**row)
    # One plain INSERT (groups/sql/): every check-in at the door writes one of these.
    insert(event)
    return event


def new_event(
    *,
    actor,
    branch: Branch | None,
    action: AuditAction,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: Any = "",
    person_id: int | None = None,
    summary: str = "",
    changes: dict | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """The audit event ``record`` appends, not yet written: for a service
    whose one statement writes it with the change (the API's ballot on
    PostgreSQL, groups/sql/votes.py)."""
    if obj is not None:
        object_type = object_type or obj._meta.model_name
        object_id = object_id or obj.pk
    return AuditEvent(
        at=at or timezone.now(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        branch=branch,
        action=action,
        object_type=object_type,
        object_id=str(object_id or ""),
        person_id=person_id,
        summary=summary[:300],
        changes={k: _plain(v) for k, v in (changes or {}).items()},
    )


def diff(instance: models.Model, new_values: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """{"field": {"old": …, "new": …}} for the fields that change."""
    out = {}
    for field, new in new_values.items():
        old = getattr(instance, field)
        if old != new:
            out[field] = {"old": _plain(old), "new": _plain(new)}
    return out
