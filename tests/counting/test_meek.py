"""Meek STV by the PR Foundation's reference rule, against the figures the
reference implementation publishes (fixtures/README.md), digit for digit."""

from pathlib import Path

from hypothesis import given, settings

from groups.counting import count, read_blt

from .helpers import ward
from .strategies import elections, has_valid_paper, units

FIXTURES = Path(__file__).parent / "fixtures"


def meek(ballots, seed="seed"):
    return count(ballots, "meek_stv", seed=seed)


def test_the_gpus_2005_election_round_by_round():
    result = meek(read_blt((FIXTURES / "gpus-2005-withdrawn.blt").read_bytes()))
    assert result.withdrawn == ["Pat LaMarche"]
    assert result.valid_ballots == 94
    stages = result.stages
    # Round 1 (first preferences, quota 94 / 5 + 0.000000001): Rotzler and Kramer elected.
    assert stages[0].quota == "18.800000001"
    assert stages[0].elected == ["Rebecca Rotzler", "Steve Kramer"]
    # Round 2 converges (surplus 0.000000304 < omega) with these votes:
    assert stages[1].extra["precise_totals"] == {
        "Budd Dickinson": "14.687022182",
        "Kirit Mookerjee": "4.902015388",
        "Tom Sevigny": "15.084894966",
        "Michael Piacsek": "5.084894966",
        "Write-In 2": "0.000000000",
        "Rebecca Rotzler": "18.800000256",
        "Kristen Olsen": "15.170786944",
        "Jason Jones": "1.470385248",
        "Write-In 1": "0.000000000",
        "Steve Greenfield": "0.000000000",
        "Jimmy Leas": "0.000000000",
        "Steve Kramer": "18.800000050",
    }
    assert "0.000000304" in stages[1].description
    # The four candidates with no votes go one per round (the order among them by lot),
    # then Jason Jones, Kirit Mookerjee and Michael Piacsek.
    excluded = [s.candidate for s in stages if s.action == "exclude"]
    assert set(excluded[:4]) == {"Write-In 2", "Write-In 1", "Steve Greenfield", "Jimmy Leas"}
    assert excluded[4:] == ["Jason Jones", "Kirit Mookerjee", "Michael Piacsek"]
    piacsek = next(s for s in stages if s.candidate == "Michael Piacsek")
    assert piacsek.quota == "18.756279637"
    assert piacsek.extra["precise_totals"]["Michael Piacsek"] == "5.920644023"
    assert piacsek.extra["precise_totals"]["Kristen Olsen"] == "18.116080339"
    olsen, dickinson = stages[-2], stages[-1]
    assert (olsen.action, olsen.candidate, olsen.quota) == ("elect", "Kristen Olsen", "18.658130893")
    assert olsen.extra["precise_totals"]["Kristen Olsen"] == "18.881601093"
    assert olsen.extra["precise_totals"]["Budd Dickinson"] == "18.540475691"
    assert (dickinson.action, dickinson.candidate, dickinson.quota) == ("elect", "Budd Dickinson", "18.577127416")
    assert dickinson.extra["precise_totals"]["Budd Dickinson"] == "18.653554186"
    assert dickinson.extra["precise_totals"]["Tom Sevigny"] == "18.253929123"
    assert result.elected == ["Rebecca Rotzler", "Steve Kramer", "Kristen Olsen", "Budd Dickinson"]
    # Tables show five decimals, truncated; the rule's nine are beside them.
    assert dickinson.totals["Budd Dickinson"] == "18.65355"


def test_the_castor_pollux_helen_example():
    # Droop's "42" example and its reference report: Castor is elected on
    # first preferences; round 2 stops at a total surplus of 0.000000003 with
    # Castor 2.000000004, Pollux 1.999999996 and Helen 2.000000000 — Helen is
    # more than the surplus above Pollux, so no tie: Pollux is defeated.
    result = meek(ward(2, "4 C P", "2 H", names="C H P"))
    assert result.stages[0].elected == ["C"]
    defeat = result.stages[1]
    assert (defeat.action, defeat.candidate) == ("exclude", "P")
    assert defeat.extra["precise_totals"] == {"C": "2.000000004", "H": "2.000000000", "P": "1.999999996"}
    assert "0.000000003" in defeat.description
    assert result.draws == []
    assert result.elected == ["C", "H"]


def test_keep_factors_are_shown():
    result = meek(ward(1, "6 A B", "3 B", "2 C"))
    assert result.stages[0].extra["keep_factors"] == {"A": "1.000000000", "B": "1.000000000", "C": "1.000000000"}


@settings(max_examples=80, deadline=None)
@given(elections())
def test_votes_kept_and_votes_passed_over_add_up_to_the_valid_papers(ballots):
    if not has_valid_paper(ballots):
        return
    result = meek(ballots)
    for stage in result.stages:
        kept = sum(units(v) for v in stage.extra["precise_totals"].values())
        # non_transferable is shown to five decimals (truncated): within 0.00001.
        rest = result.valid_ballots * 10**9 - kept
        assert 0 <= rest - units(stage.non_transferable) * 10**4 < 10**4
    standing = len(ballots.candidates) - len(ballots.withdrawn)
    assert len(result.elected) == min(ballots.seats, standing) == len(set(result.elected))
