"""A hall with a speakers' list: checked-in men and women (by a self-declared
gender with consent), the balance set to at least half women and non-binary."""

from datetime import timedelta

from django.utils import timezone

from groups.models import AttributeDefinition, SelfDeclaredAttribute
from groups.services import speakers as services

from ..factories import person_with_membership
from ..votes.helpers import hall

GENDER_OPTIONS = [
    {"value": "woman", "label": "Woman"},
    {"value": "non-binary", "label": "Non-binary"},
    {"value": "man", "label": "Man"},
]


def gender(branch) -> AttributeDefinition:
    found = AttributeDefinition.objects.filter(branch=branch, key="gender").first()
    return found or AttributeDefinition.objects.create(
        branch=branch, key="gender", name="Gender", options=GENDER_OPTIONS
    )


def declare(person, value: str):
    SelfDeclaredAttribute.objects.create(
        person=person, definition=gender(person.branch), value=value, source="self", consent_given_at=timezone.now()
    )
    return person


def balance_on(meeting, organiser, *, percent=50, alternate=False):
    return services.set_speakers_settings(
        branch=meeting.branch,
        meeting=meeting,
        actor=organiser,
        balance=True,
        attribute=gender(meeting.branch),
        balance_values=["woman", "non-binary"],
        group_name="women and non-binary speakers",
        target_percent=percent,
        alternate=alternate,
        speech_seconds=120,
    )


def worked_hall(branch, organiser):
    """(meeting, {"M1": person, "M2": …, "W1": …, "W2": …}), all checked in,
    W1 a woman and W2 non-binary (declared, with consent), the men declaring nothing
    or "man"."""
    meeting, _, _ = hall(branch, organiser, members=0, supporters=0, quorum=1)
    from groups.services import attendance

    people = {}
    for name, value in (("M1", "man"), ("M2", None), ("W1", "woman"), ("W2", "non-binary")):
        person = person_with_membership(branch, first_name=name, last_name="Speaker")
        if value:
            declare(person, value)
        attendance.check_in(meeting=meeting, person=person, actor=organiser)
        people[name] = person
    return meeting, people


def ask_in_order(meeting, people, names, *, start=None, kind="contribution"):
    start = start or timezone.now() - timedelta(minutes=10)
    return [
        services.ask_to_speak(meeting=meeting, person=people[n], kind=kind, actor=None, at=start + timedelta(seconds=i))
        for i, n in enumerate(names)
    ]
