"""The production server's settings (config/gunicorn.conf.py): threads, so a slow
client holds one thread rather than a whole worker, and an access log without
query strings."""

import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _settings() -> dict:
    return runpy.run_path(str(ROOT / "config" / "gunicorn.conf.py"))


def test_the_access_log_format_leaves_out_query_strings():
    log_format = _settings()["access_log_format"]
    assert "%(U)s" in log_format  # the path alone
    assert "%(r)s" not in log_format and "%(q)s" not in log_format


def test_workers_have_threads_and_bounded_requests():
    settings = _settings()
    assert settings["worker_class"] == "gthread" and settings["threads"] >= 2
    assert settings["timeout"] <= 60
    assert settings["limit_request_line"] <= 4094
