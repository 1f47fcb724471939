"""Keeping the query planner's statistics up to date after a bulk write.

PostgreSQL's autovacuum analyses a table only some while after it changes;
right after a 100,000-row import the planner knew nothing of the new rows and
the door's name search ran 3.8 times slower (bench/RESULTS.md). SQLite has no
such statistics by default, so this is PostgreSQL only."""

from __future__ import annotations

from django.db import connection
from django.db.models import Model


def analyze(*models: type[Model]) -> bool:
    """ANALYZE the models' tables on PostgreSQL; False (doing nothing) elsewhere."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return True
