"""Issue 15 item 3: retention. Each branch has a schedule with defaults
(former members erased 6 years after their last membership ended,
registrations of interest never reviewed erased after 90 days, import uploads
deleted after 24 hours, expired role invitations and sign-in sessions
deleted). `manage.py apply_retention --dry-run` says what would go and
changes nothing; a real run does it and leaves one audit row of counts. The
clock is pinned: every run here is "as at" AT."""

from __future__ import annotations

import os
import secrets
from datetime import UTC, date, datetime, timedelta
from io import StringIO

import pytest
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from groups.imports import jobs
from groups.models import AuditAction, AuditEvent, Person, RetentionSchedule, RoleInvitation, RoleName
from groups.services import retention as retention_services

from ..factories import PersonFactory, person_with_membership

pytestmark = pytest.mark.django_db

AT = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def uploads(settings, tmp_path):
    settings.IMPORT_UPLOAD_DIR = str(tmp_path / "uploads")
    return tmp_path / "uploads"


def _ended(branch, ended_on, **person):
    return person_with_membership(
        branch, membership={"started_on": date(1990, 1, 1), "ended_on": ended_on, "status": "resigned"}, **person
    )


def _registered(branch, when, **person):
    made = PersonFactory(branch=branch, pending_review=True, **person)
    Person.objects.filter(pk=made.pk).update(created_at=when)
    return made


def _invitation(branch, *, expires_at, accepted=False):
    return RoleInvitation.objects.create(
        branch=branch,
        email=f"{secrets.token_hex(4)}@example.org",
        role=RoleName.STEWARD,
        token_hash=secrets.token_hex(32),
        created_at=expires_at - timedelta(days=7),
        expires_at=expires_at,
        accepted_at=expires_at - timedelta(days=1) if accepted else None,
    )


def _uploads(branch, organiser, *ages: timedelta) -> list[str]:
    """Stored uploads last written `age` before AT (all saved first: saving
    one purges the files a day old by the real clock)."""
    tokens = [
        jobs.save_upload(branch=branch, user=organiser, uploaded=SimpleUploadedFile("l.csv", b"first_name\nA\n"))
        for _ in ages
    ]
    for token, age in zip(tokens, ages, strict=True):
        when = (AT - age).timestamp()
        for path in jobs._paths(token):
            os.utime(path, (when, when))
    return tokens


@pytest.fixture
def world(branch, organiser, uploads):
    w = {
        "old_former": _ended(branch, date(2019, 12, 31), first_name="Olwen", last_name="Gone"),
        "recent_former": _ended(branch, date(2021, 1, 1), first_name="Rhys", last_name="Recent"),
        "still_member": person_with_membership(branch, first_name="Sian", last_name="Current"),
        "no_membership": PersonFactory(branch=branch, first_name="Nia", last_name="Nothing"),
        "stale_interest": _registered(branch, AT - timedelta(days=91), first_name="Stale", last_name="Pending"),
        "fresh_interest": _registered(branch, AT - timedelta(days=30), first_name="Fresh", last_name="Pending"),
        "expired_invite": _invitation(branch, expires_at=AT - timedelta(days=1)),
        "accepted_invite": _invitation(branch, expires_at=AT - timedelta(days=1), accepted=True),
        "live_invite": _invitation(branch, expires_at=AT + timedelta(days=3)),
    }
    w["old_upload"], w["new_upload"] = _uploads(branch, organiser, timedelta(hours=25), timedelta(hours=2))
    # One membership ended long ago, the other still open: kept.
    mixed = _ended(branch, date(2012, 1, 1), first_name="Mixed", last_name="Both")
    person_with_membership(branch, first_name="x")  # someone else, untouched
    from groups.models import Category, Membership

    Membership.objects.create(
        person=mixed,
        branch=branch,
        category=Category.objects.get(branch=branch, slug="supporter"),
        started_on=date(2020, 1, 1),
    )
    w["mixed"] = mixed
    Session.objects.create(session_key="expired" + "x" * 25, session_data="", expire_date=AT - timedelta(hours=1))
    Session.objects.create(session_key="live" + "y" * 28, session_data="", expire_date=AT + timedelta(days=1))
    return w


def _living(world, key):
    return Person.objects.filter(pk=world[key].pk).exists()


def test_the_dry_run_prints_what_would_go_and_changes_nothing(branch, world):
    out = StringIO()
    call_command("apply_retention", "--dry-run", "--at", AT.isoformat(), stdout=out)
    text = out.getvalue()
    assert (
        f"{branch.slug}: would erase 1 former member(s) (memberships all ended before 2020-06-01) and "
        "1 unreviewed registration(s) of interest; would delete 1 import upload(s) and 1 expired role invitation(s)"
    ) in text
    assert "Site: would delete 1 expired sign-in session(s)." in text and "Dry run: nothing was changed." in text
    assert all(_living(world, k) for k in ("old_former", "stale_interest"))
    assert RoleInvitation.objects.filter(pk=world["expired_invite"].pk).exists()
    assert Session.objects.count() == 2
    assert not AuditEvent.objects.filter(action=AuditAction.RETENTION_APPLY).exists()
    assert "Olwen" not in text and "Stale" not in text  # counts, never who


