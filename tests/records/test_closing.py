"""Issue 11 item 2: closing a meeting freezes its record (CONTRACT.md §5).
A meeting held last month shows the same eligible count, quorum and turnout
after a new membership list is imported as before it."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from groups.errors import Conflict, InvalidInput, NotAllowed
from groups.models import AuditEvent, Category, Meeting, MeetingRecord, MeetingStatus, Rule
from groups.queries.attendance import quorum
from groups.queries.records import meeting_record
from groups.services import attendance as svc
from groups.services.categories import rename_category
from groups.services.imports import import_members
from groups.services.meetings import create_meeting, update_meeting
from groups.services.people import update_person
from groups.services.records import close_due_meetings, close_if_due, close_meeting, reopen_meeting
from groups.services.rules import update_rule

from ..factories import MeetingFactory, person_with_membership

pytestmark = pytest.mark.django_db

NEW_MEMBERS = "First name,Last name,Email,Category,Membership number,Status,Joined\n" + "".join(
    f"New{i},Member,new{i}@example.org,Party member,N{i},active,2019-03-01\n" for i in range(8)
)


person_in = person_with_membership  # one membership of the category, since 1 January 2015


@pytest.fixture
def last_month(branch, organiser):
    """A members-only meeting held last month, with no voting rule, 50 % quorum:
    4 members (3 came) and 2 supporters (one let in by override), a guest."""
    members = [person_in(branch, "party-member") for _ in range(4)]
    supporters = [person_in(branch, "registered-supporter") for _ in range(2)]
    starts = timezone.now() - timedelta(days=30)
    meeting = MeetingFactory(
        branch=branch,
        attendance_rule=Rule.objects.get(branch=branch, name="Party members only"),
        voting_rule=None,
        quorum_percent=Decimal(50),
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
    )
    for p in members[:3]:
        svc.check_in(meeting=meeting, person=p, actor=organiser, at=starts)
    svc.check_in(meeting=meeting, person=supporters[0], actor=organiser, override_reason="Speaker", at=starts)
    svc.check_in(meeting=meeting, guest_name="A neighbour", actor=organiser, at=starts)
    return meeting, members, supporters


FROZEN = {
    "eligible_to_attend": 4,
    "eligible_to_vote": 4,
    "quorum": 2,
    "present": 5,
    "present_eligible": 3,
    "guests": 1,
    "overrides": 1,
    "quorate": True,
}


def figures(meeting):
    meeting = Meeting.objects.select_related("branch", "attendance_rule", "voting_rule").get(pk=meeting.pk)
    record = meeting_record(meeting)
    return {k: record[k] for k in FROZEN}


def test_done_when_an_import_changes_nothing_in_a_closed_record(last_month, organiser, tmp_path, client_for):
    meeting, *_ = last_month
    record = close_meeting(meeting=meeting, actor=organiser)
    assert figures(meeting) == FROZEN
    assert (record.attendance_rule_version, record.voting_rule_version) == (1, None)

    csv = tmp_path / "members.csv"
    csv.write_text(NEW_MEMBERS)
    report = import_members(branch=meeting.branch, source=csv, actor=organiser)
    assert report.applied and report.error_count == 0

    assert figures(meeting) == FROZEN
    assert quorum(Meeting.objects.get(pk=meeting.pk))["eligible"] == 4
    page = client_for(organiser).get(reverse("meeting_detail", args=[meeting.branch.slug, meeting.pk]))
    html = page.content.decode()
    assert "<dt>May attend</dt><dd>4</dd>" in html and "its record is frozen" in html
    reports = client_for(organiser).get(reverse("reports", args=[meeting.branch.slug])).content.decode()
    assert '<td data-label="Eligible" class="num">4</td>' in reports
    assert '<td data-label="Attended" class="num">4</td>' in reports  # 3 members, 1 by override
    assert '<td data-label="Of eligible" class="num">100%</td>' in reports


def test_an_open_meeting_is_live_and_that_is_what_closing_protects(last_month, organiser, tmp_path):
    """The same import moves an open meeting's figures: the bug the record fixes."""
    meeting, *_ = last_month
    csv = tmp_path / "members.csv"
    csv.write_text(NEW_MEMBERS)
    import_members(branch=meeting.branch, source=csv, actor=organiser)
    assert figures(meeting)["eligible_to_attend"] == 12


def test_rule_category_and_membership_edits_change_nothing(last_month, organiser):
    meeting, members, supporters = last_month
    close_meeting(meeting=meeting, actor=organiser)
    rule = meeting.attendance_rule
    update_rule(rule=rule, actor=organiser, definition={"membership": {"categories": ["registered-supporter"]}})
    rename_category(
        category=Category.objects.get(branch=meeting.branch, slug="party-member"), actor=organiser, name="Members"
    )
    update_person(
        person=members[3],
        actor=organiser,
        data={"first_name": members[3].first_name, "last_name": members[3].last_name},
        memberships=[],
    )
    assert figures(meeting) == FROZEN
    assert meeting_record(Meeting.objects.get(pk=meeting.pk))["rule_versions"] == {"attendance": 1, "voting": None}


