"""Who may vote — and move and second — at a meeting, at this moment: the ONE
place that says so (CONTRACT.md §6).

A person may vote when they are checked in (not left, not undone), the
meeting's attendance rule admits them and its voting rule, when it has one,
admits them too, at the meeting's eligibility date. Someone let in by an
override whom the rules refuse does not vote. `may_vote` decides for one
person with the reasons; `voters` decides for everyone present at once
(the snapshot taken when a vote opens), through the same `_combine`."""

from __future__ import annotations

from ..models import Attendance, Meeting, Person
from .decisions import decide, meeting_voting_definition
from .engine import Decision, RuleError
from .loading import load_facts, needs_declared, needs_history

NOT_HERE = "Not checked in at this meeting (or marked as having left)."


def _present(meeting: Meeting):
    return Attendance.objects.filter(
        meeting=meeting, person__isnull=False, undone_at__isnull=True, left_at__isnull=True
    )


def _combine(meeting: Meeting, facts, names) -> Decision:
    """The attendance rule and the voting rule (if set) together, as
    `meeting_voting_definition` writes them for every count and check-in."""
    try:
        return decide(meeting_voting_definition(meeting), meeting.effective_eligibility_date, facts=facts, names=names)
    except RuleError as exc:
        return Decision(False, (f"The meeting's rules cannot be read ({exc}).",))


def may_vote(meeting: Meeting, person: Person) -> Decision:
    """May this person vote at this meeting now? A Decision with its reasons."""
    if person.branch_id != meeting.branch_id or not _present(meeting).filter(person=person).exists():
        return Decision(False, (NOT_HERE,))
    history = needs_history(meeting.attendance_rule, meeting.voting_rule)
    loaded = load_facts(
        [person],
        branch=meeting.branch,
        as_of=meeting.effective_eligibility_date,
        history=history,
        names=True,
        declared=needs_declared(meeting.attendance_rule, meeting.voting_rule),
    )
    return _combine(meeting, loaded.facts[person.pk], loaded.names)


def voters(meeting: Meeting) -> list[int]:
    """Ids of everyone present who may vote now, as `may_vote` would answer
    for each: one fact load for them all."""
    ids = list(_present(meeting).order_by("person_id").values_list("person_id", flat=True))
    if not ids:
        return []
    history = needs_history(meeting.attendance_rule, meeting.voting_rule)
    loaded = load_facts(
        ids,
        branch=meeting.branch,
        as_of=meeting.effective_eligibility_date,
        history=history,
        names=True,
        declared=needs_declared(meeting.attendance_rule, meeting.voting_rule),
    )
    return [pk for pk in ids if pk in loaded.facts and _combine(meeting, loaded.facts[pk], loaded.names).eligible]
