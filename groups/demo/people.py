"""The demo's people: fictional names, wards and postcodes, with a realistic mix of memberships."""

from __future__ import annotations

import random

from django.db import transaction

from ..models import AuditAction, Branch, Category, Membership, Person, RoleName
from ..services import member_since, people_version

_FIRST_NAMES = [
    "Amara",
    "Ayesha",
    "Bernard",
    "Bola",
    "Callum",
    "Chidi",
    "Claire",
    "Dalia",
    "Declan",
    "Deniz",
    "Eleni",
    "Emre",
    "Fatima",
    "Femi",
    "Grace",
    "Hamza",
    "Hannah",
    "Ibrahim",
    "Imogen",
    "Jamal",
    "Joanna",
    "Kemal",
    "Kezia",
    "Leon",
    "Lola",
    "Marcus",
    "Maryam",
    "Mehmet",
    "Niamh",
    "Nkechi",
    "Olu",
    "Oskar",
    "Priya",
    "Rafael",
    "Rosa",
    "Ruth",
    "Samir",
    "Selin",
    "Sean",
    "Tariq",
    "Tomasz",
    "Una",
    "Vikram",
    "Wanjiru",
    "Yusuf",
    "Zainab",
    "Zoe",
    "Aidan",
    "Beatriz",
    "Cyril",
    "Delroy",
]
_LAST_NAMES = [
    "Adeyemi",
    "Ahmed",
    "Akhtar",
    "Baker",
    "Begum",
    "Campbell",
    "Chowdhury",
    "Clarke",
    "Costa",
    "Demir",
    "Doyle",
    "Evans",
    "Francis",
    "Georgiou",
    "Gordon",
    "Hassan",
    "Hughes",
    "Ibrahim",
    "Jones",
    "Kaya",
    "Kowalski",
    "Lewis",
    "Martin",
    "Mensah",
    "Murphy",
    "Nowak",
    "Obi",
    "Okafor",
    "O'Brien",
    "Osei",
    "Patel",
    "Price",
    "Quinn",
    "Rahman",
    "Reid",
    "Santos",
    "Shah",
    "Silva",
    "Singh",
    "Smith",
    "Taylor",
    "Thomas",
    "Turner",
    "Walker",
    "Watson",
    "Williams",
    "Yilmaz",
]
_WARDS = {
    "Tottenham Green": ("N15 4", "N15 3"),
    "Harringay": ("N4 1", "N8 0"),
    "St Ann's": ("N15 5", "N15 6"),
    "Seven Sisters": ("N17 6", "N15 5"),
}
_UNIONS = ("Unite", "UNISON", "GMB", "CWU", "Usdaw", "NEU")
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def _demo_person_values(rng: random.Random, today, index: int) -> dict:
    from datetime import timedelta

    first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
    ward = rng.choice(list(_WARDS))
    sector = rng.choice(_WARDS[ward])
    postcode = f"{sector}{rng.choice(_INWARD_LETTERS)}{rng.choice(_INWARD_LETTERS)}"
    roll = rng.random()
    if roll < 0.05:
        dob = None
    elif roll < 0.17:  # under 27
        dob = today - timedelta(days=rng.randint(16 * 365 + 5, 26 * 365))
    else:
        dob = today - timedelta(days=rng.randint(27 * 365 + 10, 84 * 365))
    email = "" if rng.random() < 0.06 else f"{first}.{last}.{index}@example.org".lower().replace("'", "")
    phone = "" if rng.random() < 0.15 else f"+447700900{rng.randint(0, 999):03d}"
    consent_email = bool(email) and rng.random() < 0.88
    consent_phone = bool(phone) and rng.random() < 0.65
    return {
        "first_name": first,
        "last_name": last,
        "email": email,
        "phone": phone,
        "postcode": postcode,
        "ward": ward if rng.random() > 0.03 else "",
        "date_of_birth": dob,
        "consent_email": consent_email,
        "consent_phone": consent_phone,
    }


