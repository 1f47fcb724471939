"""Benchmark: door sync (CONTRACT §9) for a meeting expecting 5,000 people. Run by hand:

    .venv/bin/python bench/door_list.py                 # SQLite: bench/door_list.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rollcall_bench_door_list .venv/bin/python bench/door_list.py
    options: --people N (5000)  --rounds N (20)  --queued N (200)

1. The door list: GET door-list/ through the full middleware stack (django.test.Client
   signed in as a steward, DEBUG off), the median of --rounds, as a ratio to the bare
   view of bench/door.py (one indexed query through the same middleware); its size as
   sent and gzip-compressed (level 6, what a front proxy would send), and its queries.
2. A device sending its queue: --queued check-ins with a nonce, the real time and the
   device's name, POSTed one after another as door_offline.js sends them, end to end
   (wall time for all); then the same queue again (every nonce known: 200s).

Targets (issue 14): the list in ≤ 1 s and ≤ 1 MB compressed; 200 queued check-ins ≤ 2 s.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'bench' / 'door_list.sqlite3'}")

import door  # noqa: E402  (bench/door.py: the same database set-up, people and bare view)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--queued", type=int, default=200)
    args = parser.parse_args()
    url = door.env()["DATABASE_URL"]
    if not url.startswith("sqlite") and "bench" not in url.rpartition("/")[2]:
        sys.exit("Give a database whose name has 'bench' in it: this script drops and recreates it.")
    door.fresh_database()
    door.setup()
    door.populate(args.people)

    import types
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.utils import timezone

    from groups.models import Attendance, DoorScan, Meeting, Membership

    sys.modules["bench_door_urls"] = types.ModuleType("bench_door_urls")
    sys.modules["bench_door_urls"].urlpatterns = door._urls()
    meeting = Meeting.objects.get(branch__slug=door.SLUG, title="Latency meeting")
    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-steward"))
    base = f"/api/v1/branches/{door.SLUG}/meetings/{meeting.pk}/"
    ids = list(
        Membership.objects.filter(branch=meeting.branch, category__slug="party-member")
        .order_by("person_id")
        .values_list("person_id", flat=True)
    )
    with override_settings(ROOT_URLCONF="bench_door_urls"):
        cases = {
            "bare view (1 indexed query)": lambda i: client.get(f"/bench/bare/{door.SLUG}/{ids[i % 500]}/"),
            f"door list ({args.people:,} expected)": lambda i: client.get(base + "door-list/"),
        }
        queries = {}
        for name, fn in cases.items():
            fn(0)
            with CaptureQueriesContext(connection) as ctx:
                response = fn(1)
            assert response.status_code == 200, (name, response.status_code)
            queries[name] = len(ctx.captured_queries)
        body = cases[f"door list ({args.people:,} expected)"](0).content
        samples = {name: [] for name in cases}
        for i in range(args.rounds):
            for name, fn in cases.items():
                t = time.perf_counter()
                fn(i)
                samples[name].append(time.perf_counter() - t)
    medians = {name: statistics.median(s) * 1000 for name, s in samples.items()}
    floor = medians["bare view (1 indexed query)"]
    for name, med in medians.items():
        print(f"  {name:40} median {med:8.2f} ms  ratio {med / floor:7.1f}×  ({queries[name]} queries)")
    listed = json.loads(body)
    print(
        f"  door list: {listed['count']:,} people, {len(body) / 1e6:.2f} MB as sent, "
        f"{len(gzip.compress(body, 6)) / 1e6:.3f} MB gzip -6"
    )

    # A device's queue: distinct people, the real time of each check-in, one device.
    Attendance.objects.filter(meeting=meeting).delete()
    DoorScan.objects.filter(meeting=meeting).delete()
    now = timezone.now()
    queue = [
        {
            "person": pid,
            "nonce": str(uuid.uuid4()),
            "checked_in_at": (now - timedelta(seconds=args.queued - i)).isoformat(),
            "device": "Bench door device",
        }
        for i, pid in enumerate(ids[: args.queued])
    ]
    for label in ("sent", "sent again (every nonce known)"):
        t = time.perf_counter()
        statuses = [
            client.post(base + "checkins/", item, content_type="application/json").status_code for item in queue
        ]
        took = time.perf_counter() - t
        print(f"  {args.queued} queued check-ins {label}: {took:.2f} s end to end ({sorted(set(statuses))})")
    assert Attendance.objects.filter(meeting=meeting).count() == args.queued


if __name__ == "__main__":
    main()
