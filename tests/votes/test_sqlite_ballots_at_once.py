"""SQLite's API ballots are one INSERT each with no write_turn() around them
(groups/sql/sqlite_ballots.py): SQLite's own write lock orders them. Here the
voters tap at once, each twice, on a real database file in WAL mode (the
test's database copied to it, each thread's connection opened on it), while
another connection holds the write lock for a moment: every voter's first
tap is counted, every second tap refused, none fails with "database is
locked", and nothing is counted twice."""

import sqlite3
import threading
import time

import pytest
from django.db import connection

from groups.models import AuditEvent, Ballot, ElectionBallot, ElectionVoterMark, VotedMark
from groups.services.election_ballots import cast_own_election_ballot
from groups.services.votes import cast_own_ballot

from ..concurrency import race
from ..elections.helpers import contested
from .helpers import hall, open_one

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's one-statement ballots"),
]


@pytest.fixture
def on_a_file(tmp_path, monkeypatch):
    """Copy the test's database (as it is now) to a file in WAL mode and point new connections
    at it, as the app's are; the file's path."""

    def move() -> str:
        path = str(tmp_path / "hall.sqlite3")
        connection.ensure_connection()
        copy = sqlite3.connect(path)
        connection.connection.backup(copy)
        copy.execute("PRAGMA journal_mode=WAL")
        copy.close()
        monkeypatch.setitem(connection.settings_dict, "NAME", path)  # each racing thread's connection
        return path

    return move


def holding_the_lock(path: str, started: threading.Event):
    """A job that takes the database's write lock as the taps arrive and keeps it for 0.3 s."""

    def hold():
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        started.set()
        time.sleep(0.3)
        other.execute("COMMIT")
        other.close()
        return "held"

    return hold


def count(path: str, model, **equal) -> int:
    """How many rows of `model` in the file have these column values."""
    where = " AND ".join(f'"{column}" = ?' for column in equal)
    db = sqlite3.connect(path)
    try:
        sql = f'SELECT COUNT(*) FROM "{model._meta.db_table}" WHERE {where}'  # noqa: S608 — names from _meta
        return db.execute(sql, list(equal.values())).fetchone()[0]
    finally:
        db.close()


def test_voters_tapping_at_once_twice_each_are_counted_once_each(branch, organiser, user_factory, on_a_file):
    meeting, voters, _ = hall(branch, organiser, members=8, supporters=0)
    users = [user_factory() for _ in voters]
    for person, user in zip(voters, users, strict=True):
        person.user = user
        person.save(update_fields=["user"])
    vote = open_one(meeting, organiser)
    path = on_a_file()
    held = threading.Event()

    def tap(user):
        def job():
            held.wait(timeout=5)  # the lock is taken: these must wait for it, not fail
            mark = cast_own_ballot(
                branch=branch, meeting_id=meeting.pk, vote_id=vote.pk, choice="for", actor=user, drafts_visible=False
            )
            return "voted" if mark is not None else "not_taken"

        return job

    *outcomes, holder = race([tap(u) for u in users for _ in range(2)] + [holding_the_lock(path, held)])
    assert holder == "held"
    assert sorted(outcomes) == ["not_taken"] * len(users) + ["voted"] * len(users)
    assert count(path, VotedMark, vote_id=vote.pk) == count(path, Ballot, vote_id=vote.pk) == len(users)
    assert count(path, AuditEvent, action="vote.ballot", object_id=str(vote.pk)) == len(users)


def test_an_online_election_tapped_at_once_twice_each_counts_each_voter_once(branch, organiser, on_a_file):
    election, nominations, voters = contested(branch, organiser)
    path = on_a_file()
    held = threading.Event()

    def tap(person):
        def job():
            held.wait(timeout=5)
            cast_own_election_ballot(election=election, person=person, ranking=[nominations[0].pk], actor=None)
            return "voted"

        return job

    *outcomes, holder = race([tap(p) for p in voters for _ in range(2)] + [holding_the_lock(path, held)])
    assert holder == "held"
    assert sorted(outcomes) == ["already_voted"] * len(voters) + ["voted"] * len(voters)
    marks, ballots = (count(path, model, election_id=election.pk) for model in (ElectionVoterMark, ElectionBallot))
    assert marks == ballots == len(voters)
    assert count(path, AuditEvent, action="election.ballot", object_id=str(election.pk)) == len(voters)
