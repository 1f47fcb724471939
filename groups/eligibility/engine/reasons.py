"""Plain English: dates, durations and lists as people say them, and a rule's
summary ("Party members with an active membership of at least 6 months,
aged 26 or under").

Each node can be said two ways: as a noun phrase ("Party members with an
active membership", "people aged 26 or under") and as a predicate that
follows one ("aged 26 or under", "with an active Party member membership").
An `all` leads with its first membership condition as the subject.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from .validation import validate

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


def format_date(d: date) -> str:
    """UK style, "1 March 2015"; not strftime, so the locale cannot change it."""
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def duration_text(days: int) -> str:
    """A day count as people say it: "1 year", "6 months", "45 days".

    Whole years when a multiple of 365; months when the count is 30 per month
    or a month of 365/12 days rounded half up (so 6 months is 180 or 183 days,
    3 months 90 or 91); days otherwise.
    """
    if days > 0 and days % 365 == 0:
        return plural(days // 365, "year")
    if days > 0 and days % 30 == 0:
        return plural(days // 30, "month")
    for months in (days * 12 // 365, days * 12 // 365 + 1):
        if months > 0 and (months * 730 + 12) // 24 == days:  # months * 365/12, half up
            return plural(months, "month")
    return plural(days, "day")


def plural(n: int, unit: str) -> str:
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


def humanise_slug(slug: str) -> str:
    words = slug.replace("_", "-").split("-")
    text = " ".join(w for w in words if w)
    return text[:1].upper() + text[1:]


def or_list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


def age_bounds_text(block: dict) -> str:
    low, high = block.get("min"), block.get("max")
    if low is not None and high is not None:
        return str(low) if low == high else f"between {low} and {high}"
    return f"{low} or over" if low is not None else f"{high} or under"


_Namer = Callable[[str], str]


def summarise(definition: dict, *, category_names: dict[str, str] | None = None) -> str:
    """A plain-English summary of a rule, e.g. "Party members with an active
    membership of at least 6 months, aged 26 or under". Raises ``RuleError``
    for an invalid definition."""
    rule = validate(definition)
    names = category_names or {}
    text = _noun(rule, lambda slug: names.get(slug) or humanise_slug(slug))
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
            return "everyone except " + ", or ".join(_noun(c, name) for c in value["any"])
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
            return "people " + ", ".join(p for p in (_predicate(c, name) for c in children) if p)
        preds = [_predicate(c, name) for c in children if c is not lead]
        return ", ".join([_membership_noun(lead["membership"], name)] + [p for p in preds if p])
    return "people " + _predicate(node, name)


def _predicate(node: dict, name: _Namer) -> str:
    ((key, value),) = node.items()
    if key == "membership":
        return _membership_predicate(value, name)
    if key == "age":
        return "aged " + age_bounds_text(value)
    if key == "area":
        parts = []
        if value.get("wards"):
            parts.append(f"living in {or_list(value['wards'])} ward")
        if value.get("postcodes"):
            parts.append(f"with a postcode in {or_list(value['postcodes'])}")
        return " or ".join(parts)
    if key == "attended":
        return f"who attended at least {value['min']} of the last {plural(value['of_last'], 'meeting')}"
    if key == "attribute":
        question = humanise_slug(value["key"]).lower()
        return f"who declared their {question} as {or_list([humanise_slug(v).lower() for v in value['any']])}"
    if key == "office":
        return f"who hold the office of {or_list([humanise_slug(s) for s in value['positions']])}"
    if key == "any":
        return "either " + ", or ".join(_predicate(child, name) for child in value)
    if key == "not":
        inner = _predicate(value, name)
        if inner.startswith("with "):
            return "without " + inner[len("with ") :]
        if inner.startswith("who attended "):
            return "who did not attend " + inner[len("who attended ") :]
        if inner.startswith("who declared "):
            return "who did not declare " + inner[len("who declared ") :]
        if inner.startswith("who hold "):
            return "who do not hold " + inner[len("who hold ") :]
        return "not " + inner if inner else "nobody"
    if key == "all":
        return ", ".join(p for p in (_predicate(c, name) for c in _flatten_all(value)) if p)
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
            text += f" (or no more than {plural(grace, 'day')} in arrears)"
    return text


def _pluralise(noun: str) -> str:
    if re.search(r"(s|x|z|ch|sh)$", noun):
        return noun + "es"
    if re.search(r"[^aeiou]y$", noun):
        return noun[:-1] + "ies"
    return noun + "s" if noun[-1:].isalpha() else noun


def _membership_noun(block: dict, name: _Namer) -> str:
    statuses = or_list(block.get("statuses", ["active"]))
    categories = block.get("categories")
    subject = or_list([_pluralise(name(s)) for s in categories]) if categories else "people"
    return f"{subject} with {_article(statuses)} {statuses} membership{_membership_quals(block)}"


def _membership_predicate(block: dict, name: _Namer) -> str:
    statuses = or_list(block.get("statuses", ["active"]))
    categories = block.get("categories")
    held = or_list([name(s) for s in categories]) + " " if categories else ""
    return f"with {_article(statuses)} {statuses} {held}membership{_membership_quals(block)}"
