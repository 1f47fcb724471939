"""Deciding one person's facts against a rule: ``evaluate`` returns a Decision
with one readable sentence per condition that decided it.

Internally each reason carries whether the condition that produced it held.
A sentence about a condition that held, explaining a "no", can only come
through a `not`: it is shown as "Excluded: ...". Deciding this once at the
top keeps not(not r) explaining itself exactly as r does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .facts import Decision, MembershipFacts, PersonFacts, age_on, holds_office, last_meetings, membership_since
from .postcodes import normalise_postcode, postcode_matches, ward_key
from .reasons import age_bounds_text, duration_text, format_date, humanise_slug, or_list
from .validation import dedupe, validate

_Reason = tuple[bool, str]


@dataclass(frozen=True)
class _Context:
    facts: PersonFacts
    as_of: date
    names: dict[str, str]

    def name(self, slug: str) -> str:
        return self.names.get(slug) or humanise_slug(slug)


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
        "attribute": _attribute,
        "office": _office,
    }[key]
    ok, text = check(value, ctx)
    return ok, [(ok, text)]


def _membership(block: dict, ctx: _Context) -> tuple[bool, str]:
    as_of = ctx.as_of
    categories = block.get("categories")
    statuses = block.get("statuses", ["active"])
    candidates = [m for m in ctx.facts.memberships if categories is None or m.category_slug in categories]
    if not candidates:
        wanted = or_list([ctx.name(s) for s in categories]) + " " if categories else ""
        held = dedupe([m.category_name for m in ctx.facts.memberships]) or ["none"]
        return (
            False,
            f"No {or_list(statuses)} {wanted}membership (holds: {', '.join(held)})",
        )
    assessed = [_assess(m, block, statuses, as_of) for m in candidates]
    for m, failures in zip(candidates, assessed, strict=True):
        if not failures:
            return True, _membership_pass(m, block, as_of)
    # Explain with the membership that came closest; the first one on a tie.
    m, failures = min(zip(candidates, assessed, strict=True), key=lambda pair: len(pair[1]))
    return False, f"{m.category_name} " + "; ".join(failures)


def _assess(m: MembershipFacts, block: dict, statuses: list[str], as_of: date) -> list[str]:
    """Phrases for every part of the block this membership fails (empty: it holds)."""
    failures = []
    if m.status not in statuses:
        failures.append(f"membership is {m.status}, not {or_list(statuses)}")
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
        since_failures.append(f"less than {duration_text(min_days)} by {format_date(as_of)}")
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
            failures.append(f"dues paid-until date not recorded (needed: {format_date(needed)} or later)")
        elif paid < needed:
            failures.append(f"dues paid only until {format_date(paid)} (needed: {format_date(needed)} or later)")
    return dedupe(failures)


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
        parts.append(f"no later than {format_date(date.fromisoformat(block['joined_by']))}")
    if "joined_from" in block:
        parts.append(f"no earlier than {format_date(date.fromisoformat(block['joined_from']))}")
    if block.get("dues_paid"):
        assert m.dues_paid_until is not None
        dues = f"dues paid until {format_date(m.dues_paid_until)}"
        if m.dues_paid_until < as_of:
            grace = block.get("dues_grace_days", 0)
            dues += f" (within {grace} day's grace)" if grace == 1 else f" (within {grace} days' grace)"
        parts.append(dues)
    return ", ".join(parts)


def _age(block: dict, ctx: _Context) -> tuple[bool, str]:
    dob = ctx.facts.date_of_birth
    if dob is None:
        return False, "Age condition not met: date of birth not recorded"
    if dob > ctx.as_of:
        return False, (f"Age condition not met: date of birth {format_date(dob)} is after {format_date(ctx.as_of)}")
    age = age_on(dob, ctx.as_of)
    ok = block.get("min", 0) <= age and (block.get("max") is None or age <= block["max"])
    stated = f"Aged {age} on {format_date(ctx.as_of)}"
    bounds = age_bounds_text(block)
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
        stated = "Attended the last meeting" if went else "Did not attend the last meeting"
    else:
        stated = f"Attended {went} of the last {len(counted)} meetings"
    return ok, f"{stated} (needs {needed})" if ok else f"{stated}; needs {needed}"


def _attribute(block: dict, ctx: _Context) -> tuple[bool, str]:
    # Special-category data: the reason never says which value was declared,
    # nor whether one was (a steward at the door reads Decisions too).
    question = humanise_slug(block["key"]).lower()
    ok = any(k == block["key"] and v in block["any"] for k, v in ctx.facts.declared)
    if ok:
        return True, f"Self-declared {question} is one the rule asks for"
    return False, f"No self-declared {question} that the rule asks for"


def _office(block: dict, ctx: _Context) -> tuple[bool, str]:
    wanted = block["positions"]
    terms = [t for t in ctx.facts.offices if t.slug in wanted]
    for t in terms:
        if holds_office(t, ctx.as_of):
            return True, f"Holds the office of {t.name} since {format_date(t.started_on)}"
    names = {t.slug: t.name for t in terms}
    wanted_text = or_list([names.get(s) or humanise_slug(s) for s in wanted])
    ended = [t for t in terms if t.ended_on is not None and t.ended_on < ctx.as_of]
    if ended:
        last = max(ended, key=lambda t: t.ended_on)
        return False, (
            f"Does not hold the office of {wanted_text} on {format_date(ctx.as_of)} "
            f"({last.name} ended on {format_date(last.ended_on)})"
        )
    return False, f"Does not hold the office of {wanted_text} on {format_date(ctx.as_of)}"
