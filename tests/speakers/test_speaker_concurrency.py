"""Eight taps of "Ask to speak" at once by one person: one request. Eight
presses of "Call next" at once: one speaker at a time, nobody called twice."""

import threading

import pytest
from django.db import connection, connections

from groups.errors import Conflict
from groups.models import SpeakerRequest
from groups.services.speakers import ask_to_speak, call_next

from .helpers import ask_in_order, worked_hall

THREADS = 8

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite serialises writers, so threads cannot race there",
    ),
]


def race(action):
    barrier = threading.Barrier(THREADS)
    outcomes, errors = [], []

    def run():
        try:
            barrier.wait(timeout=30)
            action()
            outcomes.append("ok")
        except Conflict as exc:
            outcomes.append(exc.code)
        except Exception as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    return sorted(outcomes)


def test_concurrent_asks_by_one_person_make_one_request(branch, organiser):
    meeting, people = worked_hall(branch, organiser)
    outcomes = race(lambda: ask_to_speak(meeting=meeting, person=people["M1"], kind="contribution", actor=None))
    assert outcomes == ["already_waiting"] * (THREADS - 1) + ["ok"]
    assert SpeakerRequest.objects.filter(meeting=meeting, person=people["M1"]).count() == 1


def test_concurrent_calls_take_the_list_one_speaker_at_a_time(branch, organiser):
    meeting, people = worked_hall(branch, organiser)
    ask_in_order(meeting, people, ["M1", "M2", "W1"])
    outcomes = race(lambda: call_next(meeting=meeting, actor=organiser))
    assert outcomes == ["nobody_waiting"] * (THREADS - 3) + ["ok"] * 3
    rows = SpeakerRequest.objects.filter(meeting=meeting)
    assert sorted(rows.values_list("status", flat=True)) == ["done", "done", "speaking"]
