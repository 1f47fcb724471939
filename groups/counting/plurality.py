"""X votes: fptp (one seat, one mark) and block (S seats, up to S marks, the
S with most votes elected). A paper marking more candidates than the voter
may is void, as in UK elections for votes given for more candidates than the
voter is entitled to; it is counted as invalid, and the papers after it are
counted as usual. Whole numbers, so no rounding anywhere.

Block votes take constraints by guard and doom: seats are filled one at a
time from the top, and after each the constraints are reviewed (a doomed
candidate is passed over; guards matter only for the record, as nobody is
excluded in a block count)."""

from __future__ import annotations

from collections.abc import Sequence

from .ballots import Ballots
from .common import Lot, fmt, names_list
from .constraints import Constraint, Tracker
from .errors import CountError
from .result import CountResult, Stage, totals_of

PLACES = 5
ONE = 10**PLACES

FPTP_RULES = "First past the post: one mark per paper; the candidate with the most votes is elected; a tie by lot."
BLOCK_RULES = (
    "Block vote: up to one mark per seat on each paper; the candidates with the most votes fill the seats; "
    "a tie for the last seat by lot."
)


class PluralityCount:
    def __init__(
        self,
        ballots: Ballots,
        method: str,
        *,
        seed: str,
        constraints: Sequence[Constraint] = (),
        if_unmet: str = "vacant",
    ):
        if method == "fptp":
            if ballots.seats != 1:
                raise CountError(
                    f"First past the post fills one seat; this file has {ballots.seats}. Count several seats by block."
                )
            if constraints:
                raise CountError("Constraints apply to counts for several seats (block, scottish_stv, meek_stv).")
        self.ballots = ballots
        self.method = method
        self.names = ballots.candidates
        self.seed = seed
        self.lot = Lot(seed, self.names)
        self.tracker = Tracker(constraints, ballots.seats, if_unmet, self.names)
        self.marks = 1 if method == "fptp" else ballots.seats

    def run(self) -> CountResult:
        ballots, names = self.ballots, self.names
        n = len(names)
        votes = [0] * n
        valid = invalid = too_many = 0
        for g in ballots.canonical().groups:
            marks = [c for c in g.ranking if c not in ballots.withdrawn]
            if not marks:
                invalid += g.weight
            elif len(marks) > self.marks:
                invalid += g.weight
                too_many += g.weight
            else:
                valid += g.weight
                for c in marks:
                    votes[c] += g.weight
        if not valid:
            raise CountError("There are no valid ballot papers to count.")
        seats = ballots.seats
        stages: list[Stage] = []
        elected: list[int] = []
        hopeful = {c for c in range(n) if c not in ballots.withdrawn}
        totals = [v * ONE for v in votes]

        def record(action, candidate, description, **lists):
            stages.append(
                Stage(
                    number=len(stages) + 1,
                    action=action,
                    candidate=candidate,
                    totals=totals_of(totals, names, PLACES, skip=ballots.withdrawn),
                    non_transferable=fmt(0, PLACES),
                    description=description,
                    **lists,
                )
            )

        voided = ""
        if invalid:
            reason = f", {too_many:,} of them marking more than {self.marks} candidate{'s' if self.marks > 1 else ''}"
            voided = f" {invalid:,} invalid papers are not counted{reason if too_many else ''}."
        record("first", None, f"Votes on {valid:,} valid ballot papers.{voided}")

        while len(elected) < self.tracker.seats_to_fill:
            review = self.tracker.review(hopeful, elected)
            if review.guard:
                record("guard", None, " ".join(review.guard_reasons), guarded=[names[c] for c in review.guard])
            for c in sorted(review.doom):
                hopeful.discard(c)
                record(
                    "doom",
                    names[c],
                    f"{names[c]} is doomed and passed over: {review.doom[c]}",
                    excluded=[names[c]],
                )
            if review.doom:
                continue
            if len(elected) >= self.tracker.seats_to_fill or not hopeful:
                break
            top = max(votes[c] for c in hopeful)
            tied = sorted(c for c in hopeful if votes[c] == top)
            left = self.tracker.seats_to_fill - len(elected)
            if len(tied) <= left and not self.tracker.active:
                # Everyone level at the top gets a seat: no lot is needed.
                chosen, how = tied, ""
            elif len(tied) == 1:
                chosen, how = tied, ""
            else:
                pick = self.lot.draw(tied, "a seat")
                chosen = [pick]
                how = (
                    f" {names_list([names[c] for c in tied])} were level on {top:,}; "
                    f"{names[pick]} was chosen by lot (draw {len(self.lot.draws)} from seed {self.seed!r})."
                )
            for c in chosen:
                hopeful.discard(c)
                elected.append(c)
            elected_names = [names[c] for c in chosen]
            verb = "are" if len(chosen) > 1 else "is"
            record(
                "elect",
                elected_names[0] if len(chosen) == 1 else None,
                f"{names_list(elected_names)} {verb} elected with {top:,} vote{'s' if top != 1 else ''}." + how,
                elected=elected_names,
            )
        return CountResult(
            method=self.method,
            title=ballots.title,
            seats=seats,
            candidates=list(names),
            withdrawn=[names[c] for c in sorted(ballots.withdrawn)],
            valid_ballots=valid,
            invalid_ballots=invalid,
            quota=None,
            elected=[names[c] for c in elected],
            stages=stages,
            seed=self.seed,
            ballots_sha256=ballots.sha256(),
            rules=FPTP_RULES if self.method == "fptp" else BLOCK_RULES,
            vacant_seats=seats - len(elected),
            constraints=[c.as_dict(names) for c in self.tracker.constraints],
            if_unmet=self.tracker.if_unmet if self.tracker.active else None,
            draws=[d.as_dict() for d in self.lot.draws],
            notes=list(self.tracker.notes),
        )
