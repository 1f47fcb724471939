"""Cross-check against independent implementations, installed from PyPI as
test-only dependencies (requirements-dev.txt):

- stvpoll 0.5.6, ScottishSTV (Decimal arithmetic): the elected candidates and
  every candidate's total at the start of each of its rounds;
- pref_voting 1.18.2, stv_scottish and stv_meek (floating point): the
  elected candidates (it reports nothing else).

Neither counts exactly as the rules do, so each is compared only where its
known departures cannot change the answer — and the test says how many
elections that leaves, so it can never pass by comparing nothing:

- stvpoll rounds each paper's value to five decimals (rule 48(3) says any
  remainder is ignored), and when two candidates are elected at one stage it
  lets the first one's surplus papers go to the second, who is already
  elected (rule 48(2) transfers only to continuing candidates, and article 2
  says an elected candidate is not continuing). So: stage totals compared
  within the rounding's reach, and elections in which two candidates were
  elected at one stage, or two surpluses were pending at once, are left out.
- pref_voting counts in floats, and its Meek iterates to 1e-10 where the PRF
  rule stops at a total surplus below 0.000001 — so elections whose count
  turns on a margin smaller than those differences are left out.

Ties decided by lot are left out everywhere: each program draws its own lot.
The elections are generated from fixed seeds, so every run compares the same ones."""

from __future__ import annotations

import random
from fractions import Fraction

from pref_voting.profiles_with_ties import ProfileWithTies
from pref_voting.proportional_methods import stv_meek, stv_scottish
from stvpoll.scottish_stv import calculate_scottish_stv

from groups.counting import BallotGroup, Ballots, count

from .strategies import units


def generated(seed: int, *, max_candidates=8, max_papers=400) -> Ballots:
    """Candidates of uneven popularity; papers of every length, many short."""
    rng = random.Random(seed)
    n = rng.randint(3, max_candidates)
    seats = rng.randint(1, min(4, n - 1))
    popularity = [rng.random() ** 2 + 0.05 for _ in range(n)]
    merged: dict[tuple[int, ...], int] = {}
    for _ in range(rng.randint(30, max_papers)):
        order = sorted(range(n), key=lambda c: -popularity[c] * rng.random())
        ranking = tuple(order[: rng.choice([1, 1, 2, 3, n])])
        merged[ranking] = merged.get(ranking, 0) + 1
    groups = tuple(BallotGroup(w, r) for r, w in merged.items())
    return Ballots(tuple(f"C{i}" for i in range(n)), seats, groups, f"generated {seed}")


def profile(ballots: Ballots) -> ProfileWithTies:
    return ProfileWithTies(
        [{c: rank + 1 for rank, c in enumerate(g.ranking)} for g in ballots.groups],
        rcounts=[g.weight for g in ballots.groups],
        candidates=list(range(len(ballots.candidates))),
    )


def elected(result, ballots) -> list[int]:
    return sorted(ballots.index_of(result.elected))


def scottish_comparable(result, *, one_surplus_at_a_time: bool) -> bool:
    """No lot; no exclusion or election decided by less than the other
    programs' rounding could move; and, for stvpoll, never two surpluses
    waiting at once."""
    if result.draws:
        return False
    quota = units(result.quota)
    out: set[str] = set()  # elected or excluded so far
    pending: set[str] = set()
    surpluses = 0
    previous: dict[str, int] = {}
    for stage in result.stages:
        totals = {name: units(v) for name, v in stage.totals.items()}
        if stage.action == "surplus":
            surpluses += 1
            pending.discard(stage.candidate)
        slack = result.valid_ballots * (surpluses + 1)  # 0.00001 a paper per transfer, in units
        if stage.action == "exclude":
            others = [v for name, v in previous.items() if name not in out and name != stage.candidate]
            if others and min(others) - previous[stage.candidate] <= slack:
                return False
            out.add(stage.candidate)
        for name in stage.elected:
            out.add(name)
            if totals[name] > quota:
                pending.add(name)
        if one_surplus_at_a_time and (len(pending) > 1 or (len(stage.elected) > 1 and stage.action != "elect")):
            return False  # stvpoll would pass papers between candidates elected together
        if any(0 < abs(total - quota) <= slack for name, total in totals.items() if name not in out):
            return False
        previous = totals
    return True


