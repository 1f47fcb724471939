"""Eligibility benchmark (run by hand, not by pytest).

    .venv/bin/python bench/eligibility.py                 # SQLite, bench/eligibility.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rollcall_bench .venv/bin/python bench/eligibility.py

Builds a fresh database with one branch of 100,000 people (memberships,
meetings, attendance), then measures:
  * the pure path: load_facts for everyone, then evaluate per person (people/s);
  * the compiled path: eligible COUNT and the first page of the eligible list;
  * one person's Decision including its facts queries;
  * baselines in the same run: a bare COUNT of the branch's people and one
    indexed lookup by primary key.
Prints a Markdown block to paste into bench/RESULTS.md. PEOPLE=10000 to try smaller.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
import _common  # noqa: E402  (bench/_common.py: a scratch database named with "bench")

SQLITE = HERE / "eligibility.sqlite3"
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE}"
    SQLITE.unlink(missing_ok=True)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "true")

PEOPLE = int(os.environ.get("PEOPLE", "100000"))
RUNS = int(os.environ.get("RUNS", "20"))
AS_OF = date(2016, 4, 14)


if os.environ["DATABASE_URL"].startswith("postgres"):
    _common.recreate_postgres(os.environ["DATABASE_URL"])

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from groups.eligibility.decisions import decide, eligible_people  # noqa: E402
from groups.eligibility.engine import evaluate  # noqa: E402
from groups.eligibility.loading import category_names, load_facts  # noqa: E402
from groups.models import Attendance, Branch, Category, Meeting, Membership, Person, Rule  # noqa: E402
from groups.services.branches import create_branch  # noqa: E402

RULES = {
    "party members only": {"membership": {"categories": ["party-member"]}},
    "party members of 6 months": {"membership": {"categories": ["party-member"], "min_days": 183}},
    "youth: party members under 27": {"all": [{"membership": {"categories": ["party-member"]}}, {"age": {"max": 26}}]},
    "nested (members or attenders, not in N22)": {
        "all": [
            {
                "any": [
                    {"membership": {"categories": ["party-member"], "dues_paid": True, "dues_grace_days": 30}},
                    {"attended": {"min": 2, "of_last": 5}},
                ]
            },
            {"not": {"area": {"postcodes": ["N22"]}}},
        ]
    },
}
WARDS = ["Tottenham Green", "Seven Sisters", "Harringay", "St Ann's", "Bruce Grove", ""]
OUTWARD = ["N15", "N17", "N22", "N4", "N8", "E17"]


def build() -> Branch:
    call_command("migrate", verbosity=0)
    rng = random.Random(2016)
    branch = create_branch(name="Bench Branch", slug="bench", actor=None)
    cats = list(Category.objects.filter(branch=branch))
    weights = [45, 15, 15, 25]
    t = time.perf_counter()
    batch = 5000
    for start in range(0, PEOPLE, batch):
        people = [
            Person(
                branch=branch,
                first_name=f"First{i}",
                last_name=f"Last{rng.randrange(5000):04d}",
                email=f"p{i}@example.org",
                date_of_birth=None if rng.random() < 0.05 else date(1930, 1, 1) + timedelta(days=rng.randrange(30000)),
                ward=rng.choice(WARDS),
                postcode=f"{rng.choice(OUTWARD)} {rng.randrange(10)}{rng.choice('ABDEFG')}{rng.choice('HJLNPQ')}",
            )
            for i in range(start, min(start + batch, PEOPLE))
        ]
        Person.objects.bulk_create(people, batch_size=1000)
    ids = list(Person.objects.filter(branch=branch).values_list("id", flat=True))
    memberships = []
    for pk in ids:
        for _ in range(1 if rng.random() < 0.75 else 2):
            started = date(2000, 1, 1) + timedelta(days=rng.randrange(6000))
            memberships.append(
                Membership(
                    person_id=pk,
                    branch=branch,
                    category=rng.choices(cats, weights)[0],
                    status=rng.choices(["active", "lapsed", "suspended", "resigned"], [75, 15, 5, 5])[0],
                    started_on=started,
                    continuous_since=started - timedelta(days=rng.randrange(2000)) if rng.random() < 0.1 else None,
                    ended_on=None if rng.random() < 0.85 else started + timedelta(days=rng.randrange(3000)),
                    dues_paid_until=None
                    if rng.random() < 0.2
                    else date(2015, 1, 1) + timedelta(days=rng.randrange(700)),
                )
            )
    Membership.objects.bulk_create(memberships, batch_size=2000)
    tz = branch.zone
    meetings = [
        Meeting(
            branch=branch,
            title=f"Meeting {i}",
            starts_at=datetime(2015, 1, 8, 19, 30, tzinfo=tz) + timedelta(days=21 * i),
            status="cancelled" if i % 7 == 3 else "held",
        )
        for i in range(30)
    ]
    Meeting.objects.bulk_create(meetings)
    attendance = [
        Attendance(meeting=m, person_id=pk, checked_in_at=m.starts_at)
        for m in Meeting.objects.filter(branch=branch)
        for pk in rng.sample(ids, k=min(len(ids), 400))
    ]
    Attendance.objects.bulk_create(attendance, batch_size=2000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"Built {PEOPLE:,} people, {len(memberships):,} memberships, {len(attendance):,} check-ins "
        f"in {time.perf_counter() - t:.1f} s",
        file=sys.stderr,
    )
    return branch


def median_ms(fn, runs: int = RUNS) -> float:
    fn()  # warm up
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    branch = build()
    lines = []
    vendor = connection.vendor
    version = connection.cursor().connection.info.server_version if vendor == "postgresql" else None
    version = f"{version // 10000}.{version % 10000}" if version else None
    import sqlite3

    db = f"PostgreSQL {version}" if version else f"SQLite {sqlite3.sqlite_version}"
    lines.append(f"### {db}, {PEOPLE:,} people ({date.today():%d %b %Y})")
    lines.append("")

    # Baselines
    base_count = median_ms(lambda: Person.objects.filter(branch=branch).count())
    some_id = Person.objects.filter(branch=branch).order_by("id").values_list("id", flat=True)[PEOPLE // 2]
    base_get = median_ms(lambda: Person.objects.get(pk=some_id), runs=200)
    lines.append(
        f"Baselines: bare `COUNT` of the branch's people {base_count:.1f} ms; one lookup by id {base_get:.2f} ms."
    )
    lines.append("")

    # Pure path
    t = time.perf_counter()
    facts = load_facts(Person.objects.filter(branch=branch), branch=branch, as_of=AS_OF).facts
    load_s = time.perf_counter() - t
    names = category_names(branch)
    rule = RULES["youth: party members under 27"]
    t = time.perf_counter()
    pure_eligible = sum(1 for f in facts.values() if evaluate(rule, f, AS_OF, category_names=names).eligible)
    pure_s = time.perf_counter() - t
    lines.append(
        f"Pure path (youth rule): load_facts for {len(facts):,} people {load_s * 1000:,.0f} ms (4 queries); "
        f"evaluate {len(facts) / pure_s:,.0f} people/s ({pure_s * 1000:,.0f} ms for all)."
    )
    lines.append("")
    lines.append("| Rule | eligible | COUNT (median ms) | × bare COUNT | first page of 25 (median ms) |")
    lines.append("|---|---:|---:|---:|---:|")
    for label, definition in RULES.items():
        qs = eligible_people(branch, definition, AS_OF)
        n = qs.count()
        if definition is rule:
            assert n == pure_eligible, (n, pure_eligible)
        count_ms = median_ms(lambda d=definition: eligible_people(branch, d, AS_OF).count())
        page_ms = median_ms(
            lambda d=definition: list(eligible_people(branch, d, AS_OF).order_by("last_name", "first_name", "id")[:25])
        )
        lines.append(f"| {label} | {n:,} | {count_ms:.1f} | {count_ms / base_count:.1f} | {page_ms:.1f} |")
    lines.append("")

    # One person's Decision
    person = Person.objects.select_related("branch").get(pk=some_id)
    youth = Rule.objects.get(branch=branch, name="Youth: party members under 27")
    decide_ms = median_ms(lambda: decide(youth, AS_OF, person=person), runs=200)
    lookup_and_decide = median_ms(
        lambda: decide(youth, AS_OF, person=Person.objects.select_related("branch").get(pk=some_id)), runs=200
    )
    lines.append(
        f"One Decision (youth rule, facts queries included): {decide_ms:.2f} ms "
        f"({decide_ms / base_get:.1f} × one lookup by id); with fetching the person first {lookup_and_decide:.2f} ms."
    )
    print("\n".join(lines))


if __name__ == "__main__":
    main()
