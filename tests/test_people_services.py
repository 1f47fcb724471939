"""People services: validation, normalisation, uniqueness, consent, audit, bulk actions."""

from datetime import UTC, date, datetime, timedelta

import pytest

from groups.errors import InvalidInput
from groups.models import AuditEvent, Membership, Person
from groups.services import people as svc

from .factories import MembershipFactory

AT = datetime(2016, 4, 14, 19, 30, tzinfo=UTC)


def _create(branch, actor, memberships=(), **data):
    data.setdefault("first_name", "Ada")
    return svc.create_person(branch=branch, actor=actor, data=data, memberships=memberships)


def _errors(exc_info):
    return exc_info.value.details["errors"]


def test_create_normalises_phone_postcode_and_whitespace(branch, organiser):
    person = _create(
        branch,
        organiser,
        first_name="  Ada  ",
        last_name="Lovelace",
        email=" ada@example.org ",
        phone="07700 900154",
        postcode="n154ab",
        ward=" Tottenham   Green ",
    )
    person.refresh_from_db()
    assert person.first_name == "Ada"
    assert person.email == "ada@example.org"
    assert person.phone == "+447700900154"
    assert person.postcode == "N15 4AB"
    assert person.ward == "Tottenham Green"


def test_create_needs_a_first_or_last_name(branch, organiser):
    with pytest.raises(InvalidInput) as exc:
        svc.create_person(branch=branch, actor=organiser, data={"email": "x@example.org"})
    assert _errors(exc) == {"first_name": ["Enter a first name or a last name."]}
    assert exc.value.code == "invalid_person"
    svc.create_person(branch=branch, actor=organiser, data={"last_name": "Only"})


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-email", "“not-an-email” is not an email address (for example name@example.org)."),
        ("phone", "12", "“12” is not a valid phone number (check the number of digits)."),
        ("postcode", "NOT A CODE", "“NOT A CODE” is not a UK postcode (for example N15 4AB)."),
        ("date_of_birth", "31/02/1990", "“31/02/1990” is not a real date."),
        ("date_of_birth", "1990.02.14", "“1990.02.14” is not a date: write it as DD/MM/YYYY or YYYY-MM-DD."),
        ("first_name", "A" * 101, "This is longer than 100 characters; shorten it."),
        ("consent_email", "perhaps", "“perhaps” is not yes or no."),
        ("favourite_colour", "red", "“favourite_colour” is not a field of a person."),
    ],
)
def test_bad_person_fields_are_named_with_a_readable_message(branch, organiser, field, value, message):
    with pytest.raises(InvalidInput) as exc:
        _create(branch, organiser, **{field: value})
    assert _errors(exc) == {field: [message]}
    assert not Person.objects.filter(branch=branch).exists()


def test_date_of_birth_in_the_future_is_refused(branch, organiser):
    with pytest.raises(InvalidInput) as exc:
        _create(branch, organiser, date_of_birth=date.today() + timedelta(days=2))
    assert _errors(exc)["date_of_birth"] == ["The date of birth cannot be in the future."]


def test_dates_accept_both_formats(branch, organiser):
    person = _create(
        branch,
        organiser,
        date_of_birth="14/04/1990",
        memberships=[{"category": "party-member", "started_on": "2015-03-01", "dues_paid_until": "01/01/2017"}],
    )
    assert person.date_of_birth == date(1990, 4, 14)
    m = person.memberships.get()
    assert (m.started_on, m.dues_paid_until) == (date(2015, 3, 1), date(2017, 1, 1))


def test_email_is_unique_per_branch_ignoring_case(branch, organiser, other_branch):
    _create(branch, organiser, email="Ada@Example.org")
    with pytest.raises(InvalidInput) as exc:
        _create(branch, organiser, email="ada@example.ORG")
    assert _errors(exc) == {"email": ["Someone in this branch already has the email address ada@example.ORG."]}
    # Another branch may know the same person.
    svc.create_person(branch=other_branch, actor=None, data={"first_name": "Ada", "email": "ada@example.org"})


def test_updating_a_person_keeps_their_own_email(branch, organiser):
    person = _create(branch, organiser, email="ada@example.org")
    svc.update_person(person=person, actor=organiser, data={"email": "ADA@example.org", "last_name": "L"})
    person.refresh_from_db()
    assert person.email == "ADA@example.org"