def test_scottish_stv_agrees_with_stvpoll_on_who_is_elected_and_every_round_s_totals():
    compared = 0
    for seed in range(300):
        ballots = generated(seed)
        ours = count(ballots, "scottish_stv", seed="cross-check")
        if not scottish_comparable(ours, one_surplus_at_a_time=True):
            continue
        theirs = calculate_scottish_stv(
            list(range(len(ballots.candidates))),
            [(g.ranking, g.weight) for g in ballots.groups],
            ballots.seats,
            allow_random=False,
        )
        assert sorted(theirs) == elected(ours, ballots), seed
        assert theirs.quota * 100_000 == units(ours.quota)
        # Each stvpoll round starts from the totals our table shows just before
        # that round's transfer (or election, where no surplus follows).
        surpluses = 0
        for round_ in theirs.rounds:
            (candidate,) = round_.selected if len(round_.selected) == 1 else (None,)
            stage = before_action(ours, ballots, round_, candidate)
            surpluses = sum(s.action == "surplus" for s in ours.stages[: stage.number])
            slack = Fraction(ours.valid_ballots * (surpluses + 1), 100_000)
            for c, votes in round_.votes.items():
                mine = Fraction(units(stage.totals[ballots.candidates[c]]), 100_000)
                assert abs(Fraction(votes) - mine) <= slack, (seed, round_, stage)
        compared += 1
    assert compared >= 150, f"only {compared} of 300 generated elections were comparable"


def before_action(result, ballots, round_, candidate):
    """Our stage whose totals stvpoll's round starts from."""
    stages = result.stages
    status = round_.status.value
    if status == "Excluded":
        name = ballots.candidates[candidate]
        k = next(i for i, s in enumerate(stages) if s.action == "exclude" and s.candidate == name)
        return stages[k - 1]
    if round_.selection_method.value == "No competition left":
        return stages[-1]
    # Elected: the stage at which they reached the quota.
    names = {ballots.candidates[c] for c in round_.selected}
    return next(s for s in stages if names & set(s.elected))


def test_scottish_stv_agrees_with_pref_voting_on_who_is_elected():
    compared = 0
    for seed in range(300):
        ballots = generated(seed)
        ours = count(ballots, "scottish_stv", seed="cross-check")
        if not scottish_comparable(ours, one_surplus_at_a_time=False):
            continue
        assert sorted(stv_scottish(profile(ballots), num_seats=ballots.seats)) == elected(ours, ballots), seed
        compared += 1
    assert compared >= 240, f"only {compared} of 300 generated elections were comparable"


def meek_comparable(result) -> bool:
    """No lot, and every defeat clear of the next-lowest hopeful by 0.001."""
    if result.draws:
        return False
    elected_so_far: set[str] = set()
    defeated: set[str] = set()
    for stage in result.stages:
        if stage.action == "exclude":
            totals = {n: units(v) for n, v in stage.extra["precise_totals"].items()}
            hopeful = [totals[n] for n in totals if n not in elected_so_far | defeated | {stage.candidate}]
            if hopeful and min(hopeful) - totals[stage.candidate] <= 1_000_000:
                return False
            defeated.add(stage.candidate)
        elected_so_far.update(stage.elected)
    return True


def test_meek_stv_agrees_with_pref_voting_on_who_is_elected():
    # pref_voting's Meek is slow (pure-Python floats iterated to 1e-10), so
    # fewer and smaller elections here.
    compared = 0
    for seed in range(500, 516):
        ballots = generated(seed, max_candidates=6, max_papers=200)
        ours = count(ballots, "meek_stv", seed="cross-check")
        if not meek_comparable(ours):
            continue
        assert sorted(stv_meek(profile(ballots), num_seats=ballots.seats)) == elected(ours, ballots), seed
        compared += 1
    assert compared >= 14, f"only {compared} of 16 generated elections were comparable"
