"""The people list's hand-written read path (groups/queries/people.py,
groups/sql/people.py) returns exactly what the ORM path it replaced returned:
the same people, in the same order, counted the same, each written field for
field as PersonSerializer writes them — on a generated branch with names in
several cases, ties, erased people, people without memberships and a
neighbouring branch. Run on SQLite and on PostgreSQL."""

import json
import random
from datetime import date, timedelta

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Prefetch

from groups.api.serializers.people import PersonSerializer
from groups.filters import PeopleFilter, fast_terms
from groups.models import Category, Membership, Person
from groups.queries.people import api_people_json, people_ids
from groups.services import member_since
from groups.sql import search_indexes

from ..factories import MembershipFactory, PersonFactory

URL = "/api/v1/branches/green-lanes/people/"
FIRST = ["Ana", "ana", "ANA", "Ben", "Nowak", "Chloé", "Dev", "Ewa", "Omar", "Zoë"]
# "ſilva" and "Sılva": PostgreSQL's UPPER (C.UTF-8) folds ſ to S and ı to I, so "si" finds them there.
LAST = ["Nowak", "nowak", "NOWAK", "Nowakowska", "Silva", "Silvano", "O'Brien", "Evans", "Ibrahim", "Nowa_k"]
LAST += ["ſilva", "Sılva"]
OUTWARD = ["N15", "N17", "N4", "E8"]
QUERIES = [
    "",
    "now",
    "NOW",
    "nowa_",
    "ana",
    "ana sil",
    "sil ana",
    "nowak ana",
    "n15",
    "N15 4AB",
    "n4 1aa",
    "L0007",
    "l0007",
    "person1",
    "zzz",
    "sil",
    "si",
    "ana@",
    "o'b",
    "N1",
    "ewa",
    "o",
    "a",
    "%",
    "é",
    # PostgreSQL answers a word with a digit in one scan, a word of letters in
    # three (groups/sql/people.py _pg_word_statement): words of each kind,
    # mixed, and the numbers of erased people (people[1] and [2]).
    "L0001",
    "l0002",
    "0",
    "ana1",
    "1ab",
    "L0007 ana",
    "ana l0007",
    "n15 now",
    "now 2ab",
    "ana0@",
]
SORTS = ["", "name", "-name", "joined", "-joined"]


@pytest.fixture
def crowd(branch, other_branch, organiser):
    """About 90 people: cases, ties, erased, without memberships, another branch's."""
    from groups.services.erasure import erase_person

    rng = random.Random(11)
    categories = list(Category.objects.filter(branch=branch))
    people = []
    for i in range(90):
        person = PersonFactory(
            branch=branch,
            first_name=rng.choice(FIRST),
            last_name=rng.choice(LAST),
            email="" if i % 9 == 0 else f"{rng.choice(FIRST).lower()}{i}@example.org",
            postcode=f"{rng.choice(OUTWARD)} {rng.randrange(3)}AB" if i % 4 else "",
            ward=rng.choice(["Harringay", "", "St Ann's"]),
            date_of_birth=date(1960, 1, 1) + timedelta(days=rng.randrange(15000)) if i % 3 else None,
            consent_email=bool(i % 2),
            consent_phone=bool(i % 5 == 0),
            notes="Prefers Thursdays" if i % 7 == 0 else "",
        )
        for k in range(i % 3):  # 0, 1 or 2 memberships
            MembershipFactory(
                person=person,
                category=categories[(i + k) % len(categories)],
                number=f"L{i:04d}" if k == 0 else "",
                status=["active", "lapsed"][k],
                started_on=date(2000, 1, 1) + timedelta(days=rng.randrange(9000)),
                dues_paid_until=date(2030, 1, 1) if i % 2 else None,
            )
        people.append(person)
    for person in people[:3]:
        erase_person(person=person, actor=organiser, reason="Asked to be forgotten")
    for i in range(5):
        PersonFactory(branch=other_branch, first_name="Ana", last_name="Nowak", email=f"elsewhere{i}@example.org")
    member_since.refresh_branch(branch)
    return people