def test_the_real_run_applies_the_schedule_and_audits_counts_only(
    branch, world, uploads, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # uploads go once the run commits
        call_command("apply_retention", "--at", AT.isoformat(), stdout=StringIO())
    assert not _living(world, "old_former") and not _living(world, "stale_interest")
    assert Person.everyone.get(pk=world["old_former"].pk).erased_at == AT
    for kept in ("recent_former", "still_member", "no_membership", "fresh_interest", "mixed"):
        assert _living(world, kept), kept
    assert set(RoleInvitation.objects.filter(branch=branch).values_list("pk", flat=True)) == {
        world["accepted_invite"].pk,
        world["live_invite"].pk,
    }
    left = {p.name.split(".")[0] for p in uploads.iterdir()}
    assert world["old_upload"] not in left and world["new_upload"] in left
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live" + "y" * 28]

    [run] = AuditEvent.objects.filter(branch=branch, action=AuditAction.RETENTION_APPLY)
    assert run.at == AT and run.actor is None
    assert run.changes == {"former_members": 1, "interest": 1, "uploads": 1, "role_invitations": 1, "erased": 2}
    assert "Olwen" not in run.summary and "Stale" not in run.summary
    [sessions] = AuditEvent.objects.filter(branch=None, action=AuditAction.RETENTION_APPLY)
    assert sessions.changes == {"sessions": 1}
    erasures = AuditEvent.objects.filter(action=AuditAction.PERSON_ERASE).values_list("changes", flat=True)
    assert sorted(e["reason"] for e in erasures) == [
        "Retention: a registration of interest not reviewed in 90 days",
        "Retention: every membership ended more than 6 years ago",
    ]
    # A second run the same day finds nothing more to do.
    again = retention_services.apply_retention(branch=branch, at=AT)
    assert again.counts() == {"former_members": 0, "interest": 0, "uploads": 0, "role_invitations": 0}


def test_a_longer_schedule_keeps_more(branch, organiser, world):
    retention_services.update_schedule(
        branch=branch, actor=organiser, data={"former_member_years": 10, "interest_days": 120, "upload_hours": 48}
    )
    run = retention_services.apply_retention(branch=branch, at=AT, dry_run=True)
    assert run.counts() == {"former_members": 0, "interest": 0, "uploads": 0, "role_invitations": 1}
    assert run.plan.ended_before == date(2016, 6, 1)


def test_the_daily_task_runs_only_when_planned_then_plans_the_next(branch, organiser, world, monkeypatch):
    monkeypatch.setattr(retention_services.timezone, "now", lambda: AT)
    due = retention_services.plan_daily_run(branch=branch, now=AT - timedelta(days=1))
    assert due == AT
    # A stale task (another time planned) does nothing.
    assert retention_services.retention_run.call(branch_id=branch.pk, due=(AT - timedelta(hours=3)).isoformat()) == {}
    assert _living(world, "old_former")
    result = retention_services.retention_run.call(branch_id=branch.pk, due=AT.isoformat())
    assert result["erased"] == 2 and not _living(world, "old_former")
    assert RetentionSchedule.objects.get(branch=branch).next_run_at == AT + timedelta(days=1)
    # The same task delivered twice runs once.
    assert retention_services.retention_run.call(branch_id=branch.pk, due=AT.isoformat()) == {}


# --- the page -----------------------------------------------------------------


def test_the_page_shows_the_defaults_and_what_would_go_now(branch, organiser, client_for):
    _ended(branch, date(2001, 1, 1), first_name="Ancient")
    html = client_for(organiser).get(reverse("retention", args=[branch.slug])).content.decode()
    for default in ('value="6"', 'value="90"', 'value="24"'):
        assert default in html
    assert "Former members to erase</dt><dd>1 " in html
    assert "It has not run yet." in html


def test_saving_the_schedule_is_audited_and_bad_numbers_are_refused(branch, organiser, client_for):
    client = client_for(organiser)
    url = reverse("retention", args=[branch.slug])
    response = client.post(url, {"former_member_years": "0", "interest_days": "90", "upload_hours": "24"})
    assert response.status_code == 400 and "Give between 1 and 50 years." in response.content.decode()
    response = client.post(url, {"former_member_years": "7", "interest_days": "60", "upload_hours": "12"})
    assert response.status_code == 302
    schedule = RetentionSchedule.objects.get(branch=branch)
    assert (schedule.former_member_years, schedule.interest_days, schedule.upload_hours) == (7, 60, 12)
    [event] = AuditEvent.objects.filter(action=AuditAction.RETENTION_UPDATE)
    assert event.changes["former_member_years"] == {"old": 6, "new": 7}


def test_stewards_may_not_open_the_schedule(branch, steward, client_for):
    assert client_for(steward).get(reverse("retention", args=[branch.slug])).status_code == 403


def test_the_page_runs_a_fixed_number_of_queries(branch, organiser, client_for, django_assert_num_queries, uploads):
    for i in range(12):
        _ended(branch, date(2001, 1, 1), first_name=f"Old{i}")
    client = client_for(organiser)
    # session, user, branches with roles, schedule, former members, interest, role invitations, last run,
    # a retention run that stopped part-way
    with django_assert_num_queries(9):
        assert client.get(reverse("retention", args=[branch.slug])).status_code == 200
