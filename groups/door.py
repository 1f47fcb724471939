"""Decisions and personal QR codes for the door.

Facts come from the shared loaders in groups.queries: the one-statement
facts_without_history on the door's hot path, load_facts (through door_facts
here) when a rule asks about attendance history — so the door, the rule
preview and the invitations decide with the same data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from .eligibility.engine import Decision, PersonFacts, category_slugs, evaluate, uses_attended
from .models import Branch, Person, Rule

EVERYONE = {"everyone": True}


def door_facts(
    people_ids: Iterable[int],
    *,
    branch: Branch,
    as_of: date | None = None,
    people: Iterable[Person] | None = None,
    attended: bool = True,
    names: bool = False,
) -> dict[int, PersonFacts]:
    """PersonFacts per person id in a fixed number of queries (one fewer when
    `people` are passed in already loaded; two fewer with ``attended=False``,
    which leaves out attendance history and the branch's meetings — pass
    ``needs_attended(rule, …)``; ``names=True`` caches the branch's category
    names on ``branch`` from the same query as the memberships, for
    ``category_names``). Ids outside the branch are ignored."""
    from .queries import load_facts

    if people is not None:
        return load_facts(
            [p for p in people if p.branch_id == branch.pk], branch=branch, as_of=as_of, attended=attended, names=names
        )
    ids = list(people_ids)
    return load_facts(ids, branch=branch, as_of=as_of, attended=attended, names=names) if ids else {}


def needs_attended(*rules: Rule | None) -> bool:
    """Whether deciding with any of these rules looks at attendance history."""
    return any(rule is not None and uses_attended(rule.definition) for rule in rules)


def category_names(branch: Branch) -> dict[str, str]:
    from .queries import category_names as names

    return names(branch)


def decide(
    rule: Rule | None,
    facts: PersonFacts,
    as_of: date,
    *,
    names: dict[str, str] | Callable[[], dict[str, str]] | None = None,
) -> Decision:
    """The rule's Decision for these facts; a missing rule admits everyone.

    ``names`` (the branch's category slug → name) may be a function returning
    them: it is called only when the rule names a category the person does not
    hold (held ones are named from their memberships), so a door that lets in
    members it knows never asks the database for the names."""
    definition = rule.definition if rule is not None else EVERYONE
    if callable(names):
        held = {m.category_slug for m in facts.memberships}
        names = names() if category_slugs(definition) - held else None
    return evaluate(definition, facts, as_of, category_names=names)


# --------------------------------------------------------------------------
# Personal QR codes: a signed token naming the meeting and the person.

QR_SALT = "rollcall.door.qr"


def door_token(meeting_id: int, person_id: int) -> str:
    from django.core.signing import Signer

    return Signer(salt=QR_SALT).sign(f"{meeting_id}.{person_id}")


def read_door_token(token: str, meeting_id: int) -> int | None:
    """The person id the token names, or None when it was tampered with or is
    for another meeting."""
    from django.core.signing import BadSignature, Signer

    try:
        value = Signer(salt=QR_SALT).unsign(token)
    except BadSignature:
        return None
    m, _, p = value.partition(".")
    if not (m.isdigit() and p.isdigit()) or int(m) != meeting_id:
        return None
    return int(p)


def qr_svg(data: str) -> bytes:
    """An SVG QR code (no inline styles, so it is safe to serve as an image)."""
    import io

    import segno

    out = io.BytesIO()
    segno.make(data, error="m").save(out, kind="svg", scale=6, border=2, light="#fff")
    return out.getvalue()
