"""Constraints on who is elected — "at least N of these candidates", "at most
M" — by guard and doom (issue 13 item 5), for STV and block votes.

After every election or exclusion the count asks `Tracker.review`:

- a minimum whose remaining candidates, with those of the group already
  elected, just reach it: every remaining member is *guarded* (cannot be
  excluded);
- a minimum whose group needs every seat still left: every remaining
  candidate outside the group is *doomed* (excluded, papers transferred);
- a maximum already reached: every remaining member is doomed;
- a maximum that leaves the others exactly enough candidates to fill the
  seats the group may not take: those others are guarded.

Where a constraint cannot be met (too few of the group stand, or too few
are left), the branch's rule applies and is stated in the result: `vacant`
(the seat it cannot fill stays vacant) or `anyone` (the constraint is
relaxed by that much and the seat goes to whoever the count elects)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .ballots import Ballots
from .common import names_list
from .errors import ConstraintError

IF_UNMET = ("vacant", "anyone")
MAX_CONSTRAINTS = 20


@dataclass(frozen=True)
class Constraint:
    candidates: frozenset[int]
    min: int = 0
    max: int | None = None

    def label(self, names: Sequence[str]) -> str:
        group = names_list([names[c] for c in sorted(self.candidates)])
        if self.max is None:
            return f"at least {self.min} of {group}"
        if not self.min:
            return f"at most {self.max} of {group}"
        return f"between {self.min} and {self.max} of {group}"

    def as_dict(self, names: Sequence[str]) -> dict:
        return {"candidates": [names[c] for c in sorted(self.candidates)], "min": self.min, "max": self.max}


def parse_constraints(data, ballots: Ballots) -> list[Constraint]:
    """`[{"candidates": [name, …], "min": n, "max": n?}, …]` (CONTRACT §7) → constraints."""
    if data in (None, ""):
        return []
    if not isinstance(data, list):
        raise ConstraintError('Constraints must be a list, e.g. [{"candidates": ["Ada", "Bea"], "min": 1}].')
    if len(data) > MAX_CONSTRAINTS:
        raise ConstraintError(f"Give at most {MAX_CONSTRAINTS} constraints.")
    names = ballots.candidates
    known = {name: i for i, name in enumerate(names)}
    out = []
    for number, item in enumerate(data, start=1):
        where = f"Constraint {number}"
        if not isinstance(item, dict) or not isinstance(item.get("candidates"), list):
            raise ConstraintError(f'{where} must be an object with a list of "candidates" and a "min" and/or "max".')
        unknown_keys = set(item) - {"candidates", "min", "max"}
        if unknown_keys:
            raise ConstraintError(f"{where} has {sorted(unknown_keys)[0]!r}; a constraint has candidates, min and max.")
        group = set()
        for name in item["candidates"]:
            if not isinstance(name, str) or name not in known:
                raise ConstraintError(f"{where} names {name!r}, who is not a candidate in this count.")
            group.add(known[name])
        if not group:
            raise ConstraintError(f"{where} names no candidates.")
        low, high = item.get("min", 0), item.get("max")
        for key, value in (("min", low), ("max", high)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise ConstraintError(f"{where}: {key} must be a whole number, 0 or more.")
        if low is None:
            low = 0
        if not low and high is None:
            raise ConstraintError(f"{where} sets neither a minimum above 0 nor a maximum, so it would change nothing.")
        if low > ballots.seats:
            raise ConstraintError(f"{where} asks for at least {low} of {ballots.seats} seats.")
        if high is not None and high < low:
            raise ConstraintError(f"{where}: the maximum ({high}) is below the minimum ({low}).")
        out.append(Constraint(frozenset(group), low, high))
    groups = [c.candidates for c in out]
    disjoint = all(not (a & b) for i, a in enumerate(groups) for b in groups[i + 1 :])
    if disjoint and sum(c.min for c in out) > ballots.seats:
        raise ConstraintError(
            f"The minimums add up to {sum(c.min for c in out)}, more than the {ballots.seats} seats, "
            "and no candidate is in two of the groups, so they cannot all be met."
        )
    return out


@dataclass
class Review:
    guard: list[int]
    guard_reasons: list[str]
    doom: dict[int, str]  # candidate → why


class Tracker:
    def __init__(self, constraints: Sequence[Constraint], seats: int, if_unmet: str, names: Sequence[str]):
        if if_unmet not in IF_UNMET:
            raise ConstraintError('When constraints cannot be met the seat must go "vacant" or to "anyone".')
        self.constraints = list(constraints)
        # What each constraint still asks: [min, max]; relaxed under "anyone".
        self.asks = [[c.min, c.max] for c in self.constraints]
        self.seats = seats
        self.if_unmet = if_unmet
        self.names = names
        self.vacant = 0
        self.guarded: set[int] = set()
        self.notes: list[str] = []

    @property
    def active(self) -> bool:
        return bool(self.constraints)

    @property
    def seats_to_fill(self) -> int:
        return self.seats - self.vacant

    def review(self, hopeful: set[int], elected: Sequence[int]) -> Review:
        if not self.constraints:
            return Review([], [], {})
        elected_set = set(elected)
        doomed: dict[int, str] = {}
        guard: set[int] = set()
        reasons: list[str] = []
        changed = True
        while changed:
            changed = False
            left = (hopeful - set(doomed)) - elected_set
            seats_left = self.seats_to_fill - len(elected_set)
            for k, constraint in enumerate(self.constraints):
                group = constraint.candidates
                low, high = self.asks[k]
                label = constraint.label(self.names)
                in_group = left & group
                others = left - group
                elected_in = len(elected_set & group)
                elected_out = len(elected_set) - elected_in
                if low:
                    possible = elected_in + len(in_group)
                    if possible < low:
                        changed = True
                        self.unmet(k, low - possible, label, "min")
                        break
                    need = low - elected_in
                    if need > 0:
                        new = in_group - self.guarded - guard
                        if len(in_group) == need and new:
                            guard |= new
                            reasons.append(
                                f"{names_list(self.sorted_names(new))} cannot now be excluded: with those already "
                                f"elected they are just enough to meet “{label}”."
                            )
                        if seats_left <= need and others:
                            for c in others:
                                doomed[c] = f"every seat left is needed to meet “{label}”."
                            changed = True
                            break
                if high is not None:
                    if elected_in >= high and in_group:
                        for c in in_group:
                            doomed[c] = f"“{label}” is already reached by those elected."
                        changed = True
                        break
                    need_others = self.seats_to_fill - high - elected_out
                    if need_others > 0:
                        if len(others) < need_others:
                            changed = True
                            self.unmet(k, need_others - len(others), label, "max")
                            break
                        new = others - self.guarded - guard
                        if len(others) == need_others and new:
                            guard |= new
                            reasons.append(
                                f"{names_list(self.sorted_names(new))} cannot now be excluded: they are just "
                                f"enough to fill the seats that “{label}” leaves to others."
                            )
        guard -= set(doomed)
        self.guarded |= guard
        return Review(sorted(guard), reasons, doomed)

    def unmet(self, k: int, short: int, label: str, which: str) -> None:
        seats = "seat" if short == 1 else "seats"
        if self.if_unmet == "vacant":
            self.vacant += short
            outcome = f"{short} {seats} will stay vacant"
        else:
            outcome = f"{short} {seats} may go to any candidate"
        if which == "min":
            self.asks[k][0] -= short
            why = "too few of its candidates are left"
        else:
            if self.if_unmet == "anyone":
                self.asks[k][1] += short
            why = "too few other candidates are left to fill the seats it keeps from the group"
        self.notes.append(f"“{label}” cannot be met ({why}): as the branch chose, {outcome}.")

    def sorted_names(self, candidates) -> list[str]:
        return [self.names[c] for c in sorted(candidates)]

    def excludable(self, hopeful: set[int]) -> set[int]:
        return hopeful - self.guarded
