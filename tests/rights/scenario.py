"""One person the branch knows in every way it can (issue 15): memberships
with a number, an edited record (audit values), consent, invitations and a
reply, attendance at a closed meeting (with an override naming them) and an
open one, a guest row from before they joined, a self-declared attribute, a
role invitation, a linked account, a stored import upload naming them, and
nominations (issue 13): one standing in a ballot (the holder rule's reasons),
one open with an organiser's consent note naming them, and one they made of
someone else."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from groups.imports import jobs
from groups.models import (
    Attendance,
    AttributeDefinition,
    DeclarationSource,
    DoorRefusal,
    DoorScan,
    Invitation,
    Meeting,
    Nomination,
    OverrideRequest,
    Person,
    Position,
    RoleInvitation,
    RoleName,
    Rule,
    SelfDeclaredAttribute,
)
from groups.services import attendance as attendance_services
from groups.services import elections as election_services
from groups.services import people as people_services
from groups.services.invitations import record_reply
from groups.services.records import close_meeting

from ..factories import MeetingFactory, RoleFactory, UserFactory, person_with_membership

FIRST, LAST = "Zebedee", "Quarrington-Smythe"
EMAIL = "zebedee.qs@example.net"
PHONE = "07700 900154"  # stored as +447700900154
POSTCODE = "N15 6GD"
DOB = date(1987, 3, 9)
NOTES = "Prefers evening calls; lives above the bakery on Ruskin Road"
NUMBER = "GL-48213"


@dataclass
class Scenario:
    person: Person
    other: Person
    closed: Meeting
    upcoming: Meeting
    user: object
    invitation: Invitation
    upload_token: str
    other_upload_token: str
    standing: Nomination  # in a ballot: the holder rule's Decision kept
    open_nomination: Nomination  # nominations open: an organiser's consent note names them
    made: Nomination  # theirs of someone else (Nadia Nominee), awaiting her consent


def build(branch, organiser) -> Scenario:
    person = people_services.create_person(
        branch=branch,
        actor=organiser,
        data={"first_name": FIRST, "last_name": "Quarrington", "email": EMAIL, "consent_email": True},
        memberships=[{"category": "party-member", "number": NUMBER, "started_on": "2015-01-01"}],
    )
    membership_id = person.memberships.get().pk
    # Edits leave their old and new values in the audit log: the name, the phone, the notes.
    people_services.update_person(
        person=person,
        actor=organiser,
        data={
            "last_name": LAST,
            "phone": PHONE,
            "postcode": POSTCODE,
            "date_of_birth": DOB.isoformat(),
            "notes": NOTES,
            "ward": "Seven Sisters",
            "consent_phone": True,
        },
        memberships=[{"id": membership_id, "category": "party-member", "number": NUMBER, "started_on": "2016-01-01"}],
    )
    other = person_with_membership(branch, first_name="Olive", last_name="Other", email="olive@example.org")

    members_only = Rule.objects.get(branch=branch, name="Party members only")
    starts = timezone.now() - timedelta(days=30)
    closed = MeetingFactory(
        branch=branch, title="Last month", attendance_rule=members_only, starts_at=starts, ends_at=starts
    )
    # Before they joined they came once as a guest, giving their email.
    attendance_services.check_in(
        meeting=closed, guest_name=f"{FIRST} {LAST}", guest_email=EMAIL, actor=organiser, at=starts
    )
    attendance_services.check_in(meeting=closed, person=other, actor=organiser, at=starts)
    attendance_services.check_in(meeting=closed, person=person, actor=organiser, at=starts)
    # As if a steward had let them in by override, with a reason that names them.
    Attendance.objects.filter(meeting=closed, person=person).update(override_reason=f"{FIRST} {LAST} is the speaker")
    # The door also turned them away once and a steward asked for an override, naming them.
    DoorRefusal.objects.create(
        meeting=closed,
        person=person,
        refused_at=starts,
        code="not_eligible",
        message=f"{FIRST} {LAST} may not come in.",
        decision={"eligible": False, "reasons": [f"{EMAIL}"]},
    )
    OverrideRequest.objects.create(
        meeting=closed, person=person, requested_at=starts, reason=f"{FIRST} {LAST} says they paid; {PHONE}"
    )
    # A door device checked them in offline too (its scan: the device's time, the Decision).
    DoorScan.objects.create(
        nonce="5f0e8a52-6c3e-4d7a-9a53-0c3c7b1c2d11",
        meeting=closed,
        person=person,
        scanned_at=starts,
        received_at=starts,
        device="Door phone",
        outcome="duplicate",
        decision={"eligible": True, "reasons": [f"{FIRST} {LAST}"]},
    )
    close_meeting(meeting=closed, actor=organiser, at=starts + timedelta(hours=3))

    upcoming = MeetingFactory(branch=branch, title="Next month", starts_at=timezone.now() + timedelta(days=30))
    invitation = Invitation.objects.create(meeting=upcoming, person=person)
    record_reply(invitation=invitation, reply="yes")
    Invitation.objects.create(meeting=upcoming, person=other)

    definition = AttributeDefinition.objects.create(
        branch=branch, key="gender", name="Gender", options=[{"value": "woman", "label": "Woman"}]
    )
    SelfDeclaredAttribute.objects.create(
        person=person,
        definition=definition,
        value="woman",
        source=DeclarationSource.SELF,
        consent_given_at=timezone.now(),
    )

    user = UserFactory(email=EMAIL)
    RoleFactory(branch=branch, user=user, role=RoleName.MEMBER)
    Person.objects.filter(pk=person.pk).update(user=user)
    RoleInvitation.objects.create(
        branch=branch,
        email=EMAIL,
        role=RoleName.STEWARD,
        token_hash="x" * 64,
        created_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=7),
    )

    csv = f"First name,Last name,Email,Membership number\n{FIRST},{LAST},{EMAIL},{NUMBER}\n"
    token = jobs.save_upload(branch=branch, user=organiser, uploaded=SimpleUploadedFile("list.csv", csv.encode()))
    other_csv = "First name,Last name,Email\nOlive,Other,olive@example.org\n"
    other_token = jobs.save_upload(
        branch=branch, user=organiser, uploaded=SimpleUploadedFile("other.csv", other_csv.encode())
    )
    standing, open_nomination, made = _nominations(branch, organiser, person, other, members_only)
    person.refresh_from_db()
    closed.refresh_from_db()
    return Scenario(
        person, other, closed, upcoming, user, invitation, token, other_token, standing, open_nomination, made
    )


NOMINEE = "Nadia Nominee"


def _nominations(branch, organiser, person, other, members_only):
    secretary = Position.objects.create(branch=branch, slug="secretary", name="Secretary", holder_rule=members_only)
    nadia = person_with_membership(branch, first_name="Nadia", last_name="Nominee", email="nadia@example.org")

    def election(title, seats):
        made = election_services.create_election(
            branch=branch, actor=organiser, title=title, method="scottish_stv", seats=seats, positions=[secretary],
            election_on=date(2026, 3, 10), voting_rule=members_only, ballot_mode="paper",
        )  # fmt: skip
        return election_services.open_nominations(election=made, actor=organiser)

    def nominate(election, nominee, nominator, note):
        return election_services.nominate(
            election=election, person=nominee, nominators=[nominator], actor=organiser, consented=bool(note),
            consent_note=note,
        )  # fmt: skip

    ballot = election("Secretary 2026", 1)
    standing = nominate(ballot, person, other, "Signed the nomination form")
    nominate(ballot, nadia, other, "Signed the nomination form")
    election_services.close_nominations(election=ballot, actor=organiser)  # two for one seat: the ballot
    taking = election("Secretary 2027", 1)
    open_nomination = nominate(taking, person, other, f"{FIRST} {LAST} told me on {PHONE}")
    made = nominate(taking, nadia, person, "")
    standing.refresh_from_db()
    return standing, open_nomination, made


# --- the whole database, read raw -----------------------------------------------


def dump() -> dict[str, list[tuple]]:
    """Every row of every table, as the database holds it."""
    out = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - names from the schema
            names = [c[0] for c in cursor.description]
            out[table] = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return out


def _variants(text: str) -> set[str]:
    # As written, and as JSON escapes it on SQLite (\u00e2).
    import json

    return {text.lower(), json.dumps(text)[1:-1].lower()}


NEEDLES = {
    "first name": FIRST,
    "last name": LAST,
    "email": EMAIL,
    "notes": NOTES,
    "notes (a part)": "Ruskin Road",
    "membership number": NUMBER,
    "ward": "Seven Sisters",
    "date of birth": DOB.isoformat(),
    "date of birth (UK)": DOB.strftime("%d/%m/%Y"),
}
PHONE_DIGITS = "7700900154"  # in every format once separators are gone: 07700 900154, +44 7700 900154
POSTCODE_DIGITS = "n156gd"


def found_in(rows: dict[str, list[dict]], *, skip=lambda table, row: False) -> list[str]:
    """ "table.column: what" for every value of the scenario's person still held."""
    found = []
    for table, table_rows in rows.items():
        for row in table_rows:
            if skip(table, row):
                continue
            for column, value in row.items():
                if value is None:
                    continue
                text = str(value if not isinstance(value, (bytes, memoryview)) else bytes(value).decode("latin-1"))
                low = text.lower()
                squeezed = re.sub(r"[\s\-().+/]", "", low)
                for what, needle in NEEDLES.items():
                    if any(v in low for v in _variants(needle)):
                        found.append(f"{table}.{column}: {what}")
                if PHONE_DIGITS in squeezed:
                    found.append(f"{table}.{column}: phone")
                if POSTCODE_DIGITS in squeezed:
                    found.append(f"{table}.{column}: postcode")
    return sorted(set(found))
