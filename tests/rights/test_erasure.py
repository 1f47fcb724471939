"""Issue 15 item 1: erasure removes a person's personal data everywhere, in
one transaction, while past turnout, quorum and closed meetings' records stay
true. The proof is a raw read of every table afterwards (SQLite and
PostgreSQL: run this file with DATABASE_URL set too)."""

from __future__ import annotations

import pytest

from groups.errors import Conflict, InvalidInput
from groups.imports import jobs
from groups.models import (
    Attendance,
    AuditAction,
    AuditEvent,
    Invitation,
    Membership,
    Person,
    RoleInvitation,
    SelfDeclaredAttribute,
)
from groups.queries.records import meeting_record
from groups.services.erasure import erase_person

from . import scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def known(branch, organiser):
    return scenario.build(branch, organiser)


def erase(person, organiser, capture, reason="They asked us to, by email on 3 March"):
    with capture(execute=True):
        return erase_person(person=person, actor=organiser, reason=reason)


def the_account(user):
    """The linked user's own account rows: the account is theirs, not the
    branch's, and erasing their data in one branch unlinks it (they may belong
    to other branches, and delete the account themselves)."""
    return lambda table, row: (
        (table == "auth_user" and row.get("id") == user.pk)
        or (table == "account_emailaddress" and row.get("user_id") == user.pk)
    )


def test_the_scenario_holds_their_data_everywhere_before(known):
    """The dump check can fail: before erasure it finds them in every kind of place."""
    found = scenario.found_in(scenario.dump())
    tables = {f.split(".")[0] for f in found}
    assert {"groups_person", "groups_membership", "groups_auditevent", "groups_attendance"} <= tables
    assert "groups_person.phone: phone" in found
    assert "groups_auditevent.changes: notes" in found
    assert "groups_roleinvitation.email: email" in found
    assert "groups_nomination.consent_note: first name" in found


def test_after_erasure_no_table_holds_their_data(known, organiser, django_capture_on_commit_callbacks):
    erase(known.person, organiser, django_capture_on_commit_callbacks)
    assert scenario.found_in(scenario.dump(), skip=the_account(known.user)) == []


def test_the_tombstone_holds_nothing_personal_and_is_found_nowhere(
    known, organiser, django_capture_on_commit_callbacks
):
    erase(known.person, organiser, django_capture_on_commit_callbacks)
    tomb = Person.everyone.get(pk=known.person.pk)
    assert tomb.erased_at is not None
    assert (tomb.first_name, tomb.last_name, tomb.email, tomb.phone, tomb.postcode, tomb.notes) == ("",) * 6
    assert tomb.date_of_birth is None and tomb.user is None
    assert not tomb.consent_email and tomb.consent_email_at is None and not tomb.consent_phone
    assert str(tomb) == "Erased person"
    assert not Person.objects.filter(pk=tomb.pk).exists()
    assert list(Membership.objects.filter(person=tomb).values_list("number", flat=True)) == [""]
    assert not Invitation.objects.filter(person=tomb).exists()
    assert Invitation.objects.filter(person=known.other).exists()
    assert not SelfDeclaredAttribute.objects.filter(person=tomb).exists()
    assert RoleInvitation.objects.get().email == ""


def test_past_turnout_quorum_and_the_frozen_record_stay_true(known, organiser, django_capture_on_commit_callbacks):
    before = meeting_record(known.closed)
    attendance = Attendance.objects.filter(meeting=known.closed)
    counted = sorted(attendance.values_list("person_id", "may_vote", "undone_at"), key=str)
    erase(known.person, organiser, django_capture_on_commit_callbacks)
    after = meeting_record(known.closed)
    assert after == before
    assert sorted(attendance.values_list("person_id", "may_vote", "undone_at"), key=str) == counted
    mine = Attendance.objects.get(meeting=known.closed, person_id=known.person.pk)
    assert mine.decision == {"eligible": True, "reasons": ["erased"]}
    assert mine.override_reason == "erased"  # still counted as an override
    guest = Attendance.objects.get(meeting=known.closed, person__isnull=True)
    assert (guest.guest_name, guest.guest_email) == ("Erased guest", "")


