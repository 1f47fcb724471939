"""Eligibility rules: validation, evaluation for one person, plain-English summaries.

Pure code: no ORM, no database, no clock. The caller gathers a person's facts
(``PersonFacts``) and the as-of date; ``evaluate`` returns a ``Decision`` with
one readable sentence per condition that decided it. CONTRACT.md §2 is the
spec for the rule language.

Exact semantics, which a database compiler of the same rules must reproduce
(the helpers named here are public so it can reuse them):

* ``membership`` holds when ONE membership meets every part of the block:
  category slug in ``categories`` (any when omitted); status in ``statuses``
  (default ``["active"]``); ``started_on <= as_of`` (a missing start date never
  counts) and ``ended_on`` missing or ``>= as_of``; with
  ``since = continuous_since or started_on`` (``membership_since``):
  ``min_days`` → ``since <= as_of - min_days``; ``joined_by`` →
  ``since <= joined_by``; ``joined_from`` → ``since >= joined_from``;
  ``dues_paid`` → ``dues_paid_until >= as_of - dues_grace_days`` (a missing
  paid-until date never counts).
* ``age`` holds when a date of birth is recorded, is not after as-of, and the
  whole-year age on as-of (``age_on``) is within the inclusive bounds.
  Equivalently ``lo <= date_of_birth <= hi`` with ``(lo, hi) = dob_range(...)``.
* ``area`` holds when the stripped, case-folded ward equals one of ``wards``
  (same treatment), or the person's postcode, normalised by
  ``normalise_postcode``, matches one of ``postcodes`` (stored normalised by
  ``validate``) under ``postcode_matches``:
  a prefix with no space is an outward code P and matches
  ``postcode == P or postcode.startswith(P + " ")``; a prefix with a space (a
  sector such as "N15 4", or a full postcode) matches
  ``postcode.startswith(P)``. So "N15" matches "N15 4AB" but not "N1 5AB".
* ``attended`` holds when the person attended at least ``min`` of
  ``last_meetings(branch_meetings, as_of, of_last)``: the branch's meetings
  that started (local date) before as-of and were not cancelled, the last
  ``of_last`` of them by ``(starts_on, id)``.
* ``{"all": []}`` and ``{"everyone": true}`` hold for everyone; ``not``
  inverts its rule.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

__all__ = [
    "CONDITIONS",
    "category_slugs",
    "MAX_AGE",
    "MAX_DEPTH",
    "STATUSES",
    "Decision",
    "MeetingFacts",
    "MembershipFacts",
    "PersonFacts",
    "RuleError",
    "age_on",
    "dob_range",
    "duration_text",
    "evaluate",
    "format_date",
    "last_meetings",
    "membership_since",
    "normalise_postcode",
    "normalise_postcode_prefix",
    "postcode_matches",
    "summarise",
    "uses_attended",
    "validate",
    "ward_key",
]

STATUSES = ("active", "lapsed", "suspended", "resigned")
CONDITIONS = ("all", "any", "not", "everyone", "membership", "age", "area", "attended")
MAX_DEPTH = 10  # levels of rule nodes; the top-level rule is level 1
MAX_AGE = 150  # a larger bound is a typo, and keeps date arithmetic in range

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_MEMBERSHIP_KEYS = (
    "categories",
    "statuses",
    "min_days",
    "joined_by",
    "joined_from",
    "dues_paid",
    "dues_grace_days",
)
# A UK outward code: A9, A99, A9A, AA9, AA99, AA9A.
_OUTWARD = r"[A-Z]{1,2}[0-9][A-Z0-9]?"
_FULL_POSTCODE = re.compile(rf"^({_OUTWARD})([0-9][A-Z]{{2}})$")
_PREFIX = re.compile(rf"^{_OUTWARD}( [0-9]([A-Z]{{2}})?)?$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# --------------------------------------------------------------------------
# Facts and results


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
class PersonFacts:
    memberships: tuple[MembershipFacts, ...] = ()
    date_of_birth: date | None = None
    ward: str = ""
    postcode: str = ""
    attended: frozenset[int] = field(default_factory=frozenset)
    branch_meetings: tuple[MeetingFacts, ...] = ()


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


# --------------------------------------------------------------------------
# Small public helpers


def format_date(d: date) -> str:
    """UK style, "1 March 2015"; not strftime, so the locale cannot change it."""
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def age_on(dob: date, as_of: date) -> int:
    """Whole years from ``dob`` to ``as_of`` (negative if ``dob`` is later).

    Someone born on 29 February has their birthday on 1 March in other years.
    """
    if (dob.month, dob.day) == (2, 29) and not _is_leap(as_of.year):
        birthday = (3, 1)
    else:
        birthday = (dob.month, dob.day)
    return as_of.year - dob.year - ((as_of.month, as_of.day) < birthday)


def dob_range(
    as_of: date, min_age: int | None, max_age: int | None
) -> tuple[date | None, date]:
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


def membership_since(m: MembershipFacts) -> date | None:
    """Start of continuous membership: ``continuous_since`` when recorded, else ``started_on``."""
    return m.continuous_since or m.started_on


def normalise_postcode(value: str) -> str:
    """ "n156gd" → "N15 6GD": upper case, one space before the inward code.

    Input that is not recognisably a full UK postcode is returned upper-cased
    with its whitespace stripped and collapsed.
    """
    compact = "".join(value.split()).upper()
    match = _FULL_POSTCODE.match(compact)
    if match:
        return f"{match.group(1)} {match.group(2)}"
    return " ".join(value.split()).upper()


def normalise_postcode_prefix(value: str) -> str:
    """Normalise a rule's postcode prefix.

    A full postcode is normalised as such ("n154ab" → "N15 4AB"). Otherwise a
    prefix without a space is an outward code and stays as written (upper
    case): "N154" is NOT read as the sector "N15 4"; ``validate`` refuses it.
    A prefix with a space keeps one space: "n15  4" → "N15 4".
    """
    compact = "".join(value.split()).upper()
    if _FULL_POSTCODE.match(compact):
        return normalise_postcode(compact)
    return " ".join(value.split()).upper()


def postcode_matches(postcode: str, prefix: str) -> bool:
    """Whether a normalised postcode lies in a normalised prefix (see module docstring)."""
    if not postcode:
        return False
    if " " in prefix:
        return postcode.startswith(prefix)
    return postcode == prefix or postcode.startswith(prefix + " ")


def ward_key(ward: str) -> str:
    """Wards compare stripped and case-folded."""
    return ward.strip().casefold()


def last_meetings(
    meetings: Iterable[MeetingFacts], as_of: date, of_last: int
) -> tuple[MeetingFacts, ...]:
    """The last ``of_last`` non-cancelled meetings that started before ``as_of``, oldest first."""
    held = sorted(
        (m for m in meetings if not m.cancelled and m.starts_on < as_of),
        key=lambda m: (m.starts_on, m.id),
    )
    return tuple(held[-of_last:]) if of_last > 0 else ()


def duration_text(days: int) -> str:
    """A day count as people say it: "1 year", "6 months", "45 days".

    Whole years when a multiple of 365; months when the count is 30 per month
    or a month of 365/12 days rounded half up (so 6 months is 180 or 183 days,
    3 months 90 or 91); days otherwise.
    """
    if days > 0 and days % 365 == 0:
        return _plural(days // 365, "year")
    if days > 0 and days % 30 == 0:
        return _plural(days // 30, "month")
    for months in (days * 12 // 365, days * 12 // 365 + 1):
        if months > 0 and (months * 730 + 12) // 24 == days:  # months * 365/12, half up
            return _plural(months, "month")
    return _plural(days, "day")


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


def _humanise_slug(slug: str) -> str:
    words = slug.replace("_", "-").split("-")
    text = " ".join(w for w in words if w)
    return text[:1].upper() + text[1:]


def _or_list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


def _show(value: Any) -> str:
    """A value as JSON for error messages, shortened."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# --------------------------------------------------------------------------
