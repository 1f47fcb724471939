"""Uploaded membership lists between preview and confirm, and the import
task that runs them.

An upload is stored server-side under settings.IMPORT_UPLOAD_DIR as
<token>.csv with a <token>.json beside it naming the branch and user that own
it and the mapping chosen so far. The token is random, travels in the URL and
is checked against its owner on every request; a client never names a path.
Uploads are deleted after the import and, whatever happens, after 24 hours.

Progress and the final report live in a third file, <token>.state.json, so
the result page works the same whether the task ran inline (the default
`immediate` backend) or in a worker (TASKS_BACKEND=database). Not the cache:
the default cache is the database, and progress written from inside the
import's transaction would stay invisible until the import had finished.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import Http404
from django_tasks import task

from ..models import Branch
from ..services.imports import import_members, remembered_choices
from .report import ImportReport

MAX_AGE_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


def upload_dir() -> Path:
    path = Path(getattr(settings, "IMPORT_UPLOAD_DIR", "") or Path(tempfile.gettempdir()) / "rollcall-imports")
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _paths(token: str) -> tuple[Path, Path]:
    if not _TOKEN.match(token or ""):
        raise Http404
    base = upload_dir()
    return base / f"{token}.csv", base / f"{token}.json"


def _state_path(token: str) -> Path:
    return _paths(token)[0].with_suffix(".state.json")


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(data, out)
    os.replace(tmp, path)  # readers never see half a file


def purge_old(now: float | None = None) -> int:
    """Delete uploads older than 24 hours; returns how many files went."""
    cutoff = (now or time.time()) - MAX_AGE_SECONDS
    gone = 0
    for path in upload_dir().glob("*.*"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                gone += 1
        except FileNotFoundError:
            pass
    return gone


def save_upload(*, branch: Branch, user, uploaded) -> str:
    purge_old()
    token = secrets.token_urlsafe(18)
    data, meta = _paths(token)
    fd = os.open(data, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        for chunk in uploaded.chunks():
            out.write(chunk)
    write_meta(
        token,
        {
            "branch_id": branch.pk,
            "user_id": user.pk,
            "name": os.path.basename(getattr(uploaded, "name", "") or "upload.csv")[:200],
            "size": uploaded.size,
            **remembered_choices(branch),  # the branch's last choices, offered again
        },
    )
    schedule_purge(token)
    return token


def schedule_purge(token: str, *, now: float | None = None) -> bool:
    """Queue the upload's deletion for when it is MAX_AGE_SECONDS old, so an
    abandoned upload goes on time even if nobody uploads again (purge_old only
    runs on the next upload). A backend that cannot wait (the inline one in
    development) queues nothing; the branch's daily retention run and the next
    upload delete it there."""
    if not purge_upload.get_backend().supports_defer:
        return False
    due = datetime.fromtimestamp((now or time.time()) + MAX_AGE_SECONDS, tz=UTC)
    purge_upload.using(run_after=due).enqueue(token=token)
    return True


@task()
def purge_upload(*, token: str) -> bool:
    """Delete an upload that has reached MAX_AGE_SECONDS, with its progress and
    report. Left alone while its import runs (its state file beats), and when
    it was already deleted; one touched since waits a day from then. True when it deleted something."""
    data, meta = _paths(token)
    written = [p.stat().st_mtime for p in (data, meta, _state_path(token)) if p.exists()]
    if not written:
        return False
    if is_started(token):
        schedule_purge(token)  # its import is running: look again a day from now
        return False
    if max(written) > time.time() - MAX_AGE_SECONDS:
        schedule_purge(token, now=max(written))  # touched since it was queued: a day from then
        return False
    forget_upload(token)
    return True


def write_meta(token: str, meta: dict) -> None:
    _write_json(_paths(token)[1], meta)


def load_upload(*, branch: Branch, user, token: str) -> tuple[Path, dict]:
    """The upload's file and metadata, or 404 unless this user uploaded it to this branch."""
    data, meta_path = _paths(token)
    try:
        meta = json.loads(meta_path.read_text())
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    if meta.get("branch_id") != branch.pk or meta.get("user_id") != user.pk or not data.exists():
        raise Http404
    return data, meta


def dry_run(*, token: str, meta: dict, key: str, compute: Callable[[], ImportReport]) -> ImportReport:
    """The upload's dry run for these choices (`key`): computed once and kept
    with the upload, so showing the preview again does not read the whole file
    again. The import itself always checks the file afresh before writing."""
    kept = meta.get("dry_run") or {}
    if kept.get("key") == key:
        return ImportReport.from_store(kept["report"])
    report = compute()
    meta.update(rows=report.rows, dry_run={"key": key, "report": report.to_store()})
    write_meta(token, meta)
    return report


def choices_key(meta: dict, categories) -> str:
    """What a dry run depends on besides the file: the mapping, the category
    choices and the branch's categories (their names are matched too)."""
    chosen = [
        meta.get("mapping") or {},
        meta.get("category_map") or {},
        meta.get("status_map") or {},
        sorted((c.slug, c.name) for c in categories),
    ]
    return hashlib.sha256(json.dumps(chosen, sort_keys=True).encode()).hexdigest()


def delete_upload(token: str) -> None:
    for path in _paths(token):
        path.unlink(missing_ok=True)


