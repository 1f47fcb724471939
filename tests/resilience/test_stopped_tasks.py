"""Every background task whose worker dies half-way (killed, deployed over,
out of memory) is seen to have stopped, said so on the page its work belongs
to, and can be run again from there; before, the queue's row stayed RUNNING
for ever, no fresh worker took it, and nobody was told (issue 16 item 9).

The queue's rows are made as a killed worker leaves them: RUNNING, started a
while ago. Running again uses the tests' inline task backend."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from groups.models import AuditEvent, Invitation, Meeting, RecheckPlan, RetentionSchedule, SendStatus
from groups.services import task_runs

from ..factories import MeetingFactory
from ..invitation_helpers import members_meeting, person

pytestmark = pytest.mark.django_db

LONG_AGO = task_runs.STALE_AFTER + timedelta(minutes=1)


def killed_task(path: str, *, started_ago: timedelta = LONG_AGO, **kwargs) -> DBTaskResult:
    """The queue's row of a task whose worker was killed `started_ago`."""
    now = timezone.now()
    return DBTaskResult.objects.create(
        task_path=path,
        args_kwargs={"args": [], "kwargs": kwargs},
        status=TaskResultStatus.RUNNING,
        started_at=now - started_ago,
        backend_name="default",
        run_after=now - started_ago,
    )


def _run_again(client, branch, page_url, result):
    page = client.get(page_url).content.decode()
    assert "stopped part-way" in page
    assert f"/b/{branch.slug}/background/{result.pk}/again/" in page
    response = client.post(f"/b/{branch.slug}/background/{result.pk}/again/", {"next": page_url})
    assert response.status_code == 302 and response["Location"] == page_url
    assert "stopped part-way" not in client.get(page_url).content.decode()  # off the list once run again
    assert not DBTaskResult.objects.filter(pk=result.pk).exists()


def test_invitations_half_sent_are_shown_stopped_and_the_rest_go_when_run_again(
    client_for, organiser, branch, mailoutbox
):
    meeting = members_meeting(branch, organiser)
    people = [person(branch, name) for name in ("Ana", "Bo", "Cy")]
    invitations = [Invitation.objects.create(meeting=meeting, person=p, send_status=SendStatus.QUEUED) for p in people]
    # The worker sent Ana's, then was killed.
    Invitation.objects.filter(pk=invitations[0].pk).update(sent_at=timezone.now(), send_status=SendStatus.SENT)
    result = killed_task(
        "groups.services.invitations.deliver",
        invitation_ids=[i.pk for i in invitations],
        base_url="https://rollcall.example.org",
        reminder=False,
        meeting_id=meeting.pk,
    )
    client = client_for(organiser)
    _run_again(client, branch, f"/b/{branch.slug}/meetings/{meeting.pk}/invitations/", result)
    assert sorted(m.to[0] for m in mailoutbox) == ["bo@example.org", "cy@example.org"]  # never Ana twice
    assert AuditEvent.objects.filter(action="task.run_again", branch=branch).count() == 1


def test_a_batch_queued_before_batches_named_their_meeting_is_found_by_its_invitations(client_for, organiser, branch):
    meeting = members_meeting(branch, organiser)
    invitation = Invitation.objects.create(meeting=meeting, person=person(branch, "Ana"))
    killed_task("groups.services.invitations.deliver", invitation_ids=[invitation.pk], base_url="", reminder=True)
    page = client_for(organiser).get(f"/b/{branch.slug}/meetings/{meeting.pk}/invitations/").content.decode()
    assert "Sending invitations or reminders stopped" in page


def test_a_task_still_within_its_time_is_not_called_stopped(client_for, organiser, branch):
    meeting = members_meeting(branch, organiser)
    killed_task(
        "groups.services.invitations.deliver",
        started_ago=timedelta(minutes=5),
        invitation_ids=[],
        base_url="",
        meeting_id=meeting.pk,
    )
    page = client_for(organiser).get(f"/b/{branch.slug}/meetings/{meeting.pk}/invitations/").content.decode()
    assert "stopped part-way" not in page
    assert task_runs.mark_stopped() == 0


