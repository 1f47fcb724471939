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