def forget_upload(token: str) -> None:
    """The upload and its progress and report too (delete_upload keeps those for the result page)."""
    delete_upload(token)
    _state_path(token).unlink(missing_ok=True)


def _as_text(raw: bytes) -> str | None:
    """A stored file as text, or None for one that is not (a spreadsheet kept as it came)."""
    if raw[:2] == b"PK" or b"\x00" in raw[:4096]:
        return None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def uploads_mentioning(branch_id: int, pattern: re.Pattern) -> list[str]:
    """Tokens of the branch's stored uploads whose file, choices or report
    match `pattern` (an erased person's values: groups/services/erasure.py).
    A file that is not text (an .xlsx or .ods kept as uploaded) counts as a
    match: it cannot be read cheaply, and an upload is only a day's
    convenience, where keeping someone's erased data is not."""
    found = []
    for meta_path in sorted(upload_dir().glob("*.json")):
        token = meta_path.name.split(".", 1)[0]
        if meta_path.name != f"{token}.json" or not _TOKEN.match(token):
            continue
        try:
            meta = json.loads(meta_path.read_text())
        except (FileNotFoundError, ValueError):
            continue
        if meta.get("branch_id") != branch_id:
            continue
        data, _ = _paths(token)
        try:
            text = _as_text(data.read_bytes())
        except FileNotFoundError:
            text = ""
        # As JSON without \\u escapes, so a name with an accent is found as written.
        meta_text = json.dumps(meta, ensure_ascii=False)
        state_text = json.dumps(_read_state(token), ensure_ascii=False)
        if text is None or any(pattern.search(t) for t in (text, meta_text, state_text)):
            found.append(token)
    return found


# --- progress and the task -----------------------------------------------------


def _read_state(token: str) -> dict:
    try:
        return json.loads(_state_path(token).read_text())
    except (FileNotFoundError, ValueError):
        return {}


# A running import writes its progress every 1,000 rows (a few seconds apart at
# most). One silent for this long has lost its worker (killed, restarted, out of
# memory): it is marked failed so the organiser can run it again, where it would
# otherwise show "Importing… row 10,000 of 20,000" for ever. Nothing was written:
# the import writes in one transaction, which died with the worker.
STALE_AFTER_SECONDS = 5 * 60
# Queued this long and not picked up: no worker is running, probably.
WAITING_HINT_AFTER_SECONDS = 60


def _current_state(token: str) -> dict:
    state = _read_state(token)
    if state.get("state") == "running" and time.time() - state.get("beat", 0) > STALE_AFTER_SECONDS:
        state = set_state(token, state="failed", stopped=True)
    return state


def job_state(*, branch: Branch, user, token: str) -> dict:
    state = _current_state(token)
    if not state or state.get("branch_id") != branch.pk or state.get("user_id") != user.pk:
        raise Http404
    state["waiting_long"] = (
        state.get("state") == "queued" and time.time() - state.get("beat", 0) > WAITING_HINT_AFTER_SECONDS
    )
    return state


def set_state(token: str, **values) -> dict:
    """Store progress; each write is also the heartbeat `_current_state` reads."""
    state = _read_state(token)
    state.update(values, beat=time.time())
    _write_json(_state_path(token), state)
    return state


def is_started(token: str) -> bool:
    """Queued or running (a stopped one is not: it may be run again)."""
    return _current_state(token).get("state") in ("queued", "running")


def start_import(*, branch: Branch, user, token: str, rows: int) -> None:
    set_state(
        token,
        branch_id=branch.pk,
        user_id=user.pk,
        state="queued",
        phase="",
        done=0,
        total=rows,
        report=None,
        stopped=False,
    )
    run_import.enqueue(token=token, branch_id=branch.pk, user_id=user.pk)


@task()
def run_import(*, token: str, branch_id: int, user_id: int) -> None:
    branch = Branch.objects.get(pk=branch_id)
    user = get_user_model().objects.get(pk=user_id)
    data, meta = load_upload(branch=branch, user=user, token=token)
    set_state(token, state="running")

    def progress(phase: str, done: int) -> None:
        set_state(token, phase=phase, done=done)

    try:
        report = import_members(
            branch=branch,
            source=data,
            actor=user,
            mapping=meta.get("mapping") or None,
            category_map=meta.get("category_map") or None,
            status_map=meta.get("status_map") or None,
            progress=progress,
        )
    except Exception:
        set_state(token, state="failed")
        raise
    set_state(token, state="done", report=report.as_dict())
    if report.applied:
        delete_upload(token)


def uploads_older_than(branch_id: int, cutoff: float) -> list[str]:
    """Tokens of the branch's stored uploads last written before `cutoff` (a
    Unix time): what its retention schedule deletes (groups/services/retention.py)."""
    found = []
    for meta_path in sorted(upload_dir().glob("*.json")):
        token = meta_path.name.split(".", 1)[0]
        if meta_path.name != f"{token}.json" or not _TOKEN.match(token):
            continue
        try:
            meta = json.loads(meta_path.read_text())
            written = max(p.stat().st_mtime for p in _paths(token) if p.exists())
        except (FileNotFoundError, ValueError):
            continue
        if meta.get("branch_id") == branch_id and written < cutoff:
            found.append(token)
    return found