# Validation


def validate(definition: Any, *, category_slugs: set[str] | None = None) -> dict:
    """Check a rule definition and return it normalised, or raise ``RuleError``.

    Normalising strips wards, normalises postcode prefixes, removes duplicate
    list entries, turns ``date`` objects into "YYYY-MM-DD" and drops
    ``"dues_paid": false``. Defaults (such as ``statuses``) are not filled in.
    """
    return _validate_node(definition, "", 1, category_slugs)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _validate_node(node: Any, path: str, depth: int, slugs: set[str] | None) -> dict:
    if depth > MAX_DEPTH:
        raise RuleError(path, f"rules may be nested at most {MAX_DEPTH} levels deep")
    if not isinstance(node, dict):
        raise RuleError(
            path, f"must be a rule (an object with one condition), got {_show(node)}"
        )
    if len(node) != 1:
        found = ", ".join(f'"{k}"' for k in node) or "none"
        raise RuleError(path, f"a rule must have exactly one condition, got {found}")
    ((key, value),) = node.items()
    here = _join(path, str(key))
    if key not in CONDITIONS:
        raise RuleError(
            here, f"unknown condition (expected one of: {', '.join(CONDITIONS)})"
        )
    if key in ("all", "any"):
        if not isinstance(value, list):
            raise RuleError(here, f"must be a list of rules, got {_show(value)}")
        if key == "any" and not value:
            raise RuleError(here, "must list at least one rule")
        return {
            key: [
                _validate_node(v, f"{here}[{i}]", depth + 1, slugs)
                for i, v in enumerate(value)
            ]
        }
    if key == "not":
        return {"not": _validate_node(value, here, depth + 1, slugs)}
    if key == "everyone":
        if value is not True:
            raise RuleError(here, f"must be true, got {_show(value)}")
        return {"everyone": True}
    if not isinstance(value, dict):
        raise RuleError(here, f"must be an object of settings, got {_show(value)}")
    if key == "membership":
        return {"membership": _validate_membership(value, here, slugs)}
    if key == "age":
        return {"age": _validate_age(value, here)}
    if key == "area":
        return {"area": _validate_area(value, here)}
    return {"attended": _validate_attended(value, here)}


