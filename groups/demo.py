"""The demo branch from DESIGN.md's story. Each part of the product adds its
own seeding step to `build_demo`; everything here is fictional."""

from __future__ import annotations

import random

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from .models import Attendance, AuditAction, AuditEvent, Branch, Category, Meeting, Membership, Person, Role, RoleName
from .services.branches import create_branch

DEMO_SLUG = "demo"
DEMO_PASSWORD = "rollcall-demo"  # noqa: S105 (published demo password; the demo refuses to run without DEBUG)
DEMO_USERS = [
    ("organiser@example.org", RoleName.ORGANISER),
    ("steward@example.org", RoleName.STEWARD),
    ("member@example.org", RoleName.MEMBER),
]


def _demo_user(email: str):
    User = get_user_model()
    user, _ = User.objects.get_or_create(username=email.split("@")[0], defaults={"email": email})
    user.email = email
    user.set_password(DEMO_PASSWORD)
    user.save()
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


@transaction.atomic
def _remove_demo_branch() -> None:
    branch = Branch.objects.filter(slug=DEMO_SLUG).first()
    if branch is None:
        return
    # The audit log is append-only everywhere else; only the demo (DEBUG-only)
    # may wipe its own branch, and it does so explicitly here.
    AuditEvent.objects.filter(branch=branch)._raw_delete(connection.alias)
    # Records protect each other (a check-in keeps its person, a meeting its
    # rule, a membership its category), so take them down in that order.
    Attendance.objects.filter(meeting__branch=branch).delete()
    Meeting.objects.filter(branch=branch).delete()
    Person.objects.filter(branch=branch).delete()
    branch.delete()


def build_demo(*, people: int = 300, seed: int = 2016) -> Branch:
    """The demo branch, all or nothing. It is built through the services it
    shows (create_branch, create_meeting), and those run in a transaction of
    their own, never inside another: so each step commits in turn, and a build
    that fails part-way is taken down again — there is never half a demo."""
    _remove_demo_branch()
    try:
        return _build(people=people, seed=seed)
    except BaseException:
        _remove_demo_branch()
        raise


def _build(*, people: int, seed: int) -> Branch:
    with transaction.atomic():
        users = {role: _demo_user(email) for email, role in DEMO_USERS}
    branch = create_branch(
        name="Green Lanes Branch",
        slug=DEMO_SLUG,
        description="A fictional ward branch: party members, registered and affiliated supporters, and "
        "supporters who belong to no party.",
        actor=users[RoleName.ORGANISER],
    )
    with transaction.atomic():
        for role, user in users.items():
            Role.objects.update_or_create(user=user, branch=branch, defaults={"role": role})
    rng = random.Random(seed)
    for step in DEMO_STEPS:
        step(branch=branch, users=users, rng=rng, people=people)
    return branch


# Seeding steps: each takes (branch, users, rng, people) and adds its part,
# in one transaction (the steps that write rows directly), or through services
# that each run their own (seed_meetings).
DEMO_STEPS: list = []


