"""A large import refreshes PostgreSQL's planner statistics on the tables it
filled (without them the door's name search was 3.8× slower right after a
100,000-row import); a small one, and SQLite, leave them alone."""

import io

from django.db import connection
from django.test.utils import CaptureQueriesContext

from groups.models import Membership, Person
from groups.services.imports import import_members

CSV = "First name,Last name,Category\nAna,Silva,Party member\nBen,Ibrahim,Party member\nCai,Jones,Supporter\n"


def analyzed(branch, organiser):
    with CaptureQueriesContext(connection) as queries:
        report = import_members(branch=branch, source=io.BytesIO(CSV.encode()), actor=organiser)
    assert report.applied, report.errors
    return [q["sql"] for q in queries.captured_queries if q["sql"].upper().startswith("ANALYZE")]


def test_a_large_import_analyzes_the_tables_it_filled(branch, organiser, settings):
    settings.IMPORT_ANALYZE_ROWS = 3
    statements = analyzed(branch, organiser)
    if connection.vendor == "postgresql":
        assert statements == [f'ANALYZE "{Person._meta.db_table}"', f'ANALYZE "{Membership._meta.db_table}"']
    else:
        assert statements == []


def test_a_small_import_does_not(branch, organiser, settings):
    settings.IMPORT_ANALYZE_ROWS = 4
    assert analyzed(branch, organiser) == []
