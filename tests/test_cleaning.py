"""One clean_person for the people form, the API, the door, registrations and
the import: the same value gets the same answer; what differs between callers
is a keyword, and each caller is seen to use it."""

from datetime import date

import pytest
from django.urls import reverse

from groups.cleaning import clean_person
from groups.errors import InvalidInput
from groups.models import Person
from groups.services import attendance, registrations
from groups.services import people as people_services
from groups.services.imports import import_members

from .meetings_helpers import at, make_meeting

TODAY = date(2024, 5, 1)


def test_names_are_tidied_and_a_full_name_ends_with_the_last_name():
    values, errors = clean_person({"first_name": "  Mary   Ann ", "ward": " Bruce  Grove "}, today=TODAY)
    assert (values, errors) == ({"first_name": "Mary Ann", "ward": "Bruce Grove"}, {})
    values, _ = clean_person({"name": "Mary Ann  Smith"}, today=TODAY)
    assert (values["first_name"], values["last_name"]) == ("Mary Ann", "Smith")
    values, _ = clean_person({"name": "Cher"}, today=TODAY)
    assert (values["first_name"], values["last_name"]) == ("Cher", "")


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"first_name": ""}, "first_name", "Enter a first name or a last name."),
        ({"name": "  "}, "name", "Enter a name."),
        ({"name": "A" * 101 + " Smith"}, "name", "This is longer than 100 characters; shorten it."),
        ({"last_name": "X", "notes": "n" * 5001}, "notes", "This is longer than 5000 characters; shorten it."),
        ({"last_name": "X", "email": "ann@"}, "email",
         "“ann@” is not an email address (for example name@example.org)."),
        ({"last_name": "X", "date_of_birth": "2024-05-02"}, "date_of_birth",
         "The date of birth cannot be in the future."),
        ({"last_name": "X", "date_of_birth": "14.04.1990"}, "date_of_birth",
         "“14.04.1990” is not a date: write it as DD/MM/YYYY or YYYY-MM-DD."),
        ({"last_name": "X", "postcode": "N15"}, "postcode", "“N15” is not a UK postcode (for example N15 4AB)."),
        ({"last_name": "X", "shoe_size": "9"}, "shoe_size", "“shoe_size” is not a field of a person."),
    ],
)  # fmt: skip
def test_each_problem_is_named_by_field_with_what_to_fix(data, field, message):
    _, errors = clean_person(data, today=TODAY)
    assert errors == {field: [message]}


def test_a_change_to_other_fields_keeps_the_name_the_person_has():
    assert clean_person({"phone": "07700 900154"}, today=TODAY, current={"first_name": "Ann", "last_name": ""}) == (
        {"phone": "+447700900154"},
        {},
    )


def test_the_callers_differences_are_keywords():
    # The import's stricter phone rule: a number only "possible locally" is not a member's number.
    assert clean_person({"last_name": "X", "phone": "12345"}, today=TODAY)[0]["phone"] == "+4412345"
    _, errors = clean_person({"last_name": "X", "phone": "12345"}, today=TODAY, strict_phone=True)
    assert errors == {"phone": ["“12345” is not a full phone number (check the number of digits)."]}
    # Registrations keep the address in lower case, and need one.
    assert clean_person({"name": "Sam", "email": "Sam@Example.org"}, today=TODAY)[0]["email"] == "Sam@Example.org"
    assert clean_person({"name": "Sam", "email": "Sam@Example.org"}, today=TODAY, lower_email=True)[0]["email"] == (
        "sam@example.org"
    )
    _, errors = clean_person({"name": "Sam"}, today=TODAY, email_required=True)
    assert errors == {"email": ["Enter an email address."]}


# --- each caller uses it ---------------------------------------------------------


@pytest.mark.django_db
def test_the_people_service_and_the_import_read_dates_the_same_way(branch, organiser, tmp_path):
    made = people_services.create_person(
        branch=branch, actor=organiser, data={"last_name": "Form", "date_of_birth": "4/2/1990"}
    )
    source = tmp_path / "members.csv"
    source.write_text("Last name,Date of birth\nListed,4/2/1990\nBad,1990-02-30\n", encoding="utf-8")
    report = import_members(branch=branch, source=source, actor=organiser)
    assert made.date_of_birth == date(1990, 2, 4)
    assert [(e.line, e.column, e.reason) for e in report.errors] == [
        (3, "Date of birth", "“1990-02-30” is not a real date")
    ]


@pytest.mark.django_db
def test_the_import_refuses_a_phone_number_the_form_accepts(branch, organiser, tmp_path):
    source = tmp_path / "members.csv"
    source.write_text("Last name,Phone\nShort,12345\n", encoding="utf-8")
    report = import_members(branch=branch, source=source, actor=organiser)
    assert [(e.column, e.reason) for e in report.errors] == [
        ("Phone", "“12345” is not a full phone number (check the number of digits)")
    ]
    person = people_services.create_person(
        branch=branch, actor=organiser, data={"last_name": "Typed", "phone": "12345"}
    )
    assert person.phone == "+4412345"


@pytest.mark.django_db
def test_a_registration_is_stored_tidied_in_lower_case(branch, organiser):
    meeting = make_meeting(branch, organiser, kind="open", status="published", starts_at=at(2030, 10, 27))
    person = registrations.register_interest(
        meeting=meeting, name=" Mary Ann  Smith ", email="Mary@Example.org", consent_email=True
    )
    assert (person.first_name, person.last_name, person.email) == ("Mary Ann", "Smith", "mary@example.org")
    with pytest.raises(InvalidInput) as refused:
        registrations.register_interest(meeting=meeting, name="", email="x@example.org", consent_email=True)
    assert refused.value.details["errors"] == {"name": ["Enter a name."]}


@pytest.mark.django_db
def test_the_door_puts_each_problem_beside_its_field(client_for, branch, organiser):
    meeting = make_meeting(branch, organiser, status="published", attendance_rule=None)
    url = reverse("door_new_person", args=[branch.slug, meeting.pk])
    response = client_for(organiser).post(url, {"first_name": "Kim", "postcode": "N15"})
    assert response.context["form"].errors == {"postcode": ["“N15” is not a UK postcode (for example N15 4AB)."]}
    assert not Person.objects.exists()
    with pytest.raises(InvalidInput) as refused:
        attendance.create_person_at_door(meeting=meeting, first_name=" ", last_name="", actor=organiser)
    assert refused.value.details["errors"] == {"first_name": ["Enter a first name or a last name."]}
    person, _ = attendance.create_person_at_door(
        meeting=meeting, first_name="  Kim ", last_name="Lee", postcode="n154ab", actor=organiser
    )
    assert (person.first_name, person.postcode) == ("Kim", "N15 4AB")