def _check_keys(block: dict, path: str, allowed: tuple[str, ...]) -> None:
    for k in block:
        if k not in allowed:
            raise RuleError(
                _join(path, str(k)),
                f"unknown setting (expected one of: {', '.join(allowed)})",
            )


def _whole(value: Any, path: str, unit: str, maximum: int | None = None) -> int:
    # bool is an int subclass; JSON true is never a number here.
    if isinstance(value, bool) or not isinstance(value, int):
        raise RuleError(path, f"must be a whole number of {unit}, got {_show(value)}")
    if value < 0:
        raise RuleError(path, f"must not be negative, got {value}")
    if maximum is not None and value > maximum:
        raise RuleError(path, f"must be at most {maximum}, got {value}")
    return value


def _string_list(value: Any, path: str, what: str) -> list[str]:
    if not isinstance(value, list):
        raise RuleError(path, f"must be a list of {what}s, got {_show(value)}")
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip() or "\x00" in item:
            raise RuleError(f"{path}[{i}]", f"must be a {what}, got {_show(item)}")
        out.append(item.strip())
    return out


def _dedupe(items: list[str], key: Callable[[str], str] = str) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        if key(item) not in seen:
            seen.add(key(item))
            out.append(item)
    return out


def _iso_date(value: Any, path: str) -> str:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            raise RuleError(path, f"is not a real date, got {_show(value)}") from None
    raise RuleError(path, f'must be a date as "YYYY-MM-DD", got {_show(value)}')