def _orm(branch, data):
    """The ORM path the read path replaced: PeopleFilter's queryset."""
    return PeopleFilter(data, branch=branch, every_choice=False).qs


def _fast(branch, data, *, page, size):
    filterset = PeopleFilter(data, branch=branch, every_choice=False)
    assert filterset.is_valid()
    cleaned = filterset.form.cleaned_data
    assert fast_terms(cleaned) is not None
    found = people_ids(branch, cleaned, offset=(page - 1) * size, limit=size)
    return Paginator(found, size).get_page(page)


@pytest.mark.parametrize("sort", SORTS)
def test_the_same_people_in_the_same_order_and_count(crowd, branch, sort):
    for q in QUERIES:
        data = {"q": q, "sort": sort}
        expected = list(_orm(branch, data).values_list("pk", flat=True))
        for size in (7, 50):
            for page in (1, 2, 99):
                fast = _fast(branch, data, page=page, size=size)
                orm = Paginator(expected, size).get_page(page)
                assert fast.paginator.count == len(expected), (q, sort)
                assert list(fast.object_list) == list(orm.object_list), (q, sort, size, page)
                assert fast.number == orm.number


def test_the_searches_find_someone_and_leave_out_the_erased(crowd, branch):
    erased = {p.pk for p in crowd[:3]}
    for q in ("now", "ana", "L0007", "n15"):
        data = {"q": q}
        ids = list(_fast(branch, data, page=1, size=200).object_list)
        assert ids, q
        assert not erased & set(ids)


def test_each_person_written_as_the_serializer_writes_them(crowd, branch):
    memberships = Prefetch(
        "memberships",
        queryset=Membership.objects.select_related("category").order_by("category__order", "started_on", "id"),
    )
    ids = list(_orm(branch, {"q": ""}).values_list("pk", flat=True))
    people = {p.pk: p for p in Person.objects.filter(pk__in=ids).prefetch_related(memberships)}
    expected = PersonSerializer([people[pk] for pk in ids], many=True).data
    text, found = api_people_json(branch, ids, tuple(PersonSerializer.Meta.fields))
    got = json.loads(text)
    assert found == len(ids) == len(got)
    assert got == [dict(p) for p in expected]
    assert [list(p) for p in got] == [list(p) for p in expected]  # the same keys in the same order
    assert any(p["memberships"] == [] for p in got) and any(len(p["memberships"]) == 2 for p in got)


def test_the_api_answers_what_the_orm_path_gave(crowd, api, organiser, branch):
    client = api(organiser)
    memberships = Prefetch(
        "memberships",
        queryset=Membership.objects.select_related("category").order_by("category__order", "started_on", "id"),
    )
    for q in QUERIES[:12]:
        for sort in ("name", "-joined"):
            body = client.get(URL, {"q": q, "sort": sort, "page_size": 10, "page": 2}).json() if q else None
            if body is None or "results" not in body:
                body = client.get(URL, {"q": q, "sort": sort, "page_size": 10}).json()
                page = 1
            else:
                page = 2
            ids = list(_orm(branch, {"q": q, "sort": sort}).values_list("pk", flat=True))
            assert body["count"] == len(ids), q
            want = ids[(page - 1) * 10 : page * 10]
            people = {p.pk: p for p in Person.objects.filter(pk__in=want).prefetch_related(memberships)}
            assert body["results"] == PersonSerializer([people[pk] for pk in want], many=True).data, (q, sort)