def test_the_automatic_reminder_stopped_after_claiming_its_time_reminds_the_rest_when_run_again(
    client_for, organiser, branch, mailoutbox
):
    meeting = members_meeting(branch, organiser, starts_at=timezone.now() + timedelta(days=3))
    two_days_ago = timezone.now() - timedelta(days=2)
    ana, bo = (
        Invitation.objects.create(
            meeting=meeting, person=person(branch, name), sent_at=two_days_ago, send_status="sent"
        )
        for name in ("Ana", "Bo")
    )
    Invitation.objects.filter(pk=ana.pk).update(auto_reminded_at=timezone.now(), reminded_at=timezone.now())
    Meeting.objects.filter(pk=meeting.pk).update(reminder_planned_for=None)  # claimed, then killed
    result = killed_task(
        "groups.services.invitations.remind",
        meeting_id=meeting.pk,
        due=(meeting.starts_at - timedelta(days=2)).isoformat(),
        base_url="https://rollcall.example.org",
    )
    _run_again(client_for(organiser), branch, f"/b/{branch.slug}/meetings/{meeting.pk}/invitations/", result)
    assert [m.to for m in mailoutbox] == [["bo@example.org"]]
    bo.refresh_from_db()
    assert bo.auto_reminded_at is not None


def test_a_meeting_that_never_closed_itself_closes_when_run_again(client_for, organiser, branch):
    meeting = MeetingFactory(branch=branch, starts_at=timezone.now() - timedelta(days=1))
    result = killed_task("groups.services.records.auto_close", meeting_id=meeting.pk)
    _run_again(client_for(organiser), branch, f"/b/{branch.slug}/meetings/{meeting.pk}/", result)
    meeting.refresh_from_db()
    assert meeting.closed_at is not None


def test_a_retention_run_that_died_plans_the_next_run_again(client_for, organiser, branch):
    RetentionSchedule.objects.create(branch=branch, next_run_at=None)  # claimed, then killed
    result = killed_task("groups.services.retention.retention_run", branch_id=branch.pk, due=timezone.now().isoformat())
    _run_again(client_for(organiser), branch, f"/b/{branch.slug}/retention/", result)
    assert RetentionSchedule.objects.get(branch=branch).next_run_at > timezone.now()  # the daily run goes on


def test_a_position_recheck_that_died_runs_again_from_the_positions_page(client_for, organiser, branch):
    result = killed_task(
        "groups.services.positions.recheck", branch_id=branch.pk, planned_for=timezone.now().isoformat()
    )
    _run_again(client_for(organiser), branch, f"/b/{branch.slug}/positions/", result)
    assert RecheckPlan.objects.get(branch=branch).last_run_at is not None


def test_the_worker_marks_stopped_tasks_failed_with_the_organisers_sentence(branch, organiser, client_for):
    meeting = members_meeting(branch, organiser)
    stale = killed_task("groups.services.records.auto_close", meeting_id=meeting.pk)
    fresh = killed_task("groups.services.records.auto_close", started_ago=timedelta(minutes=1), meeting_id=meeting.pk)
    assert task_runs.mark_stopped() == 1
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.status == TaskResultStatus.FAILED and "stopped part-way" in stale.traceback
    assert fresh.status == TaskResultStatus.RUNNING
    event = AuditEvent.objects.get(action="task.stopped")
    assert event.branch == branch and event.object_id == str(stale.pk)
    page = client_for(organiser).get(f"/b/{branch.slug}/meetings/{meeting.pk}/").content.decode()
    assert "Closing the meeting by itself stopped" in page


def test_a_task_that_raised_is_offered_again_without_its_traceback(client_for, organiser, branch):
    meeting = members_meeting(branch, organiser)
    result = killed_task("groups.services.records.auto_close", meeting_id=meeting.pk)
    DBTaskResult.objects.filter(pk=result.pk).update(
        status=TaskResultStatus.FAILED,
        finished_at=timezone.now(),
        exception_class_path="django.db.utils.OperationalError",
        traceback="Traceback … DETAIL: Key (email)=(ana@example.org)",
    )
    page = client_for(organiser).get(f"/b/{branch.slug}/meetings/{meeting.pk}/").content.decode()
    assert "failed with an error (OperationalError)" in page and "ana@example.org" not in page


def test_only_this_branchs_organisers_run_its_tasks_again(
    client_for, organiser, steward, outsider, branch, other_branch
):
    meeting = members_meeting(branch, organiser)
    result = killed_task("groups.services.records.auto_close", meeting_id=meeting.pk)
    url = f"/b/{branch.slug}/background/{result.pk}/again/"
    assert client_for(steward).post(url).status_code == 403
    assert client_for(outsider).post(url).status_code == 404
    # The outsider's own branch does not reach it either.
    assert client_for(outsider).post(f"/b/{other_branch.slug}/background/{result.pk}/again/").status_code == 404
    assert DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING).exists()
    # A task that has not stopped is not run a second time.
    running = killed_task("groups.services.records.auto_close", started_ago=timedelta(minutes=1), meeting_id=meeting.pk)
    client_for(organiser).post(f"/b/{branch.slug}/background/{running.pk}/again/")
    assert DBTaskResult.objects.filter(pk=running.pk).exists()