def test_membership_validation_names_each_row_and_field(branch, organiser):
    with pytest.raises(InvalidInput) as exc:
        _create(
            branch,
            organiser,
            memberships=[
                {"category": "party-member", "started_on": "2016-01-01"},
                {"category": "astronaut", "status": "retired", "started_on": "", "ended_on": "2010-01-01"},
                {"category": "supporter", "started_on": "2016-05-01", "ended_on": "2016-04-01"},
                {"category": "supporter", "started_on": "2016-05-01", "continuous_since": "2017-01-01"},
            ],
        )
    assert _errors(exc) == {
        "memberships.1.category": ["“astronaut” is not a category of this branch."],
        "memberships.1.status": ["“retired” is not a status: use active, lapsed, suspended or resigned."],
        "memberships.1.started_on": ["Enter the date this membership started."],
        "memberships.2.ended_on": ["The end date must be on or after the start date."],
        "memberships.3.continuous_since": ["“Continuous since” must be on or before the start date."],
    }
    assert exc.value.message.startswith("There are 5 problems to fix:")
    assert not Person.objects.exists()
    assert not Membership.objects.exists()


def test_membership_number_is_unique_per_branch_and_category(branch, organiser):
    _create(branch, organiser, memberships=[{"category": "party-member", "number": "L1", "started_on": "2015-01-01"}])
    with pytest.raises(InvalidInput) as exc:
        _create(
            branch, organiser, memberships=[{"category": "party-member", "number": "L1", "started_on": "2015-01-01"}]
        )
    assert _errors(exc) == {"memberships.0.number": ["Someone else in this branch already has Party member number L1."]}
    # The same number in another category is a different number.
    _create(branch, organiser, memberships=[{"category": "supporter", "number": "L1", "started_on": "2015-01-01"}])


def test_the_same_number_twice_in_one_request_is_refused(branch, organiser):
    row = {"category": "party-member", "number": "L9", "started_on": "2015-01-01"}
    with pytest.raises(InvalidInput) as exc:
        _create(branch, organiser, memberships=[row, dict(row)])
    assert _errors(exc) == {"memberships.1.number": ["Membership number L9 is given twice for Party member."]}


def test_category_may_be_given_as_a_category_object(branch, organiser, other_branch):
    party = branch.categories.get(slug="party-member")
    person = _create(branch, organiser, memberships=[{"category": party, "started_on": date(2015, 1, 1)}])
    assert person.memberships.get().category == party
    elsewhere = other_branch.categories.create(name="X", slug="x")
    with pytest.raises(InvalidInput) as exc:
        _create(branch, organiser, memberships=[{"category": elsewhere, "started_on": date(2015, 1, 1)}])
    assert "memberships.0.category" in _errors(exc)


def test_consent_timestamps_are_recorded_when_consent_changes(branch, organiser):
    person = svc.create_person(
        branch=branch, actor=organiser, data={"first_name": "A", "consent_email": True, "consent_phone": False}, at=AT
    )
    assert person.consent_email_at == AT
    assert person.consent_phone_at is None
    later = AT + timedelta(days=3)
    svc.update_person(person=person, actor=organiser, data={"consent_email": True, "consent_phone": True}, at=later)
    person.refresh_from_db()
    assert person.consent_email_at == AT  # unchanged consent keeps its date
    assert person.consent_phone_at == later
    withdrawn = later + timedelta(days=1)
    svc.update_person(person=person, actor=organiser, data={"consent_email": False}, at=withdrawn)
    person.refresh_from_db()
    assert (person.consent_email, person.consent_email_at) == (False, withdrawn)


def test_create_writes_an_audit_event_without_personal_values(branch, organiser):
    person = _create(
        branch,
        organiser,
        first_name="Zelda",
        email="zelda@example.org",
        memberships=[{"category": "party-member", "started_on": "2015-01-01"}],
    )
    event = AuditEvent.objects.get(action="person.create")
    assert (event.person_id, event.actor, event.branch) == (person.pk, organiser, branch)
    assert "Zelda" not in event.summary and "zelda" not in str(event.changes)
    assert event.changes == {"memberships": 1, "categories": ["party-member"]}


def test_update_records_old_and_new_values(branch, organiser):
    person = _create(
        branch,
        organiser,
        postcode="N15 4AB",
        memberships=[{"category": "party-member", "number": "L5", "started_on": "2015-01-01"}],
    )
    membership = person.memberships.get()
    svc.update_person(
        person=person,
        actor=organiser,
        data={"postcode": "n4 1aa"},
        memberships=[
            {
                "id": membership.pk,
                "category": "party-member",
                "number": "L5",
                "status": "lapsed",
                "started_on": "2015-01-01",
            }
        ],
    )
    event = AuditEvent.objects.get(action="person.update")
    assert event.person_id == person.pk
    assert event.changes["postcode"] == {"old": "N15 4AB", "new": "N4 1AA"}
    assert event.changes[f"memberships.{membership.pk}.status"] == {"old": "active", "new": "lapsed"}
    membership.refresh_from_db()
    assert membership.status == "lapsed"


