"""Meek STV: the Proportional Representation Foundation's reference rule
("Meek STV reference rule"), step by step as it is written.

A. Every standing candidate is hopeful with keep factor 1 (withdrawn: 0);
   omega = 0.000001.
B.1 Stop when the seats are filled, or elected + hopeful ≤ seats.
B.2 Iterate:
  a. each ballot starts with weight 1; for each candidate in its order, the
     candidate keeps weight × keep factor (to nine decimals, rounded up) and
     the weight falls by that much, until the weight is 0 or the ranking ends;
  b. quota = the votes so kept ÷ (seats + 1), truncated to nine decimals,
     plus 0.000000001;
  c. every hopeful candidate with votes ≥ quota is elected;
  d. total surplus = Σ (votes − quota) of the elected, at least 0;
  e. a round that elected someone ends; otherwise iteration stops when the
     total surplus is below omega or no smaller than at the last iteration;
  f. each elected candidate's keep factor becomes keep factor × quota (rounded
     up) ÷ votes (rounded up), and iteration goes on at a.
B.3 The hopeful candidate with the fewest votes is defeated (keep factor 0);
   candidates within the total surplus of the lowest are tied, and the tie is
   broken by the defined procedure (here: by lot from the recorded seed).
C. Seats left are filled by the remaining hopeful candidates.

Arithmetic: integers in units of 10^-9 — the rule's own nine-decimal fixed
point, with its rounding (up) spelled out — rather than fractions, because the
rule *is* that fixed-point procedure: exact rationals would give different
keep factors from the reference implementation and so, in close counts,
different results. Every operation is exact integer arithmetic; nothing is a
float.

Ballots that share the first k preferences carry the same weight after those
k candidates, so the distribution walks a tree of shared prefixes once for
all of them (the same sums as ballot by ballot, exactly) and stops at the
first hopeful candidate on each branch, who keeps everything."""

from __future__ import annotations

from collections.abc import Sequence

from .ballots import Ballots
from .common import Lot, div_up, fmt, mul_up, names_list
from .constraints import Constraint, Tracker
from .errors import CountError
from .result import CountResult, Stage, shown, totals_of
from .scottish import prepare

PLACES = 9
ONE = 10**PLACES
OMEGA = ONE // 10**6
HOPEFUL, ELECTED, DEFEATED, WITHDRAWN = range(4)

MEEK_RULES = (
    "Meek STV: the Proportional Representation Foundation's reference rule — keep factors iterated in "
    "nine-decimal fixed point (rounded up) until the total surplus is below 0.000001 or stops falling; the "
    "hopeful candidate with the fewest votes is defeated, candidates within the total surplus of the lowest "
    "counting as tied, ties by lot."
)


def build_tree(groups: Sequence[tuple[tuple[int, ...], int]]) -> list:
    """Rankings as a tree of shared prefixes: node = [candidate, papers through it, children]."""
    root: dict = {}
    for ranking, weight in groups:
        level = root
        for c in ranking:
            node = level.get(c)
            if node is None:
                node = level[c] = [c, 0, {}]
            node[1] += weight
            level = node[2]

    def freeze(level: dict) -> list:
        return [(c, count, freeze(children)) for c, count, children in level.values()]

    return freeze(root)


