"""Browser tests: pytest-playwright driving Debian's Chromium (no `playwright
install`). Skipped when Chromium is missing — except under CI, where that is
a failure."""

import os
import re
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _under_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    browser_items = [item for item in items if here in Path(item.fspath).parents]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
    if browser_items and not Path(CHROMIUM).exists() and not _under_ci():
        skip = pytest.mark.skip(reason=f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
        for item in browser_items:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        # Only reached under CI (otherwise the tests were skipped at collection).
        pytest.fail(f"CI=true but Chromium is missing at {CHROMIUM}; browser tests must run in CI.")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def console_errors(page):
    """Collects console errors (CSP violations are reported there too) and
    page errors; the test fails at teardown if there were any."""
    errors: list[str] = []

    def on_console(message):
        if message.type == "error":
            errors.append(f"console: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
    yield errors
    assert errors == [], "The browser reported errors:\n" + "\n".join(errors)


@pytest.fixture
def screenshot(page, request):
    """screenshot("name") saves test-artifacts/<test>-<name>.png (full page) of the
    fixture's page; screenshot("name", of=other) of a page the test opened itself
    (in its own signed-in context), which the fixture's page would show blank."""

    def take(name: str, of=None) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        slug = re.sub(r"[^A-Za-z0-9]+", "-", f"{request.node.name}-{name}").strip("-")
        path = ARTIFACTS / f"{slug}.png"
        (of or page).screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def demo(transactional_db, settings):
    """The demo branch and its three users (no generated people: quick), served
    as `make run` serves it: without two-factor enrolment for its organiser, whom
    visitors sign in as (tests/security/test_sessions.py tests the enrolment)."""
    settings.MFA_REQUIRED_FOR_ORGANISERS = False
    from groups.demo import build_demo

    return build_demo(people=0)
