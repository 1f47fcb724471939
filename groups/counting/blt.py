"""BLT, the ballot format of the Electoral Reform Society and OpenSTV
(CONTRACT.md §7), read and written.

    4 2              candidates, seats
    -3               optional: withdrawn candidates, as negative numbers
    12 1 2 4 0       weight (how many identical papers), preferences, 0
    1 0              a paper with no preference: counted, as an invalid paper
    0                end of the ballots
    "Ada"            one quoted name per candidate, in number order
    "Ben"
    "Cy"
    "Dee"
    "Branch delegates 2026"   the title

Refused, with the line: anything that is not a number where a number must
be, a candidate number outside 1..candidates, a candidate ranked twice on one
paper, a weight below 1, a missing end-of-ballot 0. Equal rankings (`2=3`,
allowed by some programs) are refused too: none of the counting rules here
gives them a meaning, and guessing one would change results. A bad ballot
line never stops the reading of the lines after it: every error is listed."""

from __future__ import annotations

import re

from .ballots import MAX_CANDIDATES, BallotGroup, Ballots, name_problem
from .errors import BallotsError, BLTError

MAX_ERRORS = 20
MAX_WEIGHT = 10**9
_PLAIN = re.compile(r"[0-9]+(?:[ \t]+[0-9]+)*")


def read_blt(data: str | bytes) -> Ballots:
    text = _decode(data)
    lines = text.splitlines()
    reader = _Reader(lines)
    return reader.read()


def write_blt(ballots: Ballots) -> str:
    """The ballots as BLT text, groups in the order given (use
    `ballots.canonical()` first for the canonical form that is hashed)."""
    return ballots.blt_text()


def _decode(data: str | bytes) -> str:
    if isinstance(data, str):
        text = data
    else:
        if b"\x00" in data:
            raise BLTError([(1, "this is not a text file (it contains NUL bytes); upload the .blt file itself")])
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            # Windows programs still write names in Windows-1252.
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                raise BLTError([(1, "the file is not UTF-8 text; save it as UTF-8 and upload it again")]) from None
    return text.removeprefix("\ufeff")


