"""Count benchmark (run by hand, not by pytest).

    .venv/bin/python bench/count.py            # 12,000 ballots, 10 candidates, 4 seats
    BALLOTS=50000 RUNS=5 .venv/bin/python bench/count.py

A council-ward-sized election (issue 13's benchmark): 12,000 ballot papers,
10 candidates from four parties, 4 seats, preferences generated from a
fixed seed the way Scottish ward data look — voters rank their party's
candidates first (mostly led by the better-known one), a quarter stop after
one preference and a fifth within their party, the rest go on candidate by
candidate into other parties, neighbouring parties likelier; 0.5 % spoilt
(empty). About a fifth of the papers are distinct rankings, as in the
Glasgow 2007 ward files. Counted by Scottish STV and Meek STV
(the pure groups.counting, from BLT text, as the API does), several runs
each. Baseline in the same run: one pass over the same papers crediting
first preferences (the least any count can do). Prints a Markdown block for
bench/RESULTS.md. No database, no Django.
"""

from __future__ import annotations

import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from groups.counting import BallotGroup, Ballots, count, read_blt, write_blt  # noqa: E402

BALLOTS = int(os.environ.get("BALLOTS", "12000"))
RUNS = int(os.environ.get("RUNS", "7"))
SEED = int(os.environ.get("SEED", "2026"))
TARGETS = {"scottish_stv": 0.5, "meek_stv": 2.0}

# Four parties; the first candidate of each is the better known.
PARTIES = {
    "Labour": ["Ahmed", "Brown", "Campbell"],
    "SNP": ["Doyle", "Evans", "Fraser"],
    "Conservative": ["Gray", "Hussain"],
    "Green": ["Iqbal", "Jones"],
}
SUPPORT = {"Labour": 0.36, "SNP": 0.34, "Conservative": 0.18, "Green": 0.12}
NEIGHBOURS = {
    "Labour": ["SNP", "Green"],
    "SNP": ["Green", "Labour"],
    "Conservative": ["Labour"],
    "Green": ["SNP", "Labour"],
}


def generate(ballots: int, seed: int) -> Ballots:
    rng = random.Random(seed)
    names = [name for members in PARTIES.values() for name in members]
    index = {name: i for i, name in enumerate(names)}
    party_of = {name: party for party, members in PARTIES.items() for name in members}
    parties = list(SUPPORT)
    groups = []
    for _ in range(ballots):
        if rng.random() < 0.005:
            groups.append(BallotGroup(1, ()))
            continue
        party = rng.choices(parties, weights=[SUPPORT[p] for p in parties])[0]
        ranking = _party_order(rng, party)
        stop = rng.random()
        if stop < 0.25:
            ranking = ranking[:1]
        elif stop < 0.45:
            ranking = ranking[: rng.randint(1, len(ranking))]
        else:
            # Then candidates of other parties, one at a time, nearer parties likelier.
            rest = [n for n in names if n not in ranking]
            while rest and rng.random() < 0.7:
                weights = [3.0 if party_of[n] in NEIGHBOURS[party] else 0.6 for n in rest]
                pick = rng.choices(rest, weights=weights)[0]
                ranking.append(pick)
                rest.remove(pick)
        groups.append(BallotGroup(1, tuple(index[n] for n in ranking)))
    return Ballots(tuple(names), 4, tuple(groups), "Generated ward, 4 seats")


def _party_order(rng: random.Random, party: str) -> list[str]:
    members = list(PARTIES[party])
    if rng.random() < 0.35:  # a minority put the lesser-known candidates first
        rng.shuffle(members)
    return members


def first_preferences(ballots: Ballots) -> list[int]:
    totals = [0] * len(ballots.candidates)
    for g in ballots.groups:
        if g.ranking:
            totals[g.ranking[0]] += g.weight
    return totals


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> None:
    ballots = generate(BALLOTS, SEED)
    text = write_blt(ballots)
    distinct = len(ballots.canonical().groups)
    baseline = timed(lambda: first_preferences(ballots), RUNS)  # all 12,000 papers, one by one
    rows = []
    for method in ("scottish_stv", "meek_stv"):
        result = count(read_blt(text), method, seed="bench")
        times = timed(lambda m=method: count(read_blt(text), m, seed="bench"), RUNS)
        rows.append((method, times, result))
    read_times = timed(lambda: read_blt(text), RUNS)

    print(f"- `nproc`: {os.cpu_count()}; CPU: {cpu_model()}; Python {platform.python_version()}")
    print(
        f"- {BALLOTS:,} ballot papers ({distinct:,} distinct rankings, {len(text) / 1024:.0f} KB of BLT), "
        f"{len(ballots.candidates)} candidates, {ballots.seats} seats, seed {SEED}; {RUNS} runs each"
    )
    print()
    print("| count (BLT text → result) | median | min | max | target | ratio to baseline (median) | elected |")
    print("|---|---|---|---|---|---|---|")
    base = statistics.median(baseline)
    for method, times, result in rows:
        med = statistics.median(times)
        ok = ("✓" if med <= TARGETS[method] else "✗") if BALLOTS == 12000 else "(for 12,000)"
        print(
            f"| {method} ({len(result.stages)} stages) | {med:.3f} s | {min(times):.3f} s | {max(times):.3f} s | "
            f"≤ {TARGETS[method]} s {ok} | {med / base:,.0f}× | {', '.join(result.elected)} |"
        )
    print(
        f"| reading the BLT alone | {statistics.median(read_times):.3f} s | {min(read_times):.3f} s | "
        f"{max(read_times):.3f} s | | {statistics.median(read_times) / base:,.0f}× | |"
    )
    print(
        f"| baseline: one pass crediting first preferences | {base * 1000:.1f} ms | {min(baseline) * 1000:.1f} ms | "
        f"{max(baseline) * 1000:.1f} ms | | 1× | |"
    )


if __name__ == "__main__":
    main()
