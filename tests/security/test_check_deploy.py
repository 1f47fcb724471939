"""`manage.py check --deploy --fail-level WARNING`, run as the deployment runs it
(its own process, settings from the environment): silent with the production
variables README documents, and failing without EMAIL_URL, where mail with
password-reset and RSVP links would have been printed to the log (issue 16)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "check-deploy-not-a-real-key-but-long-and-random-enough-0123456789abcdef",
    "ALLOWED_HOSTS": "rollcall.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://rollcall.example.org",
    "EMAIL_URL": "smtp+tls://rollcall@smtp.example.org:587",
    "DEFAULT_FROM_EMAIL": "Rollcall <rollcall@example.org>",
    "TASKS_BACKEND": "database",
    "SITE_URL": "https://rollcall.example.org",
    "BEHIND_PROXY": "true",
    "TRUSTED_PROXY_COUNT": "1",
    # The run's database (PostgreSQL in CI's second pass); never the repository's db.sqlite3.
    "DATABASE_URL": os.environ.get("DATABASE_URL")
    or f"sqlite:///{tempfile.gettempdir()}/rollcall-check-deploy.sqlite3",
}
# The test run's own settings (tests/environment.py) must not leak in.
DROPPED = (
    "SECURE_SSL_REDIRECT",
    "STATIC_MANIFEST",
    "WHITENOISE_USE_FINDERS",
    "EMAIL_URL",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def check_deploy(**variables) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in DROPPED} | variables
    return subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_silent_with_the_production_variables_readme_documents():
    done = check_deploy(**PRODUCTION)
    assert done.returncode == 0, done.stderr
    assert "System check identified no issues" in done.stdout


def test_fails_without_an_email_server():
    done = check_deploy(**{k: v for k, v in PRODUCTION.items() if k != "EMAIL_URL"})
    assert done.returncode != 0
    assert "rollcall.E001" in done.stderr and "EMAIL_URL is not set" in done.stderr
