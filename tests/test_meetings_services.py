from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail

from groups.errors import Conflict, InvalidInput
from groups.models import AuditEvent, Invitation, KindDefault, Meeting, MeetingKind
from groups.services import cancellations, kind_defaults
from groups.services import meetings as services
from groups.services.branches import create_branch

from .factories import PersonFactory, UserFactory
from .meetings_helpers import at, make_meeting

pytestmark = pytest.mark.django_db


def test_new_branch_gets_usual_rules_per_kind(branch):
    defaults = kind_defaults.kind_defaults(branch)
    assert defaults["organisational"].name == "Party members only"
    assert defaults["agm"].name == "Party members only"
    assert defaults["selection"].name == "Party members only"
    assert defaults["open"].name == "Everyone"
    assert defaults["social"].name == "Everyone"
    assert KindDefault.objects.filter(branch=branch).count() == len(MeetingKind.values)


def test_meeting_takes_the_kinds_usual_rule_unless_given(branch, organiser):
    org = make_meeting(branch, organiser, kind="organisational")
    assert org.attendance_rule.name == "Party members only"
    everyone = make_meeting(branch, organiser, kind="open")
    assert everyone.attendance_rule.name == "Everyone"
    none = make_meeting(branch, organiser, kind="organisational", attendance_rule=None)
    assert none.attendance_rule is None


def test_changed_usual_rule_applies_to_new_meetings_and_is_audited(branch, organiser):
    six_months = branch.rules.get(name="Party members of six months or more")
    kind_defaults.set_kind_defaults(branch=branch, defaults={"agm": six_months}, actor=organiser)
    assert make_meeting(branch, organiser, kind="agm").attendance_rule == six_months
    event = AuditEvent.objects.get(action="meeting.kind_defaults")
    assert event.changes["agm"]["new"] == six_months.pk


@pytest.mark.parametrize(
    ("changes", "code", "message"),
    [
        ({"ends_at": at(2030, 5, 14, 18, 0)}, "ends_before_starts", "cannot end before it starts"),
        ({"quorum_percent": Decimal("100.5")}, "bad_quorum_percent", "between 0 and 100"),
        ({"quorum_percent": -1}, "bad_quorum_percent", "between 0 and 100"),
        ({"capacity": -1}, "bad_capacity", "0 or more"),
        ({"quorum": -3}, "bad_quorum", "0 or more"),
        ({"title": "  "}, "title_required", "title"),
        ({"kind": "party"}, "bad_kind", "kind of meeting"),
    ],
)
def test_bad_input_is_refused_with_a_sentence_and_nothing_written(branch, organiser, changes, code, message):
    with pytest.raises(InvalidInput) as exc:
        make_meeting(branch, organiser, **changes)
    assert exc.value.code == code
    assert message in exc.value.message
    assert not Meeting.objects.exists()
    assert not AuditEvent.objects.filter(action="meeting.create").exists()


def test_quorum_percent_bounds_are_allowed(branch, organiser):
    assert make_meeting(branch, organiser, quorum_percent=0).quorum_percent == 0
    assert make_meeting(branch, organiser, quorum_percent=100).quorum_percent == 100


def test_rule_of_another_branch_is_refused(branch, organiser):
    other = create_branch(name="Other", slug="other", actor=UserFactory())
    foreign = other.rules.first()
    with pytest.raises(InvalidInput) as exc:
        make_meeting(branch, organiser, attendance_rule=foreign)
    assert exc.value.code == "rule_other_branch"
    with pytest.raises(InvalidInput):
        make_meeting(branch, organiser, voting_rule=foreign)
    meeting = make_meeting(branch, organiser)
    with pytest.raises(InvalidInput):
        services.update_meeting(meeting=meeting, actor=organiser, attendance_rule=foreign)
    meeting.refresh_from_db()
    assert meeting.attendance_rule.branch == branch


def test_create_and_update_are_audited_with_old_and_new(branch, organiser):
    meeting = make_meeting(branch, organiser, capacity=40)
    assert AuditEvent.objects.filter(action="meeting.create", object_id=str(meeting.pk), actor=organiser).exists()
    services.update_meeting(meeting=meeting, actor=organiser, capacity=50, location="Library")
    event = AuditEvent.objects.get(action="meeting.update")
    assert event.changes["capacity"] == {"old": 40, "new": 50}
    assert event.changes["location"] == {"old": "", "new": "Library"}
    # No change, no event.
    services.update_meeting(meeting=meeting, actor=organiser, capacity=50)
    assert AuditEvent.objects.filter(action="meeting.update").count() == 1


def test_eligibility_date_defaults_to_the_local_date_of_the_meeting(branch, organiser):
    # 00:30 on 1 Jul in London is still 30 Jun in UTC.
    meeting = make_meeting(branch, organiser, starts_at=at(2030, 7, 1, 0, 30))
    assert meeting.eligibility_date is None
    assert meeting.effective_eligibility_date == date(2030, 7, 1)
    meeting = make_meeting(branch, organiser, eligibility_date=date(2030, 6, 1))
    assert meeting.effective_eligibility_date == date(2030, 6, 1)


