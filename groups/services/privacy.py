"""Writing the branch's privacy notice (issue 15 item 6)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from ..errors import InvalidInput
from ..models import AuditAction, Branch, PrivacyNotice
from ..queries.privacy import LABELS
from . import audit

MAX_SECTION = 5000


@transaction.atomic(durable=True)
def update_notice(*, branch: Branch, actor, data: dict, at: datetime | None = None) -> PrivacyNotice:
    """Save every section (none may be empty), audited with the names of the sections changed."""
    now = at or timezone.now()
    values, errors = {}, {}
    for key in PrivacyNotice.SECTIONS:
        text = "\n".join(line.rstrip() for line in str(data.get(key) or "").strip().splitlines())
        if not text:
            errors[key] = [f"Write “{LABELS[key]}”: the notice must say it."]
        elif len(text) > MAX_SECTION:
            errors[key] = [f"Keep it under {MAX_SECTION:,} characters."]
        values[key] = text
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], code="invalid", errors=errors)
    notice = PrivacyNotice.objects.select_for_update().filter(branch=branch).first()
    changed = [k for k in PrivacyNotice.SECTIONS if notice is None or getattr(notice, k) != values[k]]
    if notice is None:
        notice = PrivacyNotice(branch=branch)
    for key, text in values.items():
        setattr(notice, key, text)
    notice.updated_at, notice.updated_by = now, actor
    notice.save()
    audit.record(
        actor=actor,
        branch=branch,
        action=AuditAction.PRIVACY_NOTICE_UPDATE,
        obj=notice,
        summary=f"Changed the privacy notice ({len(changed)} section{'s' if len(changed) != 1 else ''})",
        changes={"sections": changed},
        at=now,
    )
    return notice