def _demo_memberships(rng: random.Random, today, kind: str, numbers: dict) -> list[dict]:
    """Membership rows for one demo person of a kind (see seed_people)."""
    from datetime import timedelta

    def days_ago(lo, hi):
        return today - timedelta(days=rng.randint(lo, hi))

    def number(prefix):
        numbers[prefix] = numbers.get(prefix, 0) + 1
        return f"{prefix}{104729 + numbers[prefix] * 37:07d}"

    def dues(active=True):
        return today + timedelta(days=rng.randint(-20, 330)) if active else days_ago(60, 900)

    if kind == "long_party":
        started = days_ago(2 * 365, 16 * 365)
        since = started - timedelta(days=rng.randint(365, 8 * 365)) if rng.random() < 0.3 else None
        return [
            {
                "category": "party-member",
                "number": number("L"),
                "started_on": started,
                "continuous_since": since,
                "dues_paid_until": dues(),
            }
        ]
    if kind == "recruit":  # the recruitment drive: joined last month
        return [
            {
                "category": "party-member",
                "number": number("L"),
                "started_on": days_ago(28, 58),
                "dues_paid_until": dues(),
            }
        ]
    if kind == "recent_party":
        return [
            {
                "category": "party-member",
                "number": number("L"),
                "started_on": days_ago(90, 700),
                "dues_paid_until": dues(),
            }
        ]
    if kind == "lapsed":
        started = days_ago(3 * 365, 12 * 365)
        paid = days_ago(90, 700)
        return [
            {
                "category": "party-member",
                "number": number("L"),
                "status": "lapsed",
                "started_on": started,
                "dues_paid_until": paid,
            }
        ]
    if kind == "resigned":
        started = days_ago(4 * 365, 10 * 365)
        ended = days_ago(30, 3 * 365)
        return [
            {
                "category": "party-member",
                "number": number("L"),
                "status": "resigned",
                "started_on": started,
                "ended_on": ended,
            }
        ]
    if kind == "registered":
        return [{"category": "registered-supporter", "number": number("RS"), "started_on": days_ago(20, 500)}]
    if kind == "affiliated":
        return [{"category": "affiliated-supporter", "number": number("AS"), "started_on": days_ago(60, 9 * 365)}]
    if kind == "party_and_union":
        rows = _demo_memberships(rng, today, "long_party", numbers)
        rows.append({"category": "affiliated-supporter", "number": number("AS"), "started_on": days_ago(365, 9 * 365)})
        return rows
    if kind == "lapsed_now_supporter":  # a lapsed member who still comes along
        rows = _demo_memberships(rng, today, "lapsed", numbers)
        rows.append({"category": "supporter", "started_on": days_ago(30, 400)})
        return rows
    return [{"category": "supporter", "started_on": days_ago(5, 5 * 365)}]


_DEMO_MIX = [
    ("long_party", 30),
    ("recruit", 10),
    ("recent_party", 8),
    ("lapsed", 7),
    ("resigned", 2),
    ("registered", 12),
    ("affiliated", 10),
    ("party_and_union", 4),
    ("lapsed_now_supporter", 2),
    ("supporter", 15),
]


@transaction.atomic
def seed_people(*, branch: Branch, users: dict, rng: random.Random, people: int) -> None:
    """About `people` fictional people with a realistic mix, and the demo
    member's own record. Written in bulk (the demo is seed data, not an
    organiser's edits), with one audit event for the lot."""
    from django.utils import timezone

    from ..services import audit

    today = timezone.localdate()
    now = timezone.now()
    categories = {c.slug: c for c in Category.objects.filter(branch=branch)}
    kinds = [k for k, weight in _DEMO_MIX for _ in range(weight)]
    numbers: dict[str, int] = {}
    persons, plans = [], []
    member_user = users[RoleName.MEMBER]
    persons.append(
        Person(
            branch=branch,
            first_name="Morgan",
            last_name="Okafor",
            email=member_user.email,
            phone="+447700900001",
            postcode="N15 4AB",
            ward="Tottenham Green",
            date_of_birth=today.replace(year=today.year - 34, day=1),
            consent_email=True,
            consent_email_at=now,
            user=member_user,
        )
    )
    plans.append(_demo_memberships(rng, today, "long_party", numbers))
    for index in range(max(people - 1, 0)):
        values = _demo_person_values(rng, today, index)
        if values["consent_email"]:
            values["consent_email_at"] = now
        if values["consent_phone"]:
            values["consent_phone_at"] = now
        kind = rng.choice(kinds)
        notes = ""
        if kind in ("affiliated", "party_and_union"):
            notes = f"Affiliated through {rng.choice(_UNIONS)}."
        persons.append(Person(branch=branch, notes=notes, **values))
        plans.append(_demo_memberships(rng, today, kind, numbers))
    created = Person.objects.bulk_create(persons)
    memberships = [
        Membership(person=person, branch=branch, **{**row, "category": categories[row["category"]]})
        for person, rows in zip(created, plans, strict=True)
        for row in rows
    ]
    Membership.objects.bulk_create(memberships)
    member_since.refresh_branch(branch)
    people_version.bump(branch.pk)
    audit.record(
        actor=users[RoleName.ORGANISER],
        branch=branch,
        action=AuditAction.DEMO_PEOPLE,
        summary=f"Seeded {len(created):,} fictional people with {len(memberships):,} memberships",
        changes={"people": len(created), "memberships": len(memberships)},
    )