def test_update_with_no_change_writes_no_event(branch, organiser):
    person = _create(branch, organiser, last_name="Same")
    svc.update_person(person=person, actor=organiser, data={"last_name": "Same"})
    assert not AuditEvent.objects.filter(action="person.update").exists()


def test_update_memberships_keeps_updates_creates_and_deletes(branch, organiser):
    person = _create(
        branch,
        organiser,
        memberships=[
            {"category": "party-member", "number": "L1", "started_on": "2015-01-01"},
            {"category": "supporter", "started_on": "2014-01-01"},
        ],
    )
    party, supporter = person.memberships.order_by("category__order")
    svc.update_person(
        person=person,
        actor=organiser,
        data={},
        memberships=[
            {
                "id": party.pk,
                "category": "party-member",
                "number": "L1",
                "started_on": "2015-01-01",
                "dues_paid_until": "2017-01-01",
            },
            {"category": "registered-supporter", "started_on": "2016-02-02"},
        ],
    )
    rows = {m.category.slug: m for m in person.memberships.select_related("category")}
    assert set(rows) == {"party-member", "registered-supporter"}
    assert rows["party-member"].pk == party.pk
    assert rows["party-member"].dues_paid_until == date(2017, 1, 1)
    assert not Membership.objects.filter(pk=supporter.pk).exists()
    changes = AuditEvent.objects.get(action="person.update").changes
    assert changes[f"memberships.{supporter.pk}"] == {"old": "supporter", "new": None}


def test_memberships_none_leaves_them_alone(branch, organiser):
    person = _create(branch, organiser, memberships=[{"category": "supporter", "started_on": "2014-01-01"}])
    svc.update_person(person=person, actor=organiser, data={"ward": "Harringay"}, memberships=None)
    assert person.memberships.count() == 1


def test_a_membership_id_of_someone_else_is_refused(branch, organiser):
    other = MembershipFactory(person__branch=branch, category=branch.categories.get(slug="supporter"))
    person = _create(branch, organiser)
    with pytest.raises(InvalidInput) as exc:
        svc.update_person(
            person=person,
            actor=organiser,
            data={},
            memberships=[{"id": other.pk, "category": "supporter", "started_on": "2015-01-01"}],
        )
    assert _errors(exc) == {"memberships.0.id": ["This membership does not belong to this person."]}
    other.refresh_from_db()
    assert other.person_id != person.pk


def test_a_bad_membership_leaves_the_person_unchanged(branch, organiser):
    person = _create(branch, organiser, last_name="Before")
    with pytest.raises(InvalidInput):
        svc.update_person(
            person=person,
            actor=organiser,
            data={"last_name": "After"},
            memberships=[{"category": "nope", "started_on": "2015-01-01"}],
        )
    person.refresh_from_db()
    assert person.last_name == "Before"


def test_delete_removes_person_and_memberships_and_audits_counts_only(branch, organiser):
    person = _create(
        branch, organiser, first_name="Gone", memberships=[{"category": "supporter", "started_on": "2014-01-01"}]
    )
    pk = person.pk
    svc.delete_person(person=person, actor=organiser)
    assert not Person.objects.filter(pk=pk).exists()
    assert not Membership.objects.filter(person_id=pk).exists()
    event = AuditEvent.objects.get(action="person.delete")
    assert event.person_id == pk
    assert event.changes == {"memberships": 1}
    assert "Gone" not in event.summary


# --- bulk ------------------------------------------------------------------


def _people(branch, n, category="party-member", **membership):
    cat = branch.categories.get(slug=category)
    return [MembershipFactory(person__branch=branch, category=cat, **membership).person for _ in range(n)]


def test_bulk_set_status_counts_only_people_who_change(branch, organiser):
    active = _people(branch, 3)
    already = _people(branch, 2, status="lapsed")
    changed = svc.bulk_update_people(
        branch=branch, actor=organiser, person_ids=[p.pk for p in active + already], action="set_status", value="lapsed"
    )
    assert changed == 3
    assert set(Membership.objects.values_list("status", flat=True)) == {"lapsed"}
    event = AuditEvent.objects.get(action="person.bulk_update")
    assert event.changes == {
        "action": "set_status",
        "value": {"status": "lapsed", "category": None},
        "selected": 5,
        "changed": 3,
    }
    assert event.person_id is None


