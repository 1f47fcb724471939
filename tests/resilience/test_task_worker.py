"""The background worker outlives a database outage: `task_worker` starts the
worker again (waiting longer each time) where `db_worker` would exit and leave
invitations, reminders and imports silently stopped."""

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django_tasks_db.management.commands import db_worker

from groups.management.commands import task_worker


@pytest.fixture
def worker_runs(monkeypatch, settings):
    """The database queue, with the worker's loop replaced: each call takes the
    next outcome. (Its signal handlers are left alone: they would replace pytest's.)"""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(db_worker.Worker, "configure_signals", lambda self: None)
    outcomes: list = []
    calls: list = []
    waits: list = []

    def run(self):
        calls.append("ran")
        outcome = outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome

    monkeypatch.setattr(db_worker.Worker, "run", run)
    monkeypatch.setattr(task_worker.time, "sleep", waits.append)
    # Marking stopped tasks failed reads the queue: here each start only counts it
    # (the worker closes its connections between starts, the test's among them).
    monkeypatch.setattr(task_worker.task_runs, "mark_stopped", lambda: calls.append("marked") and 0)
    return outcomes, calls, waits


def test_a_database_outage_restarts_the_worker_with_a_growing_wait(worker_runs, db):
    outcomes, calls, waits = worker_runs
    outcomes += [OperationalError("server closed the connection"), OperationalError("refused"), None]
    call_command("task_worker", "--no-reload", "--no-startup-delay")
    # Each start marks stopped tasks failed first; two outages, then it ran until told to stop.
    assert calls == ["marked", "ran"] * 3
    assert waits == [1.0, 2.0]


def test_stopping_the_worker_stops_it(worker_runs, db):
    outcomes, calls, waits = worker_runs
    outcomes += [None]  # db_worker returns when SIGTERM or Ctrl-C clears its running flag
    call_command("task_worker", "--no-reload", "--no-startup-delay")
    assert calls == ["marked", "ran"] and waits == []


def test_other_errors_are_not_swallowed(worker_runs, db):
    outcomes, calls, waits = worker_runs
    outcomes += [RuntimeError("a bug")]
    with pytest.raises(RuntimeError):
        call_command("task_worker", "--no-reload", "--no-startup-delay")
    assert waits == []


def test_the_wait_stops_growing_at_thirty_seconds(worker_runs, db):
    outcomes, calls, waits = worker_runs
    outcomes += [OperationalError("down")] * 7 + [None]
    call_command("task_worker", "--no-reload", "--no-startup-delay")
    assert waits == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]
