"""Election counts, pure: plain data in, a result with every stage out. No
Django, no clock, no randomness but the seed passed in (see common.Lot).

    ballots = read_blt(text)
    result = count(ballots, "scottish_stv", seed="4f2a…")
    result.as_dict()   # the table of CONTRACT.md §7, JSON-ready

Methods: fptp, block (plurality.py), irv and scottish_stv (scottish.py),
meek_stv (meek.py). Constraints ("at least N of these candidates") by guard
and doom (constraints.py) for block and both STVs."""

from __future__ import annotations

from collections.abc import Sequence

from .ballots import BallotGroup, Ballots
from .blt import read_blt, write_blt
from .constraints import IF_UNMET, Constraint, parse_constraints
from .errors import BallotsError, BLTError, ConstraintError, CountError
from .meek import MeekCount
from .plurality import PluralityCount
from .result import CountResult, Stage
from .scottish import GregoryCount, IRVCount

METHODS = ("fptp", "block", "irv", "scottish_stv", "meek_stv")
MAX_SEED = 200

__all__ = [
    "IF_UNMET",
    "METHODS",
    "BLTError",
    "BallotGroup",
    "Ballots",
    "BallotsError",
    "Constraint",
    "ConstraintError",
    "CountError",
    "CountResult",
    "Stage",
    "count",
    "parse_constraints",
    "read_blt",
    "write_blt",
]


def count(
    ballots: Ballots,
    method: str,
    *,
    seed: str,
    constraints: Sequence[Constraint] = (),
    if_unmet: str = "vacant",
) -> CountResult:
    """Count `ballots` by `method`. `seed` decides any tie left to lot and is
    recorded in the result so that anyone can repeat the count exactly."""
    if not isinstance(seed, str) or not seed or len(seed) > MAX_SEED:
        raise CountError(f"The seed must be text of 1 to {MAX_SEED} characters.")
    options = {"seed": seed, "constraints": tuple(constraints), "if_unmet": if_unmet}
    if method in ("fptp", "block"):
        return PluralityCount(ballots, method, **options).run()
    if method == "irv":
        return IRVCount(ballots, **options).run()
    if method == "scottish_stv":
        return GregoryCount(ballots, **options).run()
    if method == "meek_stv":
        return MeekCount(ballots, **options).run()
    raise CountError(f"Unknown method {method!r}; choose one of {', '.join(METHODS)}.")