def test_bulk_set_status_of_one_category_leaves_the_others(branch, organiser):
    person = _people(branch, 1)[0]
    MembershipFactory(person=person, category=branch.categories.get(slug="supporter"))
    changed = svc.bulk_update_people(
        branch=branch,
        actor=organiser,
        person_ids=[person.pk],
        action="set_status",
        value={"status": "suspended", "category": "supporter"},
    )
    assert changed == 1
    statuses = dict(person.memberships.values_list("category__slug", "status"))
    assert statuses == {"party-member": "active", "supporter": "suspended"}


def test_bulk_add_category_adds_to_those_who_lack_one(branch, organiser):
    has = _people(branch, 2, category="supporter")
    lacks = _people(branch, 3, category="party-member")
    changed = svc.bulk_update_people(
        branch=branch,
        actor=organiser,
        person_ids=[p.pk for p in has + lacks],
        action="add_category",
        value="supporter",
    )
    assert changed == 3
    assert Membership.objects.filter(category__slug="supporter").count() == 5
    new = Membership.objects.filter(category__slug="supporter", person__in=lacks)
    assert {m.started_on for m in new} == {date.today()}
    assert {m.status for m in new} == {"active"}


def test_bulk_set_dues_paid_touches_active_memberships_only(branch, organiser):
    active = _people(branch, 2)
    lapsed = _people(branch, 1, status="lapsed")
    changed = svc.bulk_update_people(
        branch=branch,
        actor=organiser,
        person_ids=[p.pk for p in active + lapsed],
        action="set_dues_paid",
        value="31/12/2016",
    )
    assert changed == 2
    assert Membership.objects.get(person=lapsed[0]).dues_paid_until is None
    assert {m.dues_paid_until for m in Membership.objects.filter(person__in=active)} == {date(2016, 12, 31)}


def test_bulk_ignores_people_of_another_branch(branch, organiser, other_branch):
    mine = _people(branch, 1)
    cat = other_branch.categories.create(name="Party member", slug="party-member")
    theirs = [MembershipFactory(person__branch=other_branch, category=cat).person]
    changed = svc.bulk_update_people(
        branch=branch, actor=organiser, person_ids=[mine[0].pk, theirs[0].pk], action="set_status", value="lapsed"
    )
    assert changed == 1
    assert Membership.objects.get(person=theirs[0]).status == "active"


@pytest.mark.parametrize(
    ("action", "value", "code"),
    [
        ("set_status", "gone", "bad_status"),
        ("add_category", "astronaut", "bad_category"),
        ("set_dues_paid", "soon", "bad_date"),
        ("explode", None, "bad_action"),
    ],
)
def test_bulk_refuses_bad_requests_and_writes_nothing(branch, organiser, action, value, code):
    people = _people(branch, 2)
    with pytest.raises(InvalidInput) as exc:
        svc.bulk_update_people(
            branch=branch, actor=organiser, person_ids=[p.pk for p in people], action=action, value=value
        )
    assert exc.value.code == code
    assert not AuditEvent.objects.filter(action="person.bulk_update").exists()


def test_bulk_needs_a_selection(branch, organiser):
    with pytest.raises(InvalidInput) as exc:
        svc.bulk_update_people(branch=branch, actor=organiser, person_ids=[], action="set_status", value="lapsed")
    assert exc.value.message == "Select at least one person first."


def test_bulk_is_all_or_nothing(branch, organiser, monkeypatch):
    people = _people(branch, 3)

    def broken_record(**kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(svc.audit, "record", broken_record)
    with pytest.raises(RuntimeError):
        svc.bulk_update_people(
            branch=branch, actor=organiser, person_ids=[p.pk for p in people], action="set_status", value="resigned"
        )
    assert set(Membership.objects.values_list("status", flat=True)) == {"active"}


def test_preview_matches_what_the_service_then_does(branch, organiser):
    people = _people(branch, 4) + _people(branch, 2, status="lapsed")
    ids = [p.pk for p in people]
    preview = svc.preview_bulk_update(branch=branch, person_ids=ids, action="set_status", value="lapsed")
    assert (preview["selected"], preview["changes"], preview["unchanged"]) == (6, 4, 2)
    assert (
        svc.bulk_update_people(branch=branch, actor=organiser, person_ids=ids, action="set_status", value="lapsed") == 4
    )
