"""The app served by gunicorn in a subprocess, as production serves it
(config/gunicorn.conf.py, DEBUG off, one trusted proxy), for the replays that
only a real server shows: rate limits across workers, headers, slow clients,
the access log, errors gunicorn answers itself.

Started once per test session, on a free port, against a database of its own
migrated afresh (PostgreSQL: beside the test database, named after it; SQLite:
a file, as the in-memory test database cannot be shared), so what it holds
never leaks into the other tests. tests/served_seed.py puts a branch, a
steward with tokens, a meeting and a person in it."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Low enough for a test to go over in a second; README documents each variable.
API_RATE = 40


@dataclass
class Served:
    url: str
    host: str
    port: int
    log: Path
    seed: dict

    def access_log(self) -> str:
        return self.log.read_text(errors="replace")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _migrate(url: str) -> None:
    for command in (["migrate", "--noinput", "-v", "0"], ["createcachetable"]):
        subprocess.run(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": url},
            check=True,
            capture_output=True,
        )


def _own_database() -> tuple[str, object]:
    """A DATABASE_URL for the served app's own database, migrated afresh, and a cleanup.

    Its own, not a copy of the test database: a PostgreSQL template must have nobody connected,
    and in a whole run the live servers of earlier browser tests still hold connections to it."""
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        # In /dev/shm where there is one (a migration's many commits, no disk).
        shm = Path("/dev/shm")  # noqa: S108 - a directory of our own is made inside it
        target = Path(tempfile.mkdtemp(prefix="rollcall-served-", dir=shm if shm.is_dir() else None)) / "db.sqlite3"
        url = f"sqlite:///{target}"
        _migrate(url)
        return url, lambda: shutil.rmtree(target.parent, ignore_errors=True)
    import psycopg

    # The test database's name: once it is set up, settings_dict holds it (asking creation
    # again would prefix "test_" twice); before, the configured one.
    prefix = "test_"
    test_name = db["NAME"] if db["NAME"].startswith(prefix) else connection.creation._get_test_db_name()
    name = f"{test_name}_served"
    params = {"host": db["HOST"] or "127.0.0.1", "port": db["PORT"] or 5432, "user": db["USER"], "dbname": "postgres"}
    if db.get("PASSWORD"):
        params["password"] = db["PASSWORD"]

    def run(sql: str) -> None:
        with psycopg.connect(**params, autocommit=True) as admin:
            admin.execute(sql)

    run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    run(f'CREATE DATABASE "{name}"')
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    url = f"postgres://{db['USER']}{password}@{params['host']}:{params['port']}/{name}"
    _migrate(url)
    return url, lambda: run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _wait_for(url: str, server: subprocess.Popen, log: Path, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({server.returncode}):\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:  # noqa: S310 - our own server
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)
    raise RuntimeError(f"gunicorn did not answer in {seconds:.0f} s:\n{log.read_text()[-3000:]}")


def _start(tmp: Path, database_url: str) -> tuple[Served, subprocess.Popen]:
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "EMAIL_URL": "dummymail://",
        "TRUSTED_PROXY_COUNT": "1",  # README's deployment: one reverse proxy in front
        "SECURE_SSL_REDIRECT": "false",  # the proxy terminates TLS; the test talks plain HTTP to gunicorn
        "TASKS_BACKEND": "immediate",
        "API_RATE": f"{API_RATE}/min",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",  # the fault run's setup: two workers
        "GUNICORN_THREADS": "4",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    seeded = subprocess.run(  # noqa: S603 - our own seed script
        [sys.executable, "-m", "tests.served_seed"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        check=False,
    )
    if seeded.returncode:
        raise RuntimeError(f"seeding the served database failed:\n{seeded.stderr[-3000:]}")
    log = tmp / "gunicorn.log"
    with open(log, "w") as out:
        server = subprocess.Popen(  # noqa: S603 - gunicorn from our own virtualenv
            [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(url, server, log)
    except RuntimeError:
        server.kill()
        raise
    seed = json.loads(seeded.stdout.splitlines()[-1])
    return Served(url=url, host="127.0.0.1", port=port, log=log, seed=seed), server


@pytest.fixture(scope="session")
def _served_once(django_db_setup):
    """Holds the one server of the session (started by `served` on first use) and stops it at the end."""
    held: dict = {}
    yield held
    if "server" in held:
        held["server"].terminate()
        try:
            held["server"].wait(timeout=20)
        except subprocess.TimeoutExpired:
            held["server"].kill()
    if "drop" in held:
        held["drop"]()
    if "tmp" in held:
        shutil.rmtree(held["tmp"], ignore_errors=True)  # the access log


@pytest.fixture
def served(_served_once, django_db_blocker) -> Served:
    """The app served by gunicorn (one server per session, started on first use)."""
    if "app" not in _served_once:
        tmp = _served_once["tmp"] = Path(tempfile.mkdtemp(prefix="rollcall-served-"))
        with django_db_blocker.unblock():
            database_url, _served_once["drop"] = _own_database()
        _served_once["app"], _served_once["server"] = _start(tmp, database_url)
    return _served_once["app"]
