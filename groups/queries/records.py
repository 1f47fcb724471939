"""A meeting's record (CONTRACT.md §5): the figures as they stand now, which
closing freezes, and the record as the API and the meeting page show it
(frozen for a closed meeting, live for an open one)."""

from __future__ import annotations

from django.db.models import Count, Q

from ..eligibility.decisions import count_eligible, eligible_person_ids, meeting_voting_definition
from ..models import Attendance, Meeting, MeetingRecord
from .attendance import quorum_needed


def live_figures(meeting: Meeting, *, with_ids: bool = False) -> dict:
    """Every figure of the record, computed now from the rules, the people and
    the check-ins: what close_meeting freezes. The attendance rule decides who
    may attend; attendance rule AND voting rule who may vote. With `with_ids`,
    also `eligible_ids` (who may attend, for "whom to reach out to")."""
    as_of = meeting.effective_eligibility_date
    checked_in = Q(undone_at__isnull=True)
    here = checked_in & Q(left_at__isnull=True)
    counts = Attendance.objects.filter(meeting=meeting).aggregate(
        present=Count("id", filter=here),
        guests=Count("id", filter=here & Q(person__isnull=True)),
        present_eligible=Count("id", filter=here & Q(person__isnull=False, may_vote=True)),
        # Everyone let in by override, whether or not they stayed.
        overrides=Count("id", filter=checked_in & Q(person__isnull=False) & ~Q(override_reason="")),
        attended=Count("id", filter=checked_in & Q(person__isnull=False)),
    )
    if with_ids:
        ids = eligible_person_ids(meeting.branch, meeting.attendance_rule, as_of)
        eligible_to_attend = len(ids)
    else:
        eligible_to_attend = count_eligible(meeting.branch, meeting.attendance_rule, as_of)
    eligible_to_vote = count_eligible(meeting.branch, meeting_voting_definition(meeting), as_of)
    needed = quorum_needed(meeting, eligible_to_vote)
    figures = {
        "eligible_to_attend": eligible_to_attend,
        "eligible_to_vote": eligible_to_vote,
        "quorum": needed,
        **counts,
        "quorate": counts["present_eligible"] >= needed,
        "attendance_rule_version": meeting.attendance_rule.version if meeting.attendance_rule else None,
        "voting_rule_version": meeting.voting_rule.version if meeting.voting_rule else None,
    }
    if with_ids:
        figures["eligible_ids"] = ids
    return figures


RECORD_FIELDS = (
    "eligible_to_attend",
    "eligible_to_vote",
    "quorum",
    "present",
    "present_eligible",
    "guests",
    "overrides",
    "quorate",
)


def _shown(values, closed_at, closed_by) -> dict:
    get = values.get if isinstance(values, dict) else lambda f: getattr(values, f)
    return {
        "closed_at": closed_at,
        "closed_by": closed_by,
        **{f: get(f) for f in RECORD_FIELDS},
        "rule_versions": {"attendance": get("attendance_rule_version"), "voting": get("voting_rule_version")},
    }


def meeting_record(meeting: Meeting) -> dict:
    """CONTRACT.md §5's record: frozen for a closed meeting, the same figures
    live (closed_at None) for an open one. `closed_by` is the user, or None."""
    if meeting.closed_at is not None:
        record = MeetingRecord.objects.select_related("closed_by").filter(meeting=meeting).first()
        if record is not None:
            return _shown(record, record.closed_at, record.closed_by)
    return _shown(live_figures(meeting), None, None)
