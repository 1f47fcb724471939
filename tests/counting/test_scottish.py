"""Scottish STV, rule by rule (SSI 2007/42 schedule 1 rules 45–52). Every
expected figure below is worked out by hand in the comment above it, or
copied from a published count."""

import hashlib
from pathlib import Path

import pytest
from hypothesis import given, settings

from groups.counting import CountError, count, read_blt

from .helpers import table, ward
from .strategies import elections, has_valid_paper, units

FIXTURES = Path(__file__).parent / "fixtures"


def stv(ballots, seed="seed"):
    return count(ballots, "scottish_stv", seed=seed)


def test_quota_is_valid_papers_over_seats_plus_one_ignoring_remainder_plus_one():
    # 23 valid papers (2 empty ones do not count), 3 seats: 23 ÷ 4 = 5.75 → 5, + 1 = 6 (rule 46).
    result = stv(ward(3, "9 A", "6 B", "5 C", "3 D", "2"))
    assert (result.valid_ballots, result.invalid_ballots, result.quota) == (23, 2, "6.00000")


def test_the_largest_surplus_is_transferred_first():
    # 100 papers, 3 seats: quota 26. A 40 and B 30 are elected at stage 1.
    # A's surplus (14) goes before B's (4) (rule 49(1)): every A paper at
    # 14 × 1 ÷ 40 = 0.35, so C gets 40 × 0.35 = 14 and reaches 26 — elected,
    # the seats are full and B's surplus is never transferred.
    result = stv(ward(3, "40 A C", "30 B D", "12 C", "10 D", "8 E"))
    assert [(s.action, s.candidate) for s in result.stages] == [("first", None), ("surplus", "A")]
    assert result.stages[0].elected == ["A", "B"]
    after = {"A": "26.00000", "B": "30.00000", "C": "26.00000", "D": "10.00000", "E": "8.00000"}
    assert result.stages[1].totals == after
    assert result.elected == ["A", "B", "C"]


def test_transfer_values_are_truncated_to_five_decimals_not_rounded():
    # 7 papers, 3 seats: quota 2. A (6 papers) has a surplus of 4; each paper
    # goes on at 4 × 1 ÷ 6 = 0.666666… → 0.66666 (rule 48(3): "any remainder
    # being ignored"). B and C each get 3 × 0.66666 = 1.99998 — below the quota
    # of 2, which rounding (0.66667 → 2.00001) would have reached — and
    # 4 − 3.99996 = 0.00004 is lost to the truncation.
    result = stv(ward(3, "3 A B", "3 A C", "1 X B"))
    surplus = result.stages[1]
    assert (surplus.action, surplus.candidate) == ("surplus", "A")
    assert surplus.totals == {"A": "2.00000", "B": "1.99998", "C": "1.99998", "X": "1.00000"}
    assert surplus.lost_to_rounding == "0.00004"
    assert surplus.elected == []
    assert "0.66666" in surplus.description


def test_each_paper_goes_on_at_its_value_when_received():
    # 42 papers, 3 seats: quota 11. A 20 (surplus 9): A's papers go to B at
    # 9 × 1 ÷ 20 = 0.45, B = 4 + 9 = 13, elected with a surplus of 2. B's
    # papers then go on at 2 × their value ÷ 13: B's own 4 papers at
    # 2 × 1 ÷ 13 = 0.15384, the 20 from A at 2 × 0.45 ÷ 13 = 0.06923; D gets
    # 0.61536 + 1.38460 = 1.99996 → 6.99996, and 0.00004 is lost.
    result = stv(ward(3, "20 A B D", "4 B D", "6 C", "5 D", "7 E"))
    second = result.stages[2]
    assert (second.action, second.candidate) == ("surplus", "B")
    assert second.totals == {"A": "11.00000", "B": "11.00000", "C": "6.00000", "D": "6.99996", "E": "7.00000"}
    assert second.lost_to_rounding == "0.00004"
    # C (6) goes, then D (6.99996) just below E (7): the truncation decided the last seat.
    assert [(s.action, s.candidate) for s in result.stages[3:]] == [("exclude", "C"), ("exclude", "D"), ("elect", "E")]
    assert result.elected == ["A", "B", "E"]


