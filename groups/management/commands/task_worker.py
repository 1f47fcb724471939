"""`manage.py task_worker`: the database queue's worker (django-tasks-db's
`db_worker`, with the same options) that outlives a database outage.

`db_worker` exits on any database error other than a locked table, so a
restart of PostgreSQL or a network blip stopped invitations, reminders and
imports until someone noticed. This one waits and starts the worker again:
after 1 s, then doubling up to 30 s while the database stays away. Stopping it
(Ctrl-C, SIGTERM) still stops it: only database errors restart it."""

from __future__ import annotations

import logging
import time

from django.db import InterfaceError, OperationalError, connections
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from groups.services import task_runs

logger = logging.getLogger("groups.tasks")

FIRST_WAIT = 1.0
LONGEST_WAIT = 30.0


class Command(DbWorkerCommand):
    help = "Run the background task worker, starting it again after a database outage."

    def handle(self, *args, **options):
        wait = FIRST_WAIT
        while True:
            started = time.monotonic()
            try:
                # Tasks a killed worker left RUNNING for ever are marked failed,
                # so their pages offer to run them again (groups/services/task_runs.py).
                if stopped := task_runs.mark_stopped():
                    logger.warning("Marked %d background task(s) stopped part-way as failed", stopped)
                return super().handle(*args, **options)
            except (OperationalError, InterfaceError) as exc:
                # The error's class only: its text can quote a statement's parameters.
                logger.warning("Task worker lost the database (%s); starting again in %.0f s", type(exc).__name__, wait)
            for connection in connections.all(initialized_only=True):
                connection.close_if_unusable_or_obsolete()
                connection.close()
            time.sleep(wait)
            # A worker that ran a good while before failing starts the back-off afresh.
            wait = FIRST_WAIT if time.monotonic() - started > 5 * LONGEST_WAIT else min(wait * 2, LONGEST_WAIT)
