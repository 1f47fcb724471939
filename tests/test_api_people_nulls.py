"""JSON null for an optional field is "no value" (CONTRACT.md §4), as
generated API clients send it: never a 400, for text as for dates."""

from groups.models import Membership, Person

URL = "/api/v1/branches/green-lanes/people/"

GENERATED = {  # what an OpenAPI-generated client sends for a person with only a name and a membership
    "first_name": "Ana",
    "last_name": "Silva",
    "email": None,
    "phone": None,
    "postcode": None,
    "ward": None,
    "date_of_birth": None,
    "notes": None,
    "consent_email": None,
    "consent_phone": None,
    "memberships": [
        {
            "id": None,
            "category": "party-member",
            "number": None,
            "status": None,
            "started_on": "2015-03-01",
            "continuous_since": None,
            "ended_on": None,
            "dues_paid_until": None,
        }
    ],
}


def test_create_with_nulls_everywhere_optional(api, organiser, branch):
    response = api(organiser).post(URL, GENERATED, format="json")
    assert response.status_code == 201, response.json()
    person = Person.objects.get(pk=response.json()["id"])
    assert (person.email, person.phone, person.postcode, person.ward, person.notes) == ("", "", "", "", "")
    assert person.date_of_birth is None
    assert person.consent_email is False and person.consent_phone is False
    membership = Membership.objects.get(person=person)
    assert membership.number == "" and membership.status == "active"


def test_postcode_null_alone_is_accepted(api, organiser, branch):
    response = api(organiser).post(URL, {"first_name": "Ben", "postcode": None}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["postcode"] == ""


def test_patch_null_clears_the_text(api, organiser, branch):
    client = api(organiser)
    created = client.post(URL, {"first_name": "Cai", "postcode": "n15 4ab", "ward": "Harringay"}, format="json")
    assert created.json()["postcode"] == "N15 4AB"
    response = client.patch(f"{URL}{created.json()['id']}/", {"postcode": None, "ward": None}, format="json")
    assert response.status_code == 200, response.json()
    person = Person.objects.get(pk=created.json()["id"])
    assert (person.postcode, person.ward) == ("", "")


def test_null_for_a_required_field_is_still_refused(api, organiser, branch):
    body = {"first_name": "Dee", "memberships": [{"category": None, "started_on": "2015-03-01"}]}
    response = api(organiser).post(URL, body, format="json")
    assert response.status_code == 400
    assert "memberships.0.category" in response.json()
    assert not Person.objects.filter(first_name="Dee").exists()


def test_text_must_still_be_text(api, organiser, branch):
    response = api(organiser).post(URL, {"first_name": "Eve", "postcode": 15}, format="json")
    assert response.status_code == 400
    assert "postcode" in response.json()
