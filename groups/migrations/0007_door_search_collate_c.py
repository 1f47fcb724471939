"""PostgreSQL: door-search name indexes that also give the search its order.

0005's indexes (UPPER(name) text_pattern_ops) answer `UPPER(name) LIKE 'AKHT%'`
but cannot give ORDER BY in any collation, so a prefix shared by thousands of
people (2,231 "Akht…" in bench/door.py) was read whole and sorted: 4 ms. These
index UPPER(name) COLLATE "C", which answers the same prefix (the query says
COLLATE "C" too, see groups.queries.door_search) and gives the order, so the
first ten are read and no more: 0.2 ms. 0005's indexes stay (the people
list's search may use them; see 0006). SQLite's NOCASE indexes did both
already and are left alone."""

from django.db import migrations

NEW = [
    "CREATE INDEX IF NOT EXISTS person_branch_last_c ON groups_person "
    '(branch_id, (UPPER(last_name) COLLATE "C"), (UPPER(first_name) COLLATE "C"))',
    "CREATE INDEX IF NOT EXISTS person_branch_first_c ON groups_person "
    '(branch_id, (UPPER(first_name) COLLATE "C"), (UPPER(last_name) COLLATE "C"))',
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in NEW:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS person_branch_last_c")
        schema_editor.execute("DROP INDEX IF EXISTS person_branch_first_c")


class Migration(migrations.Migration):
    dependencies = [("groups", "0006_people_search_indexes")]
    operations = [migrations.RunPython(forward, backward)]