class _Reader:
    def __init__(self, lines: list[str]):
        self.lines = lines
        self.at = 0  # index of the next line to read
        self.errors: list[tuple[int, str]] = []

    # Line numbers in messages count from 1, as editors do.
    def next_line(self) -> tuple[int, str] | None:
        while self.at < len(self.lines):
            number, line = self.at + 1, self.lines[self.at].strip()
            self.at += 1
            if line:
                return number, line
        return None

    def peek(self) -> str | None:
        at = self.at
        while at < len(self.lines):
            line = self.lines[at].strip()
            if line:
                return line
            at += 1
        return None

    def fail(self, line: int, message: str):
        self.errors.append((line, message))
        raise BLTError(self.errors)

    def read(self) -> Ballots:
        first = self.next_line()
        if first is None:
            raise BLTError([(1, "the file is empty")])
        number, line = first
        parts = line.split()
        if len(parts) != 2 or not all(_is_whole(p) for p in parts):
            self.fail(
                number,
                "the first line must be two whole numbers, the candidates and the seats (e.g. 5 2); "
                f"found {_quote(line)}",
            )
        n, seats = int(parts[0]), int(parts[1])
        if not 1 <= n <= MAX_CANDIDATES:
            self.fail(number, f"the number of candidates must be between 1 and {MAX_CANDIDATES}, not {n}")
        if seats < 1:
            self.fail(number, f"the number of seats must be at least 1, not {seats}")

        withdrawn = self.read_withdrawn(n)
        groups = self.read_ballots(n)
        names = self.read_names(n)
        title = self.read_title()
        extra = self.next_line()
        if extra is not None and not self.errors:
            self.errors.append(
                (extra[0], f"unexpected text after the title: {_quote(extra[1])}; the title must be the last line")
            )
        if self.errors:
            raise BLTError(self.errors)
        try:
            return Ballots(tuple(names), seats, tuple(groups), title, frozenset(withdrawn))
        except BallotsError as exc:  # e.g. two candidates with the same name
            raise BLTError([(number, exc.message.rstrip("."))]) from None

    def read_withdrawn(self, n: int) -> set[int]:
        line = self.peek()
        if line is None or not line.startswith("-"):
            return set()
        number, line = self.next_line()
        withdrawn: set[int] = set()
        for token in line.split():
            if not (token.startswith("-") and _is_whole(token[1:])):
                self.fail(
                    number,
                    "the withdrawn-candidates line must hold only negative candidate numbers (e.g. -2 -5); "
                    f"found {_quote(token)}",
                )
            c = int(token[1:])
            if not 1 <= c <= n:
                self.fail(number, f"withdrawn candidate {c} is not one of the {n} candidates")
            if c - 1 in withdrawn:
                self.fail(number, f"candidate {c} is listed as withdrawn twice")
            withdrawn.add(c - 1)
        return withdrawn

    def read_ballots(self, n: int) -> list[BallotGroup]:
        """Identical papers are merged (the count does not depend on their
        order), which also keeps a 100,000-line file quick to read."""
        merged: dict[tuple[int, ...], int] = {}
        parsed: dict[str, tuple[int, ...] | None] = {}  # preferences text → ranking, for repeated lines
        while True:
            got = self.next_line()
            if got is None:
                self.fail(len(self.lines) or 1, 'the file ends before the line "0" that ends the ballots')
            number, line = got
            if line == "0":
                return [BallotGroup(weight, ranking) for ranking, weight in sorted(merged.items())]
            if line.startswith('"'):
                self.fail(
                    number,
                    'found a name where a ballot or the line "0" was expected: add a line "0" after the last ballot',
                )
            weight_text, _, preferences = line.partition(" ")
            simple = weight_text.isascii() and weight_text.isdigit()
            ranking = parsed.get(preferences) if simple else None
            if ranking is None:
                group = self.ballot(number, line, n)
                if group is None:
                    if len(self.errors) >= MAX_ERRORS:
                        raise BLTError(self.errors)
                    continue
                ranking, weight = group.ranking, group.weight
                if simple:
                    parsed[preferences] = ranking
            else:
                weight = int(weight_text)
                if not 1 <= weight <= MAX_WEIGHT:
                    self.ballot(number, line, n)  # records what is wrong with the weight
                    continue
            merged[ranking] = merged.get(ranking, 0) + weight

    def ballot(self, number: int, line: str, n: int) -> BallotGroup | None:
        """Parse one ballot line, or record what is wrong with it."""
        if _PLAIN.fullmatch(line):
            numbers = [int(t) for t in line.split()]
            weight, ranking = numbers[0], numbers[1:-1]
            if (
                1 <= weight <= MAX_WEIGHT
                and len(numbers) >= 2
                and numbers[-1] == 0
                and (not ranking or (min(ranking) >= 1 and max(ranking) <= n))
                and len(set(ranking)) == len(ranking)
            ):
                return BallotGroup(weight, tuple(c - 1 for c in ranking))
        return self.diagnose(number, line, n)

    def diagnose(self, number: int, line: str, n: int) -> BallotGroup | None:
        tokens = line.split()
        for token in tokens:
            if "=" in token:
                self.errors.append(
                    (
                        number,
                        f"equal rankings ({token}) are not supported: every preference must name one candidate",
                    )
                )
                return None
            if not _is_whole(token):
                self.errors.append(
                    (number, f"{_quote(token)} is not a whole number; a ballot line is a weight, preferences, then 0")
                )
                return None
        weight = int(tokens[0])
        if weight < 1:
            self.errors.append((number, f"the weight (the first number) must be at least 1, not {weight}"))
            return None
        if weight > MAX_WEIGHT:
            self.errors.append((number, f"the weight {weight} is more than {MAX_WEIGHT:,} ballots"))
            return None
        if len(tokens) < 2 or tokens[-1] != "0":
            self.errors.append((number, "a ballot line must end with 0"))
            return None
        ranking: list[int] = []
        for token in tokens[1:-1]:
            c = int(token)
            if c == 0:
                self.errors.append((number, "0 may only end a ballot line, not stand among its preferences"))
                return None
            if not 1 <= c <= n:
                self.errors.append((number, f"candidate {c} is not one of the {n} candidates"))
                return None
            if c - 1 in ranking:
                self.errors.append((number, f"candidate {c} is ranked more than once"))
                return None
            ranking.append(c - 1)
        return BallotGroup(weight, tuple(ranking))

    def read_names(self, n: int) -> list[str]:
        names: list[str] = []
        for i in range(1, n + 1):
            got = self.next_line()
            if got is None:
                self.fail(
                    len(self.lines),
                    f"the file ends after {len(names)} candidate name(s); it needs {n} names and then a title",
                )
            number, line = got
            name = self.quoted(number, line, f"candidate {i}'s name")
            if name in names:
                self.fail(number, f"candidate {i} has the same name as candidate {names.index(name) + 1}: {name!r}")
            names.append(name)
        return names

    def read_title(self) -> str:
        got = self.next_line()
        if got is None:
            self.fail(len(self.lines), "the title is missing: after the candidate names, give a title in double quotes")
        number, line = got
        return self.quoted(number, line, "the title", allow_empty=True)

    def quoted(self, number: int, line: str, what: str, *, allow_empty: bool = False) -> str:
        if len(line) < 2 or not (line.startswith('"') and line.endswith('"')):
            self.fail(number, f'{what} must be in double quotes, e.g. "Ada Lovelace"; found {_quote(line)}')
        text = line[1:-1].strip()
        problem = name_problem(text, allow_empty=allow_empty)
        if problem:
            self.fail(number, f"{what} {problem}")
        return text


def _is_whole(token: str) -> bool:
    return token.isascii() and token.isdigit()


def _quote(text: str) -> str:
    shown = text if len(text) <= 40 else text[:37] + "…"
    return f"“{shown}”"