def test_papers_pass_over_candidates_already_elected():
    # 25 papers, 3 seats: quota 7. A 11 and B 10 are both elected at stage 1.
    # A's papers say A, B, C: B is elected, so no longer continuing (article
    # 2), and they go to C at 4 ÷ 11 = 0.36363: C = 1 + 11 × 0.36363 = 4.99993
    # while B stays at 10.
    result = stv(ward(3, "11 A B C", "10 B C", "1 C", "3 D"))
    assert result.stages[1].totals == {"A": "7.00000", "B": "10.00000", "C": "4.99993", "D": "3.00000"}
    # Then B's surplus 3 at 0.3 brings C to 7.99993: elected.
    assert result.stages[2].candidate == "B" and result.stages[2].totals["C"] == "7.99993"
    assert result.elected == ["A", "B", "C"]


def test_when_continuing_candidates_equal_the_seats_left_they_are_elected_with_no_further_transfer():
    # 25 papers, 3 seats: quota 7. A 12 is elected; A's surplus goes (its
    # papers name nobody else: non-transferable); D (2) is excluded and B
    # reaches 8, elected with a surplus of 1. C alone for the one seat left:
    # elected at once (rule 52) — B's surplus is never transferred.
    result = stv(ward(3, "12 A", "6 B", "5 C", "2 D B"))
    assert [(s.action, s.candidate) for s in result.stages] == [
        ("first", None),
        ("surplus", "A"),
        ("exclude", "D"),
        ("elect", "C"),
    ]
    assert result.stages[3].totals == result.stages[2].totals
    assert result.stages[3].totals["B"] == "8.00000"
    assert result.elected == ["A", "B", "C"]
    assert "rule 52" in result.stages[3].description


def test_exclusion_ties_go_back_to_the_most_recent_stage_at_which_they_differed():
    # One seat, 11 papers: quota 6. D (1) is excluded and its paper goes to C:
    # B and C are then level on 3. At stage 1 B had 3 and C 2, so C — the
    # lower at the most recent stage where they differed — is excluded (rule 51(2)(a)).
    result = stv(ward(1, "5 A", "3 B", "2 C", "1 D C"))
    stage = result.stages[2]
    assert (stage.action, stage.candidate) == ("exclude", "C")
    assert "stage 1" in stage.description
    assert result.draws == []


def test_a_tie_at_every_stage_is_decided_by_lot_reproducibly_from_the_seed():
    # One seat, 7 papers: quota 4. C (1) is excluded (non-transferable); A
    # and B are level at 3 at every stage: the lot excludes one, and the other
    # is elected (rule 52). The lot: each tied name's key is
    # SHA-256("<seed>:<draw>:<name>"); the smallest key is chosen.
    ballots = ward(1, "3 A", "3 B", "1 C")
    winners = set()
    for seed in (f"seed-{i}" for i in range(12)):
        result = stv(ballots, seed)
        keys = {name: hashlib.sha256(f"{seed}:1:{name}".encode()).hexdigest() for name in "AB"}
        excluded = min(keys, key=keys.get)
        assert result.stages[2].candidate == excluded
        assert result.draws == [{"draw": 1, "among": ["A", "B"], "chosen": excluded, "purpose": "exclusion"}]
        assert result.elected == ["B" if excluded == "A" else "A"]
        assert stv(ballots, seed).as_dict() == result.as_dict()  # the same seed, the same count
        assert result.seed == seed
        winners.add(result.elected[0])
    assert winners == {"A", "B"}  # the seed really decides


def test_exhausted_papers_are_non_transferable():
    # 10 papers, 1 seat: quota 6. C (2) is excluded; its papers name nobody
    # else; then B (3) goes to A.
    result = stv(ward(1, "5 A", "3 B A", "2 C"))
    assert result.stages[1].non_transferable == "2.00000"
    assert result.stages[2].totals["A"] == "8.00000"
    assert result.elected == ["A"]


def test_empty_papers_are_invalid():
    result = stv(ward(1, "5 A", "4 B", "3"))
    assert (result.valid_ballots, result.invalid_ballots, result.quota) == (9, 3, "5.00000")
    assert "3 invalid" in result.stages[0].description


