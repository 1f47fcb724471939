"""The door's close matches on PostgreSQL: the pg_trgm extension and a
trigram index of each name the door searches (groups/sql/search_indexes.py
TRIGRAM; groups/sql/door.py `close_matches`). Nothing on SQLite, where the
door matches names with RapidFuzz instead (CreateExtension does nothing
there; `ensure` makes only what the database lacks)."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


def forward(apps, schema_editor):
    from groups.sql.search_indexes import ensure

    ensure(schema_editor.connection)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in ("person_last_trgm", "person_first_trgm", "person_name_trgm"):
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("groups", "0028_position_others_may_nominate")]
    operations = [
        TrigramExtension(),
        migrations.RunPython(forward, backward),
    ]
