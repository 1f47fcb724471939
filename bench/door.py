"""Benchmark: the door at 100,000 people in one branch. Run by hand:

    .venv/bin/python bench/door.py                      # SQLite: bench/door.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rollcall_bench_door .venv/bin/python bench/door.py
    options: --people N (100000)  --reuse (keep the database)  --load SECONDS (30; 0 skips the load run)
             --threads N (load generator threads or wrk connections, 8)  --profile (cProfile the requests)
             --workers N (gunicorn workers, 2)  --worker-threads N (gthread workers, N threads; 0 = sync, the default)
             --generator python|wrk (wrk: Debian's `wrk`, a C load generator with a Lua script)
             --only TEXT (latency: only the requests whose names contain TEXT, and the bare view; repeatable)

1. Latency, in this process, through the full middleware stack (django.test.Client
   signed in as a steward; DEBUG off): the median time of the door search partial
   (name prefix, membership number, postcode) and of a check-in POST (a different
   person each time; the form's, and the door page's htmx tap), each as a ratio
   to a bare view that runs one indexed query (Person.objects.filter(branch=…,
   pk=…).first()) through the same middleware; wall and CPU time.
2. Load: gunicorn (2 sync workers unless told) serving the app on 127.0.0.1, and a
   thread pool here (or wrk) POSTing check-ins of distinct people for --load
   seconds: check-ins per second, p50/p95, errors, rows written.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import _common

ROOT = Path(__file__).resolve().parent.parent
SLUG = "bench-door"
PORT = 8765


def env() -> dict:
    return _common.environment("door.sqlite3")


def setup() -> None:
    _common.setup(env())


def fresh_database() -> None:
    _common.fresh_database(env())


FIRST_NAMES = "Amara Ayesha Bernard Bola Callum Chidi Claire Dalia Declan Deniz Eleni Emre Fatima Femi Grace Hamza"
LAST_NAMES = (
    "Adeyemi Ahmed Akhtar Baker Begum Campbell Chowdhury Clarke Costa Demir Doyle Evans Francis "
    "Georgiou Gordon Hassan Hughes Ibrahim Jones Kaya Kowalski Lewis Martin Mensah Murphy Nowak Obi "
    "Okafor Osei Patel Price Quinn Rahman Reid Santos Shah Silva Singh Smith Taylor Thomas Turner "
    "Walker Watson Williams Yilmaz"
)
FIRST, LAST = FIRST_NAMES.split(), LAST_NAMES.split()
LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def populate(n: int) -> None:
    """A branch of n people (bulk_create): 70 % party members with a
    membership number, 30 % supporters; names from small lists plus a
    distinct suffix so a name prefix matches a realistic slice."""
    from datetime import date, timedelta

    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from groups.models import Category, Meeting, MeetingStatus, Membership, Person, Role, RoleName, Rule
    from groups.services.branches import create_branch

    rng = random.Random(6)
    User = get_user_model()
    organiser = User.objects.create_user("bench-organiser", "organiser@example.org")
    steward = User.objects.create_user("bench-steward", "steward@example.org")
    branch = create_branch(name="Bench door", slug=SLUG, actor=organiser)
    Role.objects.create(user=steward, branch=branch, role=RoleName.STEWARD)
    cats = {c.slug: c for c in Category.objects.filter(branch=branch)}
    today = date.today()
    t0 = time.perf_counter()
    with transaction.atomic():
        for start in range(0, n, 5000):
            people = []
            for i in range(start, min(start + 5000, n)):
                people.append(
                    Person(
                        branch=branch,
                        first_name=rng.choice(FIRST),
                        last_name=f"{rng.choice(LAST)}{'' if rng.random() < 0.3 else rng.choice(LAST).lower()}",
                        email=f"p{i}@example.org" if rng.random() < 0.92 else "",
                        postcode=f"N{rng.randint(1, 22)} {rng.randint(1, 9)}{rng.choice(LETTERS)}{rng.choice(LETTERS)}",
                        date_of_birth=today - timedelta(days=rng.randint(18 * 365, 85 * 365)),
                    )
                )
            people = Person.objects.bulk_create(people)
            Membership.objects.bulk_create(
                Membership(
                    person=p,
                    branch=branch,
                    category=cats["party-member"] if (start + j) % 10 < 7 else cats["supporter"],
                    number=f"L{start + j:07d}" if (start + j) % 10 < 7 else "",
                    started_on=today - timedelta(days=rng.randint(200, 4000)),
                )
                for j, p in enumerate(people)
            )
    rules = {r.name: r for r in Rule.objects.filter(branch=branch)}
    for title in ("Latency meeting", "Load meeting"):
        Meeting.objects.create(
            branch=branch,
            title=title,
            starts_at=timezone.now(),
            status=MeetingStatus.PUBLISHED,
            attendance_rule=rules["Party members only"],
            voting_rule=rules["Party members of six months or more"],
            quorum=50,
        )
    print(f"populated {n:,} people in {time.perf_counter() - t0:.1f} s")
    from django.db import connection

    if connection.vendor == "postgresql":
        # Statistics now, as autovacuum would soon: without them the planner
        # guesses two people per branch and picks poor plans.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


# --- latency ---------------------------------------------------------------------


def bare(request, slug, person_id):
    """The floor: one indexed query through the same middleware."""
    from django.http import HttpResponse

    from groups.models import Person

    person = Person.objects.filter(branch__slug=slug, pk=person_id).first()
    return HttpResponse(person.last_name if person else "")


def _urls():
    from django.urls import include, path

    return [path("bench/bare/<slug:slug>/<int:person_id>/", bare), path("", include("config.urls"))]


def latency(n: int, profile: bool, only: list[str] = ()) -> dict:
    import types

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from groups.models import Attendance, Meeting, Membership, Person

    sys.modules["bench_door_urls"] = types.ModuleType("bench_door_urls")
    sys.modules["bench_door_urls"].urlpatterns = _urls()
    meeting = Meeting.objects.get(branch__slug=SLUG, title="Latency meeting")
    Attendance.objects.filter(meeting=meeting).delete()
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-steward"))
    ids = list(
        Membership.objects.filter(branch=meeting.branch, category__slug="party-member")
        .order_by("person_id")
        .values_list("person_id", flat=True)
    )
    random.Random(1).shuffle(ids)
    sample = Person.objects.get(pk=ids[0])
    number = Membership.objects.filter(person=sample).values_list("number", flat=True).first()
    prefix = sample.last_name[:4]
    # A letter dropped from the surname: no prefix matches, so the door falls back to close matches.
    typo = sample.last_name[:3] + sample.last_name[4:]
    search_url = f"/b/{SLUG}/meetings/{meeting.pk}/door/search/"
    checkin_url = f"/b/{SLUG}/meetings/{meeting.pk}/door/check-in/"
    quorum_url = f"/b/{SLUG}/meetings/{meeting.pk}/quorum/"
    queue = iter(ids[1:])

    def read_messages():
        # A browser reads (and so clears) the "… is in." message on the page the
        # check-in redirects to; this client does not follow redirects, so the
        # message is cleared here, before the clock starts, or every check-in
        # would carry all the unread messages before it. Messages are kept in
        # the session (a member's name never rides in a cookie), so it is the
        # session's "_messages" that goes; the cookie, for code from before.
        client.cookies.pop("messages", None)
        session = client.session
        if session.pop("_messages", None) is not None:
            session.save()

    cases = {
        "bare view (1 indexed query)": lambda i: client.get(f"/bench/bare/{SLUG}/{ids[i % 500]}/"),
        f"door search: name prefix “{prefix}”": lambda i: client.post(search_url, {"q": prefix}),
        f"door search: membership number {number}": lambda i: client.post(search_url, {"q": number}),
        f"door search: postcode {sample.postcode}": lambda i: client.post(search_url, {"q": sample.postcode}),
        f"door search: mistyped surname “{typo}” (close matches)": lambda i: client.post(search_url, {"q": typo}),
        f"door search: “{sample.first_name} {typo}” (close matches)": lambda i: client.post(
            search_url, {"q": f"{sample.first_name} {typo}"}
        ),
        "door search: “Qwxzv” (nobody, exact or close)": lambda i: client.post(search_url, {"q": "Qwxzv"}),
        "check-in POST (a different person each time)": lambda i: client.post(checkin_url, {"person": next(queue)}),
        # What a tap in door mode sends (htmx): the answered card and the last check-ins back, no message.
        "check-in POST from the door page's htmx": lambda i: client.post(
            checkin_url, {"person": next(queue)}, HTTP_HX_REQUEST="true"
        ),
        # Door mode's quorum panel: every 5 s with the last check-ins (the other devices' too), and what a tap's
        # "door-changed" makes it ask (the tap's answer already carried the list; before 2 Dec 2026 it asked ?recent=1).
        "door mode's quorum poll, every 5 s (?recent=1)": lambda i: client.get(quorum_url + "?recent=1"),
        "door mode's quorum poll after a tap (no list)": lambda i: client.get(quorum_url),
        # The same poll with the eligible count not in the cache: the first after a write that raised the
        # branch's people_version (raised before each, off the clock), as every poll was before 3 Dec 2026.
        "door mode's quorum poll after a tap, count not cached": lambda i: client.get(quorum_url),
    }
    if only:  # the bare view always: the floor of this run
        cases = {k: v for i, (k, v) in enumerate(cases.items()) if i == 0 or any(o in k for o in only)}
    from groups.services import people_version

    before = {
        "check-in POST (a different person each time)": read_messages,
        "door mode's quorum poll after a tap, count not cached": lambda: people_version.bump(meeting.branch_id),
    }
    out = {}
    with override_settings(ROOT_URLCONF="bench_door_urls"):
        for name, fn in cases.items():
            before.get(name, lambda: None)()
            response = fn(0)
            assert response.status_code in (200, 302), (name, response.status_code)
            before.get(name, lambda: None)()
            with CaptureQueriesContext(connection) as ctx:
                response = fn(1)
            out[name] = [len(ctx.captured_queries)]
        for i in range(10):  # warm-up
            for name, fn in cases.items():
                before.get(name, lambda: None)()
                fn(-1 - i)
        # Round robin, so drift in the machine's speed hits every case alike.
        # Wall and CPU time (the process's own: other work on a shared machine does not count).
        samples = {name: [] for name in cases}
        cpu = {name: [] for name in cases}
        for i in range(n):
            for name, fn in cases.items():
                before.get(name, lambda: None)()
                t, c = time.perf_counter(), time.process_time()
                fn(i)
                samples[name].append(time.perf_counter() - t)
                cpu[name].append(time.process_time() - c)
        for name in cases:
            med = statistics.median(samples[name]) * 1000
            p90 = sorted(samples[name])[int(n * 0.9)] * 1000
            out[name] = (med, out[name][0], statistics.median(cpu[name]) * 1000)
            print(
                f"  {name:55} median {med:7.2f} ms  p90 {p90:7.2f} ms  CPU {out[name][2]:7.2f} ms"
                f"  ({out[name][1]} queries)",
                flush=True,
            )
        if profile:
            import cProfile
            import pstats

            for name in list(cases)[1:]:
                prof = cProfile.Profile()
                prof.enable()
                for i in range(50):
                    before.get(name, lambda: None)()
                    cases[name](i)
                prof.disable()
                print(f"\n--- profile: {name}")
                pstats.Stats(prof).sort_stats("cumulative").print_stats(18)
    checked = Attendance.objects.filter(meeting=meeting).count()
    print(f"  check-ins recorded: {checked:,}")
    base, base_cpu = out["bare view (1 indexed query)"][0], out["bare view (1 indexed query)"][2]
    print("\n| request | median | ratio | CPU median | CPU ratio | queries |\n|---|---|---|---|---|---|")
    for name, (med, queries, cpu_med) in out.items():
        print(
            f"| {name} | {med:.2f} ms | {med / base:.2f}× | {cpu_med:.2f} ms | {cpu_med / base_cpu:.2f}× | {queries} |"
        )
    return out


# --- load ------------------------------------------------------------------------


WRK_CHECK_IN = (
    'return wrk.format("POST", nil, nil, "person=" .. pid .. "&csrfmiddlewaretoken=" .. wrk.headers["X-Csrf"])'
)
WRK_BARE = f'return wrk.format("GET", "/bench/bare/{SLUG}/" .. pid .. "/")'
WRK_SCRIPT = """
-- Each wrk thread sends its own stride of the person ids (distinct people). wrk counts
-- answers other than 2xx/3xx as errors; the rows written are counted afterwards.
local counter, threads = 0, {}
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end
function init(args)
  ids = {}
  for line in io.lines(args[1]) do ids[#ids + 1] = line end
  step = tonumber(args[2])
  idx = tid + 1
end
function request()
  local pid = ids[idx]
  idx = idx + step
  REQUEST
end
function done(summary, latency, requests)
  io.write(string.format("WRK %d %d %.1f %.1f %.1f %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


gunicorn_command = _common.gunicorn_command  # the load runs of door.py, door_sync.py and votes.py


def load(seconds: int, threads: int, workers: int, worker_threads: int, generator: str, bare: bool) -> None:
    import requests
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils.crypto import get_random_string

    from groups.models import Attendance, Meeting, Membership

    meeting = Meeting.objects.get(branch__slug=SLUG, title="Load meeting")
    Attendance.objects.filter(meeting=meeting).delete()
    ids = list(
        Membership.objects.filter(branch=meeting.branch, category__slug="party-member").values_list(
            "person_id", flat=True
        )
    )
    random.Random(2).shuffle(ids)
    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-steward"))
    session = client.cookies["sessionid"].value
    csrf = get_random_string(32)
    command = gunicorn_command(PORT, workers, worker_threads)
    server = subprocess.Popen(command, cwd=ROOT, env=env())
    base = f"http://127.0.0.1:{PORT}"
    url = f"{base}/b/{SLUG}/meetings/{meeting.pk}/door/check-in/"
    results: list[tuple[float, int]] = []
    errors: list[str] = []
    lock = threading.Lock()
    queue = iter(ids)

    def worker(deadline: float) -> None:
        s = requests.Session()
        s.cookies.set("sessionid", session)
        s.cookies.set("csrftoken", csrf)
        mine = []
        while time.perf_counter() < deadline:
            with lock:
                pid = next(queue)
            t = time.perf_counter()
            try:
                r = s.post(url, data={"person": pid, "csrfmiddlewaretoken": csrf}, allow_redirects=False)
                ok = r.status_code == 302 and "/door/" in r.headers.get("Location", "")
                code = r.status_code
            except requests.RequestException as exc:
                ok, code = False, 0
                errors.append(str(exc))
            mine.append((time.perf_counter() - t, code if ok else -code))
        with lock:
            results.extend(mine)

    def run_wrk(request_lua: str, people: list[int]) -> str:
        id_file = ROOT / "bench" / "door-load-ids.txt"
        script = ROOT / "bench" / "door-load.lua"
        id_file.write_text("\n".join(map(str, people)) + "\n")
        script.write_text(WRK_SCRIPT.replace("REQUEST", request_lua))
        try:
            out = subprocess.run(
                [
                    "wrk",
                    f"--threads={min(threads, 4)}",
                    f"--connections={threads}",
                    f"--duration={seconds}s",
                    "--timeout=10s",
                    "--script",
                    str(script),
                    "-H",
                    f"Cookie: sessionid={session}; csrftoken={csrf}",
                    "-H",
                    f"X-Csrf: {csrf}",
                    "-H",
                    "Content-Type: application/x-www-form-urlencoded",
                    url,
                    "--",
                    str(id_file),
                    str(min(threads, 4)),
                ],
                capture_output=True,
                text=True,
                timeout=seconds + 60,
            )
        finally:
            id_file.unlink(missing_ok=True)
            script.unlink(missing_ok=True)
        line = next((line for line in out.stdout.splitlines() if line.startswith("WRK ")), "")
        if not line:
            raise SystemExit(f"wrk gave no figures:\n{out.stdout}\n{out.stderr}")
        return line

    wrk_line = ""
    try:
        for _ in range(100):
            try:
                if requests.get(f"{base}/healthz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.2)
        # A short warm-up so every worker has loaded Django.
        warm = [threading.Thread(target=worker, args=(time.perf_counter() + 2,)) for _ in range(workers)]
        for t in warm:
            t.start()
        for t in warm:
            t.join()
        results.clear()
        before = Attendance.objects.filter(meeting=meeting).count()
        start = time.perf_counter()
        if generator == "wrk":
            rest = list(queue)
            if bare:
                # The floor under the same server, workers and database, just before.
                line = run_wrk(WRK_BARE, rest[::-1])
                n, duration_us, p50, p95, p99, bad_status, socket_errors = (float(x) for x in line.split()[1:])
                bare_rate = n / (duration_us / 1e6)
                print(
                    f"load, bare view (GET, one indexed query; wrk, {threads} connections): {bare_rate:.0f}/s, "
                    f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, bad responses {bad_status:.0f}, "
                    f"socket errors {socket_errors:.0f}",
                    flush=True,
                )
                before = Attendance.objects.filter(meeting=meeting).count()
            wrk_line = run_wrk(WRK_CHECK_IN, rest)
        else:
            pool = [threading.Thread(target=worker, args=(start + seconds,)) for _ in range(threads)]
            for t in pool:
                t.start()
            for t in pool:
                t.join()
        elapsed = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(10)
    after = Attendance.objects.filter(meeting=meeting).count()
    setup_text = f"gunicorn {workers} worker(s)" + (f", gthread × {worker_threads}" if worker_threads else ", sync")
    if generator == "wrk":
        n, duration_us, p50, p95, p99, bad_status, socket_errors = (float(x) for x in wrk_line.split()[1:])
        secs = duration_us / 1e6
        print(
            f"load ({setup_text}; wrk, {threads} connections, {secs:.1f} s): {n:,.0f} check-ins "
            f"({n / secs:.0f}/s), p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms, "
            f"bad responses {bad_status:.0f}, socket errors {socket_errors:.0f}; rows written in the run: "
            f"{after - before:,}"
        )
        return
    good = [d for d, code in results if code > 0]
    bad = [code for _, code in results if code <= 0]
    lat = sorted(good)
    p50 = lat[len(lat) // 2] * 1000 if lat else 0
    p95 = lat[int(len(lat) * 0.95)] * 1000 if lat else 0
    print(
        f"load ({setup_text}; {threads} Python threads, {elapsed:.1f} s): {len(good):,} check-ins "
        f"({len(good) / elapsed:.0f}/s), p50 {p50:.1f} ms, p95 {p95:.1f} ms, errors {len(bad)} "
        f"{sorted(set(bad))[:5]} {errors[:3]}; rows written in the run: {after - before:,}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--load", type=int, default=30)
    parser.add_argument("--threads", type=int, default=8, help="load generator threads (wrk: connections)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--worker-threads", type=int, default=0, help="gunicorn gthread workers with this many threads; 0: sync workers"
    )
    parser.add_argument("--generator", choices=["python", "wrk"], default="python")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--load-bare", action="store_true", help="wrk only: load the bare view first, same server, same run"
    )
    parser.add_argument("--skip-latency", action="store_true")
    parser.add_argument(
        "--only", action="append", default=[], help="latency: only the requests whose names contain this (repeatable)"
    )
    args = parser.parse_args()
    if args.reuse:
        _common.migrate(env())
    else:
        fresh_database()
    setup()
    from django.db import connection

    from groups.models import Branch

    if not Branch.objects.filter(slug=SLUG).exists():
        populate(args.people)
    print(f"database: {connection.vendor}; people in the branch: {Branch.objects.get(slug=SLUG).people.count():,}")
    if not args.skip_latency:
        latency(args.requests, args.profile, args.only)
    if args.load:
        load(args.load, args.threads, args.workers, args.worker_threads, args.generator, args.load_bare)


if __name__ == "__main__":
    main()
