"""Mutation-test one module of Rollcall with mutmut, by hand (never in `make test`).

    make mutation MODULE=engine                 # a preset (see PRESETS below)
    make mutation MODULE=groups/permissions.py TESTS="tests/permissions tests/test_roles.py"
    scripts/mutation.py engine --keep 'groups.eligibility.x_evaluate*'   # re-run some mutants

Each run works in its own scratch copy of the worktree (.mutation/<name>/,
git-ignored): mutmut reads its settings from pyproject.toml in the directory it
runs in, so the module and its tests are written there rather than fixed in the
project's pyproject.toml. The paths are parameters: after a move, pass the new
path, or change the preset. docs/TESTING.md says how to read the results.

The test database is created once per run and reused by every mutant
(--reuse-db): SQLite in a file inside the scratch copy, or PostgreSQL when
DATABASE_URL is set. It runs under `nice` with one worker: the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The database property test (a hypothesis test writing generated people to the
# database) takes ~20 s a run: against each of a few hundred mutants that is
# hours, and a random test kills a mutant only sometimes. The fixed cases beside
# it (tests/eligibility/) are what must kill them; it is left out here.
PROPERTY_TEST = "--deselect=tests/test_eligibility_agreement.py::test_every_way_of_deciding_agrees_with_evaluate"

# name → (files to mutate, the tests that exercise them). Only these tests run
# against each mutant: mutation testing is CPU heavy. When a module moves, edit
# its path here, or pass MODULE=path TESTS="…".
PRESETS: dict[str, tuple[list[str], list[str]]] = {
    "engine": (
        [
            "groups/eligibility/engine/evaluation.py",
            "groups/eligibility/engine/facts.py",
            "groups/eligibility/engine/postcodes.py",
            "groups/eligibility/engine/reasons.py",
            "groups/eligibility/engine/validation.py",
        ],
        ["tests/test_eligibility.py", "tests/test_eligibility_agreement.py", "tests/eligibility", PROPERTY_TEST],
    ),
    "compiler": (
        ["groups/eligibility/compile.py"],
        ["tests/test_eligibility_agreement.py", "tests/eligibility", PROPERTY_TEST],
    ),
    "permissions": (
        ["groups/permissions.py"],
        [
            "tests/permissions",
            "tests/test_roles.py",
            "tests/test_auth_reads.py",
            # drafts hidden from members (access_meeting, may_see_meeting), the
            # calendar feed (called_meetings_for), and the capabilities the
            # votes, erasure and subject access added, asked through their pages
            "tests/votes/test_vote_pages.py",
            "tests/votes/test_api_votes.py",
            "tests/rights/test_erasure_pages.py",
            "tests/rights/test_subject_access.py",
            "tests/test_meetings_ical.py",
            "tests/test_my_meetings.py",
        ],
    ),
    "checkin": (
        ["groups/services/attendance.py"],
        # test_closing: the closed-meeting refusals live in the service too
        ["tests/test_attendance_service.py", "tests/test_door.py", "tests/door", "tests/records/test_closing.py"],
    ),
}

SETTINGS = """\
# Written by scripts/mutation.py: the project's settings, with a test database
# kept between mutants (created once, then --reuse-db).
from config.settings import *  # noqa: F403

DATABASES["default"].setdefault("TEST", {{}})  # noqa: F405
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"]["NAME"] = {sqlite!r}  # noqa: F405

# Under mutation load the machine is slow: Hypothesis's timing health checks would
# fail the clean run for reasons that have nothing to do with the code.
try:
    from hypothesis import HealthCheck
    from hypothesis import settings as _hypothesis

    _hypothesis.register_profile("mutation", deadline=None, suppress_health_check=list(HealthCheck))
    _hypothesis.load_profile("mutation")
except ImportError:
    pass
