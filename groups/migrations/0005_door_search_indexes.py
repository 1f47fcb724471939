"""Case-insensitive name-prefix indexes for the door search (issue 6, bench/door.py).

Django's istartswith is `LIKE 'ana%'` on SQLite (case-insensitive, so it can
only use an index whose column collates NOCASE) and `UPPER(col) LIKE UPPER('ana%')`
on PostgreSQL (which needs an index on UPPER(col) with text_pattern_ops whatever
the database's collation). Neither can be said in Model.Meta for both
databases, so this migration writes each database's own index. On SQLite the
indexes also give the search its order (groups.queries.door_search), so a
prefix shared by thousands of people still reads only the first few."""

from django.db import migrations

INDEXES = {
    "sqlite": [
        "CREATE INDEX IF NOT EXISTS person_branch_last_ci ON groups_person "
        "(branch_id, last_name COLLATE NOCASE, first_name COLLATE NOCASE)",
        "CREATE INDEX IF NOT EXISTS person_branch_first_ci ON groups_person "
        "(branch_id, first_name COLLATE NOCASE, last_name COLLATE NOCASE)",
    ],
    "postgresql": [
        "CREATE INDEX IF NOT EXISTS person_branch_last_ci ON groups_person "
        "(branch_id, UPPER(last_name) text_pattern_ops, UPPER(first_name) text_pattern_ops)",
        "CREATE INDEX IF NOT EXISTS person_branch_first_ci ON groups_person "
        "(branch_id, UPPER(first_name) text_pattern_ops, UPPER(last_name) text_pattern_ops)",
    ],
}


def create(apps, schema_editor):
    for sql in INDEXES.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    for name in ("person_branch_last_ci", "person_branch_first_ci"):
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("groups", "0004_invitations")]
    operations = [migrations.RunPython(create, drop)]
