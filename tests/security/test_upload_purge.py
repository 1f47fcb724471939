"""Abandoned uploads are deleted on a schedule (issue 16 item 7): each upload
queues its own deletion for when it is a day old, where before an abandoned
membership list stayed on disk until someone uploaded again."""

from __future__ import annotations

import os
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from groups.imports import jobs

from ..test_import_views import token_of, upload

pytestmark = pytest.mark.django_db
PURGE = "groups.imports.jobs.purge_upload"


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _files(token):
    data, meta = jobs._paths(token)
    return [p for p in (data, meta, jobs._state_path(token)) if p.exists()]


def _age(token, seconds):
    then = time.time() - seconds
    for path in _files(token):
        os.utime(path, (then, then))


def test_an_upload_queues_its_own_deletion_a_day_later(client_for, organiser, branch, database_queue):
    token = token_of(upload(client_for(organiser), branch, "good.csv"))
    [queued] = DBTaskResult.objects.filter(task_path=PURGE)
    assert queued.args_kwargs["kwargs"] == {"token": token}
    day = timezone.now() + timedelta(seconds=jobs.MAX_AGE_SECONDS)
    assert abs((queued.run_after - day).total_seconds()) < 60


def test_when_it_runs_an_abandoned_upload_is_deleted(client_for, organiser, branch):
    token = token_of(upload(client_for(organiser), branch, "good.csv"))
    assert _files(token)
    _age(token, jobs.MAX_AGE_SECONDS + 60)
    assert jobs.purge_upload.call(token=token) is True
    assert _files(token) == []
    assert jobs.purge_upload.call(token=token) is False  # already gone: nothing to do


def test_an_upload_touched_since_waits_a_day_from_then(client_for, organiser, branch, database_queue):
    token = token_of(upload(client_for(organiser), branch, "good.csv"))
    _age(token, 3600)  # mapped an hour ago
    assert jobs.purge_upload.call(token=token) is False
    assert _files(token)
    later = DBTaskResult.objects.filter(task_path=PURGE).order_by("run_after").first()  # before the first
    expected = timezone.now() + timedelta(seconds=jobs.MAX_AGE_SECONDS - 3600)
    assert abs((later.run_after - expected).total_seconds()) < 60


def test_an_upload_whose_import_is_running_is_kept(client_for, organiser, branch):
    token = token_of(upload(client_for(organiser), branch, "good.csv"))
    _age(token, jobs.MAX_AGE_SECONDS + 60)
    jobs.set_state(token, branch_id=branch.pk, user_id=organiser.pk, state="running", done=1, total=3)
    assert jobs.purge_upload.call(token=token) is False
    assert jobs._paths(token)[0].exists()
