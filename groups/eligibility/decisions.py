"""Where a rule is evaluated: ``decide`` for one person, ``decisions_for`` a
page of people, and the compiled filter for lists and counts.

Every caller — the door's cards, the check-in, invitations, reports, rule
pages, the API, My meetings — decides through ``decide`` over facts from
groups.eligibility.loading, or lists through ``eligible_people``.
tests/test_eligibility_agreement.py proves both give the engine's answer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from django.db.models import QuerySet

from ..models import Branch, Person, Rule
from .compile import compile_rule
from .count_cache import cached_count
from .engine import Decision, PersonFacts, RuleError, category_slugs, evaluate
from .loading import load_facts, needs_declared, needs_history

# What no rule (null on a meeting) means: anyone may come.
EVERYONE = {"everyone": True}

Names = Mapping[str, str] | Callable[[], Mapping[str, str]] | None


def definition_of(rule: Rule | dict | None) -> dict:
    """A rule's definition; a definition as it is; no rule: everyone."""
    if rule is None:
        return EVERYONE
    return rule.definition if isinstance(rule, Rule) else rule


def voting_definition(attendance_rule: Rule | dict | None, voting_rule: Rule | dict | None) -> dict:
    """Who may vote at a meeting, as one definition: those the attendance rule
    admits AND the voting rule admits. No voting rule means everyone the
    attendance rule admits, never the whole branch: nobody who may not attend
    is a voter (issue 11: "May vote 540" beside "May attend 266"). Every
    count, check-in and report asks this, so they cannot disagree."""
    attend, vote = definition_of(attendance_rule), definition_of(voting_rule)
    if vote == EVERYONE:
        return attend
    if attend == EVERYONE:
        return vote
    return {"all": [attend, vote]}


def meeting_voting_definition(meeting) -> dict:
    """voting_definition for a meeting's own rules."""
    return voting_definition(meeting.attendance_rule, meeting.voting_rule)


def decide(
    rule: Rule | dict | None,
    as_of: date,
    *,
    person: Person | None = None,
    facts: PersonFacts | None = None,
    names: Names = None,
) -> Decision:
    """One person's Decision under a rule (a Rule, a definition, or None for
    everyone) on ``as_of``. Raises RuleError for an unreadable rule.

    Give ``person`` and their facts are loaded: one statement when the rule
    asks nothing about attendance, three when it does (memberships with the
    branch's category names, check-ins, meetings). Or give ``facts`` loaded
    for many people at once (no query) with the branch's category ``names``:
    a mapping, or a function called only when the Decision must name a
    category the person does not hold — a door that admits members it knows
    never reads them."""
    definition = definition_of(rule)
    if facts is None:
        if person is None:
            raise TypeError("decide needs a person or their facts")
        loaded = load_facts(
            [person],
            branch=person.branch,
            as_of=as_of,
            history=needs_history(definition),
            names=True,
            declared=needs_declared(definition),
        )
        facts, names = loaded.facts[person.pk], loaded.names
    if callable(names):
        held = {m.category_slug for m in facts.memberships}
        names = names() if category_slugs(definition) - held else None
    return evaluate(definition, facts, as_of, category_names=names)


def unreadable(exc: RuleError, what: str = "rule") -> Decision:
    """The Decision shown for a rule that cannot be read (old data, checked on save now)."""
    return Decision(False, (f"This {what} cannot be read ({exc}).",))


def decisions_for(
    people: list[Person], rule: Rule | dict | None, *, branch: Branch, as_of: date
) -> list[tuple[Person, Decision]]:
    """Decisions for a page of people: one statement whatever the page size,
    or three when the rule asks about attendance."""
    definition = definition_of(rule)
    loaded = load_facts(
        people,
        branch=branch,
        as_of=as_of,
        history=needs_history(definition),
        names=True,
        declared=needs_declared(definition),
    )
    return [(p, decide(definition, as_of, facts=loaded.facts[p.pk], names=loaded.names)) for p in people]


def person_decisions(person: Person, as_of: date) -> list[tuple[Rule, Decision]]:
    """The person's Decision under each of the branch's rules, by name: the
    rules, then their facts (one statement, or three when a rule asks about
    attendance)."""
    rules = list(Rule.objects.filter(branch=person.branch).order_by("name"))
    loaded = load_facts(
        [person],
        branch=person.branch,
        as_of=as_of,
        history=needs_history(*rules),
        names=True,
        declared=needs_declared(*rules),
    )
    out = []
    for rule in rules:
        try:
            decision = decide(rule, as_of, facts=loaded.facts[person.pk], names=loaded.names)
        except RuleError as exc:
            decision = unreadable(exc)
        out.append((rule, decision))
    return out


# --------------------------------------------------------------------------
# Lists: the compiled filter


def eligible_people(branch: Branch, rule: Rule | dict | None, as_of: date) -> QuerySet[Person]:
    """The branch's people the rule admits on ``as_of`` (no rule: all of
    them), as one filter."""
    people = Person.objects.filter(branch=branch)
    return people if rule is None else people.filter(compile_rule(definition_of(rule), as_of, branch=branch))


def eligible_person_ids(branch: Branch, rule: Rule | dict | None, as_of: date) -> list[int]:
    """Ids of the branch's people the rule admits on ``as_of``, by name."""
    return list(
        eligible_people(branch, rule, as_of).order_by("last_name", "first_name", "id").values_list("id", flat=True)
    )


def count_eligible(branch: Branch, rule: Rule | dict | None, as_of: date, *, people_version: int | None = None) -> int:
    """How many of the branch's people the rule admits on ``as_of``: the ONE
    place quorum gets "eligible to vote in total" from. One COUNT query, or
    the figure cached for the branch's people_version (read here unless the
    caller read it first; groups/eligibility/count_cache.py says when not)."""
    definition = definition_of(rule)
    return cached_count(
        branch.pk,
        definition,
        as_of,
        lambda: eligible_people(branch, rule, as_of).count(),
        version=people_version,
    )