def _validate_membership(block: dict, path: str, slugs: set[str] | None) -> dict:
    _check_keys(block, path, _MEMBERSHIP_KEYS)
    out: dict[str, Any] = {}
    if "categories" in block:
        here = _join(path, "categories")
        cats = _string_list(block["categories"], here, "category slug")
        if not cats:
            raise RuleError(
                here, "must list at least one category (leave it out for any category)"
            )
        if slugs is not None:
            for i, slug in enumerate(cats):
                if slug not in slugs:
                    known = ", ".join(sorted(slugs)) or "none"
                    raise RuleError(
                        f"{here}[{i}]",
                        f'unknown category "{slug}" (this branch has: {known})',
                    )
        out["categories"] = _dedupe(cats)
    if "statuses" in block:
        here = _join(path, "statuses")
        statuses = _string_list(block["statuses"], here, "status")
        if not statuses:
            raise RuleError(
                here, "must list at least one status (leave it out for active only)"
            )
        for i, status in enumerate(statuses):
            if status not in STATUSES:
                raise RuleError(
                    f"{here}[{i}]",
                    f'unknown status "{status}" (expected one of: {", ".join(STATUSES)})',
                )
        out["statuses"] = _dedupe(statuses)
    if "min_days" in block:
        out["min_days"] = _whole(block["min_days"], _join(path, "min_days"), "days")
    for key in ("joined_by", "joined_from"):
        if key in block:
            out[key] = _iso_date(block[key], _join(path, key))
    if (
        "joined_by" in out
        and "joined_from" in out
        and out["joined_from"] > out["joined_by"]
    ):
        raise RuleError(
            _join(path, "joined_from"),
            f"is after joined_by ({out['joined_by']}), so no membership could match",
        )
    dues_paid = block.get("dues_paid", False)
    if "dues_paid" in block and not isinstance(dues_paid, bool):
        raise RuleError(
            _join(path, "dues_paid"), f"must be true or false, got {_show(dues_paid)}"
        )
    if dues_paid:
        out["dues_paid"] = True
    if "dues_grace_days" in block:
        here = _join(path, "dues_grace_days")
        if not dues_paid:
            raise RuleError(here, 'is only allowed together with "dues_paid": true')
        out["dues_grace_days"] = _whole(block["dues_grace_days"], here, "days")
    return out


def _validate_age(block: dict, path: str) -> dict:
    _check_keys(block, path, ("min", "max"))
    if not block:
        raise RuleError(path, 'give at least one of "min" and "max"')
    out = {
        k: _whole(block[k], _join(path, k), "years", MAX_AGE)
        for k in ("min", "max")
        if k in block
    }
    if "min" in out and "max" in out and out["min"] > out["max"]:
        raise RuleError(
            _join(path, "min"),
            f"must not be more than max ({out['max']}), got {out['min']}",
        )
    return out


def _validate_area(block: dict, path: str) -> dict:
    _check_keys(block, path, ("wards", "postcodes"))
    out: dict[str, list[str]] = {}
    if "wards" in block:
        wards = _string_list(block["wards"], _join(path, "wards"), "ward name")
        out["wards"] = _dedupe(wards, ward_key)
    if "postcodes" in block:
        here = _join(path, "postcodes")
        prefixes = []
        for i, raw in enumerate(
            _string_list(block["postcodes"], here, "postcode area")
        ):
            prefix = normalise_postcode_prefix(raw)
            if not _PREFIX.match(prefix):
                raise RuleError(
                    f"{here}[{i}]",
                    f'must be an outward code such as "N15", a sector such as "N15 4" '
                    f"or a full postcode, got {_show(raw)}",
                )
            prefixes.append(prefix)
        out["postcodes"] = _dedupe(prefixes)
    if not out.get("wards") and not out.get("postcodes"):
        raise RuleError(path, "give at least one ward or postcode")
    return out


def _validate_attended(block: dict, path: str) -> dict:
    _check_keys(block, path, ("min", "of_last"))
    for key in ("min", "of_last"):
        if key not in block:
            raise RuleError(_join(path, key), "is required")
    minimum = _whole(block["min"], _join(path, "min"), "meetings")
    of_last = _whole(block["of_last"], _join(path, "of_last"), "meetings")
    if of_last < 1:
        raise RuleError(_join(path, "of_last"), "must be at least 1")
    if minimum > of_last:
        raise RuleError(
            _join(path, "min"),
            f"must not be more than of_last ({of_last}), got {minimum}",
        )
    return {"min": minimum, "of_last": of_last}


