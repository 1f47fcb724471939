"""Benchmark: a door device sending its queue of check-ins (CONTRACT §9) against
gunicorn, end to end. Run by hand:

    .venv/bin/python bench/door_sync.py                 # SQLite: bench/door_sync.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rollcall_bench_door_sync .venv/bin/python bench/door_sync.py
    options: --people N (5000)  --queued N (200)  --rounds N (3)  --workers N (2)  --reuse

gunicorn (2 sync workers, DEBUG off) serves the app on 127.0.0.1 as bench/door.py's load run does; a
client signed in as a steward (the session cookie and the CSRF header, as the door page's script sends
them) sends --queued check-ins of distinct people, each with a nonce, the device's real time and its
name, the way door_offline.js does:

- one by one: POST checkins/ per check-in (how the device sent its queue before);
- batched: POST checkins/batch/ with up to 200 items (how it sends it now);
- the batch again: every nonce known (a device that never saw the answer).

Each is wall time from the first request to the last answer, over --rounds rounds (the attendance and
scans wiped between), with the bare view (one indexed query, same server) for the floor and the
machine's load average. Then, in this process, where a batch's time goes: the request (middleware,
session, user, throttle) against each item's work (the same sync_check_in as the single endpoint).

Target (issue 14): 200 queued check-ins ≤ 2 s end to end.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'bench' / 'door_sync.sqlite3'}")

import door  # noqa: E402  (bench/door.py: the same database set-up, people and bare view)

PORT = 8793


def load_average() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--queued", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    url = door.env()["DATABASE_URL"]
    if not url.startswith("sqlite") and "bench" not in url.rpartition("/")[2]:
        sys.exit("Give a database whose name has 'bench' in it: this script drops and recreates it.")
    if args.reuse:
        door._common.migrate(door.env())
    else:
        door.fresh_database()
    door.setup()

    from datetime import timedelta

    import requests
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from groups.models import Attendance, Branch, DoorScan, Meeting, Membership

    if not Branch.objects.filter(slug=door.SLUG).exists():
        door.populate(args.people)
    meeting = Meeting.objects.get(branch__slug=door.SLUG, title="Latency meeting")
    ids = list(
        Membership.objects.filter(branch=meeting.branch, category__slug="party-member")
        .order_by("person_id")
        .values_list("person_id", flat=True)
    )[: args.queued]
    steward = get_user_model().objects.get(username="bench-steward")
    signed_in = Client()
    signed_in.force_login(steward)
    csrf = get_random_string(32)
    http = requests.Session()
    http.cookies.set("sessionid", signed_in.cookies["sessionid"].value)
    http.cookies.set("csrftoken", csrf)
    http.headers.update({"X-CSRFToken": csrf, "Accept": "application/json"})
    base = f"http://127.0.0.1:{PORT}"
    api = f"{base}/api/v1/branches/{door.SLUG}/meetings/{meeting.pk}/"
    batch_size = 200

    def a_queue():
        now = timezone.now()
        return [
            {
                "person": pid,
                "nonce": str(uuid.uuid4()),
                "checked_in_at": (now - timedelta(seconds=len(ids) - i)).isoformat(),
                "device": "Bench door device",
            }
            for i, pid in enumerate(ids)
        ]

    def wipe():
        DoorScan.objects.filter(meeting=meeting).delete()
        Attendance.objects.filter(meeting=meeting).delete()

    def one_by_one(queue):
        return [http.post(api + "checkins/", json=item).status_code for item in queue]

    def batched(queue):
        codes = []
        for start in range(0, len(queue), batch_size):
            response = http.post(api + "checkins/batch/", json={"items": queue[start : start + batch_size]})
            assert response.status_code == 200, (response.status_code, response.text[:300])
            codes += [r["status"] for r in response.json()["results"]]
        return codes

    server = subprocess.Popen(door.gunicorn_command(PORT, args.workers), cwd=ROOT, env=door.env())
    timings: dict[str, list[float]] = {"bare view": [], "one by one": [], "batched": [], "the batch again": []}
    codes: dict[str, set] = {name: set() for name in timings}
    print(f"database: {connection.vendor}; {args.queued} queued check-ins; load average before {load_average()}")
    try:
        for _ in range(100):
            try:
                if http.get(f"{base}/bench/bare/{door.SLUG}/{ids[0]}/").status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.2)
        for _ in range(args.rounds):
            for i in range(20):
                t = time.perf_counter()
                http.get(f"{base}/bench/bare/{door.SLUG}/{ids[i]}/")
                timings["bare view"].append(time.perf_counter() - t)
            for name in ("one by one", "batched"):
                wipe()
                queue = a_queue()
                t = time.perf_counter()
                got = one_by_one(queue) if name == "one by one" else batched(queue)
                timings[name].append(time.perf_counter() - t)
                codes[name] |= set(got)
                assert Attendance.objects.filter(meeting=meeting).count() == len(ids), name
            t = time.perf_counter()
            codes["the batch again"] |= set(batched(queue))
            timings["the batch again"].append(time.perf_counter() - t)
    finally:
        server.terminate()
        server.wait(10)
    print(f"load average after {load_average()}")
    bare = statistics.median(timings.pop("bare view")) * 1000
    print(f"  bare view (same server): median {bare:.2f} ms")
    for name, samples in timings.items():
        print(
            f"  {args.queued} queued, {name:16}: median {statistics.median(samples):6.2f} s "
            f"(min {min(samples):.2f}, max {max(samples):.2f}; answers {sorted(codes[name])})"
        )
    where_the_time_goes(meeting, ids, steward, a_queue, wipe)


def where_the_time_goes(meeting, ids, steward, a_queue, wipe) -> None:
    """In this process: the whole batch through the middleware, against the items'
    service calls alone, and the queries a batch makes."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from groups.models import Person
    from groups.services.door_sync import sync_check_in

    client = Client()
    client.force_login(steward)
    url = f"/api/v1/branches/{door.SLUG}/meetings/{meeting.pk}/checkins/batch/"
    wipe()
    client.post(url, {"items": a_queue()[:1]}, content_type="application/json")  # warm: imports, the URL tree
    wipe()
    queue = a_queue()
    t = time.perf_counter()
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(url, {"items": queue}, content_type="application/json")
    whole = time.perf_counter() - t
    assert response.status_code == 200
    wipe()
    from datetime import datetime

    people = Person.objects.in_bulk(ids)
    t = time.perf_counter()
    for item in a_queue():
        sync_check_in(
            meeting=meeting,
            person=people[item["person"]],
            nonce=uuid.UUID(item["nonce"]),
            checked_in_at=datetime.fromisoformat(item["checked_in_at"]),
            device=item["device"],
            actor=steward,
        )
    service = time.perf_counter() - t
    print(
        f"  in process: the batch {whole:.2f} s ({len(ctx.captured_queries)} queries, "
        f"{len(ctx.captured_queries) / len(queue):.1f} a check-in); sync_check_in alone for the same "
        f"{len(queue)}: {service:.2f} s ({service / whole:.0%} of it)"
    )


if __name__ == "__main__":
    main()
