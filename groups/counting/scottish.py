"""Scottish STV: the Scottish Local Government Elections Order 2007
(SSI 2007/42), schedule 1, rules 45–52, followed to the letter; and IRV,
which is the same count for one seat stopping as soon as a candidate has more
than half of the papers still in the count.

- 45: first preferences, one vote per valid paper.
- 46: quota = valid papers ÷ (seats + 1), ignoring any remainder, plus 1.
- 47: a candidate whose votes equal or exceed the quota is deemed elected.
- 48: an elected candidate's surplus goes with *all* their papers (the
  weighted inclusive Gregory method) to each paper's next continuing
  preference; each paper's transfer value is surplus × its value when
  received ÷ the candidate's total, to five decimal places, any remainder
  ignored. Papers with no continuing preference are non-transferable; what
  the truncation drops is reported as "lost to rounding".
- 49: the largest surplus first; equal surpluses by the most recent earlier
  stage at which the candidates differed, then by lot.
- 50: when no surplus is left to transfer, the candidate with the fewest
  votes is excluded and all their papers go on at their current values.
- 51: ties for exclusion by the most recent earlier stage at which the tied
  candidates differed (the lowest there goes), then by lot.
- 52: when the continuing candidates are as many as the seats left they are
  all elected, with no further transfer.

"Continuing" means neither elected nor excluded (article 2): papers pass over
a candidate already deemed elected even if that candidate's own surplus has
not been transferred yet.

Values are integers in units of 0.00001 (common.py), so every figure is exact
and the truncation of rule 48(3) is integer division."""

from __future__ import annotations

from collections.abc import Sequence

from .ballots import Ballots
from .common import Lot, TieBreak, break_tie, describe_tie, fmt, names_list
from .constraints import Constraint, Tracker
from .errors import CountError
from .result import CountResult, Stage, shown, totals_of

PLACES = 5
ONE = 10**PLACES
HOPEFUL, ELECTED, EXCLUDED, WITHDRAWN = range(4)

SCOTTISH_RULES = (
    "Scottish STV: the Scottish Local Government Elections Order 2007 (SSI 2007/42), schedule 1, rules 45–52. "
    "Quota ⌊valid ÷ (seats + 1)⌋ + 1; surpluses largest first, every paper at surplus × its value ÷ the "
    "candidate's total, truncated to five decimals; exclusions at current values; ties by the most recent "
    "earlier stage at which the candidates differed, then by lot."
)
IRV_RULES = (
    "Instant-runoff (one seat): the candidate with the fewest votes is excluded and their papers go to the next "
    "preference still standing, until a candidate has more than half of the papers still in the count. Ties as "
    "in Scottish STV: by the most recent earlier stage at which the candidates differed, then by lot."
)


def prepare(ballots: Ballots) -> tuple[list[tuple[tuple[int, ...], int]], int]:
    """Valid papers as (ranking without withdrawn candidates, weight), merged;
    and the number of invalid papers (no preference for a standing candidate)."""
    canonical = ballots.canonical()
    merged: dict[tuple[int, ...], int] = {}
    invalid = 0
    for g in canonical.groups:
        ranking = tuple(c for c in g.ranking if c not in ballots.withdrawn)
        if ranking:
            merged[ranking] = merged.get(ranking, 0) + g.weight
        else:
            invalid += g.weight
    return sorted(merged.items()), invalid