def seed_meetings(*, branch, users, rng, people) -> None:
    """A year of monthly meetings (held), alternating open and organisational,
    plus an upcoming organisational meeting and an upcoming open one."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    from .models import MeetingKind, MeetingStatus
    from .services.meetings import branch_zone, create_meeting

    tz = branch_zone(branch)
    organiser = users[RoleName.ORGANISER]
    today = timezone.localdate(timezone=tz)
    rules = {r.name: r for r in branch.rules.all()}
    places = ["Green Lanes Community Centre, Room 2", "The Salisbury, upstairs room", "St Ann's Library"]

    def second_tuesday(year: int, month: int):
        first = datetime(year, month, 1).date()
        return first + timedelta(days=(1 - first.weekday()) % 7 + 7)

    y, m = today.year, today.month
    for i in range(12, 0, -1):
        year, month = (y, m - i) if m - i > 0 else (y - 1, m - i + 12)
        day = second_tuesday(year, month)
        if day >= today:
            continue
        open_meeting = i % 2 == 0
        starts = datetime.combine(day, time(19, 30), tzinfo=tz)
        create_meeting(
            branch=branch,
            actor=organiser,
            title=("Open meeting: " if open_meeting else "Branch business meeting: ") + day.strftime("%B %Y"),
            kind=MeetingKind.OPEN if open_meeting else MeetingKind.ORGANISATIONAL,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            location=rng.choice(places),
            agenda="1. Welcome and apologies\n2. Minutes of the last meeting\n3. Reports\n4. Any other business",
            quorum=None if open_meeting else 15,
            voting_rule=None if open_meeting else rules.get("Party members of six months or more"),
            status=MeetingStatus.HELD,
        )
    soon = today + timedelta(days=(1 - today.weekday()) % 7 + 7)
    starts = datetime.combine(soon, time(19, 30), tzinfo=tz)
    create_meeting(
        branch=branch,
        actor=organiser,
        title="Branch business meeting: " + soon.strftime("%B %Y"),
        kind=MeetingKind.ORGANISATIONAL,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        location=places[0],
        agenda="1. Welcome and apologies\n2. Minutes\n3. **Motion:** support the library campaign\n4. Elections: "
        "ward co-ordinator\n5. Any other business",
        description="For party members. Votes on the motion are for members of six months or more.",
        attendance_rule=rules.get("Party members only"),
        voting_rule=rules.get("Party members of six months or more"),
        quorum=15,
        quorum_percent=10,
        capacity=60,
        status=MeetingStatus.PUBLISHED,
    )
    later = soon + timedelta(days=10)
    starts = datetime.combine(later, time(18, 30), tzinfo=tz)
    create_meeting(
        branch=branch,
        actor=organiser,
        title="Open meeting: saving St Ann's Library",
        kind=MeetingKind.OPEN,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1, minutes=30),
        location=places[2],
        online_link="https://meet.example.org/green-lanes-library",
        description="Everyone is welcome — members, supporters and neighbours. Tea and biscuits from 18:15.",
        agenda="1. What the council proposes\n2. What we can do\n3. Sign up to help",
        capacity=80,
        status=MeetingStatus.PUBLISHED,
    )


# --- people (issue 3) --------------------------------------------------------

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

    from .models import Category, Membership, Person
    from .services import audit

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
    audit.record(
        actor=users[RoleName.ORGANISER],
        branch=branch,
        action=AuditAction.DEMO_PEOPLE,
        summary=f"Seeded {len(created):,} fictional people with {len(memberships):,} memberships",
        changes={"people": len(created), "memberships": len(memberships)},
    )


DEMO_STEPS.append(seed_people)
DEMO_STEPS.append(seed_meetings)


# --- invitations and replies (issue 5) --------------------------------------


@transaction.atomic
def seed_invitations(*, branch, users, rng, people) -> None:
    """Invitations to the upcoming published meetings for everyone their rule
    admits, marked as emailed (no email is sent), with a realistic mix of
    replies; and a registered supporter with an account, to show why some
    meetings are closed to them."""
    from datetime import timedelta

    from django.utils import timezone

    from .models import Invitation, Meeting, MeetingStatus, Reply, SendStatus
    from .services import audit
    from .services.invitations import admitted_people

    now = timezone.now()
    supporter = _demo_user("supporter@example.org")
    Role.objects.update_or_create(user=supporter, branch=branch, defaults={"role": RoleName.MEMBER})
    # One of the generated registered supporters gets the account (so the
    # number of people stays as asked); a new one when there are none.
    riya = (
        Person.objects.filter(
            branch=branch,
            user__isnull=True,
            memberships__category__slug="registered-supporter",
            memberships__status="active",
        )
        .exclude(memberships__category__slug="party-member")
        .order_by("id")
        .first()
    )
    if riya is None:
        riya = Person.objects.create(branch=branch, first_name="Riya", last_name="Shah")
        Membership.objects.create(
            person=riya,
            branch=branch,
            category=Category.objects.get(branch=branch, slug="registered-supporter"),
            started_on=timezone.localdate() - timedelta(days=400),
        )
    riya.email, riya.user = supporter.email, supporter
    riya.consent_email, riya.consent_email_at = True, now
    riya.save()
    member_person = Person.objects.filter(branch=branch, user=users[RoleName.MEMBER]).first()
    replies = [Reply.YES] * 45 + [Reply.NO] * 15 + [Reply.MAYBE] * 10 + [Reply.NONE] * 30
    total = 0
    upcoming = Meeting.objects.filter(branch=branch, status=MeetingStatus.PUBLISHED, starts_at__gte=now)
    for meeting in upcoming.select_related("branch", "attendance_rule").order_by("starts_at"):
        rows, yes = [], 0
        for pk, email, consent in admitted_people(meeting).values_list("pk", "email", "consent_email"):
            emailed = bool(consent and email)
            reply = rng.choice(replies) if emailed or rng.random() < 0.3 else Reply.NONE
            if member_person is not None and pk == member_person.pk:
                reply = Reply.NONE  # the demo member answers themselves
            if reply == Reply.YES and meeting.capacity is not None and yes >= meeting.capacity:
                reply = Reply.MAYBE
            yes += reply == Reply.YES
            rows.append(
                Invitation(
                    meeting=meeting,
                    person_id=pk,
                    sent_at=now - timedelta(days=3) if emailed else None,
                    send_status=SendStatus.SENT
                    if emailed
                    else (SendStatus.NO_CONSENT if not consent else SendStatus.NO_EMAIL),
                    reply=reply,
                    replied_at=now - timedelta(hours=rng.randint(1, 60)) if reply else None,
                )
            )
        Invitation.objects.bulk_create(rows, batch_size=1000)
        total += len(rows)
    audit.record(
        actor=users[RoleName.ORGANISER],
        branch=branch,
        action=AuditAction.DEMO_INVITATIONS,
        summary=f"Seeded {total:,} invitations with replies to the upcoming meetings",
        changes={"invitations": total},
    )


DEMO_STEPS.append(seed_invitations)
# --- attendance (issue 6) ----------------------------------------------------

_OVERRIDE_REASONS = [
    "Lapsed member: renewed at the door and showed the receipt",
    "Membership card shows she joined in March; the list is out of date",
    "Invited speaker for item 3",
]
_GUESTS = ["Councillor Dee Marsh", "Pat Lowe (local paper)", "Sam Rivers (tenants' association)", "Jo Hartley"]


def _turnout_target(index: int, count: int, people: int) -> int:
    """About 250 at the first held meeting falling to about 50 at the latest,
    scaled down for demos with fewer than 300 people."""
    share = index / (count - 1) if count > 1 else 1.0
    return round((250 - 200 * share) * min(1.0, people / 300))


@transaction.atomic
def seed_attendance(*, branch, users, rng, people) -> None:
    """The year of held meetings gets its turnout story: check-ins falling
    from about 250 to about 50, with the Decision the engine gives each person
    (written in bulk for speed, as the check-in service would record them),
    a few overrides with reasons, a few guests and one undone check-in per
    meeting or so; and invitations whose replies fall with them."""
    from datetime import timedelta

    from .door import category_names, decide, door_facts, eligibility_date
    from .models import Attendance, Invitation, Meeting, MeetingKind, MeetingStatus, Person, Reply, RuleVersion
    from .models.attendance import CheckInMethod
    from .services import audit

    steward, organiser = users[RoleName.STEWARD], users[RoleName.ORGANISER]
    held = list(
        Meeting.objects.filter(branch=branch, status=MeetingStatus.HELD)
        .select_related("branch", "attendance_rule", "voting_rule")
        .order_by("starts_at")
    )
    ids = list(Person.objects.filter(branch=branch).values_list("id", flat=True))
    if not held or not ids:
        return
    # Each person's keenness: the keenest keep coming as turnout falls.
    keenness = {pid: rng.random() for pid in ids}
    by_keenness = sorted(ids, key=keenness.get, reverse=True)
    names = category_names(branch)
    versions = {v.rule_id: v for v in RuleVersion.objects.filter(rule__branch=branch).order_by("version")}
    facts = door_facts(ids, branch=branch)
    attendances, invitations = [], []
    for index, meeting in enumerate(held):
        as_of = eligibility_date(meeting)
        decisions = {pid: decide(meeting.attendance_rule, facts[pid], as_of, names=names) for pid in ids}
        eligible = [pid for pid in by_keenness if decisions[pid].eligible]
        refused = [pid for pid in by_keenness if not decisions[pid].eligible]
        target = min(_turnout_target(index, len(held), people), round(len(eligible) * 0.95))
        # Mostly the keenest come, but the odd keen person misses one.
        came = [pid for pid in eligible if rng.random() > 0.06][:target]
        overrides = refused[: min(rng.randint(1, 3), len(refused))] if meeting.attendance_rule else []
        start = meeting.starts_at
        for pid in came + overrides:
            decision = decisions[pid]
            voting = (
                decide(meeting.voting_rule, facts[pid], as_of, names=names).eligible if meeting.voting_rule else True
            )
            is_override = pid in overrides
            attendances.append(
                Attendance(
                    meeting=meeting,
                    person_id=pid,
                    checked_in_at=start + timedelta(minutes=rng.triangular(-25, 30, -5)),
                    checked_in_by=organiser if is_override else steward,
                    method=rng.choices([CheckInMethod.DOOR, CheckInMethod.QR, CheckInMethod.BULK], weights=[80, 15, 5])[
                        0
                    ],
                    decision=decision.as_dict(),
                    rule_version=versions.get(meeting.attendance_rule_id) if meeting.attendance_rule_id else None,
                    may_vote=voting and not is_override,
                    override_reason=rng.choice(_OVERRIDE_REASONS) if is_override else "",
                    left_at=start + timedelta(minutes=rng.randint(50, 100)) if rng.random() < 0.08 else None,
                )
            )
        # A check-in undone (the wrong person ticked), kept with its reason.
        came_set = set(came)
        spare = [pid for pid in eligible if pid not in came_set]
        if spare and rng.random() < 0.6:
            pid = rng.choice(spare)
            attendances.append(
                Attendance(
                    meeting=meeting,
                    person_id=pid,
                    checked_in_at=start + timedelta(minutes=rng.randint(-10, 10)),
                    checked_in_by=steward,
                    method=CheckInMethod.DOOR,
                    decision=decisions[pid].as_dict(),
                    rule_version=versions.get(meeting.attendance_rule_id) if meeting.attendance_rule_id else None,
                    may_vote=False,
                    undone_at=start + timedelta(minutes=rng.randint(12, 30)),
                    undone_by=steward,
                    undo_reason="Ticked the wrong person with the same surname",
                )
            )
        if meeting.kind == MeetingKind.OPEN:
            for guest in rng.sample(_GUESTS, rng.randint(0, 2)):
                attendances.append(
                    Attendance(
                        meeting=meeting,
                        guest_name=guest,
                        checked_in_at=start + timedelta(minutes=rng.randint(-15, 20)),
                        checked_in_by=steward,
                        method=CheckInMethod.DOOR,
                    )
                )
        # Invitations to everyone eligible; most who came had said yes, some
        # who said yes did not come, and replies fall with turnout.
        for pid in eligible:
            roll = rng.random()
            if pid in came_set:
                reply = Reply.YES if roll < 0.72 else (Reply.MAYBE if roll < 0.8 else Reply.NONE)
            else:
                reply = (
                    Reply.YES
                    if roll < 0.07
                    else Reply.NO
                    if roll < 0.22
                    else Reply.MAYBE
                    if roll < 0.27
                    else Reply.NONE
                )
            sent = start - timedelta(days=14)
            invitations.append(
                Invitation(
                    meeting=meeting,
                    person_id=pid,
                    sent_at=sent,
                    reply=reply,
                    replied_at=sent + timedelta(hours=rng.randint(2, 300)) if reply else None,
                )
            )
    Attendance.objects.bulk_create(attendances, batch_size=1000)
    Invitation.objects.bulk_create(invitations, batch_size=1000)
    audit.record(
        actor=organiser,
        branch=branch,
        action=AuditAction.DEMO_ATTENDANCE,
        summary=f"Seeded {len(attendances):,} check-ins and {len(invitations):,} invitations for "
        f"{len(held)} held meetings",
        changes={"attendances": len(attendances), "invitations": len(invitations), "meetings": len(held)},
    )


DEMO_STEPS.append(seed_attendance)
