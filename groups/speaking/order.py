"""The speakers' list: who speaks next, and why, in plain words. Pure: no
Django, no database, no clock — the caller passes the waiting requests, what
has been said on this item so far, and the settings.

The rules, in the order they apply:

1. The chair's moves: a request the chair moved to a position keeps it.
2. Points of order come first (in the order they were asked).
3. The mover's right of reply comes last.
4. In between, the debate. Those who have not spoken on this item come
   before those who have. Within that, when the balance is on, the next
   speaker comes from the group furthest below its target share of the
   speeches on this item so far (a group is below its target only once
   someone has spoken: with no speeches yet, every share is undefined and
   the earliest request goes first). People with no declared value are in no
   group, so they are never picked *for* the balance. When for and against
   alternate, a speaker for is followed by one against where one is waiting,
   and the other way round. Ties go to whoever asked first.

Shares are Fractions, never floats.

Worked example (CONTRACT, issue 12): M1, M2, W1, W2 ask in that order,
nobody has spoken, women and non-binary speakers at least 1/2 →
M1, W1, M2, W2; if M1 has already spoken on this item → W1, M2, W2, M1.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

POINT_OF_ORDER = "point_of_order"
REPLY = "reply"
FOR = "for"
AGAINST = "against"
STANCES = (FOR, AGAINST)


@dataclass(frozen=True)
class Request:
    """One waiting request. `key` is the request's id; `speaker` identifies
    the person (so "has spoken" can be asked); `sequence` is the order asked
    in (smaller first); `group` the balance group of the person, or None."""

    key: int
    speaker: int
    kind: str
    sequence: int
    group: str | None = None
    moved_to: int | None = None  # a position (1 = next) the chair moved it to
    moved_reason: str = ""


@dataclass(frozen=True)
class Spoken:
    """One speech already made on this item (the history the order starts from)."""

    speaker: int
    kind: str
    group: str | None = None


@dataclass(frozen=True)
class Settings:
    """`targets`: group → the share of speeches it should have at least
    (empty: no balance). `labels`: group → words for the chair ("women and
    non-binary speakers"). `alternate`: for and against take turns."""

    targets: Mapping[str, Fraction] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)
    alternate: bool = False


@dataclass(frozen=True)
class Placement:
    key: int
    position: int
    reason: str


def _counts_in_debate(kind: str) -> bool:
    return kind not in (POINT_OF_ORDER, REPLY)


def _fraction_words(share: Fraction) -> str:
    return f"{share.numerator}/{share.denominator}" if share.denominator != 1 else str(share.numerator)


def _percent(share: Fraction) -> str:
    value = share * 100
    return f"{value.numerator // value.denominator}%" if value.denominator == 1 else f"{_fraction_words(share)}"


