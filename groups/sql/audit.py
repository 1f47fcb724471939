"""The one statement that changes audit events: the erasure's, which
replaces an erased person's values in the events about them
(groups/services/erasure.py). AuditEvent refuses save(), update() and
delete() so that nothing else can; this UPDATE is deliberately out of the
ORM's way, and nothing but that service calls it."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from ..models import AuditEvent


def rewrite_events(rows: Iterable[tuple[int, str, dict]]) -> int:
    """Set (summary, changes) of each (id, summary, changes); returns how many."""
    field = AuditEvent._meta.get_field("changes")
    statement = (
        f'UPDATE "{AuditEvent._meta.db_table}" SET "{AuditEvent._meta.get_field("summary").column}" = %s,'
        f' "{field.column}" = %s WHERE "{AuditEvent._meta.pk.column}" = %s'
    )
    done = 0
    with connection.cursor() as cursor:
        for pk, summary, changes in rows:
            cursor.execute(statement, [summary[:300], field.get_db_prep_save(changes, connection), pk])
            done += cursor.rowcount
    return done