# --------------------------------------------------------------------------
# Evaluation
#
# Internally each reason carries whether the condition that produced it held.
# A sentence about a condition that held, explaining a "no", can only come
# through a `not`: it is shown as "Excluded: ...". Deciding this once at the
# top keeps not(not r) explaining itself exactly as r does.

_Reason = tuple[bool, str]


@dataclass(frozen=True)
class _Context:
    facts: PersonFacts
    as_of: date
    names: dict[str, str]

    def name(self, slug: str) -> str:
        return self.names.get(slug) or _humanise_slug(slug)


def evaluate(
    definition: dict,
    facts: PersonFacts,
    as_of: date,
    *,
    category_names: dict[str, str] | None = None,
) -> Decision:
    """Decide whether ``facts`` meet ``definition`` on ``as_of``.

    ``category_names`` (slug → name) names categories the person does not hold;
    held ones are named from their ``MembershipFacts``. Raises ``RuleError``
    for an invalid definition.
    """
    rule = validate(definition)
    names = {m.category_slug: m.category_name for m in facts.memberships}
    names = {**(category_names or {}), **names}
    ok, reasons = _eval(rule, _Context(facts, as_of, names))
    texts = []
    for held, text in reasons:
        if held and not ok:
            text = f"Excluded: {text}"
        if text not in texts:
            texts.append(text)
    return Decision(ok, tuple(texts))


def _eval(node: dict, ctx: _Context) -> tuple[bool, list[_Reason]]:
    ((key, value),) = node.items()
    if key == "all":
        results = [_eval(child, ctx) for child in value]
        if not results:
            return True, [(True, "Open to everyone")]
        ok = all(r[0] for r in results)
        return ok, [reason for r_ok, rs in results if ok or not r_ok for reason in rs]
    if key == "any":
        results = [_eval(child, ctx) for child in value]
        for r_ok, rs in results:
            if r_ok:
                return True, rs
        return False, [reason for _, rs in results for reason in rs]
    if key == "not":
        ok, reasons = _eval(value, ctx)
        return not ok, reasons
    if key == "everyone":
        return True, [(True, "Open to everyone")]
    check = {
        "membership": _membership,
        "age": _age,
        "area": _area,
        "attended": _attended,
    }[key]
    ok, text = check(value, ctx)
    return ok, [(ok, text)]


def _membership(block: dict, ctx: _Context) -> tuple[bool, str]:
    as_of = ctx.as_of
    categories = block.get("categories")
    statuses = block.get("statuses", ["active"])
    candidates = [
        m
        for m in ctx.facts.memberships
        if categories is None or m.category_slug in categories
    ]
    if not candidates:
        wanted = _or_list([ctx.name(s) for s in categories]) + " " if categories else ""
        held = _dedupe([m.category_name for m in ctx.facts.memberships]) or ["none"]
        return (
            False,
            f"No {_or_list(statuses)} {wanted}membership (holds: {', '.join(held)})",
        )
    assessed = [_assess(m, block, statuses, as_of) for m in candidates]
    for m, failures in zip(candidates, assessed, strict=True):
        if not failures:
            return True, _membership_pass(m, block, as_of)
    # Explain with the membership that came closest; the first one on a tie.
    m, failures = min(zip(candidates, assessed, strict=True), key=lambda pair: len(pair[1]))
    return False, f"{m.category_name} " + "; ".join(failures)