def test_no_valid_papers_is_refused():
    with pytest.raises(CountError, match="no valid ballot papers"):
        stv(ward(1, "3", names="A B"))


def test_fewer_candidates_than_seats_fills_what_it_can():
    result = stv(ward(3, "4 A B", "2 B"))
    assert sorted(result.elected) == ["A", "B"]
    assert result.vacant_seats == 1


def test_a_published_council_count_pollokshields_2007():
    # Glasgow City Council, Pollokshields ward, 2007: every figure of every
    # stage as Droop's reference report gives it (fixtures/README.md).
    result = stv(read_blt((FIXTURES / "pollokshields-2007.blt").read_bytes()))
    assert (result.valid_ballots, result.quota) == (9567, "2392.00000")
    names = ["Ali Ashraf", "Karin Currie", "Khalil Malik", "David Meikle", "Isabel Nelson", "Irfan Rabbani"]
    names += ["Ian A Ruffell", "Muhammad Shoaib", "Fatima Uygun"]
    published = [
        ("first", None, "184 438 2057 1435 863 2575 1043 592 380", "0", "0"),
        (
            "surplus",
            "Irfan Rabbani",
            "188.76102 441.48194 2082.01312 1445.09052 883.96270 2392 1060.97818 605.50140 388.17190",
            "79.01872",
            "0.02050",
        ),
        (
            "exclude",
            "Ali Ashraf",
            "0 453.62406 2123.64750 1452.44582 893.46012 2392 1096.75984 611.71458 418.66932",
            "124.65826",
            "0.02050",
        ),
        (
            "exclude",
            "Fatima Uygun",
            "0 472.05042 2256.35294 1460.73006 918.66814 2392 1206.32316 633.56730 0",
            "227.28748",
            "0.02050",
        ),
        (
            "exclude",
            "Karin Currie",
            "0 0 2309.70824 1593.22748 1001.44980 2392 1280.96270 656.85154 0",
            "332.77974",
            "0.02050",
        ),
        (
            "exclude",
            "Muhammad Shoaib",
            "0 0 2624.74834 1610.72490 1030.65782 2392 1321.38390 0 0",
            "587.46454",
            "0.02050",
        ),
        ("surplus", "Khalil Malik", "0 0 2392 1632.34590 1070.55020 2392 1374.77932 0 0", "705.29174", "0.03284"),
        ("exclude", "Isabel Nelson", "0 0 2392 1839.53040 0 2392 1835.22528 0 0", "1108.21148", "0.03284"),
        ("exclude", "Ian A Ruffell", "0 0 2392 2217.93938 0 2392 0 0 0", "2565.02778", "0.03284"),
        ("elect", "David Meikle", "0 0 2392 2217.93938 0 2392 0 0 0", "2565.02778", "0.03284"),
    ]

    def five(figure: str) -> str:
        whole, _, frac = figure.partition(".")
        return f"{whole}.{frac:0<5}"

    expected = [
        (action, who, dict(zip(names, (five(v) for v in totals.split()), strict=True)), five(nt), five(lost))
        for action, who, totals, nt, lost in published
    ]
    got = [(s.action, s.candidate, s.totals, s.non_transferable, s.lost_to_rounding) for s in result.stages]
    assert got == expected
    assert result.elected == ["Irfan Rabbani", "Khalil Malik", "David Meikle"]


@settings(max_examples=150, deadline=None)
@given(elections())
def test_every_paper_is_accounted_for_at_every_stage(ballots):
    # Totals + non-transferable + lost to rounding = the valid papers, exactly.
    if not has_valid_paper(ballots):
        return
    result = stv(ballots)
    for stage in result.stages:
        accounted = sum(units(v) for v in stage.totals.values())
        accounted += units(stage.non_transferable) + units(stage.lost_to_rounding)
        assert accounted == result.valid_ballots * 100_000, table(result)
    assert len(result.elected) == len(set(result.elected))
    standing = len(ballots.candidates) - len(ballots.withdrawn)
    assert len(result.elected) == min(ballots.seats, standing)
