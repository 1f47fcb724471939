"""The people list and API search a membership number exactly, as the door
does, so the (branch, number) index answers it; an iexact match read every
membership of the branch (23× a one-query view at 100,000 people)."""

import re
from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from groups.models import Category

from ..factories import MembershipFactory, PersonFactory

URL = "/api/v1/branches/green-lanes/people/"


def member(branch, number, **kwargs):
    person = PersonFactory(branch=branch, **kwargs)
    MembershipFactory(
        person=person,
        category=Category.objects.get(branch=branch, slug="party-member"),
        number=number,
        started_on=date(2015, 1, 1),
    )
    return person


def test_search_by_number_typed_either_case(api, organiser, branch):
    ana = member(branch, "L100042", first_name="Ana", last_name="Silva")
    member(branch, "L100043", first_name="Ben", last_name="Ibrahim")
    client = api(organiser)
    for q in ("L100042", "l100042"):
        assert [p["id"] for p in client.get(URL, {"q": q}).json()["results"]] == [ana.pk]


def test_the_number_is_matched_exactly_not_by_a_case_folding_scan(api, organiser, branch):
    member(branch, "L100042", first_name="Ana", last_name="Silva")
    with CaptureQueriesContext(connection) as queries:
        assert api(organiser).get(URL, {"q": "l100042"}).json()["count"] == 1
    search = [q["sql"] for q in queries.captured_queries if '"number"' in q["sql"]]
    assert search
    for sql in search:
        assert not re.search(r'UPPER\([^)]*"number"', sql)  # PostgreSQL's iexact
        assert not re.search(r'"number" LIKE', sql)  # SQLite's iexact


def _found(client, q) -> list[str]:
    return sorted(p["last_name"] for p in client.get(URL, {"q": q}).json()["results"])


def test_every_word_must_start_a_name_email_or_postcode_or_be_a_number(api, organiser, branch):
    member(branch, "L1", first_name="Ana", last_name="Silva", email="ana@example.org", postcode="N15 4AB")
    member(branch, "L2", first_name="Ana", last_name="Brown", postcode="E8 1AA")
    member(branch, "L3", first_name="Ben", last_name="Silvano")
    client = api(organiser)
    assert _found(client, "ana") == ["Brown", "Silva"]
    assert _found(client, "SIL") == ["Silva", "Silvano"]
    assert _found(client, "ana sil") == ["Silva"]  # both words must match, in any field
    assert _found(client, "sil ana") == ["Silva"]
    assert _found(client, "n15") == ["Silva"]  # postcode prefix
    assert _found(client, "ana L2") == ["Brown"]  # a name and a number
    assert _found(client, "lva") == []  # the start of a word, not the middle
    assert _found(client, "ana zzz") == []


def test_wildcards_in_a_search_are_plain_characters(api, organiser, branch):
    member(branch, "L1", first_name="Ann_e", last_name="Under")
    member(branch, "L2", first_name="Annxe", last_name="Cross")
    member(branch, "L3", first_name="Bo%", last_name="Percent")
    client = api(organiser)
    assert _found(client, "ann_") == ["Under"]
    assert _found(client, "bo%") == ["Percent"]
    assert _found(client, "%") == []


def test_search_finds_nobody_from_another_branch_and_no_erased_person(api, organiser, branch, other_branch):
    from groups.services.erasure import erase_person

    member(branch, "L1", first_name="Ana", last_name="Silva")
    gone = member(branch, "L2", first_name="Ana", last_name="Gone")
    PersonFactory(branch=other_branch, first_name="Ana", last_name="Elsewhere")
    erase_person(person=gone, actor=organiser, reason="Asked to be forgotten")
    assert _found(api(organiser), "ana") == ["Silva"]
