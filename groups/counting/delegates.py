"""How many delegates a constituency-sized branch is due to send to
conference under Labour's rule, explained line by line (issue 13, item 7).
Pure: counts in, the entitlement and its reasons out; the counting of members
is queries/delegates.py.

The rule: one delegate for the first 749 members (or part of them), one more
for each further 250 members or part of 250, at most six by membership; one
more delegate, a woman, where there are 100 or more women members; one more,
under 27, where there are 30 or more members under 27 — these two on top of
the six. A delegation is at least half women; a branch that sends one
delegate by membership sends a woman at least every other year."""

from __future__ import annotations

from dataclasses import dataclass, field

FIRST_BAND = 749
BAND = 250
MOST_BY_MEMBERSHIP = 6
WOMEN_FOR_EXTRA = 100
YOUNG_FOR_EXTRA = 30
YOUNG_UNDER = 27

# What is known of last year's sole delegate.
LAST_WOMAN = "woman"  # held the delegate position alone a year ago and declared an answer counted as a woman
LAST_NOT_WOMAN = "not_woman"  # held it alone, and has no such declaration
LAST_NONE = "none"  # nobody held it a year ago
LAST_SEVERAL = "several"  # more than one held it: the every-other-year rule is for a sole delegate
LAST_UNKNOWN = "unknown"  # no delegate position chosen, or no gender question: it cannot be told


@dataclass(frozen=True)
class Entitlement:
    total: int
    by_membership: int
    women_delegate: bool
    young_delegate: bool
    at_least_women: int  # of the delegates by membership
    must_be_woman: bool | None  # a sole delegate this year: must they be a woman? None: cannot be told
    lines: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "total": self.total,
            "by_membership": self.by_membership,
            "women_delegate": self.women_delegate,
            "young_delegate": self.young_delegate,
            "at_least_women": self.at_least_women,
            "must_be_woman": self.must_be_woman,
            "lines": self.lines,
        }


def _n(count: int, word: str, plural: str | None = None) -> str:
    return f"{count:,} {word if count == 1 else (plural or word + 's')}"


def by_membership(members: int) -> int:
    """1 up to 749 members, then 1 more per 250 or part of 250, at most 6."""
    if members <= 0:
        return 0
    if members <= FIRST_BAND:
        return 1
    further = -(-(members - FIRST_BAND) // BAND)  # each 250 or part of 250
    return min(1 + further, MOST_BY_MEMBERSHIP)


def delegate_entitlement(
    members: int,
    *,
    women: int | None,
    young: int,
    without_birth_date: int = 0,
    last_year: str = LAST_UNKNOWN,
) -> Entitlement:
    """`women`: members whose consented self-declaration counts as a woman;
    None when the branch asks no gender question. `young`: members under 27
    on the date. `last_year`: one of the LAST_* values."""
    if members < 0 or young < 0 or (women is not None and women < 0):
        raise ValueError("Counts of members cannot be negative.")
    lines: list[str] = []
    base = by_membership(members)
    if members == 0:
        lines.append("No party members on the date: no delegate is due.")
    elif members <= FIRST_BAND:
        lines.append(f"{_n(members, 'party member')}: 1 delegate for the first {FIRST_BAND} members or part of them.")
    else:
        further = members - FIRST_BAND
        bands = -(-further // BAND)
        lines.append(f"{_n(members, 'party member')}: 1 delegate for the first {FIRST_BAND}.")
        lines.append(
            f"{_n(further, 'member')} beyond the first {FIRST_BAND}: 1 more for each {BAND} or part of {BAND}, "
            f"so {bands} more."
        )
        if 1 + bands > MOST_BY_MEMBERSHIP:
            lines.append(
                f"That makes {1 + bands}, but at most {MOST_BY_MEMBERSHIP} are due by membership: {MOST_BY_MEMBERSHIP}."
            )

    women_delegate = False
    if women is None:
        lines.append(
            "The branch asks no self-declared gender question, so women members cannot be counted and no extra "
            "women's delegate can be shown (add the question under Positions, Self-declared questions)."
        )
    elif members and women >= WOMEN_FOR_EXTRA:
        women_delegate = True
        lines.append(
            f"{_n(women, 'woman member', 'women members')} (by their own declaration, with consent): "
            f"{WOMEN_FOR_EXTRA} or more, so 1 more delegate, who must be a woman."
        )
    else:
        lines.append(
            f"{_n(women, 'woman member', 'women members')} (by their own declaration, with consent): fewer than "
            f"{WOMEN_FOR_EXTRA}, so no extra women's delegate."
        )

    young_delegate = bool(members) and young >= YOUNG_FOR_EXTRA
    enough = f"{YOUNG_FOR_EXTRA} or more, so 1 more delegate, under {YOUNG_UNDER}."
    short = f"fewer than {YOUNG_FOR_EXTRA}, so no extra young delegate."
    lines.append(f"{_n(young, 'member')} under {YOUNG_UNDER} on the date: {enough if young_delegate else short}")
    if without_birth_date:
        lines.append(
            f"{_n(without_birth_date, 'member has', 'members have')} no date of birth recorded and "
            f"{'is' if without_birth_date == 1 else 'are'} not counted as under {YOUNG_UNDER}."
        )

    total = base + women_delegate + young_delegate
    parts = [f"{base} by membership"]
    if women_delegate:
        parts.append("1 woman")
    if young_delegate:
        parts.append(f"1 under {YOUNG_UNDER}")
    lines.append(f"In all: {_n(total, 'delegate')} ({' + '.join(parts)}).")

    at_least_women = -(-base // 2) if base >= 2 else 0
    must_be_woman: bool | None = None
    if base >= 2:
        lines.append(f"At least half of the {base} delegates by membership must be women: at least {at_least_women}.")
    elif base == 1:
        must_be_woman = {LAST_WOMAN: False, LAST_NOT_WOMAN: True}.get(last_year)
        lines.append(_every_other_year(last_year))
    return Entitlement(
        total=total,
        by_membership=base,
        women_delegate=women_delegate,
        young_delegate=young_delegate,
        at_least_women=at_least_women,
        must_be_woman=must_be_woman,
        lines=lines,
    )


def _every_other_year(last_year: str) -> str:
    rule = "A branch with one delegate by membership sends a woman at least every other year: "
    return rule + {
        LAST_WOMAN: "last year's sole delegate was a woman, so this year's may be a man or a woman.",
        LAST_NOT_WOMAN: "last year's sole delegate is not recorded as a woman, so this year's must be a woman.",
        LAST_NONE: "nobody held the delegate position a year ago, so choose a woman to be sure.",
        LAST_SEVERAL: "more than one person held the delegate position a year ago, so the rule for a sole delegate "
        "does not apply to last year; choose a woman to be sure.",
    }.get(last_year, "choose the delegate position (and the gender question) to check last year's delegate.")
