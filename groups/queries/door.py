"""The door's reads: the meeting with its rules, one person, the search, and
one card per person found. The statements are hand-written
(groups/sql/door.py: they run on every keystroke and check-in)."""

from __future__ import annotations

from typing import NamedTuple

from ..eligibility.decisions import decide
from ..eligibility.engine import normalise_postcode
from ..eligibility.loading import load_facts, needs_declared, needs_history
from ..models import Attendance, Branch, Meeting, Person
from ..sql import as_id
from ..sql import door as statements
from .door_close import close_matches

DOOR_RESULTS = 10


def door_meeting(branch: Branch, meeting_id) -> Meeting | None:
    """The branch's meeting with both its rules, in one query; None when the id
    is not a meeting of this branch."""
    pk = as_id(meeting_id)
    meeting = statements.meeting_with_rules(branch.pk, pk) if pk is not None else None
    if meeting is not None:
        meeting.branch = branch  # the same row (filtered by it)
    return meeting


def recent_check_ins(meeting: Meeting, n: int) -> list[Attendance]:
    """The meeting's last `n` live check-ins, newest first, with their people."""
    return statements.recent_check_ins(meeting.pk, n)


def door_person(branch: Branch, person_id) -> Person | None:
    """One person of the branch by id (from a form), or None."""
    pk = as_id(person_id)
    return statements.person(branch.pk, pk) if pk is not None else None


def door_search(branch: Branch, q: str, *, limit: int = DOOR_RESULTS) -> list[Person]:
    """People matching what the steward typed: name prefixes ("ana", "ana sil",
    "silva", surname first "silva ana"), an exact membership number, email or postcode. At most `limit`,
    sorted by last name then first name. With more matches than fit, the ten
    shown are a sample the steward narrows by typing more (groups.sql.door.search).
    When nothing matches, the names mistyped by a letter or two, best first (`DoorResults.close`)."""
    return door_results(branch, q, limit=limit, count_more=False).people


# Counting the rest stops this many beyond those shown: "over 50 more" says "type more" as well as an
# exact figure would, and each way of matching then reads at most 61 index entries for the count, not 500
# (PostgreSQL fetches a heap row for each: bench/RESULTS.md "Door", 2 Dec 2026).
MORE_CAP = 50


class DoorResults(NamedTuple):
    people: list[Person]
    more: str  # how many more match than are shown ("14", "over 50"; "" when all are shown)
    close: bool = False  # nobody matched exactly: these are close matches ("did you mean")


def door_results(branch: Branch, q: str, *, limit: int = DOOR_RESULTS, count_more: bool = True) -> DoorResults:
    """door_search's people, and how many more match than are shown, as the
    card list says it ("14", "over 50"; "" when all are shown; counted up to MORE_CAP beyond `limit`
    in the search's own statement; shown only when there are more: the search reads one row beyond
    `limit` to know). Only when that finds nobody, and `q` is a name, the close matches
    (groups.queries.door_close)."""
    q = " ".join((q or "").split())
    if not q:
        return DoorResults([], "")
    postcode = normalise_postcode(q)
    # One past the last figure said exactly: reaching it means "over MORE_CAP".
    cap = limit + MORE_CAP + 1
    if count_more:
        # The rest are counted in the search's own statement (shown only when there are more).
        people, total = statements.search_and_count(branch.pk, q, postcode=postcode, limit=limit + 1, cap=cap)
    else:
        people, total = statements.search(branch.pk, q, postcode=postcode, limit=limit + 1), 0
    if not people:
        close = close_matches(branch, q, limit=limit)
        return DoorResults(close, "", bool(close))
    people.sort(key=lambda p: (p.last_name.upper(), p.first_name.upper(), p.pk))
    if len(people) <= limit or not count_more:
        return DoorResults(people[:limit], "")
    if total >= cap:
        return DoorResults(people[:limit], f"over {MORE_CAP}")
    return DoorResults(people[:limit], f"{max(total - limit, 1)}")


def card_category(facts) -> str:
    """The category to show on a card (and in the door list): the first active membership's, else the first one's."""
    for m in facts.memberships:
        if m.status == "active":
            return m.category_name
    if facts.memberships:
        m = facts.memberships[0]
        return f"{m.category_name} ({m.status})"
    return "No membership recorded"


def door_cards(branch: Branch, meeting: Meeting, people: list[Person]) -> list[dict]:
    """One card per person: the attendance Decision, their category and any
    check-in. One statement whatever the number of people (memberships, the
    branch's category names, who is in), four when the rule asks about
    attendance history."""
    if not people:
        return []
    as_of = meeting.effective_eligibility_date
    rule = meeting.attendance_rule
    loaded = load_facts(
        people,
        branch=branch,
        as_of=as_of,
        history=needs_history(rule),
        names=True,
        here_at=meeting,
        declared=needs_declared(rule),
    )
    cards = []
    for person in people:
        facts = loaded.facts[person.pk]
        cards.append(
            {
                "person": person,
                "category": card_category(facts),
                "memberships": facts.memberships,
                "decision": decide(rule, as_of, facts=facts, names=loaded.names),
                "attendance": loaded.here.get(person.pk),
            }
        )
    return cards