def test_duplicate_keeps_details_on_a_new_date(branch, organiser):
    six_months = branch.rules.get(name="Party members of six months or more")
    original = make_meeting(
        branch,
        organiser,
        ends_at=at(2030, 5, 14, 21, 30),
        voting_rule=six_months,
        quorum=12,
        quorum_percent=Decimal("10"),
        capacity=60,
        location="Library",
        agenda="1. Minutes",
        eligibility_date=date(2030, 5, 1),
        status="published",
    )
    copy = services.duplicate_meeting(meeting=original, actor=organiser, starts_at=at(2030, 6, 11))
    assert copy.pk != original.pk
    assert copy.status == "draft"
    assert (copy.title, copy.kind, copy.location, copy.agenda) == (
        original.title,
        "organisational",
        "Library",
        "1. Minutes",
    )
    assert (copy.voting_rule, copy.attendance_rule, copy.quorum, copy.capacity) == (
        six_months,
        original.attendance_rule,
        12,
        60,
    )
    assert copy.ends_at - copy.starts_at == timedelta(hours=2)
    assert copy.eligibility_date == date(2030, 5, 29)
    assert AuditEvent.objects.filter(action="meeting.duplicate", object_id=str(copy.pk)).exists()


def test_publish_only_drafts(branch, organiser):
    meeting = make_meeting(branch, organiser)
    services.publish_meeting(meeting=meeting, actor=organiser)
    meeting.refresh_from_db()
    assert meeting.status == "published"
    assert AuditEvent.objects.filter(action="meeting.publish").count() == 1
    cancellations.cancel_meeting(meeting=meeting, actor=organiser, reason="Room flooded")
    with pytest.raises(Conflict):
        services.publish_meeting(meeting=meeting, actor=organiser)


def test_cancel_needs_a_reason(branch, organiser):
    meeting = make_meeting(branch, organiser)
    with pytest.raises(InvalidInput) as exc:
        cancellations.cancel_meeting(meeting=meeting, actor=organiser, reason=" ")
    assert exc.value.code == "reason_required"
    meeting.refresh_from_db()
    assert meeting.status == "draft"


def test_cancel_emails_only_invitees_who_consented(branch, organiser, django_capture_on_commit_callbacks):
    meeting = make_meeting(branch, organiser, status="published")
    yes = PersonFactory(branch=branch, email="yes@example.org", consent_email=True)
    no = PersonFactory(branch=branch, email="no@example.org", consent_email=False)
    PersonFactory(branch=branch, email="uninvited@example.org", consent_email=True)
    Invitation.objects.create(meeting=meeting, person=yes)
    Invitation.objects.create(meeting=meeting, person=no)
    with django_capture_on_commit_callbacks(execute=True):
        cancellations.cancel_meeting(meeting=meeting, actor=organiser, reason="The hall is closed for repairs")
    assert [m.to for m in mail.outbox] == [["yes@example.org"]]
    assert "The hall is closed for repairs" in mail.outbox[0].body
    assert "Tue 14 May 2030, 19:30" in mail.outbox[0].subject
    meeting.refresh_from_db()
    assert (meeting.status, meeting.cancel_reason) == ("cancelled", "The hall is closed for repairs")
    event = AuditEvent.objects.get(action="meeting.cancel")
    assert event.changes["status"] == {"old": "published", "new": "cancelled"}
    with pytest.raises(Conflict):
        cancellations.cancel_meeting(meeting=meeting, actor=organiser, reason="again")


def test_cancel_without_invitations_sends_nothing(branch, organiser, django_capture_on_commit_callbacks):
    meeting = make_meeting(branch, organiser)
    with django_capture_on_commit_callbacks(execute=True):
        cancellations.cancel_meeting(meeting=meeting, actor=organiser, reason="No room")
    assert mail.outbox == []
    assert cancellations.notify_cancellation(meeting) == 0


def test_cancelled_meeting_cannot_be_edited(branch, organiser):
    meeting = make_meeting(branch, organiser)
    cancellations.cancel_meeting(meeting=meeting, actor=organiser, reason="No room")
    with pytest.raises(Conflict):
        services.update_meeting(meeting=meeting, actor=organiser, title="New")


@pytest.mark.parametrize("day", [date(2030, 10, 27), date(2030, 3, 31)])
def test_local_time_on_clock_change_days_is_kept(branch, organiser, day):
    """The last Sundays of October and March 2030: 19:30 local stays 19:30."""
    meeting = make_meeting(branch, organiser, starts_at=at(day.year, day.month, day.day))
    meeting.refresh_from_db()
    local = meeting.starts_at.astimezone(branch.zone)
    assert (local.date(), local.hour, local.minute) == (day, 19, 30)
    expected_utc_hour = 19 if day.month == 10 else 18  # GMT after the October change, BST after March's
    assert meeting.starts_at.astimezone(branch.zone).utcoffset() == timedelta(hours=19 - expected_utc_hour)


def test_a_failed_cancellation_email_does_not_stop_the_others(
    branch, organiser, django_capture_on_commit_callbacks, monkeypatch
):
    """The cancellation is committed before the emails go: one mail server
    refusal must neither turn the page into an error nor leave the rest untold."""
    from django.core.mail import EmailMultiAlternatives

    meeting = make_meeting(branch, organiser, status="published")
    for who in ("bounce", "ana", "bo"):
        Invitation.objects.create(
            meeting=meeting, person=PersonFactory(branch=branch, email=f"{who}@example.org", consent_email=True)
        )
    real_send = EmailMultiAlternatives.send

    def send(self, *args, **kwargs):
        if self.to == ["bounce@example.org"]:
            raise ConnectionRefusedError("mail server refused")
        return real_send(self, *args, **kwargs)

    monkeypatch.setattr(EmailMultiAlternatives, "send", send)
    with django_capture_on_commit_callbacks(execute=True):
        cancellations.cancel_meeting(meeting=meeting, actor=organiser, reason="Snow")
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@example.org", "bo@example.org"]
    meeting.refresh_from_db()
    assert meeting.status == "cancelled"
