"""The API people search against expectations written here, not taken from
the code (test_people_read_path holds the hand-written path equal to the
ORM's; this says what both should find): who a word finds, in which order,
counted how, on SQLite and PostgreSQL — whichever statement answers it
(groups/sql/people.py: a word of letters, one with a digit, two words)."""

from datetime import date

import pytest
from django.db import connection, transaction
from django.utils import timezone

from groups.models import AuditEvent, Category, Membership, Person
from groups.services import exports
from groups.sql import search_indexes

from ..factories import PersonFactory
from ..rate_limits import RATE_LIMIT_QUERIES

URL = "/api/v1/branches/green-lanes/people/"


@pytest.fixture
def people(branch, other_branch):
    member = Category.objects.get(branch=branch, slug="party-member")

    def add(first, last, email="", postcode="", number="", erased=False, where=branch):
        person = PersonFactory(branch=where, first_name=first, last_name=last, email=email, postcode=postcode)
        if number:
            category = member if where == branch else Category.objects.get(branch=where, slug="party-member")
            Membership.objects.create(
                person=person, branch=where, category=category, number=number, started_on=date(2015, 1, 1)
            )
        if erased:  # names kept, so only the erased test leaves them out
            Person.everyone.filter(pk=person.pk).update(erased_at=timezone.now())
        return person

    add("Ewa", "Nowak", email="ewa.nowak@example.org", postcode="N15 4AB", number="L0001")
    add("ana", "NOWAKOWSKA", postcode="N17 9XY")
    add("Nowa", "Nowak", email="nowa@example.org")  # by first and last name: found once
    add("Ben", "nowak")
    add("Dev", "Patel", email="nowa.dev@example.org")  # by email only
    add("Omar", "Evans", postcode="NOWA 1")  # by postcode only
    add("Grace", "Nowak", erased=True)
    add("Isla", "Nowak", where=other_branch)
    add("Jack", "Nowakowski", number="L0002")
    return add


def _names(body):
    return [f"{p['first_name']} {p['last_name']}" for p in body["results"]]


def test_a_word_of_letters_finds_each_way_once_in_name_order(api, organiser, people):
    body = api(organiser).get(URL, {"q": "nowa"}).json()
    # Last name, then first name, then id; Python's order of "Nowak" < "nowak"
    # is the databases' too (BINARY on SQLite, C.UTF-8 here on PostgreSQL).
    assert _names(body) == [
        "Omar Evans",
        "ana NOWAKOWSKA",
        "Ewa Nowak",
        "Nowa Nowak",
        "Jack Nowakowski",
        "Dev Patel",
        "Ben nowak",  # code-point order: "n" after "P"
    ]
    assert body["count"] == 7


def test_a_page_of_the_search_and_its_count(api, organiser, people):
    client = api(organiser)
    first = client.get(URL, {"q": "NOWA", "page_size": 2, "sort": "-name"}).json()
    second = client.get(URL, {"q": "NOWA", "page_size": 2, "sort": "-name", "page": 3}).json()
    last = client.get(URL, {"q": "NOWA", "page_size": 2, "sort": "-name", "page": 4}).json()
    assert first["count"] == second["count"] == last["count"] == 7
    assert _names(first) == ["Ben nowak", "Dev Patel"]
    assert _names(second) == ["Ewa Nowak", "ana NOWAKOWSKA"]
    assert _names(last) == ["Omar Evans"]
    assert client.get(URL, {"q": "NOWA", "page_size": 2, "page": 5}).status_code == 404


def test_a_word_with_a_digit_and_two_words(api, organiser, people):
    client = api(organiser)
    assert _names(client.get(URL, {"q": "L0001"}).json()) == ["Ewa Nowak"]
    assert _names(client.get(URL, {"q": "l0002"}).json()) == ["Jack Nowakowski"]  # a number in any case
    assert _names(client.get(URL, {"q": "n1"}).json()) == ["ana NOWAKOWSKA", "Ewa Nowak"]  # postcodes
    assert _names(client.get(URL, {"q": "nowak ewa"}).json()) == ["Ewa Nowak"]
    body = client.get(URL, {"q": "zzz"}).json()
    assert body["count"] == 0 and body["results"] == []


def test_a_search_reads_in_five_queries_and_one_audit_row(api, organiser, people, django_assert_num_queries):
    client = api(organiser)
    # token, branch with role, the page's ids with the count (one statement),
    # the people with their memberships (one), the audit row — on PostgreSQL
    # both read and written by the statement of a word of letters
    # (groups/sql/people_walk.py), so two fewer.
    walked = 2 if connection.vendor == "postgresql" else 0
    for q, queries in (("nowa", 5 - walked), ("L0001", 5), ("nowak ewa", 5)):
        with django_assert_num_queries(queries + RATE_LIMIT_QUERIES):
            assert client.get(URL, {"q": q}).status_code == 200
    assert AuditEvent.objects.filter(action="people.read").count() == 3


def test_the_audit_row_of_a_read_refuses_a_caller_s_transaction(branch, organiser):
    with pytest.raises(RuntimeError), transaction.atomic():
        exports.record_people_read(branch=branch, actor=organiser, people=1, page=1)
    exports.record_people_read(branch=branch, actor=organiser, people=1, page=1)  # the test's own: joined
    assert AuditEvent.objects.filter(action="people.read").count() == 1


@pytest.mark.django_db
def test_postgresql_keeps_no_index_migration_0032_dropped():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's indexes")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'groups_person'")
        present = {row[0] for row in cursor.fetchall()}
    assert not present & set(search_indexes.DROPPED_POSTGRESQL)
    assert {"person_branch_email_cover", "person_branch_postcode_cover"} <= present
