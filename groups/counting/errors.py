"""What the counts refuse, with a sentence that says what to fix.

Subclasses of groups.errors.InvalidInput (a plain-Python module, no Django),
so views and the API answer them as 400s like every other domain error."""

from __future__ import annotations

from ..errors import InvalidInput


class BallotsError(InvalidInput):
    """Ballots that cannot be counted as given (an unknown candidate, a repeated
    preference, no seats)."""

    code = "invalid_ballots"


class BLTError(InvalidInput):
    """A BLT file that is not well formed. `errors` lists (line number, what is
    wrong) — every bad ballot line, not just the first, so one upload shows all
    that needs fixing."""

    code = "malformed_blt"

    def __init__(self, errors: list[tuple[int, str]]):
        self.errors = errors
        shown = "; ".join(f"line {line}: {message}" for line, message in errors[:3])
        more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
        super().__init__(
            f"The BLT file is not well formed: {shown}{more}.",
            lines=[{"line": line, "message": message} for line, message in errors],
        )


class ConstraintError(InvalidInput):
    """Constraints that name no candidate of the count, or ask the impossible
    of the seats (at least 3 of 2 seats). About the `constraints` field."""

    code = "invalid_constraints"

    def __init__(self, message: str, **details):
        details.setdefault("field", "constraints")
        super().__init__(message, **details)


class CountError(InvalidInput):
    """A count that cannot be run: an unknown method, no valid ballots, a
    one-seat method asked to fill several seats."""

    code = "cannot_count"
