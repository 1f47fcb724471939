"""Whether a question is carried: the standing orders' thresholds, pure and exact.

Plain integers and Fractions, no Django and no clock: the chair never types a
threshold or a result, this module computes both from the counts.

- ``simple_majority``: more for than against; abstentions are not "voting".
- ``two_thirds``: at least two thirds of those voting (for + against) are for.
- ``two_thirds_present``: at least two thirds of those entitled and present are for.
- ``majority_present``: more than half of those entitled and present are for.

A tie is "as many for as against" (with someone voting). It is lost unless the
standing orders give the chair a casting vote and the chair uses it: the
casting vote is one more vote on its side, counted like any other, after
which the threshold decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

SIMPLE_MAJORITY = "simple_majority"
TWO_THIRDS = "two_thirds"
TWO_THIRDS_PRESENT = "two_thirds_present"
MAJORITY_PRESENT = "majority_present"

THRESHOLDS: dict[str, str] = {
    SIMPLE_MAJORITY: "A simple majority of those voting",
    TWO_THIRDS: "Two thirds of those voting",
    TWO_THIRDS_PRESENT: "Two thirds of those present and entitled to vote",
    MAJORITY_PRESENT: "A majority of those present and entitled to vote",
}

CHOICES = ("for", "against")


class ThresholdError(ValueError):
    """Counts or a casting vote that cannot be: the message says why, in plain words."""


@dataclass(frozen=True)
class Outcome:
    carried: bool
    votes_for: int
    votes_against: int
    abstain: int
    present: int
    threshold: str
    base: int  # what the threshold is a share of: those voting, or those present
    needed: int  # the fewest votes for that carry it
    tie: bool
    casting_vote: str | None  # "for", "against", or None when not used
    explanation: str

    @property
    def result(self) -> str:
        return "carried" if self.carried else "lost"


def needed_for(threshold: str, base: int) -> int:
    """The fewest votes for that carry a question with this base (0 for nobody
    means it cannot carry: need one at least)."""
    if threshold in (SIMPLE_MAJORITY, MAJORITY_PRESENT):
        return base // 2 + 1  # more than half
    if threshold in (TWO_THIRDS, TWO_THIRDS_PRESENT):
        share = Fraction(2, 3) * base
        whole = share.numerator // share.denominator
        return max(1, whole if whole == share else whole + 1)  # at least two thirds, rounded up
    raise ThresholdError(f"Unknown threshold {threshold!r}: choose one of {', '.join(THRESHOLDS)}.")


def decide_question(
    *,
    threshold: str,
    votes_for: int,
    votes_against: int,
    abstain: int = 0,
    present: int,
    casting_allowed: bool = False,
    casting_vote: str | None = None,
) -> Outcome:
    """Carried or lost, with the base, the number needed and a sentence saying why.

    ``present`` is the number entitled and present (the vote's snapshot); it
    is the base for the "_present" thresholds. A casting vote is refused
    unless the standing orders allow it and the votes are tied."""
    if threshold not in THRESHOLDS:
        raise ThresholdError(f"Unknown threshold {threshold!r}: choose one of {', '.join(THRESHOLDS)}.")
    if min(votes_for, votes_against, abstain, present) < 0:
        raise ThresholdError("Counts cannot be negative.")
    if votes_for + votes_against + abstain > present:
        raise ThresholdError(
            f"{votes_for + votes_against + abstain} votes is more than the {present} entitled and present."
        )
    tie = votes_for == votes_against and votes_for > 0
    if casting_vote is not None:
        if casting_vote not in CHOICES:
            raise ThresholdError('A casting vote is "for" or "against".')
        if not casting_allowed:
            raise ThresholdError("The standing orders give the chair no casting vote.")
        if not tie:
            raise ThresholdError("A casting vote is only for a tie: the votes are not equal.")
    counted_for = votes_for + (casting_vote == "for")
    counted_against = votes_against + (casting_vote == "against")
    if threshold in (SIMPLE_MAJORITY, TWO_THIRDS):
        base = counted_for + counted_against
    else:
        base = present  # the chair is already present: a casting vote adds a vote, not a person
    needed = needed_for(threshold, base)
    carried = base > 0 and counted_for >= needed
    words = THRESHOLDS[threshold].lower()
    if tie and casting_vote is None:
        carried = False
        why = f"Tied {votes_for} to {votes_against}: a tie is lost"
        why += " (the chair did not use the casting vote)." if casting_allowed else "."
    else:
        why = f"{counted_for} for, {counted_against} against"
        if casting_vote is not None:
            why += f" with the chair's casting vote {casting_vote}"
        why += f"; {words} of {base} needs {needed}: {'carried' if carried else 'lost'}."
    return Outcome(
        carried=carried,
        votes_for=votes_for,
        votes_against=votes_against,
        abstain=abstain,
        present=present,
        threshold=threshold,
        base=base,
        needed=needed,
        tie=tie,
        casting_vote=casting_vote,
        explanation=why,
    )