class _Debate:
    """The running state while the order is worked out: who has spoken on the
    item, how many speeches each group has had, the last stance."""

    def __init__(self, history: Sequence[Spoken], settings: Settings):
        self.settings = settings
        self.spoken = {s.speaker for s in history}
        debate = [s for s in history if _counts_in_debate(s.kind)]
        self.total = len(debate)
        self.by_group: dict[str, int] = {g: 0 for g in settings.targets}
        for s in debate:
            if s.group in self.by_group:
                self.by_group[s.group] += 1
        stances = [s.kind for s in debate if s.kind in STANCES]
        self.last_stance = stances[-1] if stances else None

    def say(self, request: Request) -> None:
        self.spoken.add(request.speaker)
        if _counts_in_debate(request.kind):
            self.total += 1
            if request.group in self.by_group:
                self.by_group[request.group] += 1
            if request.kind in STANCES:
                self.last_stance = request.kind

    def shortfall(self, group: str) -> Fraction:
        """How far the group is below its target share (0 when not below; and
        0 while nobody has spoken: a share of nothing is no share)."""
        if self.total == 0:
            return Fraction(0)
        share = Fraction(self.by_group[group], self.total)
        return max(Fraction(0), self.settings.targets[group] - share)

    def label(self, group: str) -> str:
        return self.settings.labels.get(group, group)

    def pick(self, waiting: list[Request]) -> tuple[Request, str]:
        """The next debate speaker from `waiting` (sorted by sequence), with why."""
        fresh = [r for r in waiting if r.speaker not in self.spoken]
        pool = fresh or waiting
        why = []
        if fresh:
            why.append("has not spoken on this item")
        else:
            why.append("has spoken on this item already, so comes after those who have not")
        balance = self._balance(pool)
        if balance is not None:
            group, shortfall_words = balance
            pool = [r for r in pool if r.group == group]
            why.append(f"the next speaker comes from {self.label(group)}, {shortfall_words}")
        if self.settings.alternate and self.last_stance is not None:
            opposite = AGAINST if self.last_stance == FOR else FOR
            turned = [r for r in pool if r.kind == opposite]
            if turned:
                pool = turned
                why.append(f"speaks {opposite}, after a speaker {self.last_stance}")
        chosen = pool[0]
        why.append("first to ask" if len(pool) == len(fresh or waiting) else "first of them to ask")
        return chosen, "; ".join(why)

    def _balance(self, pool: list[Request]) -> tuple[str, str] | None:
        present = {r.group for r in pool if r.group in self.settings.targets}
        best: tuple[Fraction, str] | None = None
        for group in sorted(present):  # sorted: the same answer every time on a tie
            gap = self.shortfall(group)
            if gap > 0 and (best is None or gap > best[0]):
                best = (gap, group)
        if best is None:
            return None
        group = best[1]
        had, target = self.by_group[group], self.settings.targets[group]
        words = f"below its target of at least {_percent(target)} ({had} of {self.total} speeches on this item so far)"
        return group, words


def order(
    waiting: Iterable[Request],
    *,
    history: Sequence[Spoken] = (),
    settings: Settings | None = None,
) -> list[Placement]:
    """The waiting requests in the order they will be called, each with its reason."""
    settings = settings or Settings()
    requests = sorted(waiting, key=lambda r: (r.sequence, r.key))
    moved = sorted((r for r in requests if r.moved_to is not None), key=lambda r: (r.moved_to, r.sequence, r.key))
    free = [r for r in requests if r.moved_to is None]

    points = [r for r in free if r.kind == POINT_OF_ORDER]
    replies = [r for r in free if r.kind == REPLY]
    debate_waiting = [r for r in free if r.kind not in (POINT_OF_ORDER, REPLY)]

    automatic: list[tuple[Request, str]] = [(r, "Point of order: taken before the debate goes on") for r in points]
    debate = _Debate(history, settings)
    while debate_waiting:
        chosen, why = debate.pick(debate_waiting)
        debate_waiting.remove(chosen)
        debate.say(chosen)
        automatic.append((chosen, why[:1].upper() + why[1:]))
    automatic += [(r, "The mover's right of reply comes last") for r in replies]

    # The chair's moves keep their places; everyone else fills the gaps in order.
    slots: list[tuple[Request, str] | None] = [None] * len(requests)
    overflow: list[tuple[Request, str]] = []
    for r in moved:
        index = min(max(r.moved_to, 1), len(requests)) - 1
        while index < len(slots) and slots[index] is not None:
            index += 1
        reason = "Moved here by the chair" + (f": {r.moved_reason}" if r.moved_reason else "")
        if index < len(slots):
            slots[index] = (r, reason)
        else:
            overflow.append((r, reason))
    rest = iter(automatic + overflow)
    filled = [s if s is not None else next(rest) for s in slots]
    return [Placement(key=r.key, position=i, reason=why) for i, (r, why) in enumerate(filled, start=1)]


__all__ = ["AGAINST", "FOR", "POINT_OF_ORDER", "REPLY", "Placement", "Request", "Settings", "Spoken", "order"]