def test_closing_is_audited_and_a_second_close_is_refused(last_month, organiser):
    meeting, *_ = last_month
    close_meeting(meeting=meeting, actor=organiser)
    event = AuditEvent.objects.get(action="meeting.close")
    assert event.changes["eligible_to_vote"]["new"] == 4
    with pytest.raises(Conflict) as exc:
        close_meeting(meeting=meeting, actor=organiser)
    assert exc.value.code == "already_closed"


def test_a_meeting_not_started_or_cancelled_cannot_be_closed(branch, organiser):
    future = MeetingFactory(branch=branch, starts_at=timezone.now() + timedelta(days=1))
    with pytest.raises(Conflict, match="not started"):
        close_meeting(meeting=future, actor=organiser)
    cancelled = MeetingFactory(
        branch=branch, starts_at=timezone.now() - timedelta(days=1), status=MeetingStatus.CANCELLED
    )
    with pytest.raises(Conflict):
        close_meeting(meeting=cancelled, actor=organiser)
    assert not MeetingRecord.objects.exists()


def test_reopening_needs_a_reason_is_audited_and_closing_again_refreezes(last_month, organiser, tmp_path):
    meeting, *_ = last_month
    close_meeting(meeting=meeting, actor=organiser)
    with pytest.raises(InvalidInput):
        reopen_meeting(meeting=meeting, actor=organiser, reason="  ")
    assert Meeting.objects.get(pk=meeting.pk).closed_at is not None
    reopen_meeting(meeting=meeting, actor=organiser, reason="A paper list was found")
    event = AuditEvent.objects.get(action="meeting.reopen")
    assert event.changes["reason"]["new"] == "A paper list was found"
    assert event.changes["present"]["old"] == 5
    assert not MeetingRecord.objects.filter(meeting=meeting).exists()
    # Open again: a late check-in from the paper list counts, then it is frozen again.
    svc.check_in(meeting=meeting, person=last_month[1][3], actor=organiser)
    close_meeting(meeting=meeting, actor=organiser)
    assert figures(meeting)["present_eligible"] == 4
    with pytest.raises(Conflict):
        reopen_meeting(meeting=MeetingFactory(branch=meeting.branch), actor=organiser, reason="why not")


def test_a_closed_record_refuses_check_in_undo_leaving_edits_and_cancelling(last_month, organiser):
    meeting, members, _ = last_month
    close_meeting(meeting=meeting, actor=organiser)
    with pytest.raises(NotAllowed) as refused:
        svc.check_in(meeting=meeting, person=members[3], actor=organiser)
    assert refused.value.message == (
        "This meeting is closed: its record is history. An organiser can reopen it, giving a reason."
    )
    with pytest.raises(NotAllowed, match="closed"):
        svc.check_in(meeting=meeting, guest_name="Late guest", actor=organiser)
    with pytest.raises(NotAllowed, match="closed"):
        svc.bulk_check_in(meeting=meeting, person_ids=[members[3].pk], actor=organiser)
    attendance = meeting.attendances.filter(person=members[0]).get()
    with pytest.raises(NotAllowed, match="closed"):
        svc.undo_check_in(attendance=attendance, actor=organiser, reason="Wrong person")
    with pytest.raises(NotAllowed, match="closed"):
        svc.mark_left(attendance=attendance, actor=organiser)
    with pytest.raises(Conflict, match="closed"):
        update_meeting(meeting=meeting, actor=organiser, title="New title")
    from groups.services.cancellations import cancel_meeting

    with pytest.raises(Conflict, match="closed"):
        cancel_meeting(meeting=meeting, actor=organiser, reason="Oops")
    assert figures(meeting) == FROZEN


# --- closing by itself ----------------------------------------------------------


def test_a_meeting_closes_itself_six_hours_after_it_ends(last_month):
    meeting, *_ = last_month
    ends = meeting.ends_at
    assert close_if_due(meeting_id=meeting.pk, at=ends + timedelta(hours=5, minutes=59)) is False
    assert close_if_due(meeting_id=meeting.pk, at=ends + timedelta(hours=6)) is True
    record = MeetingRecord.objects.get(meeting=meeting)
    assert record.closed_by is None and record.present == 5
    # Idempotent: running again (a second queued task) changes nothing.
    assert close_if_due(meeting_id=meeting.pk, at=ends + timedelta(hours=7)) is False
    assert AuditEvent.objects.filter(action="meeting.close").count() == 1


