"""A count's result: the stage-by-stage table anyone can check, as plain data
(`as_dict()` is what the API answers, CONTRACT.md §7)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .common import fmt, fmt_to

ACTIONS = ("first", "surplus", "exclude", "elect", "guard", "doom")
SHOWN_PLACES = 5  # every table shows totals to five decimals (issue 13)


@dataclass
class Stage:
    number: int
    action: str
    candidate: str | None
    totals: dict[str, str]
    non_transferable: str
    description: str
    elected: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    guarded: list[str] = field(default_factory=list)
    lost_to_rounding: str | None = None
    quota: str | None = None
    extra: dict = field(default_factory=dict)  # method-specific: Meek's keep factors and full-precision totals

    def as_dict(self) -> dict:
        data = {
            "number": self.number,
            "action": self.action,
            "candidate": self.candidate,
            "totals": self.totals,
            "non_transferable": self.non_transferable,
            "elected": self.elected,
            "excluded": self.excluded,
            "guarded": self.guarded,
            "description": self.description,
        }
        if self.lost_to_rounding is not None:
            data["lost_to_rounding"] = self.lost_to_rounding
        if self.quota is not None:
            data["quota"] = self.quota
        data.update(self.extra)
        return data


@dataclass
class CountResult:
    method: str
    title: str
    seats: int
    candidates: list[str]
    withdrawn: list[str]
    valid_ballots: int
    invalid_ballots: int
    quota: str | None
    elected: list[str]
    stages: list[Stage]
    seed: str
    ballots_sha256: str
    rules: str
    vacant_seats: int = 0
    constraints: list[dict] = field(default_factory=list)
    if_unmet: str | None = None
    draws: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "method": self.method,
            "title": self.title,
            "seats": self.seats,
            "candidates": self.candidates,
            "withdrawn": self.withdrawn,
            "valid_ballots": self.valid_ballots,
            "invalid_ballots": self.invalid_ballots,
            "quota": self.quota,
            "elected": self.elected,
            "vacant_seats": self.vacant_seats,
            "stages": [s.as_dict() for s in self.stages],
            "seed": self.seed,
            "ballots_sha256": self.ballots_sha256,
            "rules": self.rules,
            "constraints": self.constraints,
            "if_unmet": self.if_unmet,
            "draws": self.draws,
            "notes": self.notes,
        }

    def stage_lines(self) -> list[str]:
        return [f"Stage {s.number}: {s.description}" for s in self.stages]


def totals_of(values, names, places: int, *, skip=()) -> dict[str, str]:
    """Every candidate's total, in candidate order, to five decimals."""
    return {names[c]: shown(v, places) for c, v in enumerate(values) if c not in skip}


def shown(units: int, places: int) -> str:
    """Five decimals: more places truncated (never shown above what it is), fewer padded."""
    if places >= SHOWN_PLACES:
        return fmt_to(units, places, SHOWN_PLACES)
    return fmt(units * 10 ** (SHOWN_PLACES - places), SHOWN_PLACES)
