"""Issue 14 item 1: the door's search finds names mistyped by a letter or two
("Adeymi" for Adeyemi), only when the exact search finds nobody: pg_trgm on
PostgreSQL, RapidFuzz on SQLite (groups/queries/door_close.py). Run on both."""

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from groups.models import Person, Rule
from groups.queries.door import door_results, door_search
from groups.queries.door_close import allowed_edits, typed_words

from ..factories import MeetingFactory, PersonFactory, person_with_membership

pytestmark = pytest.mark.django_db


person_in = person_with_membership  # one membership of the category, since 1 January 2015


@pytest.fixture
def people(branch):
    return {
        "emre": person_in(branch, first_name="Emre", last_name="Adeyemi"),
        "oluwaseun": person_in(branch, first_name="Oluwaseun", last_name="Bakare"),
        "ana": person_in(branch, first_name="Ana", last_name="Silva"),
        "kowalski": person_in(branch, first_name="Piotr", last_name="Kowalski"),
    }


@pytest.fixture
def meeting(branch):
    rule = Rule.objects.get(branch=branch, name="Party members only")
    return MeetingFactory(branch=branch, title="Branch meeting", attendance_rule=rule, voting_rule=rule, quorum=2)


def names(found):
    return [str(p) for p in found.people]


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("Adeymi", "Emre Adeyemi"),  # a surname with a letter missing
        ("adeyemmi", "Emre Adeyemi"),  # ... one too many
        ("Kovalski", "Piotr Kowalski"),  # ... one wrong
        ("Emer Adeyemi", "Emre Adeyemi"),  # a first name with two letters swapped, in "first last"
        ("adeyemi emer", "Emre Adeyemi"),  # surname first, with the same typo
        ("Adeymi Emre", "Emre Adeyemi"),  # surname first, the surname mistyped
        ("Oluwasen", "Oluwaseun Bakare"),  # a first name alone
    ],
)
def test_a_name_mistyped_by_a_letter_or_two_is_a_close_match(branch, people, typed, expected):
    found = door_results(branch, typed)
    assert found.close and found.more == ""
    assert names(found)[0] == expected, names(found)
    assert str(door_search(branch, typed)[0]) == expected  # the stewards' API list too


def test_a_name_in_another_case_and_a_surname_of_two_words(branch, people):
    person_in(branch, first_name="Sam", last_name="ADEYEMI")
    person_in(branch, first_name="Jan", last_name="van Dijk")
    assert sorted(names(door_results(branch, "Adeymi"))) == ["Emre Adeyemi", "Sam ADEYEMI"]
    assert names(door_results(branch, "van dyjk")) == ["Jan van Dijk"]


def test_no_fallback_when_a_prefix_matches(branch, people):
    person_in(branch, first_name="Adey", last_name="Okafor")
    found = door_results(branch, "adey")
    assert not found.close
    assert sorted(names(found)) == ["Adey Okafor", "Emre Adeyemi"]


def test_nobody_close_is_nobody(branch, people):
    assert door_results(branch, "Zzyzx") == ([], "", False)


@pytest.mark.parametrize("typed", ["PM-00042", "n17 9zz", "adeymi@example.org", "zq", "q x"])
def test_numbers_postcodes_emails_and_two_letters_never_fall_back(branch, people, typed, django_assert_num_queries):
    with django_assert_num_queries(1):  # the exact search alone
        assert door_results(branch, typed) == ([], "", False)


def test_another_branchs_people_are_never_suggested(branch, other_branch, people):
    PersonFactory(branch=other_branch, first_name="Emre", last_name="Adeymi")
    found = door_results(branch, "Adeymi")
    assert names(found) == ["Emre Adeyemi"]
    assert names(door_results(other_branch, "Adeyemi")) == ["Emre Adeymi"]


def test_erased_people_are_never_suggested(branch, people):
    gone = person_in(branch, first_name="Emre", last_name="Adeyemo")
    # Erased: the row stays as a tombstone, its names emptied (groups/services/erasure.py); and even
    # with its names still there, the close matches leave it out.
    Person.everyone.filter(pk=gone.pk).update(erased_at=timezone.now())
    assert names(door_results(branch, "Adeymi")) == ["Emre Adeyemi"]
    assert door_results(branch, "Adeymo").people == [people["emre"]]  # not the closer Adeyemo


def test_the_fallback_costs_one_statement_on_postgresql_and_three_on_sqlite(branch, people, django_assert_num_queries):
    # The exact search, then: PostgreSQL's trigram statement; SQLite's names (each once),
    # who has the closest, those people.
    with django_assert_num_queries(2 if connection.vendor == "postgresql" else 4):
        assert door_results(branch, "Adeymi").close


def test_typed_words_and_edits():
    assert typed_words("Emer  Adeyemi") == ["emer", "adeyemi"]
    assert typed_words("O'Brien") == ["o", "brien"]
    assert typed_words("N1 1AA") == [] and typed_words("x@y") == [] and typed_words("ab") == []
    assert allowed_edits(["emer"]) == 1 and allowed_edits(["adeymi"]) == 2


def url(name, meeting):
    return reverse(name, args=[meeting.branch.slug, meeting.pk])


def test_the_door_says_they_are_close_matches_with_each_decision(client_for, steward, meeting, branch, people):
    person_in(branch, "registered-supporter", first_name="Sam", last_name="Adeyemo")
    html = client_for(steward).post(url("door_search", meeting), {"q": "Adeymi"}).content.decode()
    assert "No exact match — did you mean:" in html
    assert "Emre Adeyemi" in html and "Eligible" in html
    assert "Sam Adeyemo" in html and "Not eligible" in html
    html = client_for(steward).post(url("door", meeting), {"q": "emer adeyemi"}).content.decode()  # without JavaScript
    assert "did you mean" in html and "Emre Adeyemi" in html
    html = client_for(steward).post(url("door_search", meeting), {"q": "Adeyemi"}).content.decode()
    assert "did you mean" not in html and "Emre Adeyemi" in html


def test_the_api_door_search_falls_back_too_and_says_so(api, steward, meeting, people):
    client = api(steward)
    door = f"/api/v1/branches/{meeting.branch.slug}/meetings/{meeting.pk}/door/"
    body = client.post(door, {"q": "Adeymi"}, format="json").json()
    assert body["close_matches"] is True and [p["name"] for p in body["results"]] == ["Emre Adeyemi"]
    assert body["results"][0]["decision"]["eligible"] is True
    body = client.post(door, {"q": "Adeyemi"}, format="json").json()
    assert body["close_matches"] is False and body["count"] == 1