class GregoryCount:
    """The count of rules 45–52; IRVCount changes when a candidate is elected."""

    method = "scottish_stv"
    rules = SCOTTISH_RULES

    def __init__(
        self,
        ballots: Ballots,
        *,
        seed: str,
        constraints: Sequence[Constraint] = (),
        if_unmet: str = "vacant",
    ):
        self.ballots = ballots
        self.names = ballots.candidates
        n = len(self.names)
        self.n = n
        self.groups, self.invalid = prepare(ballots)
        self.valid = sum(w for _, w in self.groups)
        if not self.valid:
            raise CountError("There are no valid ballot papers to count.")
        self.seats = ballots.seats
        self.quota = self.valid // (self.seats + 1) + 1  # rule 46, in votes
        self.quota_units = self.quota * ONE
        self.lot = Lot(seed, self.names)
        self.seed = seed
        self.tracker = Tracker(constraints, self.seats, if_unmet, self.names)
        self.status = [WITHDRAWN if c in ballots.withdrawn else HOPEFUL for c in range(n)]
        self.totals = [0] * n
        # Each candidate's papers: (group index, position in its ranking, value) → number of papers.
        self.piles: list[dict[tuple[int, int, int], int]] = [{} for _ in range(n)]
        self.elected: list[int] = []
        self.pending: list[int] = []  # elected, surplus not yet transferred
        self.non_transferable = 0
        self.lost = 0
        self.stages: list[Stage] = []
        self.history: list[list[int]] = []
        self.elected_at: dict[int, list[int]] = {}  # stage number → candidates elected at it

    # -- the count ---------------------------------------------------------

    def run(self) -> CountResult:
        for gi, (ranking, weight) in enumerate(self.groups):  # rule 45
            c = ranking[0]
            self.piles[c][(gi, 0, ONE)] = weight
            self.totals[c] += weight * ONE
        self.record("first", None, self.first_description())
        self.settle()
        while True:
            left = self.tracker.seats_to_fill - len(self.elected)
            if left <= 0:
                break
            continuing = self.hopeful()
            if len(continuing) <= left:
                self.elect_remaining(continuing, left)
                break
            surpluses = [c for c in self.pending if self.totals[c] > self.quota_units]
            if surpluses:
                self.transfer_surplus(surpluses)
            else:
                self.exclude_lowest(continuing)
            self.settle()
        return self.result()

    def hopeful(self) -> set[int]:
        return {c for c in range(self.n) if self.status[c] == HOPEFUL}

    def reached(self, c: int) -> bool:
        return self.totals[c] >= self.quota_units  # rule 47

    def settle(self) -> None:
        """After a stage: constraints first (guard, doom), then elect whoever
        has reached the quota, one at a time so the constraints are checked
        between elections."""
        while True:
            review = self.tracker.review(self.hopeful(), self.elected)
            if review.guard:
                self.record(
                    "guard",
                    None,
                    " ".join(review.guard_reasons),
                    guarded=[self.names[c] for c in review.guard],
                )
            if review.doom:
                doomed = min(review.doom, key=lambda c: (self.totals[c], c))
                self.exclude(
                    doomed,
                    "doom",
                    f"{self.names[doomed]} is doomed: {review.doom[doomed]} {self.names[doomed]} is excluded and all "
                    f"{self.names[doomed]}'s papers go to their next continuing preferences at their current values.",
                    None,
                )
                continue
            if len(self.elected) >= self.tracker.seats_to_fill:
                return
            reached = [c for c in self.hopeful() if self.reached(c)]
            if not reached:
                return
            top = max(self.totals[c] for c in reached)
            tied = [c for c in reached if self.totals[c] == top]
            choice = (
                tied[0]
                if len(tied) == 1
                else break_tie(tied, self.history, lowest=False, lot=self.lot, purpose="order of election").chosen
            )
            self.elect(choice)

    def elect(self, c: int) -> None:
        self.status[c] = ELECTED
        self.elected.append(c)
        # Credited to the last stage that moved votes (a guard stage moves none).
        stage = next(s.number for s in reversed(self.stages) if s.action != "guard")
        self.elected_at.setdefault(stage, []).append(c)
        if self.totals[c] > self.quota_units:
            self.pending.append(c)

    def transfer_surplus(self, surpluses: list[int]) -> None:
        top = max(self.totals[c] for c in surpluses)  # rule 49(1): the largest surplus first
        tied = [c for c in surpluses if self.totals[c] == top]
        tie = None
        if len(tied) > 1:
            tie = break_tie(tied, self.history, lowest=False, lot=self.lot, purpose="whose surplus goes first")
        c = tie.chosen if tie else tied[0]
        self.pending.remove(c)
        total = self.totals[c]
        surplus = total - self.quota_units
        papers = self.piles[c]
        self.piles[c] = {}
        before_nt = self.non_transferable
        moved = self.move(papers, lambda value: surplus * value // total)  # rule 48(3): remainder ignored
        self.totals[c] = self.quota_units
        nt = self.non_transferable - before_nt
        lost = surplus - moved - nt
        self.lost += lost
        first_value = surplus * ONE // total
        self.record(
            "surplus",
            c,
            f"{self.names[c]}'s surplus of {fmt(surplus, PLACES)} is transferred (rules 48–49): every one of "
            f"{self.names[c]}'s papers goes to its next continuing preference at {fmt(surplus, PLACES)} × its value "
            f"÷ {fmt(total, PLACES)}, truncated to five decimals (a paper worth 1 now carries "
            f"{fmt(first_value, PLACES)}). {fmt(moved, PLACES)} transferred, {fmt(nt, PLACES)} non-transferable, "
            f"{fmt(lost, PLACES)} lost to rounding." + describe_tie(tie, self.names, self.seed),
        )

    def exclude_lowest(self, continuing: set[int]) -> None:
        candidates = self.tracker.excludable(continuing)
        if not candidates:
            raise CountError(
                "The constraints guard every continuing candidate, more than the seats left: "
                "they cannot all be met together. Loosen one of them."
            )
        low = min(self.totals[c] for c in candidates)
        tied = [c for c in candidates if self.totals[c] == low]
        tie = None
        if len(tied) > 1:  # rule 51
            tie = break_tie(tied, self.history, lowest=True, lot=self.lot, purpose="exclusion")
        c = tie.chosen if tie else tied[0]
        guarded = continuing - candidates
        guard_note = f" ({names_list(sorted(self.names[g] for g in guarded))} guarded.)" if guarded else ""
        self.exclude(
            c,
            "exclude",
            f"{self.names[c]} has the fewest votes ({fmt(low, PLACES)}) and is excluded; all "
            f"{self.names[c]}'s papers go to their next continuing preferences at their current values (rule 50)."
            + guard_note,
            tie,
        )

    def exclude(self, c: int, action: str, text: str, tie: TieBreak | None) -> None:
        self.status[c] = EXCLUDED
        papers = self.piles[c]
        self.piles[c] = {}
        before = self.non_transferable
        moved = self.move(papers, lambda value: value)
        self.totals[c] = 0
        text += (
            f" {fmt(moved, PLACES)} transferred, {fmt(self.non_transferable - before, PLACES)} non-transferable."
            + describe_tie(tie, self.names, self.seed)
        )
        self.record(action, c, text, excluded=[self.names[c]])

    def move(self, papers: dict[tuple[int, int, int], int], new_value) -> int:
        """Send papers to their next continuing preference at new_value(value);
        returns the votes transferred (the rest are non-transferable)."""
        groups, status, piles, totals = self.groups, self.status, self.piles, self.totals
        moved = 0
        for (gi, pos, value), weight in papers.items():
            v = new_value(value)
            if not v:
                continue  # a paper whose transfer value truncates to 0 carries nothing
            ranking = groups[gi][0]
            j = pos + 1
            while j < len(ranking) and status[ranking[j]] != HOPEFUL:
                j += 1
            if j == len(ranking):
                self.non_transferable += v * weight
                continue
            target = ranking[j]
            key = (gi, j, v)
            pile = piles[target]
            pile[key] = pile.get(key, 0) + weight
            totals[target] += v * weight
            moved += v * weight
        return moved

    def elect_remaining(self, continuing: set[int], left: int) -> None:
        order = sorted(continuing, key=lambda c: (-self.totals[c], c))
        names = names_list([self.names[c] for c in order])
        self.record(
            "elect",
            self.names[order[0]] if len(order) == 1 else None,
            self.remaining_description(len(order), left, names),
        )
        for c in order:
            self.elect(c)

    # -- recording ---------------------------------------------------------

    def record(self, action: str, candidate, description: str, **lists) -> Stage:
        if isinstance(candidate, int):
            candidate = self.names[candidate]
        stage = Stage(
            number=len(self.stages) + 1,
            action=action,
            candidate=candidate,
            totals=totals_of(self.totals, self.names, PLACES, skip=self.ballots.withdrawn),
            non_transferable=shown(self.non_transferable, PLACES),
            description=description,
            lost_to_rounding=shown(self.lost, PLACES),
            **lists,
        )
        self.stages.append(stage)
        self.history.append(list(self.totals))
        return stage

    def first_description(self) -> str:
        invalid = f" ({self.invalid:,} invalid, not counted)" if self.invalid else ""
        return (
            f"First preferences of {self.valid:,} valid ballot papers{invalid} (rule 45). Quota "
            f"{self.quota:,} = {self.valid:,} ÷ ({self.seats} + 1), ignoring any remainder, plus 1 (rule 46)."
        )

    def remaining_description(self, count: int, left: int, names: str) -> str:
        plural = "s" if count > 1 else ""
        verb = "are" if count > 1 else "is"
        if count == left:
            return (
                f"{count} continuing candidate{plural} for {left} seat{'s' if left > 1 else ''} left: {names} {verb} "
                "elected with no further transfer (rule 52)."
            )
        unfilled = left - count
        return (
            f"Only {count} continuing candidate{plural} for {left} seats left: {names} {verb} elected and {unfilled} "
            f"seat{'s stay' if unfilled > 1 else ' stays'} vacant."
        )

    def quota_text(self) -> str | None:
        return fmt(self.quota_units, PLACES)

    def result(self) -> CountResult:
        for number, elected in self.elected_at.items():
            stage = self.stages[number - 1]
            if stage.action == "elect":
                stage.elected = [self.names[c] for c in elected]
                continue
            names = names_list([self.names[c] for c in elected])
            verb = "are" if len(elected) > 1 else "is"
            stage.elected = [self.names[c] for c in elected]
            stage.description += f" {names} reached the {self.quota_word()} and {verb} elected."
        unfilled = self.seats - len(self.elected)
        return CountResult(
            method=self.method,
            title=self.ballots.title,
            seats=self.seats,
            candidates=list(self.names),
            withdrawn=[self.names[c] for c in sorted(self.ballots.withdrawn)],
            valid_ballots=self.valid,
            invalid_ballots=self.invalid,
            quota=self.quota_text(),
            elected=[self.names[c] for c in self.elected],
            stages=self.stages,
            seed=self.seed,
            ballots_sha256=self.ballots.sha256(),
            rules=self.rules,
            vacant_seats=unfilled,
            constraints=[c.as_dict(self.names) for c in self.tracker.constraints],
            if_unmet=self.tracker.if_unmet if self.tracker.active else None,
            draws=[d.as_dict() for d in self.lot.draws],
            notes=list(self.tracker.notes),
        )

    def quota_word(self) -> str:
        return "quota"


class IRVCount(GregoryCount):
    """One seat. Elected as soon as a candidate has more than half of the
    papers still in the count (or is the last one standing). Until then it is
    exactly the one-seat Scottish count: exclusions only, at value 1."""

    method = "irv"
    rules = IRV_RULES

    def __init__(self, ballots: Ballots, *, seed: str, constraints=(), if_unmet: str = "vacant"):
        if ballots.seats != 1:
            raise CountError(
                f"IRV fills one seat; this file has {ballots.seats}. Count it by scottish_stv or meek_stv."
            )
        if constraints:
            raise CountError("Constraints apply to counts for several seats (block, scottish_stv, meek_stv).")
        super().__init__(ballots, seed=seed, constraints=(), if_unmet=if_unmet)

    def reached(self, c: int) -> bool:
        in_count = sum(self.totals[h] for h in range(self.n) if self.status[h] == HOPEFUL)
        return 2 * self.totals[c] > in_count

    def first_description(self) -> str:
        invalid = f" ({self.invalid:,} invalid, not counted)" if self.invalid else ""
        return f"First preferences of {self.valid:,} valid ballot papers{invalid}."

    def quota_text(self) -> str | None:
        return None

    def quota_word(self) -> str:
        return "majority of the papers still in the count"
