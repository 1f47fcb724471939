"""Nominations open and close by themselves at their set times: the tasks are
queued with run_after when an election is set up and when its times change;
a task finds out whether it is still the plan (a re-planned election never
closes early from a stale task), is idempotent, and closes as the organisers
do (consent, the holder rules at the close), with its audit rows."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from groups.errors import InvalidInput
from groups.models import AuditEvent, Election, NominationStatus
from groups.services import elections as services
from groups.services.nomination_schedule import run_due_nominations, run_step, set_nomination_times

from .helpers import chair, members, party

pytestmark = pytest.mark.django_db
DEFERRING = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def _create(branch, organiser, opens, closes):
    now = timezone.now()
    return services.create_election(
        branch=branch, actor=organiser, title="Chair 2026", method="irv", seats=1, positions=[chair(branch)],
        election_on=date(2026, 3, 10), voting_rule=party(branch), ballot_mode="online",
        nominations_open_at=opens, nominations_close_at=closes, ballot_opens_at=now + timedelta(days=9),
        ballot_closes_at=now + timedelta(days=10), freeze_on=date(2026, 3, 1),
    )  # fmt: skip


@pytest.fixture
def backend(settings):
    settings.TASKS = DEFERRING
    from django_tasks import default_task_backend

    default_task_backend.clear()
    return default_task_backend


def _queued(backend):
    return [(r.kwargs["step"], r.task.run_after) for r in backend.results if r.task.name == "nominations_due"]


def _run(result, at, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: at)
    return result.task.call(**result.kwargs)


def test_setting_up_and_moving_the_times_queues_the_tasks_and_a_stale_one_does_nothing(
    branch, organiser, backend, monkeypatch, django_capture_on_commit_callbacks
):
    now = timezone.now()
    opens, closes, later = now + timedelta(hours=1), now + timedelta(days=2), now + timedelta(days=3)
    with django_capture_on_commit_callbacks(execute=True):
        election = _create(branch, organiser, opens, closes)
    assert _queued(backend) == [("open", opens), ("close", closes)]
    with django_capture_on_commit_callbacks(execute=True):
        set_nomination_times(election=election, actor=organiser, nominations_open_at=opens, nominations_close_at=later)
    assert _queued(backend) == [("open", opens), ("close", closes), ("close", later)]  # only the moved one again
    moved = AuditEvent.objects.get(action="election.update", object_id=str(election.pk))
    assert moved.changes["nominations_close_at"]["new"] == later.isoformat()
    open_task, stale, current = list(backend.results)

    assert _run(current, closes, monkeypatch) == "early"  # its time has not come
    assert _run(open_task, opens - timedelta(minutes=1), monkeypatch) == "early"
    assert _run(open_task, opens + timedelta(minutes=1), monkeypatch) == "opened"
    assert _run(open_task, opens + timedelta(minutes=2), monkeypatch) == "stale"  # idempotent
    election.refresh_from_db()
    assert election.status == "nominations" and election.nominations_open_at == opens
    opened = AuditEvent.objects.get(action="election.nominations_open", object_id=str(election.pk))
    assert opened.actor is None and opened.changes["automatic"] is True

    monkeypatch.setattr(timezone, "now", lambda: opens + timedelta(hours=1))
    voters = members(branch, 2)
    services.nominate(election=election, person=voters[0], nominators=[voters[1]], actor=organiser,
                      consented=True, consent_note="Signed the form")  # fmt: skip
    awaiting = members(branch, 1)[0]
    services.nominate(election=election, person=awaiting, nominators=[voters[1]], actor=organiser)

    # The task for the old closing time wakes then and leaves nominations open.
    assert _run(stale, closes + timedelta(minutes=1), monkeypatch) == "stale"
    election.refresh_from_db()
    assert election.status == "nominations"
    assert _run(current, later + timedelta(minutes=1), monkeypatch) == "closed"
    election.refresh_from_db()
    assert election.status == "declared"  # one standing for one seat
    assert election.nominations.get(person=awaiting).status == NominationStatus.LAPSED
    close = AuditEvent.objects.get(action="election.nominations_close", object_id=str(election.pk))
    assert close.actor is None and close.changes["automatic"] is True and close.changes["lapsed"] == [awaiting.pk]
    assert "closed at the set time" in close.summary
    assert _run(current, later + timedelta(minutes=2), monkeypatch) == "stale"  # idempotent


def test_a_close_with_nobody_to_stand_keeps_nominations_open_and_says_so_once(
    branch, organiser, backend, monkeypatch, django_capture_on_commit_callbacks
):
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        election = _create(branch, organiser, None, now + timedelta(days=1))
    services.open_nominations(election=election, actor=organiser)
    (task,) = backend.results
    assert _run(task, now + timedelta(days=1, minutes=1), monkeypatch) == "kept_open"
    assert _run(task, now + timedelta(days=1, minutes=2), monkeypatch) == "kept_open"
    election.refresh_from_db()
    assert election.status == "nominations"
    (event,) = AuditEvent.objects.filter(action="election.nominations_kept_open")
    assert event.changes["code"] == "no_candidates"


def test_times_must_be_to_come_and_in_order(branch, organiser):
    now = timezone.now()
    election = _create(branch, organiser, None, None)
    with pytest.raises(InvalidInput):
        set_nomination_times(election=election, actor=organiser, nominations_open_at=now - timedelta(hours=1),
                             nominations_close_at=None)  # fmt: skip
    with pytest.raises(InvalidInput):
        set_nomination_times(election=election, actor=organiser, nominations_open_at=now + timedelta(days=2),
                             nominations_close_at=now + timedelta(days=1))  # fmt: skip


def test_the_immediate_backend_queues_nothing_and_the_sweep_does_it(branch, organiser):
    now = timezone.now()
    election = _create(branch, organiser, now - timedelta(hours=2), now - timedelta(hours=1))
    people = members(branch, 2)
    assert run_due_nominations(at=now - timedelta(minutes=90)) == {"opened": 1}
    Election.objects.filter(pk=election.pk).update(nominations_close_at=now + timedelta(minutes=1))
    services.nominate(election=election, person=people[0], nominators=[people[0]], actor=organiser)
    Election.objects.filter(pk=election.pk).update(nominations_close_at=now - timedelta(hours=1))
    call_command("nominations_due")
    election.refresh_from_db()
    assert election.status == "declared"


def test_the_page_changes_the_times(branch, organiser, client_for, django_capture_on_commit_callbacks):
    election = _create(branch, organiser, None, None)
    client = client_for(organiser)
    page = client.get(reverse("election_detail", args=[branch.slug, election.pk])).content.decode()
    assert "When nominations open and close" in page
    soon = timezone.localtime(timezone.now() + timedelta(days=3)).replace(second=0, microsecond=0)
    client.post(
        reverse("election_nomination_times", args=[branch.slug, election.pk]),
        {"nominations_close_at": soon.strftime("%Y-%m-%dT%H:%M")},
    )
    election.refresh_from_db()
    assert election.nominations_close_at == soon


def test_the_api_changes_the_times_and_refuses_a_past_one(branch, organiser, api):
    election = _create(branch, organiser, None, None)
    url = f"/api/v1/branches/{branch.slug}/elections/{election.pk}/nomination-times/"
    soon = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
    ok = api(organiser).post(url, {"nominations_close_at": soon.isoformat()}, format="json")
    assert ok.status_code == 200 and ok.json()["nominations_close_at"] is not None
    past = api(organiser).post(url, {"nominations_close_at": "2020-01-01T10:00:00Z"}, format="json")
    assert past.status_code == 400 and "nominations_close_at" in past.json()


def test_run_step_for_a_missing_election_is_stale():
    assert run_step(election_id=999999, step="close", planned_for=timezone.now()) == "stale"


def test_the_page_reads_the_times_in_the_branchs_own_zone(branch, organiser, client_for):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    branch.time_zone = "America/New_York"
    branch.save(update_fields=["time_zone"])
    election = _create(branch, organiser, None, None)
    typed = (
        (timezone.now() + timedelta(days=3))
        .astimezone(ZoneInfo("America/New_York"))
        .replace(hour=19, minute=30, second=0, microsecond=0)
    )
    client_for(organiser).post(
        reverse("election_nomination_times", args=[branch.slug, election.pk]),
        {"nominations_close_at": typed.strftime("%Y-%m-%dT%H:%M")},
    )
    election.refresh_from_db()
    # 19:30 where the branch meets, not 19:30 in London.
    assert election.nominations_close_at == datetime(typed.year, typed.month, typed.day, 19, 30, tzinfo=typed.tzinfo)
    page = client_for(organiser).get(reverse("election_detail", args=[branch.slug, election.pk])).content.decode()
    assert typed.strftime("%Y-%m-%dT19:30") in page  # the form shows it back as typed
