"""The automatic reminder (issue 11, item 4): planned when invitations go out,
N days before (default 2), sent by itself to those emailed who have not
answered, never twice, never after a reply, an unsubscribe or a cancellation,
and moved when the meeting moves."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from groups.errors import InvalidInput
from groups.models import AuditEvent, Invitation, Meeting, Person
from groups.services import invitations as services
from groups.services import reminders
from groups.services.cancellations import cancel_meeting
from groups.services.meetings import update_meeting

from ..invitation_helpers import members_meeting, person
from ..meetings_helpers import at

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


@pytest.fixture
def invited(branch, organiser, mailoutbox):
    """Ana, Bo and Cy emailed (Cy never agreed to email) for 14 May 2030, 19:30."""
    for name in ("Ana", "Bo"):
        person(branch, name)
    person(branch, "Cy", consent=False)
    meeting = members_meeting(branch, organiser)
    services.send_invitations(meeting=meeting, actor=organiser)
    mailoutbox.clear()
    return Meeting.objects.get(pk=meeting.pk)


def _invitation(name):
    return Invitation.objects.get(person__first_name=name)


def _run_due(meeting, now=None):
    meeting.refresh_from_db()
    due = meeting.reminder_planned_for
    return services.send_automatic_reminders(meeting_id=meeting.pk, due=due, now=now or due)


def test_sending_invitations_plans_a_reminder_two_days_before(invited):
    assert invited.remind_days_before == 2
    assert invited.reminder_planned_for == at(2030, 5, 12)


def test_at_its_time_only_those_emailed_who_have_not_answered_are_reminded(invited, mailoutbox):
    services.record_reply(invitation=_invitation("Ana"), reply="no")

    counts = _run_due(invited)

    assert counts["sent"] == 1
    assert [m.to for m in mailoutbox] == [["bo@example.org"]]
    assert mailoutbox[0].subject.startswith("Reminder: Branch meeting")
    assert "A reminder: you have not yet told us" in mailoutbox[0].body
    bo = _invitation("Bo")
    assert bo.reminded_at is not None and bo.auto_reminded_at is not None
    assert _invitation("Ana").reminded_at is None and _invitation("Cy").reminded_at is None
    event = AuditEvent.objects.get(action="meeting.remind")
    assert event.actor is None and event.changes["automatic"] is True and event.changes["queued"] == 1


def test_the_reminder_never_goes_twice(invited, mailoutbox):
    due = at(2030, 5, 12)
    _run_due(invited)
    assert len(mailoutbox) == 2
    # The same task again (a retry), or a duplicate, or the sweep later: nothing more.
    assert services.send_automatic_reminders(meeting_id=invited.pk, due=due, now=due + DAY)["sent"] == 0
    assert reminders.send_due_reminders(now=due + DAY) == 0
    assert len(mailoutbox) == 2
    # Even if the plan were set again (the meeting moved later), those reminded once are not reminded again.
    Meeting.objects.filter(pk=invited.pk).update(reminder_planned_for=due)
    assert services.send_automatic_reminders(meeting_id=invited.pk, due=due, now=due)["sent"] == 0
    assert len(mailoutbox) == 2


def test_someone_who_unsubscribed_after_the_invitation_is_not_reminded(invited, mailoutbox):
    services.unsubscribe(person=Person.objects.get(first_name="Ana"))
    _run_due(invited)
    assert [m.to for m in mailoutbox] == [["bo@example.org"]]


def test_a_cancelled_meeting_sends_no_reminder(invited, organiser, mailoutbox):
    cancel_meeting(meeting=invited, actor=organiser, reason="Hall flooded")
    mailoutbox.clear()  # the cancellation notice
    assert (
        services.send_automatic_reminders(meeting_id=invited.pk, due=at(2030, 5, 12), now=at(2030, 5, 12))["sent"] == 0
    )
    assert mailoutbox == []
    assert not Invitation.objects.filter(reminded_at__isnull=False).exists()


def test_a_task_that_runs_early_sends_nothing_and_leaves_the_plan(invited, mailoutbox):
    due = at(2030, 5, 12)
    assert services.send_automatic_reminders(meeting_id=invited.pk, due=due, now=due - timedelta(minutes=5)) == {
        "sent": 0,
        "failed": 0,
        "skipped": 0,
    }
    assert mailoutbox == []
    invited.refresh_from_db()
    assert invited.reminder_planned_for == due


def test_when_the_meeting_moves_the_old_task_sends_nothing_and_the_new_time_is_kept(invited, organiser, mailoutbox):
    old_due = at(2030, 5, 12)
    update_meeting(meeting=invited, actor=organiser, starts_at=at(2030, 5, 21), ends_at=None)
    invited.refresh_from_db()
    assert invited.reminder_planned_for == at(2030, 5, 19)

    assert services.send_automatic_reminders(meeting_id=invited.pk, due=old_due, now=old_due)["sent"] == 0
    assert mailoutbox == []
    assert reminders.send_due_reminders(now=old_due + DAY) == 0  # not yet due at its new time

    assert _run_due(invited)["sent"] == 2
    assert "Tuesday 21 May 2030" in mailoutbox[0].body


def test_changing_the_days_replans_and_zero_turns_it_off(invited, organiser, mailoutbox):
    reminders.set_reminder(meeting=invited, days_before=5, actor=organiser)
    invited.refresh_from_db()
    assert invited.reminder_planned_for == at(2030, 5, 9)
    assert services.send_automatic_reminders(meeting_id=invited.pk, due=at(2030, 5, 12), now=at(2030, 5, 12)) == {
        "sent": 0,
        "failed": 0,
        "skipped": 0,
    }

    reminders.set_reminder(meeting=invited, days_before=0, actor=organiser)
    invited.refresh_from_db()
    assert invited.remind_days_before == 0 and invited.reminder_planned_for is None
    assert reminders.send_due_reminders(now=at(2030, 5, 14, 12)) == 0
    assert mailoutbox == []
    event = AuditEvent.objects.filter(action="meeting.update").first()
    assert event.changes == {"remind_days_before": {"old": 5, "new": 0}}


@pytest.mark.parametrize("days", [-1, 61, "two", None])
def test_a_bad_number_of_days_is_refused_and_changes_nothing(invited, organiser, days):
    with pytest.raises(InvalidInput):
        reminders.set_reminder(meeting=invited, days_before=days, actor=organiser)
    invited.refresh_from_db()
    assert invited.remind_days_before == 2 and invited.reminder_planned_for == at(2030, 5, 12)
    assert not AuditEvent.objects.filter(action="meeting.update").exists()


def test_people_invited_less_than_a_day_before_or_reminded_by_hand_lately_are_left_alone(invited, mailoutbox):
    due = at(2030, 5, 12)
    Invitation.objects.filter(person__first_name="Ana").update(sent_at=due - timedelta(hours=3))
    Invitation.objects.filter(person__first_name="Bo").update(reminded_at=due - timedelta(hours=2))
    assert services.send_automatic_reminders(meeting_id=invited.pk, due=due, now=due)["sent"] == 0
    assert mailoutbox == []


def test_too_late_to_remind_plans_nothing(branch, organiser):
    person(branch, "Ana")
    soon = timezone.now() + DAY
    meeting = members_meeting(branch, organiser, starts_at=soon)
    services.send_invitations(meeting=meeting, actor=organiser)
    meeting.refresh_from_db()
    assert meeting.reminder_planned_for is None


def test_a_backend_that_can_wait_gets_the_task_with_run_after(
    branch, organiser, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    person(branch, "Ana")
    meeting = members_meeting(branch, organiser)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_invitations(meeting=meeting, actor=organiser)
    [task] = [r for r in default_task_backend.results if r.task.name == "remind"]
    assert task.task.run_after == at(2030, 5, 12)
    assert task.kwargs["meeting_id"] == meeting.pk

    # Moving the meeting queues a new task for the new time.
    with django_capture_on_commit_callbacks(execute=True):
        update_meeting(meeting=meeting, actor=organiser, starts_at=at(2030, 6, 4), ends_at=None)
    planned = [r.task.run_after for r in default_task_backend.results if r.task.name == "remind"]
    assert planned == [at(2030, 5, 12), at(2030, 6, 2)]
    # Running the first (stale) task now sends nothing.
    stale = next(r for r in default_task_backend.results if r.task.name == "remind")
    assert stale.task.call(**stale.kwargs) == {"sent": 0, "failed": 0, "skipped": 0}


def test_the_sweep_command_sends_what_is_due(invited, mailoutbox, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: at(2030, 5, 12, 20))
    call_command("send_due_reminders")
    assert sorted(m.to[0] for m in mailoutbox) == ["ana@example.org", "bo@example.org"]


def test_each_reminded_person_s_row_says_when_and_that_it_was_automatic(invited, organiser, client_for):
    _run_due(invited, now=at(2030, 5, 12))
    bo = _invitation("Bo")
    html = client_for(organiser).get(f"/b/{invited.branch.slug}/meetings/{invited.pk}/invitations/").content.decode()
    local = timezone.localtime(bo.reminded_at, invited.branch.zone)
    assert f'Reminded {local:%a %-d %b, %H:%M} <span class="muted small">(automatic)</span>' in html
    assert html.count("(automatic)") == 2  # Ana and Bo; Cy was never emailed
