"""The ballots of one count: who stands, how many seats, and each group of
identical ballot papers with how many there are (its weight).

Candidates are numbered from 0 here (BLT numbers them from 1). A ranking is
the candidates in the voter's order of preference; for an X vote (fptp,
block) it is the candidates marked, in any order. An empty ranking is a
ballot paper with no valid mark: it is kept so that the invalid papers are
counted and travel with the rest, never silently dropped."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from .errors import BallotsError

MAX_CANDIDATES = 200
MAX_NAME = 200


@dataclass(frozen=True, slots=True)
class BallotGroup:
    weight: int
    ranking: tuple[int, ...]


@dataclass(frozen=True)
class Ballots:
    candidates: tuple[str, ...]
    seats: int
    groups: tuple[BallotGroup, ...]
    title: str = ""
    withdrawn: frozenset[int] = field(default_factory=frozenset)

    def __post_init__(self):
        # Normalise sequences given as lists so that equal ballots compare equal.
        object.__setattr__(self, "candidates", tuple(self.candidates))
        object.__setattr__(self, "groups", tuple(self.groups))
        object.__setattr__(self, "withdrawn", frozenset(self.withdrawn))
        n = len(self.candidates)
        if not 1 <= n <= MAX_CANDIDATES:
            raise BallotsError(f"A count needs between 1 and {MAX_CANDIDATES} candidates; this one has {n}.")
        for number, name in enumerate(self.candidates, start=1):
            problem = name_problem(name)
            if problem:
                raise BallotsError(f"Candidate {number}'s name {problem}.")
        repeated = [name for name, times in Counter(self.candidates).items() if times > 1]
        if repeated:
            raise BallotsError(
                f"Two candidates are both called {repeated[0]!r}; give each candidate a different name "
                "(the result names them)."
            )
        title_problem = name_problem(self.title, allow_empty=True)
        if title_problem:
            raise BallotsError(f"The title {title_problem}.")
        if isinstance(self.seats, bool) or not isinstance(self.seats, int) or self.seats < 1:
            raise BallotsError("The number of seats must be a whole number, at least 1.")
        for c in self.withdrawn:
            if not 0 <= c < n:
                raise BallotsError(f"Withdrawn candidate {c + 1} is not one of the {n} candidates.")
        for group in self.groups:
            check_group(group, n)

    @property
    def ballot_papers(self) -> int:
        """Every paper, valid or not."""
        return sum(g.weight for g in self.groups)

    @cached_property
    def _canonical(self) -> Ballots:
        merged: Counter[tuple[int, ...]] = Counter()
        for g in self.groups:
            merged[g.ranking] += g.weight
        rankings = sorted(merged)
        in_order = all(g.ranking == r for g, r in zip(self.groups, rankings, strict=False))
        if len(rankings) == len(self.groups) and in_order:
            return self  # already canonical (read_blt gives this form)
        groups = tuple(BallotGroup(merged[r], r) for r in rankings)
        return Ballots(self.candidates, self.seats, groups, self.title, self.withdrawn)

    def canonical(self) -> Ballots:
        """The same ballots in one fixed form: identical rankings merged, sorted
        by ranking. Two files holding the same papers in any order, split into
        groups any way, have the same canonical form — and so the same hash."""
        return self._canonical

    def blt_text(self) -> str:
        """These ballots as BLT text (CONTRACT §7), groups in the order given.
        Here rather than in blt.py, which reads BLT into Ballots, so that the
        hash below needs no import back from the reader."""
        out = [f"{len(self.candidates)} {self.seats}"]
        if self.withdrawn:
            out.append(" ".join(f"-{c + 1}" for c in sorted(self.withdrawn)))
        for g in self.groups:
            out.append(" ".join([str(g.weight), *(str(c + 1) for c in g.ranking), "0"]))
        out.append("0")
        out.extend(f'"{name}"' for name in self.candidates)
        out.append(f'"{self.title}"')
        return "\n".join(out) + "\n"

    @cached_property
    def _sha256(self) -> str:
        return hashlib.sha256(self.canonical().blt_text().encode("utf-8")).hexdigest()

    def sha256(self) -> str:
        """SHA-256 of the canonical BLT text (UTF-8): anyone can recompute it from
        the BLT file this program writes (`write_blt(ballots.canonical())`)."""
        return self._sha256

    def index_of(self, names: Iterable[str]) -> list[int]:
        position = {name: i for i, name in enumerate(self.candidates)}
        return [position[name] for name in names]


def name_problem(text: str, *, allow_empty: bool = False) -> str | None:
    """Why a candidate name or title cannot go in a BLT file, or None."""
    if not isinstance(text, str):
        return "must be text"
    if not text.strip() and not allow_empty:
        return "is empty"
    if len(text) > MAX_NAME:
        return f"is longer than {MAX_NAME} characters"
    if '"' in text:
        return 'contains a double quote ("), which BLT files cannot hold; use single quotes instead'
    if any(ch in text for ch in "\r\n\x00"):
        return "contains a line break"
    return None


def check_group(group: BallotGroup, n: int) -> None:
    if type(group.weight) is not int or group.weight < 1:
        raise BallotsError(f"A ballot's weight must be a whole number, at least 1 (not {group.weight!r}).")
    ranking = group.ranking
    if (
        type(ranking) is tuple
        and all(type(c) is int for c in ranking)
        and (not ranking or (min(ranking) >= 0 and max(ranking) < n))
        and len(set(ranking)) == len(ranking)
    ):
        return  # the usual case, checked with builtins only
    seen = set()
    for c in group.ranking:
        if isinstance(c, bool) or not isinstance(c, int) or not 0 <= c < n:
            raise BallotsError(f"A ballot names candidate {c!r}, who is not one of the {n} candidates.")
        if c in seen:
            raise BallotsError(f"A ballot gives candidate {c + 1} more than one preference.")
        seen.add(c)
