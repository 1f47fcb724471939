"""The door list (CONTRACT §9): what a door device needs to decide offline.

Everyone the meeting may expect — the invited (and anyone already checked in)
when it has invitations, otherwise the branch's whole list, so that the
device can also say why someone is refused — each with their attendance
Decision, whether they may vote, and door fields only: name, membership
number, postcode, category. Never notes, date of birth, phone or email. And
the start of each person's QR code signature (groups/exports/qr.py), so the
door's scanner can tell a genuine badge of this meeting offline.

One eligibility pass for everyone (groups.eligibility.loading.load_facts with
the people as a subquery), not a query per person: a fixed number of queries
whatever the size of the list."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from ..eligibility.decisions import EVERYONE, decide, definition_of, meeting_voting_definition
from ..eligibility.loading import load_facts, needs_history
from ..exports.qr import door_qr_checks
from ..models import Attendance, DoorScan, Invitation, Meeting, Membership, Person, ScanOutcome
from .attendance import quorum
from .door import card_category

# A device wipes its copy this long after the meeting ends (or starts, with no end).
KEEP_AFTER = timedelta(hours=24)


def expected_at_door(meeting: Meeting):
    """The people the door list holds, as a queryset (a subquery for the loader)."""
    people = Person.objects.filter(branch=meeting.branch)
    here = Q(pk__in=Attendance.objects.filter(meeting=meeting, person__isnull=False).values("person_id"))
    if Invitation.objects.filter(meeting=meeting).exists():
        people = people.filter(Q(pk__in=Invitation.objects.filter(meeting=meeting).values("person_id")) | here)
    return people


def door_list(meeting: Meeting) -> dict:
    """The door list: the meeting, the quorum now, and one entry per person, by name."""
    branch = meeting.branch
    as_of = meeting.effective_eligibility_date
    people = expected_at_door(meeting)
    voting = meeting_voting_definition(meeting)
    vote = definition_of(meeting.voting_rule)
    loaded = load_facts(
        people,
        branch=branch,
        as_of=as_of,
        history=needs_history(meeting.attendance_rule, voting),
        names=True,
        here_at=meeting,
    )
    numbers: dict[int, list[str]] = {}
    for person_id, number in (
        Membership.objects.filter(person__in=people.values("pk"))
        .exclude(number="")
        .order_by("category__order", "id")
        .values_list("person_id", "number")
    ):
        numbers.setdefault(person_id, []).append(number)
    rows = list(
        people.order_by("last_name", "first_name", "id").values_list("id", "first_name", "last_name", "postcode")
    )
    checks = door_qr_checks(meeting.pk, [row[0] for row in rows])
    entries = []
    for pk, first, last, postcode in rows:
        facts = loaded.facts.get(pk)
        if facts is None:
            continue
        decision = decide(meeting.attendance_rule, as_of, facts=facts, names=loaded.names)
        # May vote = the attendance rule AND the voting rule (voting_definition): the voting rule
        # alone decides, and only for those the attendance rule admits (half the work at 5,000).
        may_vote = decision.eligible and (
            vote == EVERYONE or decide(vote, as_of, facts=facts, names=loaded.names).eligible
        )
        here = loaded.here.get(pk)
        entries.append(
            {
                "id": pk,
                "first_name": first,
                "last_name": last,
                "numbers": numbers.get(pk, []),
                "postcode": postcode,
                "category": card_category(facts),
                "decision": decision.as_dict(),
                "may_vote": may_vote,
                "checked_in_at": here.checked_in_at if here is not None else None,
                "here_may_vote": bool(here.may_vote) if here is not None else False,
                "qr": checks[pk],
            }
        )
    ends = meeting.ends_at or meeting.starts_at
    return {
        "meeting": {
            "id": meeting.pk,
            "title": meeting.title,
            "starts_at": meeting.starts_at,
            "ends_at": meeting.ends_at,
            "keep_until": ends + KEEP_AFTER,
            "status": meeting.status,
            "closed": meeting.closed_at is not None,
        },
        "quorum": quorum(meeting),
        "generated_at": timezone.now(),
        "count": len(entries),
        "people": entries,
    }


def scans_to_review(meeting: Meeting):
    """Device check-ins the rule refused when they were sent, not withdrawn:
    kept for an organiser, those decided with who decided (one query)."""
    return (
        DoorScan.objects.filter(meeting=meeting, outcome=ScanOutcome.REVIEW, undone_at__isnull=True)
        .select_related("person", "sent_by", "reviewed_by")
        .order_by("scanned_at", "id")
    )