def test_the_task_reads_the_current_end_and_skips_cancelled_and_drafts(branch, organiser):
    now = timezone.now()
    moved = MeetingFactory(branch=branch, starts_at=now - timedelta(hours=8), ends_at=now - timedelta(hours=7))
    Meeting.objects.filter(pk=moved.pk).update(ends_at=now - timedelta(hours=2))  # it ran late
    cancelled = MeetingFactory(branch=branch, starts_at=now - timedelta(days=2), status=MeetingStatus.CANCELLED)
    draft = MeetingFactory(branch=branch, starts_at=now - timedelta(days=2), status=MeetingStatus.DRAFT)
    for m in (moved, cancelled, draft):
        assert close_if_due(meeting_id=m.pk, at=now) is False
    assert close_if_due(meeting_id=moved.pk, at=now + timedelta(hours=4)) is True
    assert close_if_due(meeting_id=10**9, at=now) is False  # deleted since: nothing to do


def test_close_due_meetings_closes_every_meeting_due(branch, organiser):
    now = timezone.now()
    due = [MeetingFactory(branch=branch, starts_at=now - timedelta(days=d)) for d in (3, 10)]
    MeetingFactory(branch=branch, starts_at=now - timedelta(hours=1))
    assert close_due_meetings(at=now) == 2
    assert set(MeetingRecord.objects.values_list("meeting_id", flat=True)) == {m.pk for m in due}
    assert close_due_meetings(at=now) == 0


DEFERRING = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def test_creating_or_moving_a_meeting_queues_the_close_for_six_hours_after_it_ends(
    branch, organiser, django_capture_on_commit_callbacks
):
    with override_settings(TASKS=DEFERRING):
        from django_tasks import default_task_backend as backend

        backend.clear()
        starts = timezone.now() + timedelta(days=3)
        with django_capture_on_commit_callbacks(execute=True):
            meeting = create_meeting(
                branch=branch,
                actor=organiser,
                title="Branch meeting",
                kind="open",
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                status=MeetingStatus.PUBLISHED,
            )
        (queued,) = backend.results
        assert queued.task.name == "auto_close" and queued.kwargs == {"meeting_id": meeting.pk}
        assert queued.task.run_after == starts + timedelta(hours=8)
        with django_capture_on_commit_callbacks(execute=True):
            update_meeting(meeting=meeting, actor=organiser, ends_at=starts + timedelta(hours=3))
        assert backend.results[-1].task.run_after == starts + timedelta(hours=9)
        with django_capture_on_commit_callbacks(execute=True):
            update_meeting(meeting=meeting, actor=organiser, title="Renamed")  # not moved: nothing more queued
        assert len(backend.results) == 2


def test_the_immediate_backend_queues_nothing_and_creates_fine(branch, organiser, django_capture_on_commit_callbacks):
    """Development: the immediate backend cannot run a task later (it would
    refuse run_after), so nothing is queued; close_due_meetings does it there."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        meeting = create_meeting(
            branch=branch, actor=organiser, title="Soon", kind="open", starts_at=timezone.now() + timedelta(days=1)
        )
    assert len(callbacks) == 1 and meeting.closed_at is None


def test_the_close_meetings_command(branch, capsys):
    from django.core.management import call_command

    MeetingFactory(branch=branch, starts_at=timezone.now() - timedelta(days=2))
    call_command("close_meetings")
    assert "Closed 1 meeting." in capsys.readouterr().out
    assert MeetingRecord.objects.count() == 1


def test_the_demo_closes_its_past_meetings(settings):
    from groups.demo import build_demo

    settings.DEBUG = True
    branch = build_demo(people=40)
    now = timezone.now()
    past = Meeting.objects.filter(branch=branch, ends_at__lt=now)
    assert past.exists() and not past.filter(closed_at__isnull=True).exists()
    assert MeetingRecord.objects.filter(meeting__branch=branch).count() == past.count()
    # Tonight's meeting is under way (the demo's walk-through): open, like those to come.
    under_way = Meeting.objects.get(branch=branch, starts_at__lt=now, ends_at__gt=now)
    assert under_way.closed_at is None and under_way.kind == "organisational"
    assert not Meeting.objects.filter(branch=branch, ends_at__gt=now, closed_at__isnull=False).exists()


def test_the_check_in_read_sees_the_meeting_closed_typed_as_the_orm_gives_it(last_month, organiser):
    from groups.sql.checkin import check_in_reads

    meeting, *_ = last_month
    assert check_in_reads(meeting.pk, None)[0].closed_at is None
    close_meeting(meeting=meeting, actor=organiser)
    assert check_in_reads(meeting.pk, None)[0].closed_at == Meeting.objects.get(pk=meeting.pk).closed_at


def test_a_reopened_meeting_is_not_closed_by_itself_under_the_organiser(last_month, organiser):
    """Reopened a month later for a late paper list: the queued close (or the
    close_meetings command) waits 6 hours from the reopening."""
    meeting, *_ = last_month
    close_meeting(meeting=meeting, actor=organiser)
    now = timezone.now()
    reopen_meeting(meeting=meeting, actor=organiser, reason="Late paper list", at=now)
    assert close_if_due(meeting_id=meeting.pk, at=now + timedelta(minutes=5)) is False
    assert close_due_meetings(at=now + timedelta(hours=1)) == 0
    assert close_if_due(meeting_id=meeting.pk, at=now + timedelta(hours=6)) is True
