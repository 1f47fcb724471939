"""Make the search indexes of 0005, 0006 and 0007 again where they are gone.

On SQLite, 0021_retention_consent changed groups_person the way Django
changes SQLite tables — a new table, the rows copied, and only the indexes
the models declare re-created — so the raw-SQL search indexes went with the
old table: the door's and the people list's name searches have read every
person of the branch since. PostgreSQL kept them (ALTER TABLE). groups.apps
also runs this after every migrate, so a later
change of either table cannot lose them again unnoticed. New here, for the
people list's search: on PostgreSQL two name indexes that cover it (see
groups/sql/search_indexes.py), and a partial index of each branch's erased
people."""

from django.db import migrations, models


def forward(apps, schema_editor):
    from groups.sql.search_indexes import ensure

    ensure(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("groups", "0026_vote_entitlement_withdrawn")]
    operations = [
        migrations.RunPython(forward, migrations.RunPython.noop),
        # The people list's search leaves erased people out through this (groups/sql/people.py).
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                condition=models.Q(("erased_at__isnull", False)), fields=["branch"], name="person_erased"
            ),
        ),
    ]
