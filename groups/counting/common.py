"""What every method shares: fixed-point numbers, ties, the lot.

Numbers are Python integers counting units of 10^-places (Scottish STV:
1 vote = 100000 units, five decimal places, rule 48(3); Meek: nine places, as
the PRF reference rule fixes). Integer arithmetic is exact, and the rounding
each rule asks for (truncate, round up) is written out where it happens —
never a float.

The lot is reproducible from the recorded seed and checkable by hand: at the
k-th draw of a count, each tied candidate gets the key
SHA-256("<seed>:<k>:<candidate name>") (UTF-8, hexadecimal) and the lot picks
the candidate with the smallest key. Anyone with the seed and `sha256sum` can
redo it; the order in which ballots were entered plays no part."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field


def fmt(units: int, places: int) -> str:
    """Units of 10^-places as a decimal string with exactly `places` decimals."""
    sign = "-" if units < 0 else ""
    whole, frac = divmod(abs(units), 10**places)
    return f"{sign}{whole}.{frac:0{places}d}" if places else f"{sign}{whole}"


def fmt_to(units: int, places: int, shown: int) -> str:
    """Fewer decimals than held, truncated (a total is never shown above what it is)."""
    return fmt(units // 10 ** (places - shown), shown)


def mul_up(a: int, b: int, scale: int) -> int:
    """a × b at the same fixed point, rounded up."""
    return -((-a * b) // scale)


def div_up(a: int, b: int, scale: int) -> int:
    """a ÷ b at the same fixed point, rounded up."""
    return -((-a * scale) // b)


def names_list(names: Sequence[str]) -> str:
    """Ada; Ada and Ben; Ada, Ben and Cy."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


@dataclass
class Draw:
    number: int
    among: list[str]
    chosen: str
    purpose: str

    def as_dict(self) -> dict:
        return {"draw": self.number, "among": self.among, "chosen": self.chosen, "purpose": self.purpose}


@dataclass
class Lot:
    seed: str
    names: Sequence[str]
    draws: list[Draw] = field(default_factory=list)

    def key(self, number: int, candidate: int) -> str:
        return hashlib.sha256(f"{self.seed}:{number}:{self.names[candidate]}".encode()).hexdigest()

    def draw(self, tied: Sequence[int], purpose: str) -> int:
        number = len(self.draws) + 1
        chosen = min(tied, key=lambda c: self.key(number, c))
        self.draws.append(Draw(number, [self.names[c] for c in sorted(tied)], self.names[chosen], purpose))
        return chosen


@dataclass
class TieBreak:
    """How a tie was settled, for the stage's plain-English line."""

    tied: list[int]
    chosen: int
    stage: int | None = None  # the earlier stage whose totals settled it (or narrowed it, before a lot)
    draw: int | None = None  # the lot's draw number, when it came to a lot


def break_tie(
    tied: Sequence[int],
    history: Sequence[Sequence[int]],
    *,
    lowest: bool,
    lot: Lot,
    purpose: str,
) -> TieBreak:
    """Scottish rules 49(2)-(3) and 51(2): look back to the most recent earlier
    stage at which the tied candidates had unequal votes, and take the lowest
    (exclusion) or highest (whose surplus goes first). Where that stage still
    leaves two or more level at the extreme, look further back among those
    (the rule names no other way to separate them); where they were level at
    every stage, by lot. `history[i]` is every candidate's total at the end of
    stage i + 1, the current stage excluded."""
    remaining = sorted(tied)
    settled_at = None
    for index in range(len(history) - 1, -1, -1):
        totals = history[index]
        values = {totals[c] for c in remaining}
        if len(values) == 1:
            continue
        extreme = min(values) if lowest else max(values)
        remaining = [c for c in remaining if totals[c] == extreme]
        settled_at = index + 1
        if len(remaining) == 1:
            return TieBreak(sorted(tied), remaining[0], stage=settled_at)
    chosen = lot.draw(remaining, purpose)
    return TieBreak(sorted(tied), chosen, stage=settled_at, draw=len(lot.draws))


def describe_tie(tie: TieBreak | None, names: Sequence[str], seed: str) -> str:
    if tie is None or len(tie.tied) < 2:
        return ""
    tied = names_list([names[c] for c in tie.tied])
    chosen = names[tie.chosen]
    if tie.draw is None:
        return (
            f" {tied} were level; {chosen} was chosen by the totals at stage {tie.stage}, "
            "the most recent stage at which they differed."
        )
    earlier = "no earlier stage separated them" if tie.stage is None else "earlier stages did not separate them all"
    return f" {tied} were level and {earlier}; {chosen} was chosen by lot (draw {tie.draw} from seed {seed!r})."
