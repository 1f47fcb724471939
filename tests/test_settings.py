"""Settings read from the environment: what a deployment gets for what it sets.
Each case imports the settings afresh in a child process, as a server would."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def settings_with(**env) -> dict:
    code = (
        "import json, config.settings as s; "
        "print(json.dumps({'session': s.SESSION_ENGINE if hasattr(s, 'SESSION_ENGINE') else None, "
        "'cache': s.CACHES['default']['BACKEND'], 'age': s.DATABASES['default']['CONN_MAX_AGE'], "
        "'health': s.DATABASES['default']['CONN_HEALTH_CHECKS'], 'engine': s.DATABASES['default']['ENGINE'], "
        "'options': {k: v for k, v in s.DATABASES['default'].get('OPTIONS', {}).items() if 'prepare' in k "
        "or 'binding' in k}}))"
    )
    unset = ("REDIS_URL", "DATABASE_URL", "CONN_MAX_AGE", "DATABASE_PREPARED_STATEMENTS")
    base = {k: v for k, v in os.environ.items() if k not in unset}
    out = subprocess.run(  # noqa: S603 (this interpreter, fixed code)
        [sys.executable, "-c", code], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def test_with_no_configuration_sessions_and_cache_live_in_sqlite_with_kept_connections():
    got = settings_with()
    assert got["engine"] == "django.db.backends.sqlite3"
    assert got["session"] == "groups.auth"  # database sessions, read by hand
    assert got["cache"] == "django.core.cache.backends.db.DatabaseCache"
    # A connection is kept between requests (opening one and its PRAGMAs cost more than a door search).
    assert (got["age"], got["health"]) == (60, True)


def test_with_redis_sessions_are_read_from_redis_and_written_through_to_the_database():
    got = settings_with(REDIS_URL="redis://127.0.0.1:6379/9")
    assert got["cache"] == "django.core.cache.backends.redis.RedisCache"
    # cached_db, not cache: a session survives a Redis restart, and signing out deletes both copies.
    assert got["session"] == "django.contrib.sessions.backends.cached_db"


@pytest.mark.parametrize("age", ["0", "300"])
def test_connection_age_can_be_set(age):
    assert settings_with(CONN_MAX_AGE=age)["age"] == int(age)


def test_postgresql_prepares_repeated_statements_unless_told_not_to():
    url = "postgres://rollcall@db.internal:5432/rollcall"  # settings only: nothing connects
    got = settings_with(DATABASE_URL=url)
    assert got["options"] == {"server_side_binding": True, "prepare_threshold": 5}
    assert settings_with(DATABASE_URL=url, DATABASE_PREPARED_STATEMENTS="false")["options"] == {}
    assert settings_with()["options"] == {}  # SQLite: nothing to prepare
