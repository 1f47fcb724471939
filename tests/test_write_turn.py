"""write_turn() (groups/sql/core.py): SQLite's writers queue behind a thread
lock and an flock beside the database instead of SQLite's busy handler. The
writers here open the file with no busy timeout at all, so one that found
the database locked would fail at once: none does, none is lost, and one
that comes while another writes waits for it."""

import multiprocessing
import sqlite3
import threading
import time

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections

from groups.sql.core import write_turn

on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's writers only")
fork = multiprocessing.get_context("fork")  # the children inherit the settings pointing at the file


@pytest.fixture
def database(tmp_path, monkeypatch):
    """A real database file in WAL mode, as the app's, with one counter;
    write_turn() finds it through the connection's NAME."""
    path = str(tmp_path / "turns.sqlite3")
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE counter (n INTEGER NOT NULL)")
    db.execute("INSERT INTO counter VALUES (0)")
    db.close()
    monkeypatch.setitem(connections[DEFAULT_DB_ALIAS].settings_dict, "NAME", path)
    return path


def open_file(path):
    return sqlite3.connect(path, timeout=0, isolation_level=None)  # no busy handler: locked is an error


def bump(path: str, times: int) -> None:
    """Read the counter, take a moment, write it back one more: a lost update
    or a "database is locked" unless the writers take turns."""
    db = open_file(path)
    for _ in range(times):
        with write_turn():
            db.execute("BEGIN IMMEDIATE")
            (n,) = db.execute("SELECT n FROM counter").fetchone()
            time.sleep(0.002)
            db.execute("UPDATE counter SET n = ?", (n + 1,))
            db.execute("COMMIT")
    db.close()


def threads_bumping(path: str, threads: int, times: int) -> None:
    errors = []

    def run():
        try:
            bump(path, times)
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(exc)

    started = [threading.Thread(target=run) for _ in range(threads)]
    for thread in started:
        thread.start()
    for thread in started:
        thread.join(timeout=60)
    if errors:
        raise errors[0]


def counter(path: str) -> int:
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT n FROM counter").fetchone()[0]
    finally:
        db.close()


@on_sqlite
def test_without_a_turn_a_second_writer_fails_at_once(database):
    """What the writers below would meet: this file gives no second chance."""
    holder = open_file(database)
    holder.execute("BEGIN IMMEDIATE")
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        open_file(database).execute("BEGIN IMMEDIATE")
    holder.execute("ROLLBACK")


@on_sqlite
def test_processes_and_their_threads_all_write_and_nothing_is_lost(database):
    processes = [fork.Process(target=threads_bumping, args=(database, 3, 10)) for _ in range(3)]
    for process in processes:
        process.start()
    threads_bumping(database, 3, 10)  # this process's threads too, at the same time
    for process in processes:
        process.join(timeout=60)
    assert [p.exitcode for p in processes] == [0, 0, 0]  # an error in a child exits non-zero
    assert counter(database) == 4 * 3 * 10


@on_sqlite
@pytest.mark.parametrize("where", ["thread", "process"])
def test_a_writer_who_comes_while_another_writes_waits_for_it(database, where):
    go = fork.Event()

    def second():
        go.wait(timeout=30)
        bump(database, 1)

    # The child is forked before this process takes its turn (it must not inherit the thread lock taken).
    other = fork.Process(target=second) if where == "process" else threading.Thread(target=second)
    other.start()
    holder = open_file(database)
    with write_turn():
        holder.execute("BEGIN IMMEDIATE")
        holder.execute("UPDATE counter SET n = n + 10")
        go.set()
        time.sleep(0.5)
        assert other.is_alive() and counter(database) == 0  # waiting, not failed, not written
        holder.execute("COMMIT")
    other.join(timeout=30)
    assert counter(database) == 11
    if where == "process":
        assert other.exitcode == 0


@pytest.mark.skipif(connection.vendor == "sqlite", reason="PostgreSQL locks rows: write_turn() is a no-op there")
def test_write_turn_holds_nothing_on_postgresql(tmp_path):
    entered = threading.Event()

    def other():
        with write_turn():
            entered.set()

    with write_turn():
        thread = threading.Thread(target=other)
        thread.start()
        assert entered.wait(timeout=5)  # not kept waiting for the turn taken here
    thread.join(timeout=5)


@on_sqlite
def test_a_lock_file_that_cannot_be_made_does_not_stop_the_write(database, monkeypatch):
    """A database in a folder the app may not write beside (a mounted volume):
    the write goes ahead, queued among this process's threads, not a 500."""
    monkeypatch.setitem(connections[DEFAULT_DB_ALIAS].settings_dict, "NAME", "/proc/no-such-folder/app.sqlite3")
    with write_turn():
        db = open_file(database)
        db.execute("UPDATE counter SET n = n + 1")
        db.close()
    assert counter(database) == 1
