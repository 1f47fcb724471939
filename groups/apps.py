from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "groups"
    verbose_name = "Rollcall"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import checks, signals  # noqa: F401  (connects the receivers, registers the checks)

        post_migrate.connect(_search_indexes, sender=self, dispatch_uid="rollcall_search_indexes")


def _search_indexes(sender, using, **kwargs):
    """The raw-SQL search indexes, made again if a table change on SQLite
    dropped them (groups/sql/search_indexes.py says why)."""
    from django.db import connections

    from .sql.search_indexes import ensure

    ensure(connections[using])
