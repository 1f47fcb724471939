"""An uncontested election under constraints (issue 13 item 5), pure.

When nominations close with no more standing than seats, everyone standing
is elected — unless a constraint says otherwise:

- "at least N of the group" with only k < N of the group standing: under
  `anyone` the N − k seats go to whoever stands (everyone is elected; the
  result says so); under `vacant` those N − k seats stay vacant, so only
  S − (N − k) seats are left for the others — and if more others stand than
  that, the election is contested after all: the ballot decides.
- "at most M of the group" with g > M of the group standing: under `anyone`
  the maximum gives way for the seats nobody else stands for (everyone is
  elected; stated); under `vacant` only M of the group may take a seat, so
  the ballot decides which.

`declare` answers either a declaration (who is elected, seats left vacant,
the notes to state on the result) or that a ballot is needed, and why. The
words match the count's (constraints.Tracker.unmet), so a seat left vacant
reads the same whether a count or the close of nominations left it so."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .constraints import IF_UNMET, Constraint
from .errors import ConstraintError


@dataclass(frozen=True)
class Uncontested:
    contested: bool  # True: more stand than the constraints leave seats for — hold the ballot
    elected: list[int] = field(default_factory=list)  # candidate indices, in the order given
    vacant_seats: int = 0
    notes: list[str] = field(default_factory=list)

    def as_dict(
        self, names: Sequence[str], seats: int, labelled: Sequence[tuple[str, Constraint]], if_unmet: str
    ) -> dict:
        """The declaration as the election stores it (result): JSON-ready."""
        return {
            "uncontested": True,
            "seats": seats,
            "elected": [names[i] for i in self.elected],
            "vacant_seats": self.vacant_seats,
            "constraints": [
                {"label": label, "candidates": [names[c] for c in sorted(c.candidates)], "min": c.min, "max": c.max}
                for label, c in labelled
            ],
            "if_unmet": if_unmet if labelled else None,
            "notes": list(self.notes),
        }


def _seats(n: int) -> str:
    return f"{n} seat" if n == 1 else f"{n} seats"


def declare(candidates: int, seats: int, labelled: Sequence[tuple[str, Constraint]], if_unmet: str) -> Uncontested:
    """`candidates` (≤ seats) stand for `seats`; each constraint is labelled
    ("women") and names its group by candidate index."""
    if if_unmet not in IF_UNMET:
        raise ConstraintError('When constraints cannot be met the seat must go "vacant" or to "anyone".')
    if not 0 <= candidates <= seats:
        raise ConstraintError("An uncontested election has no more candidates than seats.")
    everyone = set(range(candidates))
    notes: list[str] = []
    reserved = 0  # seats that must stay vacant (a minimum nobody of its group stands for)
    contested = False
    for label, constraint in labelled:
        group = constraint.candidates & everyone
        g = len(group)
        low = min(constraint.min, seats)
        if low and g < low:
            short = low - g
            what = f"“at least {low} of {label}” cannot be met (only {g} of them stand{'s' if g == 1 else ''})"
            if if_unmet == "anyone":
                notes.append(f"{what}: as the branch chose, {_seats(short)} may go to any candidate.")
            else:
                reserved += short
                notes.append(f"{what}: as the branch chose, {_seats(short)} will stay vacant.")
        high = constraint.max
        if high is not None and g > high:
            what = f"“at most {high} of {label}” would be exceeded ({g} of them stand)"
            if if_unmet == "anyone":
                notes.append(
                    f"{what}: nobody else stands for {_seats(g - high)}, so as the branch chose, "
                    "they go to any candidate."
                )
            else:
                contested = True
                notes.append(f"{what}: only {high} of them may take a seat, so the ballot decides which.")
    left = seats - min(reserved, seats)
    if candidates > left:
        contested = True
        notes.append(f"{candidates} stand for the {_seats(left)} left for them: the ballot decides.")
    if contested:
        return Uncontested(True, notes=notes)
    return Uncontested(False, elected=sorted(everyone), vacant_seats=seats - candidates, notes=notes)
