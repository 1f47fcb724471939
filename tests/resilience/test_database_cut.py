"""The real thing: `manage.py task_worker` in its own process, its database
connection through a proxy the test cuts for 5 s. A task queued during the
outage runs once the database is back, and the worker is still there; before,
db_worker exited on the first database error and queued work silently stopped.

PostgreSQL only: SQLite is a file, not a connection to cut."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from groups.models import Meeting

from ..factories import MeetingFactory
from .tcp_cut import CuttableProxy

ROOT = Path(__file__).resolve().parents[2]
IS_POSTGRES = django_settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

pytestmark = pytest.mark.skipif(
    not IS_POSTGRES, reason="needs DATABASE_URL=postgres://…: SQLite is a local file, its connection cannot be cut"
)


def _database_url(port: int) -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@127.0.0.1:{port}/{db['NAME']}"


def _wait_until(check, *, seconds: float, what: str, worker: subprocess.Popen):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        assert worker.poll() is None, f"the worker exited ({worker.returncode}) while waiting for {what}"
        time.sleep(0.2)
    raise AssertionError(f"timed out after {seconds:.0f} s waiting for {what}")


def _closed(meeting) -> bool:
    return Meeting.objects.filter(pk=meeting.pk, closed_at__isnull=False).exists()


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_a_task_queued_while_the_database_is_cut_runs_when_it_is_back(transactional_db, database_queue, branch):
    from groups.services.records import auto_close

    db = connection.settings_dict
    proxy = CuttableProxy((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(proxy.port),
        "TASKS_BACKEND": "database",
        "CONN_MAX_AGE": "0",
        "PYTHONUNBUFFERED": "1",
    }
    worker = subprocess.Popen(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "task_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        past = timezone.now() - timedelta(days=1)
        before, during = (MeetingFactory(branch=branch, starts_at=past) for _ in range(2))
        auto_close.enqueue(meeting_id=before.pk)
        _wait_until(lambda: _closed(before), seconds=60, what="the worker to run a first task", worker=worker)

        proxy.cut()
        queued = auto_close.enqueue(meeting_id=during.pk)  # straight to the database, not through the proxy
        time.sleep(5)
        assert worker.poll() is None, "the worker exited when the database went away"
        assert not _closed(during)
        proxy.restore()

        _wait_until(lambda: _closed(during), seconds=45, what="the task queued during the outage", worker=worker)
        assert DBTaskResult.objects.get(pk=queued.id).status == TaskResultStatus.SUCCESSFUL
    finally:
        worker.terminate()
        try:
            output, _ = worker.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
        proxy.close()
    assert "lost the database" in output  # it noticed, and started again
