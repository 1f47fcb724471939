"""Who is here: check-ins, apologies, quorum, and one person's check-ins."""

from __future__ import annotations

import math
from decimal import Decimal

from django.db.models import QuerySet

from ..eligibility.decisions import count_eligible, eligible_person_ids, meeting_voting_definition
from ..models import Attendance, DoorRefusal, Invitation, Meeting, MeetingRecord, Person, Reply
from ..models.meetings import QuorumCombine
from ..sql import door as statements


def quorum_needed(meeting: Meeting, eligible: int) -> int:
    """The number needed: meeting.quorum and/or ceil(quorum_percent% of eligible);
    with both, the greater (default) or the lesser. 0 when no quorum is set."""
    options = []
    if meeting.quorum is not None:
        options.append(meeting.quorum)
    if meeting.quorum_percent is not None:
        options.append(math.ceil(Decimal(meeting.quorum_percent) * eligible / 100))
    if not options:
        return 0
    return min(options) if meeting.quorum_combine == QuorumCombine.LESSER else max(options)


def quorum(meeting: Meeting) -> dict:
    """CONTRACT.md §4's quorum, plus `guests`: from the frozen record when the
    meeting is closed (one query), live otherwise (one with the eligible count
    cached, three when it is counted: the rule's categories and the COUNT).

    present: checked in, not undone and not marked as left (guests included);
    present_eligible: present people the voting rule admitted at check-in
    (never guests, never override entrants the voting rule refuses);
    eligible: the branch's people the voting rule admits at the eligibility date,
    among those the attendance rule admits (no voting rule: all of those).
    With no quorum set, quorum is 0 and the meeting is quorate."""
    if meeting.closed_at is not None:
        record = MeetingRecord.objects.filter(meeting=meeting).first()
        if record is not None:
            return frozen_quorum(record)
    # Polled every 5 s by each door device: the check-ins and the branch's people_version in one
    # statement, then the eligible count from the cache under that version (groups/eligibility/count_cache.py).
    present, guests, present_eligible, version = statements.quorum_figures(meeting.pk, meeting.branch_id)
    eligible = count_eligible(
        meeting.branch,
        meeting_voting_definition(meeting),
        meeting.effective_eligibility_date,
        people_version=version,
    )
    needed = quorum_needed(meeting, eligible)
    return {
        "eligible": eligible,
        "present": present,
        "present_eligible": present_eligible,
        "quorum": needed,
        "quorate": present_eligible >= needed,
        "guests": guests,
    }


def frozen_quorum(record: MeetingRecord) -> dict:
    """quorum()'s answer from a closed meeting's record."""
    return {
        "eligible": record.eligible_to_vote,
        "present": record.present,
        "present_eligible": record.present_eligible,
        "quorum": record.quorum,
        "quorate": record.quorate,
        "guests": record.guests,
    }


def attendance_rows(meeting: Meeting) -> QuerySet[Attendance]:
    """Everyone checked in (undone ones too), with who did what, for lists and exports."""
    return (
        Attendance.objects.filter(meeting=meeting)
        .select_related("person", "checked_in_by", "undone_by")
        .order_by("checked_in_at", "id")
    )


def door_refusals(meeting: Meeting):
    """Everyone the door turned away at this meeting, in order, with who did (one query)."""
    return (
        DoorRefusal.objects.filter(meeting=meeting).select_related("person", "refused_by").order_by("refused_at", "id")
    )


def apologies(meeting: Meeting) -> QuerySet[Person]:
    """People who replied "no" to their invitation."""
    return Person.objects.filter(invitations__meeting=meeting, invitations__reply=Reply.NO).order_by(
        "last_name", "first_name", "id"
    )


def person_attendance(person: Person) -> QuerySet[Attendance]:
    """A person's check-ins (not undone), newest first, with their meetings."""
    return (
        Attendance.objects.filter(person=person, undone_at__isnull=True)
        .select_related("meeting")
        .order_by("-checked_in_at")
    )


def expected_people(meeting: Meeting, *, paper_list: bool = False) -> tuple[list[int], str]:
    """Who is expected at a meeting, in name order: the invited when there are
    invitations ("invited"), otherwise everyone the attendance rule admits on
    the eligibility date ("eligible"). The badges, the sign-in sheet and the
    paper-list check-in all start from this list. A paper list ticked after
    the meeting may name people the rule refuses, so with `paper_list` an
    uninvited meeting with a rule offers the whole branch ("everyone").
    Returns (person ids, which)."""
    invited = list(
        Invitation.objects.filter(meeting=meeting)
        .order_by("person__last_name", "person__first_name", "person_id")
        .values_list("person_id", flat=True)
    )
    if invited:
        return invited, "invited"
    rule, which = meeting.attendance_rule, "eligible"
    if paper_list and rule is not None:
        rule, which = None, "everyone"
    return eligible_person_ids(meeting.branch, rule, meeting.effective_eligibility_date), which
