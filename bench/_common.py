"""What every benchmark sets up the same way: the environment the app runs under (production
settings: DEBUG off, so no query log), Django inside this process, a fresh database (SQLite
file, or a PostgreSQL database whose name must contain "bench"), gunicorn serving the app plus
the bare view (bench/door_wsgi.py), and the load: prepared requests sent once each by wrk
(bench/_wrk.py) or by a pool of client threads, the bare view and the target in the same
run (load_pair), printed as one table (load_table). Imported by the scripts in
bench/ (run as `python bench/<name>.py`, so this folder is on sys.path)."""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-only-secret-key-bench-only-secret-key-0123456789"


def environment(sqlite: str, **extra: str) -> dict:
    """os.environ for the app: DATABASE_URL as given, else bench/<sqlite>; then `extra`."""
    e = dict(os.environ)
    e.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'bench' / sqlite}")
    e.update(
        {
            "SECRET_KEY": SECRET,
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1,testserver",
            "SECURE_SSL_REDIRECT": "false",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "LOG_LEVEL": "ERROR",
            **extra,
        }
    )
    return e


def setup(env: dict) -> None:
    """Django in this process, under `env`."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def recreate_postgres(url: str) -> None:
    """Drop and create the PostgreSQL database of `url`; only a scratch one, named with "bench"."""
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"Refusing to recreate database {name!r}: use a name containing 'bench'.")
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def migrate(env: dict) -> None:
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)


def fresh_database(env: dict, *, cache_table: bool = False) -> None:
    """An empty database of env's DATABASE_URL, migrated (and the database cache's table)."""
    url = env["DATABASE_URL"]
    if url.startswith("sqlite"):
        remove_sqlite(Path(url.removeprefix("sqlite:///")))
    else:
        recreate_postgres(url)
    migrate(env)
    if cache_table:
        subprocess.run([sys.executable, "manage.py", "createcachetable"], cwd=ROOT, env=env, check=True)


def gunicorn_command(port: int, workers: int, worker_threads: int = 0) -> list[str]:
    """gunicorn serving the app plus the bare view (bench/door_wsgi.py) on 127.0.0.1:port."""
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "door_wsgi:application",  # the app, plus the bare view for the floor
        "--pythonpath",
        str(ROOT / "bench"),
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
    ]
    if worker_threads:  # gthread workers (keep-alive); 0 = sync workers, a connection per request
        command += ["--worker-class", "gthread", "--threads", str(worker_threads)]
    return command


def start_server(env: dict, workers: int, worker_threads: int = 0) -> tuple[subprocess.Popen, str]:
    """gunicorn (gunicorn_command) on a free port, once it answers: (the process, its base URL).
    The caller terminates it. A free port, as other work on this machine may hold any fixed one."""
    import requests

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(gunicorn_command(port, workers, worker_threads), cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            requests.get(f"{base}/accounts/login/", timeout=2)
            break
        except requests.RequestException:
            time.sleep(0.2)
    return server, base


def database_name() -> str:
    """The database this process is connected to, with its version: "PostgreSQL 15.4", "SQLite 3.40.1"."""
    from django.db import connection

    if connection.vendor == "postgresql":
        v = connection.cursor().connection.info.server_version
        return f"PostgreSQL {v // 10000}.{v % 10000}"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version}"


def server_text(workers: int, worker_threads: int) -> str:
    return f"gunicorn {workers} workers" + (f" × {worker_threads} threads" if worker_threads else ", sync")


def run_pool(threads: int, jobs: list, send) -> tuple[float, list[float], list[str]]:
    """Run `send(http, job)` for every job on `threads` threads, each with its own requests
    session; (seconds, latencies, errors: what send returned that was not empty)."""
    lock = threading.Lock()
    queue = iter(jobs)
    latencies: list[float] = []
    errors: list[str] = []

    def worker() -> None:
        import requests

        http = requests.Session()
        mine, bad = [], []
        while True:
            with lock:
                job = next(queue, None)
            if job is None:
                break
            t = time.perf_counter()
            try:
                problem = send(http, job)
            except requests.RequestException as exc:  # a timeout or a dropped connection is an error, not a crash
                problem = f"{type(exc).__name__}"
            mine.append(time.perf_counter() - t)
            if problem:
                bad.append(problem)
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    started = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return time.perf_counter() - started, latencies, errors


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


def analyze() -> None:
    """ANALYZE on PostgreSQL after building the data: autovacuum has not seen the bulk inserts
    yet, and a plan made on empty-table statistics is not the one a live branch gets."""
    from django.db import connection

    if connection.vendor == "postgresql":
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"ANALYZE in {time.perf_counter() - started:.1f} s", file=sys.stderr)


WRK = shutil.which("wrk") or "/usr/bin/wrk"


def default_client() -> str:
    """wrk (a C event loop, light on the CPU the server needs on this 2-core machine) when
    installed (Debian: apt-get install -y wrk), else the Python threads."""
    return "wrk" if Path(WRK).exists() else "threads"


def client_text(client: str, connections: int) -> str:
    if client == "wrk":
        return f"wrk, {connections} threads × 1 connection"
    return f"{connections} client threads (Python requests)"


def chunks_text(chunks: int) -> str:
    if chunks > 1:
        return f"bare view and target alternating in {chunks} slices each"
    return "bare view, then target"


@dataclass(frozen=True)
class Prepared:
    """One request, sent exactly once by either client; `expect` is the status that is not an error."""

    method: str
    path: str
    headers: dict
    body: str | None = None
    expect: int = 200


@dataclass
class Load:
    """What one load run measured: every request answered once (or counted as an error)."""

    label: str
    client: str
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    max_ms: float
    statuses: Counter
    errors: int
    problems: list[str] = field(default_factory=list)  # the first few, for the report
    client_cpu: float = 0.0  # CPU seconds the client used (wrk and the reader here, or the threads)
    latencies_ms: list[float] = field(default_factory=list)  # each answer's, when the client listed them

    @classmethod
    def merged(cls, runs: list[Load]) -> Load:
        """Runs of one kind of request sent in chunks as one: their requests over their seconds
        (the time between chunks, spent on the other kind, left out), the percentiles of every
        answer's latency (wrk's, as it reports them: with the samples it adds for coordinated
        omission, a few more than the answers)."""
        latencies = [ms for run in runs for ms in run.latencies_ms]
        if any(len(run.latencies_ms) < run.requests for run in runs):
            raise ValueError("a chunk's latencies were not listed: they cannot be merged")
        return cls(
            label=runs[0].label,
            client=runs[0].client,
            requests=sum(run.requests for run in runs),
            seconds=sum(run.seconds for run in runs),
            p50_ms=statistics.median(latencies),
            p95_ms=p95(latencies),
            max_ms=max(latencies),
            statuses=sum((run.statuses for run in runs), Counter()),
            errors=sum(run.errors for run in runs),
            problems=[problem for run in runs for problem in run.problems][:5],
            client_cpu=sum(run.client_cpu for run in runs),
            latencies_ms=latencies,
        )

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


def load(base: str, prepared: list[Prepared], *, label: str, client: str, connections: int = 8) -> Load:
    """Send every prepared request once to `base`, `connections` at a time, by `client`."""
    if client == "wrk":
        import _wrk

        return _wrk.run(base, prepared, label=label, connections=connections)
    if client != "threads":
        raise ValueError(f"unknown client {client!r}")
    statuses: list[int] = []

    def send(http, item: Prepared) -> str:
        r = http.request(item.method, base + item.path, headers=item.headers, data=item.body, timeout=60)
        statuses.append(r.status_code)  # list.append is atomic under the GIL
        return "" if r.status_code == item.expect else f"{label} {r.status_code}: {r.text[:120]}"

    cpu = time.process_time()
    seconds, latencies, errors = run_pool(connections, prepared, send)
    return Load(
        label=label,
        client=client,
        requests=len(prepared),
        seconds=seconds,
        p50_ms=statistics.median(latencies) * 1000,
        p95_ms=p95(latencies) * 1000,
        max_ms=max(latencies) * 1000,
        statuses=Counter(statuses),
        errors=len(errors),
        problems=errors[:5],
        client_cpu=time.process_time() - cpu,  # this process's threads: the main one only waits
        latencies_ms=[s * 1000 for s in latencies],
    )


def load_pair(
    base: str,
    bare: list[Prepared],
    target: list[Prepared],
    *,
    labels: tuple[str, str],
    client: str,
    connections: int = 8,
    between=None,
    chunks: int = 1,
) -> tuple[Load, Load, float]:
    """The bare view and the target, by the same client against the same server in the same
    run: (bare, target, target's requests per second over the bare view's). The bare path is
    warmed once first; the target is not (its requests act: a ballot cast twice is refused).

    `chunks` > 1 sends each list in that many slices, alternating bare, target, bare, target…,
    and merges each kind's slices (Load.merged): this machine is shared, and a neighbour's burst
    of a few seconds lands on both kinds instead of on whichever was running. `between(start,
    stop)`: called (off the clock) before each slice of the target, with the slice's bounds."""
    import requests

    first = bare[0]
    requests.request(first.method, base + first.path, headers=first.headers, data=first.body, timeout=30)
    floors, measured = [], []
    for number in range(chunks):
        lo, hi = len(bare) * number // chunks, len(bare) * (number + 1) // chunks
        floors.append(load(base, bare[lo:hi], label=labels[0], client=client, connections=connections))
        lo, hi = len(target) * number // chunks, len(target) * (number + 1) // chunks
        if between is not None:
            between(lo, hi)
        measured.append(load(base, target[lo:hi], label=labels[1], client=client, connections=connections))
    if chunks > 1:  # each slice's rate, to see whether a kind's slices drift (one's work landing on the next)
        rates = " ".join(f"{f.rate:.0f}/{m.rate:.0f}" for f, m in zip(floors, measured, strict=True))
        print(f"slices, bare/target per second: {rates}", file=sys.stderr)
    floor, cast = (runs[0] if chunks == 1 else Load.merged(runs) for runs in (floors, measured))
    how = f"{client}, {chunks} chunks each" if chunks > 1 else client
    print(f"{labels[0]}: {floor.rate:.0f}/s ({how})", file=sys.stderr)
    print(f"{labels[1]}: {cast.rate:.0f}/s ({how})", file=sys.stderr)
    return floor, cast, cast.rate / floor.rate


