"""Case-insensitive prefix indexes for the people list's search (groups.filters.search_people).

Django writes `istartswith` / `iexact` differently per database, so the index
that can answer it differs too: SQLite's LIKE uses an index declared
COLLATE NOCASE; PostgreSQL's UPPER(col) LIKE 'X%' uses an index on UPPER(col)
with text_pattern_ops (which works whatever the database's collation). The
indexes are not in the models' Meta because they cannot be written the same way
for both databases."""

from django.db import migrations

PERSON_COLUMNS = ("first_name", "last_name", "email", "postcode")


def _statements(vendor):
    targets = [("groups_person", c, f"person_search_{c}") for c in PERSON_COLUMNS]
    targets.append(("groups_membership", "number", "membership_search_number"))
    for table, column, name in targets:
        if vendor == "postgresql":
            yield (
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" (UPPER("{column}"::text) text_pattern_ops)',
                f'DROP INDEX IF EXISTS "{name}"',
            )
        elif vendor == "sqlite":
            yield (
                f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ("{column}" COLLATE NOCASE)',
                f'DROP INDEX IF EXISTS "{name}"',
            )


def create(apps, schema_editor):
    for sql, _ in _statements(schema_editor.connection.vendor):
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    for _, sql in _statements(schema_editor.connection.vendor):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("groups", "0005_door_search_indexes")]

    operations = [migrations.RunPython(create, drop)]