"""


def _toml_list(items: list[str]) -> str:
    return "[" + ", ".join(json.dumps(i) for i in items) + "]"


def _copy_worktree(work: Path) -> None:
    """The worktree's files (tracked and new, not ignored) into `work`."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.split(b"\0")
    files = "\n".join(f.decode() for f in listed if f and (ROOT / f.decode()).is_file())
    subprocess.run(
        [
            "rsync",
            "-a",
            "--delete",
            "--exclude",
            "/mutants",
            "--exclude",
            "/.hypothesis",
            "--files-from=-",
            ".",
            str(work),
        ],
        cwd=ROOT,
        input=files.encode(),
        check=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("module", help=f"a preset ({', '.join(PRESETS)}) or file path(s), comma-separated")
    parser.add_argument("--tests", help="test paths (and pytest options), space-separated (default: the preset's)")
    parser.add_argument("--name", help="scratch directory name under .mutation/ (default: the preset or file stem)")
    parser.add_argument("--keep", action="store_true", help="keep earlier results: only new mutants run")
    parser.add_argument("--children", type=int, default=1, help="parallel mutants (default 1: shared machine)")
    parser.add_argument("mutants", nargs="*", help="only (re-)run these mutant names (globs allowed)")
    args = parser.parse_intermixed_args()

    if args.module in PRESETS:
        paths, tests = PRESETS[args.module]
        name = args.name or args.module
    else:
        paths = [p.strip() for p in args.module.split(",") if p.strip()]
        tests = []
        name = args.name or Path(paths[0]).stem
    if args.tests:
        tests = args.tests.split()
    if not tests:
        parser.error("say which tests exercise the module (--tests)")
    for p in paths + [t for t in tests if not t.startswith("-")]:
        if not (ROOT / p).exists():
            parser.error(f"{p} does not exist in {ROOT}")

    work = ROOT / ".mutation" / name
    if not args.keep and (work / "mutants").exists():
        shutil.rmtree(work / "mutants")
    work.mkdir(parents=True, exist_ok=True)
    _copy_worktree(work)
    (work / "mutation_settings.py").write_text(SETTINGS.format(sqlite=str(work / "mutants" / "test-db.sqlite3")))
    top = sorted({Path(p).parts[0] for p in paths})
    config = f"""

[tool.mutmut]
# Written by scripts/mutation.py for this run.
source_paths = {_toml_list(top)}
only_mutate = {_toml_list(paths)}
also_copy = ["config", "manage.py", "mutation_settings.py", "bench"]
pytest_add_cli_args = ["--ds=mutation_settings", "--reuse-db", "-p", "no:cacheprovider", "--hypothesis-seed=0",
    "-m", "not browser", "-W", "ignore::pytest.PytestUnraisableExceptionWarning"]
pytest_add_cli_args_test_selection = {_toml_list(tests)}
"""
    pyproject = (ROOT / "pyproject.toml").read_text() + config
    (work / "pyproject.toml").write_text(pyproject)

    mutmut = str(Path(sys.executable).with_name("mutmut"))
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    print(f"Mutating {', '.join(paths)}; tests: {' '.join(tests)}; in {work}", flush=True)
    run = subprocess.run(
        ["nice", "-n", "15", mutmut, "run", "--max-children", str(args.children), *args.mutants], cwd=work, env=env
    )
    if run.returncode:
        return run.returncode
    subprocess.run([mutmut, "export-cicd-stats"], cwd=work, env=env, check=True, capture_output=True)
    stats = json.loads((work / "mutants" / "mutmut-cicd-stats.json").read_text())
    survivors = subprocess.run([mutmut, "results"], cwd=work, env=env, capture_output=True, text=True).stdout
    (work / "survivors.txt").write_text(survivors)
    tested = stats["total"] - stats.get("skipped", 0) - stats.get("no_tests", 0)
    killed = stats["killed"] + stats.get("timeout", 0)
    print(json.dumps(stats))
    print(f"{name}: {killed} killed of {tested} run ({100 * killed / max(tested, 1):.1f} %)")
    print(f"Survivors listed in {work / 'survivors.txt'}; `cd {work} && {mutmut} show NAME` shows one.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
