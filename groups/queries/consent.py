"""A person's consent history (issue 15 item 4), newest first: what their page shows."""

from __future__ import annotations

from ..models import ConsentRecord, Person


def consent_history(person: Person, *, limit: int = 20) -> list[ConsentRecord]:
    """One query, with who recorded each answer."""
    records = ConsentRecord.objects.filter(person=person).select_related("recorded_by")
    return list(records.order_by("-at", "-id")[:limit])