def load_table(floor: Load, *rows: Load) -> None:
    """The markdown table: the bare view first (ratio 1), each row's ratio to it; the statuses below."""
    print("| | requests | per second | ratio to bare | p50 ms | p95 ms | max ms | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {floor.label} | {floor.requests:,} | {floor.rate:.0f} | 1 | {floor.p50_ms:.1f} | "
        f"{floor.p95_ms:.1f} | {floor.max_ms:.1f} | {floor.errors} |"
    )
    for row in rows:
        print(
            f"| {row.label} | {row.requests:,} | {row.rate:.0f} | **{row.rate / floor.rate:.2f}** | "
            f"{row.p50_ms:.1f} | **{row.p95_ms:.1f}** | {row.max_ms:.1f} | {row.errors} |"
        )
    print()
    statuses = "; ".join(
        f"{row.label}: " + ", ".join(f"{code} × {n:,}" for code, n in sorted(row.statuses.items()))
        for row in (floor, *rows)
    )
    print(f"Statuses ({floor.client}): {statuses}.")
    cpu = ", ".join(f"{row.label} {row.client_cpu:.2f} s" for row in (floor, *rows))
    print(f"CPU the client used ({floor.client}): {cpu}.")
    for row in (floor, *rows):
        for problem in row.problems:
            print(f"- {problem}")