class MeekCount:
    method = "meek_stv"

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
        self.n = len(self.names)
        self.groups, self.invalid = prepare(ballots)
        self.valid = sum(w for _, w in self.groups)
        if not self.valid:
            raise CountError("There are no valid ballot papers to count.")
        self.tree: list = []
        self.tree_for: bool | None = None  # built yet?
        self.cut_at: dict[int, list[tuple[int, int, tuple[int, ...]]]] = {}  # hopeful c → rankings cut at c
        self.cut_of: dict[int, tuple[int, ...]] = {}  # ranking → its cut
        self.merged: dict[tuple[int, ...], int] = {}  # cut → papers
        self.seats = ballots.seats
        self.seed = seed
        self.lot = Lot(seed, self.names)
        self.tracker = Tracker(constraints, self.seats, if_unmet, self.names)
        self.status = [WITHDRAWN if c in ballots.withdrawn else HOPEFUL for c in range(self.n)]
        self.kf = [0 if s == WITHDRAWN else ONE for s in self.status]
        self.votes = [0] * self.n
        self.quota = 0
        self.surplus = 0
        self.elected: list[int] = []
        self.stages: list[Stage] = []

    def hopeful(self) -> set[int]:
        return {c for c in range(self.n) if self.status[c] == HOPEFUL}

    def prune(self) -> None:
        """The tree for the current statuses: defeated candidates (keep factor
        0: they pass the whole weight on) left out, and each ranking cut after
        its first hopeful candidate (keep factor 1: nothing passes them). The
        same votes as walking every full ranking, from far fewer nodes. Only a
        hopeful candidate's status ever changes, and only between rounds; then
        just the rankings cut at that candidate are cut again."""
        status = self.status
        changed = [c for c, was in self.cut_at.items() if status[c] != HOPEFUL]
        if self.tree_for is not None and not changed:
            return
        if self.tree_for is None:
            pending = [(gi, 0, ()) for gi in range(len(self.groups))]
        else:
            pending = [
                (gi, pos + 1, cut[:-1] + ((cut[-1],) if status[cut[-1]] == ELECTED else ()))
                for c in changed
                for gi, pos, cut in self.cut_at.pop(c)
            ]
        merged = self.merged
        for gi, start, prefix in pending:
            ranking, weight = self.groups[gi]
            if self.tree_for is not None:
                old = self.cut_of[gi]
                merged[old] -= weight
                if not merged[old]:
                    del merged[old]
            cut = list(prefix)
            pos = start
            while pos < len(ranking):
                c = ranking[pos]
                if status[c] == HOPEFUL:
                    break
                if status[c] == ELECTED:
                    cut.append(c)
                pos += 1
            if pos < len(ranking):
                cut.append(ranking[pos])
                self.cut_at.setdefault(ranking[pos], []).append((gi, pos, tuple(cut)))
            key = tuple(cut)
            self.cut_of[gi] = key
            if key:
                merged[key] = merged.get(key, 0) + weight
        self.tree = build_tree(list(merged.items()))
        self.tree_for = True

    def distribute(self) -> None:
        """B.2.a and b."""
        self.prune()
        kf = self.kf
        votes = [0] * self.n

        def visit(nodes, weight):
            for c, count, children in nodes:
                k = kf[c]
                if k == ONE:  # hopeful: keeps all that reaches it
                    votes[c] += weight * count
                    continue
                w = weight
                if k:
                    keep = mul_up(w, k, ONE)
                    votes[c] += keep * count
                    w -= keep
                    if w <= 0:
                        continue
                if children:
                    visit(children, w)

        visit(self.tree, ONE)
        self.votes = votes
        counted = sum(votes[c] for c in range(self.n) if self.status[c] in (HOPEFUL, ELECTED))
        self.quota = counted // (self.seats + 1) + 1

    def run(self) -> CountResult:
        self.distribute()
        self.record(
            "first",
            None,
            f"First preferences of {self.valid:,} valid ballot papers"
            + (f" ({self.invalid:,} invalid, not counted)" if self.invalid else "")
            + f". Quota {fmt(self.quota, PLACES)} = votes ÷ ({self.seats} + 1), truncated to nine decimals, "
            "plus 0.000000001.",
        )
        self.settle()
        while len(self.hopeful()) > self.tracker.seats_to_fill - len(self.elected) > 0:  # B.1
            outcome, iterations = self.iterate()
            if outcome == "elected":
                newly = sorted(
                    (c for c in self.hopeful() if self.votes[c] >= self.quota), key=lambda c: (-self.votes[c], c)
                )
                if len(self.stages) == 1 and iterations == 1:
                    # Keep factors still all 1: these are stage 1's first-preference totals.
                    stage = self.stages[0]
                else:
                    stage = self.record("elect", None, f"After {iterations} iteration{'s' * (iterations > 1)},")
                self.elect_in_order(newly, stage)
            else:
                self.defeat_lowest(outcome, iterations)
            self.settle()
        left = self.tracker.seats_to_fill - len(self.elected)
        remaining = sorted(self.hopeful(), key=lambda c: (-self.votes[c], c))
        if left > 0 and remaining:  # C.1
            names = [self.names[c] for c in remaining]
            verb = "are" if len(names) > 1 else "is"
            stage = self.record(
                "elect",
                names[0] if len(names) == 1 else None,
                f"{len(names)} hopeful candidate{'s' * (len(names) > 1)} for {left} seat{'s' * (left > 1)} left: "
                f"{names_list(names)} {verb} elected.",
                elected=names,
            )
            for c in remaining:
                self.status[c] = ELECTED
                self.elected.append(c)
        return self.result()

    def iterate(self) -> tuple[str, int]:
        """B.2: returns why iteration stopped and after how many distributions."""
        last = self.valid * ONE
        iterations = 0
        while True:
            self.distribute()
            iterations += 1
            if any(self.votes[c] >= self.quota for c in self.hopeful()):
                return "elected", iterations
            elected = [c for c in range(self.n) if self.status[c] == ELECTED]
            self.surplus = max(0, sum(self.votes[c] - self.quota for c in elected))
            if self.surplus < OMEGA:
                return "omega", iterations
            if self.surplus >= last:
                return "stable", iterations
            last = self.surplus
            for c in elected:  # B.2.f
                if self.votes[c]:
                    self.kf[c] = div_up(mul_up(self.kf[c], self.quota, ONE), self.votes[c], ONE)

    def elect_in_order(self, newly: list[int], stage: Stage) -> None:
        """B.2.c, one at a time so that constraints are reviewed between elections."""
        elected_now = []
        for c in newly:
            if self.status[c] != HOPEFUL or len(self.elected) >= self.tracker.seats_to_fill:
                continue
            self.status[c] = ELECTED
            self.elected.append(c)
            elected_now.append(self.names[c])
            self.settle()
        stage.elected = elected_now
        if stage.action == "elect" and len(elected_now) == 1:
            stage.candidate = elected_now[0]
        if elected_now:
            verb = "are" if len(elected_now) > 1 else "is"
            stage.description += f" {names_list(elected_now)} reached the quota and {verb} elected."

    def defeat_lowest(self, outcome: str, iterations: int) -> None:
        hopeful = self.hopeful()
        candidates = self.tracker.excludable(hopeful)
        if not candidates:
            raise CountError(
                "The constraints guard every hopeful candidate, more than the seats left: "
                "they cannot all be met together. Loosen one of them."
            )
        low = min(self.votes[c] for c in candidates)
        tied = sorted(c for c in candidates if self.votes[c] <= low + self.surplus)
        why = (
            f"the total surplus ({fmt(self.surplus, PLACES)}) is below 0.000001"
            if outcome == "omega"
            else f"the total surplus ({fmt(self.surplus, PLACES)}) has stopped falling"
        )
        if len(tied) > 1:
            c = self.lot.draw(tied, "defeat")
            tie = (
                f" {names_list([self.names[t] for t in tied])} are within the total surplus of the lowest, so tied; "
                f"{self.names[c]} was chosen by lot (draw {len(self.lot.draws)} from seed {self.seed!r})."
            )
        else:
            c, tie = tied[0], ""
        guarded = hopeful - candidates
        guard_note = f" ({names_list(sorted(self.names[g] for g in guarded))} guarded.)" if guarded else ""
        self.defeat(
            c,
            "exclude",
            f"Iteration stopped after {iterations} iteration{'s' * (iterations > 1)}: {why}. {self.names[c]} has the "
            f"fewest votes ({fmt(self.votes[c], PLACES)}) and is defeated: keep factor 0, so "
            f"{self.names[c]}'s votes pass on at the next round.{tie}{guard_note}",
        )

    def defeat(self, c: int, action: str, text: str) -> None:
        self.status[c] = DEFEATED
        self.kf[c] = 0
        self.record(action, c, text, excluded=[self.names[c]])

    def settle(self) -> None:
        """Constraint review after an election or a defeat: guards, then dooms."""
        while True:
            review = self.tracker.review(self.hopeful(), self.elected)
            if review.guard:
                self.record(
                    "guard", None, " ".join(review.guard_reasons), guarded=[self.names[c] for c in review.guard]
                )
            if not review.doom:
                return
            c = min(review.doom, key=lambda d: (self.votes[d], d))
            self.defeat(
                c,
                "doom",
                f"{self.names[c]} is doomed: {review.doom[c]} {self.names[c]} is defeated (keep factor 0).",
            )

    def record(self, action: str, candidate, description: str, **lists) -> Stage:
        if isinstance(candidate, int):
            candidate = self.names[candidate]
        counted = sum(self.votes[c] for c in range(self.n) if self.status[c] != WITHDRAWN)
        skip = self.ballots.withdrawn
        stage = Stage(
            number=len(self.stages) + 1,
            action=action,
            candidate=candidate,
            totals=totals_of(self.votes, self.names, PLACES, skip=skip),
            non_transferable=shown(self.valid * ONE - counted, PLACES),
            description=description,
            quota=fmt(self.quota, PLACES),
            extra={
                "precise_totals": {self.names[c]: fmt(v, PLACES) for c, v in enumerate(self.votes) if c not in skip},
                "keep_factors": {self.names[c]: fmt(k, PLACES) for c, k in enumerate(self.kf) if c not in skip},
            },
            **lists,
        )
        self.stages.append(stage)
        return stage

    def result(self) -> CountResult:
        return CountResult(
            method=self.method,
            title=self.ballots.title,
            seats=self.seats,
            candidates=list(self.names),
            withdrawn=[self.names[c] for c in sorted(self.ballots.withdrawn)],
            valid_ballots=self.valid,
            invalid_ballots=self.invalid,
            quota=fmt(self.quota, PLACES),
            elected=[self.names[c] for c in self.elected],
            stages=self.stages,
            seed=self.seed,
            ballots_sha256=self.ballots.sha256(),
            rules=MEEK_RULES,
            vacant_seats=self.seats - len(self.elected),
            constraints=[c.as_dict(self.names) for c in self.tracker.constraints],
            if_unmet=self.tracker.if_unmet if self.tracker.active else None,
            draws=[d.as_dict() for d in self.lot.draws],
            notes=list(self.tracker.notes),
        )