def _assess(
    m: MembershipFacts, block: dict, statuses: list[str], as_of: date
) -> list[str]:
    """Phrases for every part of the block this membership fails (empty: it holds)."""
    failures = []
    if m.status not in statuses:
        failures.append(f"membership is {m.status}, not {_or_list(statuses)}")
    if m.started_on is None:
        failures.append("membership has no start date")
    elif m.started_on > as_of:
        failures.append(f"membership starts on {format_date(m.started_on)}")
    if m.ended_on is not None and m.ended_on < as_of:
        failures.append(f"membership ended on {format_date(m.ended_on)}")
    since = membership_since(m)
    since_failures = []
    min_days = block.get("min_days", 0)
    if min_days and (since is None or not _since_long_enough(since, as_of, min_days)):
        since_failures.append(
            f"less than {duration_text(min_days)} by {format_date(as_of)}"
        )
    if "joined_by" in block:
        joined_by = date.fromisoformat(block["joined_by"])
        if since is None or since > joined_by:
            since_failures.append(f"needed {format_date(joined_by)} or earlier")
    if "joined_from" in block:
        joined_from = date.fromisoformat(block["joined_from"])
        if since is None or since < joined_from:
            since_failures.append(f"needed {format_date(joined_from)} or later")
    if since_failures:
        if since is None:
            failures.append("membership has no start date")
        else:
            failures.append(f"since {format_date(since)}, " + ", ".join(since_failures))
    if block.get("dues_paid"):
        needed = _dues_needed(as_of, block.get("dues_grace_days", 0))
        paid = m.dues_paid_until
        if paid is None:
            failures.append(
                f"dues paid-until date not recorded (needed: {format_date(needed)} or later)"
            )
        elif paid < needed:
            failures.append(
                f"dues paid only until {format_date(paid)} (needed: {format_date(needed)} or later)"
            )
    return _dedupe(failures)


def _since_long_enough(since: date, as_of: date, min_days: int) -> bool:
    try:
        return since <= as_of - timedelta(days=min_days)
    except OverflowError:  # the threshold is before the first representable date
        return False


def _dues_needed(as_of: date, grace: int) -> date:
    try:
        return as_of - timedelta(days=grace)
    except OverflowError:  # any recorded date is late enough
        return date.min


def _membership_pass(m: MembershipFacts, block: dict, as_of: date) -> str:
    since = membership_since(m)
    assert since is not None  # a passing membership has started
    status = "" if m.status == "active" else f" ({m.status})"
    parts = [f"{m.category_name}{status} since {format_date(since)}"]
    if block.get("min_days"):
        parts.append(f"over {duration_text(block['min_days'])} by {format_date(as_of)}")
    if "joined_by" in block:
        parts.append(
            f"no later than {format_date(date.fromisoformat(block['joined_by']))}"
        )
    if "joined_from" in block:
        parts.append(
            f"no earlier than {format_date(date.fromisoformat(block['joined_from']))}"
        )
    if block.get("dues_paid"):
        assert m.dues_paid_until is not None
        dues = f"dues paid until {format_date(m.dues_paid_until)}"
        if m.dues_paid_until < as_of:
            grace = block.get("dues_grace_days", 0)
            dues += (
                f" (within {grace} day's grace)"
                if grace == 1
                else f" (within {grace} days' grace)"
            )
        parts.append(dues)
    return ", ".join(parts)


def _age_bounds_text(block: dict) -> str:
    low, high = block.get("min"), block.get("max")
    if low is not None and high is not None:
        return str(low) if low == high else f"between {low} and {high}"
    return f"{low} or over" if low is not None else f"{high} or under"


def _age(block: dict, ctx: _Context) -> tuple[bool, str]:
    dob = ctx.facts.date_of_birth
    if dob is None:
        return False, "Age condition not met: date of birth not recorded"
    if dob > ctx.as_of:
        return False, (
            f"Age condition not met: date of birth {format_date(dob)} "
            f"is after {format_date(ctx.as_of)}"
        )
    age = age_on(dob, ctx.as_of)
    ok = block.get("min", 0) <= age and (
        block.get("max") is None or age <= block["max"]
    )
    stated = f"Aged {age} on {format_date(ctx.as_of)}"
    bounds = _age_bounds_text(block)
    return ok, f"{stated} (must be {bounds})" if ok else f"{stated}; must be {bounds}"


