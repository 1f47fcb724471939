"""Tonight's speakers' list (groups/demo/tonight.py): a self-declared
question the branch asks, answered with consent by those in the room, the
balance on (women and non-binary speakers at least half), the movers' speeches
and the requests waiting on the motion as amended."""

from __future__ import annotations

from datetime import timedelta

from ..models import AttributeDefinition


def _names(text: str) -> list[str]:
    return text.split()


# The answers the demo's people gave, by first name (fictional people, their own answers).
_WOMEN = _names(
    "Amara Ayesha Claire Dalia Eleni Fatima Grace Hannah Imogen Joanna Kezia Lola Maryam Niamh Nkechi Priya Rosa "
    "Ruth Selin Una Wanjiru Zainab Zoe Beatriz"
)
_MEN = _names(
    "Bernard Callum Chidi Declan Emre Femi Hamza Ibrahim Jamal Kemal Leon Marcus Mehmet Olu Oskar Rafael Samir Sean "
    "Tariq Tomasz Vikram Yusuf Aidan Cyril Delroy"
)
GENDERS = {**dict.fromkeys(_WOMEN, "woman"), **dict.fromkeys(_MEN, "man"), "Deniz": "non-binary"}
PURPOSE = (
    "So the chair can balance the speakers' list: at least half of the speeches on an item from women and "
    "non-binary members. Only organisers can see answers; the chair sees only whether someone is in the group, "
    "never a label on the list. You can change or withdraw your answer at any time."
)


def balance_the_list(*, meeting, organiser, answered) -> AttributeDefinition:
    """The question, the answers of those who gave one (recorded by an
    organiser from the equality form they filled in, each with their
    consent) and the meeting's speakers' list settings with the balance on."""
    from ..services.attributes import define_attribute, record_with_consent
    from ..services.speakers import set_speakers_settings

    definition = define_attribute(
        branch=meeting.branch,
        key="gender",
        name="Gender",
        purpose=PURPOSE,
        options=["Woman", "Man", "Non-binary", "In another way"],
        actor=organiser,
    )
    for person in answered:
        value = GENDERS.get(person.first_name)
        if value is not None:
            record_with_consent(person=person, definition=definition, value=value, consent=True, actor=organiser)
    set_speakers_settings(
        branch=meeting.branch,
        meeting=meeting,
        actor=organiser,
        balance=True,
        attribute=definition,
        balance_values=["woman", "non-binary"],
        group_name="Women and non-binary speakers",
        target_percent=50,
        alternate=False,
        speech_seconds=180,
    )
    return definition


def movers_speak(*, meeting, chair, movers, at) -> None:
    """The motion's mover speaks, then the amendment's: four minutes each."""
    from ..services.speakers import ask_to_speak, call_next, finish_speaking

    speech = None
    for i, person in enumerate(movers):
        ask_to_speak(meeting=meeting, person=person, kind="for", actor=None, at=at + timedelta(minutes=4 * i))
        speech = call_next(meeting=meeting, actor=chair, at=at + timedelta(minutes=4 * i, seconds=20))
    finish_speaking(request=speech, actor=chair, at=at + timedelta(minutes=4 * len(movers), seconds=20))


def waiting_to_speak(*, meeting, asking, at) -> None:
    """Requests from the floor, a minute apart, in this order."""
    from ..services.speakers import ask_to_speak

    for i, (person, kind) in enumerate(asking):
        ask_to_speak(meeting=meeting, person=person, kind=kind, actor=None, at=at + timedelta(minutes=i))
