"""The pure threshold arithmetic on every preset: ties with and without a
casting vote, abstentions left out of "of those voting"."""

import pytest

from groups.counting.thresholds import (
    MAJORITY_PRESENT,
    SIMPLE_MAJORITY,
    TWO_THIRDS,
    TWO_THIRDS_PRESENT,
    ThresholdError,
    decide_question,
    needed_for,
)
from groups.models.standing_orders import PRESETS, Preset, QuestionKind


def test_the_numbers_needed_are_exact():
    assert needed_for(SIMPLE_MAJORITY, 10) == 6
    assert needed_for(SIMPLE_MAJORITY, 9) == 5
    assert needed_for(TWO_THIRDS, 9) == 6  # exactly two thirds is enough
    assert needed_for(TWO_THIRDS, 10) == 7  # 6.67 rounds up
    assert needed_for(TWO_THIRDS_PRESENT, 30) == 20
    assert needed_for(MAJORITY_PRESENT, 30) == 16


def test_abstentions_are_not_counted_as_voting():
    # 5 for, 4 against, 20 abstain: a simple majority of those voting carries it.
    out = decide_question(threshold=SIMPLE_MAJORITY, votes_for=5, votes_against=4, abstain=20, present=40)
    assert out.carried and out.base == 9 and out.needed == 5
    # The same counts are far short of a majority of those present.
    out = decide_question(threshold=MAJORITY_PRESENT, votes_for=5, votes_against=4, abstain=20, present=40)
    assert not out.carried and out.base == 40 and out.needed == 21


def test_two_thirds_of_voting_against_two_thirds_present():
    assert decide_question(threshold=TWO_THIRDS, votes_for=6, votes_against=3, abstain=9, present=30).carried
    assert not decide_question(threshold=TWO_THIRDS, votes_for=6, votes_against=4, present=30).carried
    assert not decide_question(threshold=TWO_THIRDS_PRESENT, votes_for=6, votes_against=3, present=30).carried
    assert decide_question(threshold=TWO_THIRDS_PRESENT, votes_for=20, votes_against=0, present=30).carried


def test_nobody_voting_is_lost():
    out = decide_question(threshold=SIMPLE_MAJORITY, votes_for=0, votes_against=0, abstain=3, present=3)
    assert not out.carried and out.result == "lost"


@pytest.mark.parametrize("preset", list(Preset))
@pytest.mark.parametrize("kind", list(QuestionKind))
def test_every_preset_loses_a_tie_without_a_casting_vote(preset, kind):
    so = PRESETS[preset]
    out = decide_question(
        threshold=so[f"threshold_{kind}"],
        votes_for=5,
        votes_against=5,
        abstain=1,
        present=11,
        casting_allowed=so["casting_vote"],
    )
    assert out.tie and not out.carried
    assert "tie is lost" in out.explanation


@pytest.mark.parametrize("preset", list(Preset))
def test_a_casting_vote_settles_a_tie_only_where_the_preset_gives_one(preset):
    so = PRESETS[preset]
    threshold = so["threshold_motion"]
    if so["casting_vote"]:
        carried = decide_question(
            threshold=threshold, votes_for=5, votes_against=5, present=10, casting_allowed=True, casting_vote="for"
        )
        assert carried.carried and carried.casting_vote == "for" and "casting vote for" in carried.explanation
        lost = decide_question(
            threshold=threshold, votes_for=5, votes_against=5, present=10, casting_allowed=True, casting_vote="against"
        )
        assert not lost.carried
    else:
        with pytest.raises(ThresholdError, match="no casting vote"):
            decide_question(
                threshold=threshold,
                votes_for=5,
                votes_against=5,
                present=10,
                casting_allowed=False,
                casting_vote="for",
            )


def test_a_casting_vote_is_refused_when_there_is_no_tie():
    with pytest.raises(ThresholdError, match="only for a tie"):
        decide_question(
            threshold=SIMPLE_MAJORITY,
            votes_for=6,
            votes_against=5,
            present=11,
            casting_allowed=True,
            casting_vote="against",
        )


def test_labour_preset_needs_two_thirds_to_change_standing_orders():
    so = PRESETS[Preset.LABOUR]
    assert so["casting_vote"] is True
    out = decide_question(threshold=so["threshold_standing_orders"], votes_for=13, votes_against=7, present=25)
    assert not out.carried and out.needed == 14


def test_union_preset_majority_present_for_a_challenge():
    so = PRESETS[Preset.UNION]
    out = decide_question(threshold=so["threshold_challenge"], votes_for=12, votes_against=2, abstain=6, present=30)
    assert not out.carried and out.needed == 16


def test_impossible_counts_are_refused_in_words():
    with pytest.raises(ThresholdError, match="more than the 3 entitled"):
        decide_question(threshold=SIMPLE_MAJORITY, votes_for=2, votes_against=2, present=3)
    with pytest.raises(ThresholdError, match="Unknown threshold"):
        decide_question(threshold="most", votes_for=1, votes_against=0, present=3)