def _area(block: dict, ctx: _Context) -> tuple[bool, str]:
    wards = block.get("wards", [])
    prefixes = block.get("postcodes", [])
    ward = ctx.facts.ward.strip()
    postcode = normalise_postcode(ctx.facts.postcode)
    for name in wards:
        if ward and ward_key(name) == ward_key(ward):
            return True, f"Lives in {name} ward"
    for prefix in prefixes:
        if postcode_matches(postcode, prefix):
            return True, f"Postcode {postcode} is in {prefix}"
    area = ", ".join(wards + prefixes)
    recorded: list[str] = []
    missing: list[str] = []
    if wards:
        if ward:
            recorded.append(f"ward {ward}")
        else:
            missing.append("ward")
    if prefixes:
        if postcode:
            recorded.append(f"postcode {postcode}")
        else:
            missing.append("postcode")
    if not recorded:
        return (
            False,
            f"{' and '.join(missing).capitalize()} not recorded (area: {area})",
        )
    verb = "are" if len(recorded) > 1 else "is"
    text = f"{' and '.join(recorded)} {verb} outside the area ({area})"
    text = text[:1].upper() + text[1:]
    if missing:
        text += f"; {missing[0]} not recorded"
    return False, text


def _attended(block: dict, ctx: _Context) -> tuple[bool, str]:
    needed = block["min"]
    counted = last_meetings(ctx.facts.branch_meetings, ctx.as_of, block["of_last"])
    went = sum(1 for m in counted if m.id in ctx.facts.attended)
    ok = went >= needed
    if not counted:
        stated = f"No meetings held before {format_date(ctx.as_of)}"
    elif len(counted) == 1:
        stated = (
            "Attended the last meeting" if went else "Did not attend the last meeting"
        )
    else:
        stated = f"Attended {went} of the last {len(counted)} meetings"
    return ok, f"{stated} (needs {needed})" if ok else f"{stated}; needs {needed}"


def category_slugs(definition: Any) -> set[str]:
    """The category slugs a rule names in its ``membership`` conditions, at
    any depth (so a caller knows whether it needs the branch's category names
    to explain a Decision)."""
    found: set[str] = set()
    if not isinstance(definition, dict):
        return found
    for key, value in definition.items():
        if key in ("all", "any") and isinstance(value, list):
            for child in value:
                found |= category_slugs(child)
        elif key == "not":
            found |= category_slugs(value)
        elif key == "membership" and isinstance(value, dict) and isinstance(value.get("categories"), list):
            found |= {c.strip() for c in value["categories"] if isinstance(c, str)}
    return found


def uses_attended(definition: Any) -> bool:
    """Whether any condition in the rule, at any depth, is ``attended`` — so a
    caller can skip loading attendance history and the branch's meetings when
    the rule cannot look at them. Anything that is not a rule node counts as
    no (``evaluate`` rejects it anyway)."""
    if not isinstance(definition, dict):
        return False
    for key, value in definition.items():
        if key == "attended":
            return True
        if key in ("all", "any") and isinstance(value, list):
            if any(uses_attended(child) for child in value):
                return True
        elif key == "not" and uses_attended(value):
            return True
    return False


# --------------------------------------------------------------------------
# Summaries
#
# Each node can be said two ways: as a noun phrase ("Party members with an
# active membership", "people aged 26 or under") and as a predicate that
# follows one ("aged 26 or under", "with an active Party member membership").
# An `all` leads with its first membership condition as the subject.


_Namer = Callable[[str], str]


def summarise(definition: dict, *, category_names: dict[str, str] | None = None) -> str:
    """A plain-English summary of a rule, e.g. "Party members with an active
    membership of at least 6 months, aged 26 or under". Raises ``RuleError``
    for an invalid definition."""
    rule = validate(definition)
    names = category_names or {}
    text = _noun(rule, lambda slug: names.get(slug) or _humanise_slug(slug))
    return text[:1].upper() + text[1:]


