"""An import whose worker dies half-way (killed, restarted, out of memory) is
seen to have stopped, said so, and can be run again from the same upload; it
no longer shows "Importing… row 10,000 of 20,000" for ever."""

import time

from django.urls import reverse

from groups.imports import jobs as import_jobs
from groups.models import Person

from ..test_import_views import token_of, upload


def _running_since(token, branch, organiser, *, seconds_ago: float, monkeypatch):
    real = time.time
    monkeypatch.setattr(import_jobs.time, "time", lambda: real() - seconds_ago)
    import_jobs.set_state(
        token, branch_id=branch.pk, user_id=organiser.pk, state="running", phase="importing", done=2000, total=3
    )
    monkeypatch.setattr(import_jobs.time, "time", real)


def test_an_import_silent_for_five_minutes_is_shown_as_stopped_and_runs_again(
    client_for, organiser, branch, monkeypatch
):
    client = client_for(organiser)
    token = token_of(upload(client, branch, "good.csv"))
    _running_since(token, branch, organiser, seconds_ago=import_jobs.STALE_AFTER_SECONDS + 5, monkeypatch=monkeypatch)

    page = client.get(reverse("import_result", args=[branch.slug, token])).content.decode()
    assert "The import stopped part-way" in page and "Nothing was saved" in page
    assert 'http-equiv="refresh"' not in page  # it no longer pretends to be working
    assert reverse("import_confirm", args=[branch.slug, token]) in page

    # Run again from the same upload: it imports (the tests' task backend runs inline).
    response = client.post(reverse("import_confirm", args=[branch.slug, token]))
    assert response.status_code == 302
    page = client.get(reverse("import_result", args=[branch.slug, token])).content.decode()
    assert "Import finished" in page
    assert Person.objects.filter(branch=branch).count() == 3


def test_an_import_that_reported_progress_recently_is_still_running(client_for, organiser, branch, monkeypatch):
    client = client_for(organiser)
    token = token_of(upload(client, branch, "good.csv"))
    _running_since(token, branch, organiser, seconds_ago=import_jobs.STALE_AFTER_SECONDS - 30, monkeypatch=monkeypatch)
    page = client.get(reverse("import_result", args=[branch.slug, token])).content.decode()
    assert "Saving row 2,000 of 3" in page and "stopped" not in page
    # …so a second click does not start a second import.
    client.post(reverse("import_confirm", args=[branch.slug, token]))
    assert Person.objects.count() == 0


def test_a_queued_import_nobody_picks_up_says_the_worker_may_not_be_running(client_for, organiser, branch, monkeypatch):
    client = client_for(organiser)
    token = token_of(upload(client, branch, "good.csv"))
    real = time.time
    monkeypatch.setattr(import_jobs.time, "time", lambda: real() - 120)
    import_jobs.set_state(token, branch_id=branch.pk, user_id=organiser.pk, state="queued", done=0, total=3)
    monkeypatch.setattr(import_jobs.time, "time", real)
    page = client.get(reverse("import_result", args=[branch.slug, token])).content.decode()
    assert "the background worker may not be running" in page
    assert 'http-equiv="refresh"' in page  # still waiting: a worker that starts picks it up