def test_a_page_past_the_end_is_a_404_and_the_links_are_drf_s(crowd, api, organiser, branch):
    client = api(organiser)
    total = _orm(branch, {"q": "now"}).count()
    assert total > 5
    first = client.get(URL, {"q": "now", "page_size": 5}).json()
    assert first["count"] == total and first["previous"] is None
    assert first["next"].endswith("page=2&page_size=5&q=now") or "page=2" in first["next"]
    second = client.get(URL, {"q": "now", "page_size": 5, "page": 2}).json()
    assert "page=" not in second["previous"] and second["previous"].startswith("http")
    response = client.get(URL, {"q": "now", "page_size": 5, "page": 1000})
    assert response.status_code == 404


def test_filters_beyond_a_search_still_answer_through_the_filter(crowd, api, organiser, branch):
    body = api(organiser).get(URL, {"q": "now", "category": "supporter", "sort": "category"}).json()
    ids = list(_orm(branch, {"q": "now", "category": "supporter", "sort": "category"}).values_list("pk", flat=True))
    assert [p["id"] for p in body["results"]] == ids[:50] and body["count"] == len(ids)


@pytest.mark.django_db
def test_the_search_indexes_exist_after_migrating():
    """Migration 0021 re-made groups_person on SQLite and its raw-SQL search
    indexes went with the old table; this would have said so."""
    assert search_indexes.missing(connection) == []


@pytest.mark.django_db
def test_a_lost_search_index_is_made_again():
    with connection.cursor() as cursor:
        cursor.execute(
            "DROP INDEX person_branch_last_ci"
            if connection.vendor == "sqlite"
            else "DROP INDEX person_branch_last_cover"
        )
    lost = ["person_branch_last_ci" if connection.vendor == "sqlite" else "person_branch_last_cover"]
    assert search_indexes.missing(connection) == lost
    assert search_indexes.ensure(connection) == lost
    assert search_indexes.missing(connection) == []


def test_a_page_number_beyond_any_database_integer_is_a_404_not_a_500(crowd, api, organiser, client_for, branch):
    assert api(organiser).get(URL, {"q": "now", "page": "1" + "0" * 30}).status_code == 404
    assert api(organiser).get(URL, {"page": "1" + "0" * 30}).status_code == 404
    page = client_for(organiser).get(f"/b/{branch.slug}/people/", {"q": "now", "page": "1" + "0" * 30})
    assert page.status_code == 200  # the page shows the last page, as Paginator.get_page does


def test_a_short_word_of_letters_reads_its_page_along_the_name_index(crowd, branch):
    """On SQLite groups/sql/people_page.py answers "now" (the tests above hold
    it equal to the ORM); a longer word, digits or other letters, another
    sort, a deep page, or PostgreSQL take the general statement."""
    from django.db import connection

    from groups.sql import people_page

    def walk(word, sort="name", offset=0):
        return people_page.page_ids(branch.pk, word, sort=sort, offset=offset, limit=50)

    if connection.vendor != "sqlite":
        assert walk("now") is None
        return
    assert walk("now") is not None and walk("a", sort="-name") is not None and walk("si") is not None
    assert walk("nowak") is not None and walk("nowako") is None
    assert walk("L0007") is None and walk("é") is None and walk("a_") is None
    assert walk("now", sort="joined") is None and walk("now", offset=people_page.MAX_ROWS) is None
    ids, count = walk("now")
    assert count == len(_orm(branch, {"q": "now"})) and ids == list(
        _orm(branch, {"q": "now", "sort": "name"}).values_list("pk", flat=True)[:50]
    )


def test_postgresql_plans_fewer_scans_for_a_word(crowd, branch):
    """Each scan of groups_person costs PostgreSQL ~0.1 ms to plan: a word
    with a digit is one scan, a word of letters three and the erased people's
    (the tests above hold what they find equal to the ORM's)."""
    from groups.sql import people as sql_people

    if connection.vendor != "postgresql":
        return
    scans = lambda words: sql_people._found(branch.pk, words, "", "name")[0].count('FROM "groups_person"')  # noqa: E731
    assert scans(["L0007"]) == 1
    assert scans(["now"]) == 4
    assert scans(["L0007", "ana"]) == 5