def _flatten_all(children: list[dict]) -> list[dict]:
    out = []
    for child in children:
        if "all" in child:
            out.extend(_flatten_all(child["all"]))
        elif "everyone" not in child:
            out.append(child)
    return out


def _noun(node: dict, name: _Namer) -> str:
    ((key, value),) = node.items()
    if key == "everyone":
        return "everyone"
    if key == "membership":
        return _membership_noun(value, name)
    if key == "any":
        return "either " + ", or ".join(_noun(child, name) for child in value)
    if key == "not":
        if "any" in value:  # "everyone except A, or B" rather than "except either"
            return "everyone except " + ", or ".join(
                _noun(c, name) for c in value["any"]
            )
        inner = _noun(value, name)
        return "nobody" if inner == "everyone" else "everyone except " + inner
    if key == "all":
        children = _flatten_all(value)
        if not children:
            return "everyone"
        if len(children) == 1:
            return _noun(children[0], name)
        lead = next((c for c in children if "membership" in c), None)
        if lead is None:
            return "people " + ", ".join(
                p for p in (_predicate(c, name) for c in children) if p
            )
        preds = [_predicate(c, name) for c in children if c is not lead]
        return ", ".join(
            [_membership_noun(lead["membership"], name)] + [p for p in preds if p]
        )
    return "people " + _predicate(node, name)


def _predicate(node: dict, name: _Namer) -> str:
    ((key, value),) = node.items()
    if key == "membership":
        return _membership_predicate(value, name)
    if key == "age":
        return "aged " + _age_bounds_text(value)
    if key == "area":
        parts = []
        if value.get("wards"):
            parts.append(f"living in {_or_list(value['wards'])} ward")
        if value.get("postcodes"):
            parts.append(f"with a postcode in {_or_list(value['postcodes'])}")
        return " or ".join(parts)
    if key == "attended":
        return (
            f"who attended at least {value['min']} of the last "
            f"{_plural(value['of_last'], 'meeting')}"
        )
    if key == "any":
        return "either " + ", or ".join(_predicate(child, name) for child in value)
    if key == "not":
        inner = _predicate(value, name)
        if inner.startswith("with "):
            return "without " + inner[len("with ") :]
        if inner.startswith("who attended "):
            return "who did not attend " + inner[len("who attended ") :]
        return "not " + inner if inner else "nobody"
    if key == "all":
        return ", ".join(
            p for p in (_predicate(c, name) for c in _flatten_all(value)) if p
        )
    return ""  # everyone: no constraint


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _membership_quals(block: dict) -> str:
    text = ""
    if block.get("min_days"):
        text += f" of at least {duration_text(block['min_days'])}"
    if "joined_by" in block:
        text += f", joined on or before {format_date(date.fromisoformat(block['joined_by']))}"
    if "joined_from" in block:
        text += f", joined on or after {format_date(date.fromisoformat(block['joined_from']))}"
    if block.get("dues_paid"):
        text += ", with dues paid up to date"
        grace = block.get("dues_grace_days", 0)
        if grace:
            text += f" (or no more than {_plural(grace, 'day')} in arrears)"
    return text


def _pluralise(noun: str) -> str:
    if re.search(r"(s|x|z|ch|sh)$", noun):
        return noun + "es"
    if re.search(r"[^aeiou]y$", noun):
        return noun[:-1] + "ies"
    return noun + "s" if noun[-1:].isalpha() else noun


def _membership_noun(block: dict, name: _Namer) -> str:
    statuses = _or_list(block.get("statuses", ["active"]))
    categories = block.get("categories")
    subject = (
        _or_list([_pluralise(name(s)) for s in categories]) if categories else "people"
    )
    return f"{subject} with {_article(statuses)} {statuses} membership{_membership_quals(block)}"


def _membership_predicate(block: dict, name: _Namer) -> str:
    statuses = _or_list(block.get("statuses", ["active"]))
    categories = block.get("categories")
    held = _or_list([name(s) for s in categories]) + " " if categories else ""
    return f"with {_article(statuses)} {statuses} {held}membership{_membership_quals(block)}"
