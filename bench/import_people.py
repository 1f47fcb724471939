"""Benchmark: the member import of N rows against a raw bulk insert of the
same rows into the same database, in the same run. Run by hand:

    .venv/bin/python bench/import_people.py [--rows 100000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rollcall_bench .venv/bin/python bench/import_people.py

Without DATABASE_URL it uses a fresh SQLite file, bench/bench.sqlite3. With
DATABASE_URL the named PostgreSQL database is dropped and recreated. Each
measurement runs in its own child process, so its peak memory (ru_maxrss) is
its own; the figure includes Python and Django themselves, reported separately
as "baseline".
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import _common

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
CATEGORY_MAP = {"Labour Party member": "party-member"}


def env() -> dict:
    return _common.environment("bench.sqlite3")


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup():
    _common.setup(env())


def fresh_database() -> None:
    _common.fresh_database(env())


def make_branch(slug):
    from django.contrib.auth import get_user_model

    from groups.services.branches import create_branch

    user, _ = get_user_model().objects.get_or_create(username=f"bench-{slug}", email=f"{slug}@example.org")
    return create_branch(name=f"Bench {slug}", slug=slug, actor=user), user


# --- children ------------------------------------------------------------------


def child_raw(path: str) -> dict:
    """The floor: read the CSV and bulk_create Person and Membership rows, with
    no validation, no matching, no normalising beyond parsing dates."""
    setup()
    import csv
    from datetime import datetime

    from django.db import transaction

    from groups.models import Membership, Person

    base = rss_mb()
    branch, _ = make_branch("raw")
    cats = {c.name.casefold(): c for c in branch.categories.all()}
    cats["labour party member"] = cats["party member"]

    def d(v):
        if not v:
            return None
        return datetime.strptime(v, "%Y-%m-%d" if "-" in v else "%d/%m/%Y").date()

    start, cpu0 = time.perf_counter(), cpu()
    with transaction.atomic(), open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        next(reader)
        batch = []

        def flush():
            people = Person.objects.bulk_create([p for p, _ in batch], batch_size=1000)
            Membership.objects.bulk_create(
                [
                    Membership(
                        person=p,
                        branch=branch,
                        category=cats[r[9].casefold()],
                        number=r[0],
                        status=r[10].lower(),
                        started_on=d(r[11]),
                        continuous_since=d(r[12]),
                        dues_paid_until=d(r[13]),
                    )
                    for p, (_, r) in zip(people, batch, strict=True)
                ],
                batch_size=1000,
            )
            batch.clear()

        for r in reader:
            batch.append(
                (
                    Person(
                        branch=branch,
                        first_name=r[1],
                        last_name=r[2],
                        email=r[3],
                        phone=r[4],
                        postcode=r[6],
                        ward=r[7],
                        date_of_birth=d(r[14]),
                    ),
                    r,
                )
            )
            if len(batch) == 1000:
                flush()
        if batch:
            flush()
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "cpu_seconds": cpu() - cpu0,
        "peak_mb": rss_mb(),
        "baseline_mb": base,
        "people": Person.objects.filter(branch=branch).count(),
    }


def child_import(path: str, again: bool = False) -> dict:
    setup()
    from groups.models import Branch, Person
    from groups.services.imports import import_members

    base = rss_mb()
    if again:
        branch = Branch.objects.get(slug="imp")
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.get(username="bench-imp")
    else:
        branch, user = make_branch("imp")
    start = time.perf_counter()
    dry = import_members(branch=branch, source=path, actor=user, dry_run=True, category_map=CATEGORY_MAP)
    assert dry.ok, (dry.file_error, dry.errors[:5])
    dry_seconds = time.perf_counter() - start
    start, cpu0 = time.perf_counter(), cpu()
    report = import_members(branch=branch, source=path, actor=user, category_map=CATEGORY_MAP)
    seconds = time.perf_counter() - start
    assert report.applied, (report.file_error, report.errors[:5])
    return {
        "seconds": seconds,
        "cpu_seconds": cpu() - cpu0,
        "dry_run_seconds": dry_seconds,
        "peak_mb": rss_mb(),
        "baseline_mb": base,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "people": Person.objects.filter(branch=branch).count(),
    }


def run_child(kind: str, path: Path) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(path)],
        cwd=ROOT,
        env=env(),
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--child", nargs=2)
    args = parser.parse_args()
    if args.child:
        kind, path = args.child
        if kind == "reimport":
            result = child_import(path, again=True)
        else:
            result = {"raw": child_raw, "import": child_import}[kind](path)
        print(json.dumps(result))
        return
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"people-{args.rows}.csv"
    if not path.exists():
        with open(path, "w") as f:
            subprocess.run(
                [sys.executable, str(ROOT / "bench" / "generate_people.py"), str(args.rows)], stdout=f, check=True
            )
    engine = "PostgreSQL" if env()["DATABASE_URL"].startswith("postgres") else "SQLite"
    print(f"{engine}, {args.rows:,} rows, file {path.stat().st_size / 1048576:.1f} MB")
    fresh_database()
    raw = run_child("raw", path)
    imp = run_child("import", path)
    again = run_child("reimport", path)
    print(
        f"raw bulk insert : {raw['seconds']:7.2f} s (CPU {raw['cpu_seconds']:.2f} s), peak {raw['peak_mb']:6.1f} MB "
        f"(baseline {raw['baseline_mb']:.1f} MB), {raw['people']:,} people"
    )
    print(
        f"import          : {imp['seconds']:7.2f} s (CPU {imp['cpu_seconds']:.2f} s), peak {imp['peak_mb']:6.1f} MB "
        f"(baseline {imp['baseline_mb']:.1f} MB), created {imp['created']:,}; dry run alone "
        f"{imp['dry_run_seconds']:.2f} s"
    )
    print(
        f"re-import       : {again['seconds']:7.2f} s (CPU {again['cpu_seconds']:.2f} s), "
        f"peak {again['peak_mb']:6.1f} MB, "
        f"unchanged {again['unchanged']:,}; dry run alone {again['dry_run_seconds']:.2f} s"
    )
    print(
        f"ratio import / raw: {imp['seconds'] / raw['seconds']:.2f}× wall, "
        f"{imp['cpu_seconds'] / raw['cpu_seconds']:.2f}× CPU (target ≤ 4×); "
        f"peak {imp['peak_mb']:.0f} MB (target ≤ 200 MB)"
    )


if __name__ == "__main__":
    main()
