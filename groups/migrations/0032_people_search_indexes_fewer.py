"""PostgreSQL: six search indexes of groups_person fewer, two covering ones
more (groups/sql/search_indexes.py says which and why). The people list's
search reads email and postcode matches' ids from their index alone, and
every scan of groups_person is planned against 20 indexes instead of 24.
Nothing on SQLite, whose NOCASE indexes are the door's and the list's alike."""

from django.db import migrations


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from groups.sql.search_indexes import DROPPED_POSTGRESQL, ensure

    ensure(schema_editor.connection)  # the covering email and postcode indexes first
    for name in DROPPED_POSTGRESQL:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in ("person_branch_email_cover", "person_branch_postcode_cover"):
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS person_branch_last_ci ON groups_person "
        "(branch_id, UPPER(last_name) text_pattern_ops, UPPER(first_name) text_pattern_ops)"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS person_branch_first_ci ON groups_person "
        "(branch_id, UPPER(first_name) text_pattern_ops, UPPER(last_name) text_pattern_ops)"
    )
    for c in ("first_name", "last_name", "email", "postcode"):
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "person_search_{c}" ON "groups_person" (UPPER("{c}"::text) text_pattern_ops)'
        )


class Migration(migrations.Migration):
    dependencies = [("groups", "0031_nominee_consent")]
    operations = [migrations.RunPython(forward, backward)]
