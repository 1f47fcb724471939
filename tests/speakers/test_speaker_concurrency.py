"""Eight taps of "Ask to speak" at once by one person: one request. Eight
presses of "Call next" at once: one speaker at a time, nobody called twice."""

from groups.models import SpeakerRequest
from groups.services.speakers import ask_to_speak, call_next

from ..concurrency import RACES, race
from .helpers import ask_in_order, worked_hall

THREADS = 8

pytestmark = RACES


def outcomes_of(action) -> list[str]:
    """THREADS of the same action at once: "ok" or the refusal's code, sorted."""

    def ok():
        action()
        return "ok"

    return sorted(race([ok] * THREADS))


def test_concurrent_asks_by_one_person_make_one_request(branch, organiser):
    meeting, people = worked_hall(branch, organiser)
    outcomes = outcomes_of(lambda: ask_to_speak(meeting=meeting, person=people["M1"], kind="contribution", actor=None))
    assert outcomes == ["already_waiting"] * (THREADS - 1) + ["ok"]
    assert SpeakerRequest.objects.filter(meeting=meeting, person=people["M1"]).count() == 1


def test_concurrent_calls_take_the_list_one_speaker_at_a_time(branch, organiser):
    meeting, people = worked_hall(branch, organiser)
    ask_in_order(meeting, people, ["M1", "M2", "W1"])
    outcomes = outcomes_of(lambda: call_next(meeting=meeting, actor=organiser))
    assert outcomes == ["nobody_waiting"] * (THREADS - 3) + ["ok"] * 3
    rows = SpeakerRequest.objects.filter(meeting=meeting)
    assert sorted(rows.values_list("status", flat=True)) == ["done", "done", "speaking"]
