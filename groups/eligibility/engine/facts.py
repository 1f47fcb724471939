"""The facts a rule is decided on, and the Decision: plain data, no database.

The caller gathers a person's facts (groups.eligibility.loading does, for
every caller) and the as-of date; groups.eligibility.engine.evaluate decides.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

STATUSES = ("active", "lapsed", "suspended", "resigned")
CONDITIONS = ("all", "any", "not", "everyone", "membership", "age", "area", "attended", "attribute", "office")
# Conditions on what a person declared or holds, loaded only when a rule asks (``load_facts(declared=True)``).
DECLARED_CONDITIONS = ("attribute", "office")
MAX_DEPTH = 10  # levels of rule nodes; the top-level rule is level 1
MAX_AGE = 150  # a larger bound is a typo, and keeps date arithmetic in range


@dataclass(frozen=True)
class MembershipFacts:
    category_slug: str
    category_name: str
    status: str
    started_on: date | None
    continuous_since: date | None
    ended_on: date | None
    dues_paid_until: date | None


@dataclass(frozen=True)
class MeetingFacts:
    id: int
    starts_on: date
    cancelled: bool


@dataclass(frozen=True)
class OfficeFacts:
    """One term in one of the branch's positions: held from ``started_on`` to
    ``ended_on`` inclusive (empty: still held)."""

    slug: str
    name: str
    started_on: date
    ended_on: date | None


@dataclass(frozen=True)
class PersonFacts:
    memberships: tuple[MembershipFacts, ...] = ()
    date_of_birth: date | None = None
    ward: str = ""
    postcode: str = ""
    attended: frozenset[int] = field(default_factory=frozenset)
    branch_meetings: tuple[MeetingFacts, ...] = ()
    # Self-declared attributes as (key, value) pairs: one value per key.
    declared: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    offices: tuple[OfficeFacts, ...] = ()


@dataclass(frozen=True)
class Decision:
    eligible: bool
    reasons: tuple[str, ...]

    def as_dict(self) -> dict:
        return {"eligible": self.eligible, "reasons": list(self.reasons)}


class RuleError(ValueError):
    """An invalid rule definition; ``path`` names the bad part, e.g. "all[1].age.min"."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}" if path else message)


def membership_since(m: MembershipFacts) -> date | None:
    """Start of continuous membership: ``continuous_since`` when recorded, else ``started_on``."""
    return m.continuous_since or m.started_on


def age_on(dob: date, as_of: date) -> int:
    """Whole years from ``dob`` to ``as_of`` (negative if ``dob`` is later).

    Someone born on 29 February has their birthday on 1 March in other years.
    """
    if (dob.month, dob.day) == (2, 29) and not _is_leap(as_of.year):
        birthday = (3, 1)
    else:
        birthday = (dob.month, dob.day)
    return as_of.year - dob.year - ((as_of.month, as_of.day) < birthday)


def dob_range(as_of: date, min_age: int | None, max_age: int | None) -> tuple[date | None, date]:
    """Inclusive (earliest, latest) dates of birth meeting an ``age`` condition.

    ``earliest`` is None when there is no lower bound on the date of birth. The
    latest is never after ``as_of``: someone not yet born has no age. When no
    date can qualify the range is empty (earliest > latest).
    """
    latest = as_of
    if min_age is not None:
        youngest = _latest_dob_for_age(as_of, min_age)
        if youngest is None:  # nobody born since date.min is old enough: an empty range
            return date.max, date.min
        latest = min(youngest, as_of)
    earliest = None
    if max_age is not None:
        # Born on or before `too_old` means aged max_age + 1 or more.
        too_old = _latest_dob_for_age(as_of, max_age + 1)
        if too_old is not None:
            earliest = too_old + timedelta(days=1)
    return earliest, latest


def _latest_dob_for_age(as_of: date, years: int) -> date | None:
    """The latest date of birth aged at least ``years`` on ``as_of`` (None: before date.min)."""
    year = as_of.year - years
    if year < date.min.year:
        return None
    if (as_of.month, as_of.day) == (2, 29) and not _is_leap(year):
        # Born 1 March that year turns `years` on 1 March, a day late.
        return date(year, 2, 28)
    return date(year, as_of.month, as_of.day)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def last_meetings(meetings: Iterable[MeetingFacts], as_of: date, of_last: int) -> tuple[MeetingFacts, ...]:
    """The last ``of_last`` non-cancelled meetings that started before ``as_of``, oldest first."""
    held = sorted(
        (m for m in meetings if not m.cancelled and m.starts_on < as_of),
        key=lambda m: (m.starts_on, m.id),
    )
    return tuple(held[-of_last:]) if of_last > 0 else ()


def holds_office(term: OfficeFacts, as_of: date) -> bool:
    """Whether the term covers ``as_of``: ``started_on <= as_of`` and
    ``ended_on`` empty or ``>= as_of``."""
    return term.started_on <= as_of and (term.ended_on is None or term.ended_on >= as_of)
