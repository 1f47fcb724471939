"""Races on PostgreSQL, where writers really run at once: `race` starts every job on its own thread
behind one barrier, so they reach the database together. `RACES` is a racing module's pytestmark:
transactions committed for real (the threads see each other's rows), marked `postgres_only`, and
skipped on SQLite, which serialises writers so threads cannot race there."""

import threading

import pytest
from django.db import connection, connections

from groups.errors import RollcallError

RACES = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite serialises writers, so threads cannot race there",
    ),
]


def race(jobs) -> list:
    """Run every job (a callable without arguments) at the same moment, each on its own thread and
    database connection. Their outcomes in the jobs' order: what the job returned, or the code of the
    refusal it raised (`already_voted`: a refusal is an answer). Any other exception fails the test,
    and so does a job still running a minute later."""
    barrier = threading.Barrier(len(jobs))
    outcomes, errors = [None] * len(jobs), []

    def run(i, job):
        try:
            barrier.wait(timeout=30)
            outcomes[i] = job()
        except RollcallError as exc:
            outcomes[i] = exc.code
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert not any(thread.is_alive() for thread in threads), "a racing job did not finish within a minute"
    return outcomes