def test_audit_events_stay_with_their_values_erased(known, organiser, django_capture_on_commit_callbacks):
    about = AuditEvent.objects.filter(person_id=known.person.pk)
    actions = sorted(about.values_list("action", flat=True))
    erase(known.person, organiser, django_capture_on_commit_callbacks)
    # Their open nomination is withdrawn, audited as any withdrawal is.
    assert sorted(about.exclude(action=AuditAction.PERSON_ERASE).values_list("action", flat=True)) == sorted(
        [*actions, AuditAction.ELECTION_WITHDRAW]
    )
    update = about.get(action=AuditAction.PERSON_UPDATE)
    assert update.changes["notes"] == {"old": "erased", "new": "erased"}
    assert "phone" in update.changes  # which fields changed is still told


def test_the_erasure_event_holds_counts_and_a_scrubbed_reason(known, organiser, django_capture_on_commit_callbacks):
    counts = erase(
        known.person, organiser, django_capture_on_commit_callbacks, reason=f"{scenario.FIRST} {scenario.LAST} asked"
    )
    event = AuditEvent.objects.get(action=AuditAction.PERSON_ERASE)
    assert event.actor == organiser and event.person_id == known.person.pk
    assert event.changes["reason"] == "erased asked"
    assert counts["invitations"] == 1 and counts["attributes"] == 1 and counts["uploads"] == 1
    assert event.changes["audit_events"] == counts["audit_events"] >= 4
    assert event.action_label == "Person's data erased"


def test_uploads_that_name_them_go_and_others_stay(known, organiser, branch, django_capture_on_commit_callbacks):
    erase(known.person, organiser, django_capture_on_commit_callbacks)
    with pytest.raises(Exception):  # noqa: B017 - Http404: the upload is gone
        jobs.load_upload(branch=branch, user=organiser, token=known.upload_token)
    assert jobs.load_upload(branch=branch, user=organiser, token=known.other_upload_token)


def test_a_reason_is_required_and_nothing_is_half_written(known, organiser):
    with pytest.raises(InvalidInput) as exc:
        erase_person(person=known.person, actor=organiser, reason="   ")
    assert exc.value.code == "reason_required"
    assert Person.objects.get(pk=known.person.pk).email == scenario.EMAIL
    assert not AuditEvent.objects.filter(action=AuditAction.PERSON_ERASE).exists()


def test_erasing_twice_is_refused(known, organiser, django_capture_on_commit_callbacks):
    erase(known.person, organiser, django_capture_on_commit_callbacks)
    with pytest.raises(Conflict) as exc:
        erase_person(person=known.person, actor=organiser, reason="again")
    assert exc.value.code == "already_erased"


def test_others_data_is_untouched(known, organiser, django_capture_on_commit_callbacks):
    erase(known.person, organiser, django_capture_on_commit_callbacks)
    other = Person.objects.get(pk=known.other.pk)
    assert (other.first_name, other.email) == ("Olive", "olive@example.org")
    assert AuditEvent.objects.filter(person_id=other.pk).exclude(changes={}).exists()
    assert "erased" not in str(list(AuditEvent.objects.filter(person_id=other.pk).values_list("changes", flat=True)))


def test_an_event_about_someone_else_loses_only_the_values_that_name_them(
    branch, organiser, known, django_capture_on_commit_callbacks
):
    from groups.services import audit

    audit.record(
        actor=organiser,
        branch=branch,
        action=AuditAction.ROLE_INVITE,
        summary=f"Invited {scenario.EMAIL} to be a steward",
        changes={"email": {"old": None, "new": scenario.EMAIL.upper()}, "role": {"old": None, "new": "steward"}},
    )
    erase(known.person, organiser, django_capture_on_commit_callbacks)
    event = AuditEvent.objects.get(action=AuditAction.ROLE_INVITE)
    assert event.summary == "Invited erased to be a steward"
    assert event.changes == {"email": {"old": None, "new": "erased"}, "role": {"old": None, "new": "steward"}}


def test_a_name_with_accents_is_found_wherever_it_is_stored(branch, organiser, django_capture_on_commit_callbacks):
    from groups.services import audit
    from groups.services.people import create_person, update_person

    person = create_person(branch=branch, actor=organiser, data={"first_name": "Siân", "last_name": "Ó Briain"})
    update_person(person=person, actor=organiser, data={"notes": "Siân Ó Briain chairs the tenants’ association"})
    # An event about no one in particular that names her (JSON stores "Si\u00e2n" on SQLite).
    audit.record(
        actor=organiser, branch=branch, action=AuditAction.PERSON_BULK_UPDATE, changes={"who": "Siân Ó Briain"}
    )
    erase(person, organiser, django_capture_on_commit_callbacks)
    dumped = str(scenario.dump()).lower()
    assert "siân" not in dumped and "si\\\\u00e2n" not in dumped and "briain" not in dumped
