"""An uncontested election under constraints (counting/uncontested.py), case
by case: two seats, "at least 1 woman" / "at most 1 man", candidates by index."""

import pytest

from groups.counting import Constraint, ConstraintError
from groups.counting.uncontested import declare


def women(*indices, low=1, high=None):
    return ("women", Constraint(frozenset(indices), low, high))


def test_a_minimum_met_by_those_standing_elects_everyone():
    # Two stand for two seats, one of them a woman: both elected, nothing to say.
    outcome = declare(2, 2, [women(1)], "vacant")
    assert not outcome.contested and outcome.elected == [0, 1] and outcome.vacant_seats == 0 and outcome.notes == []


def test_a_minimum_nobody_meets_leaves_its_seat_vacant_and_says_so():
    # One man stands for two seats with at least one woman: he is elected, the woman's seat stays vacant.
    outcome = declare(1, 2, [women()], "vacant")
    assert not outcome.contested and outcome.elected == [0] and outcome.vacant_seats == 1
    assert outcome.notes == ["“at least 1 of women” cannot be met (only 0 of them stand): as the branch chose, "
                             "1 seat will stay vacant."]  # fmt: skip


def test_a_minimum_nobody_meets_under_vacant_makes_two_men_a_contest_for_one_seat():
    # Two men for two seats, one of which is kept for a woman: only one seat is left, so the ballot decides.
    outcome = declare(2, 2, [women()], "vacant")
    assert outcome.contested and outcome.elected == []
    assert outcome.notes[-1] == "2 stand for the 1 seat left for them: the ballot decides."


def test_a_minimum_nobody_meets_under_anyone_elects_both_men_and_says_so():
    outcome = declare(2, 2, [women()], "anyone")
    assert not outcome.contested and outcome.elected == [0, 1] and outcome.vacant_seats == 0
    assert outcome.notes == ["“at least 1 of women” cannot be met (only 0 of them stand): as the branch chose, "
                             "1 seat may go to any candidate."]  # fmt: skip


def test_a_minimum_of_two_with_one_woman_standing_keeps_one_seat_vacant():
    # Three seats, at least two women; one woman (index 0) and one man stand: both elected, one seat vacant.
    outcome = declare(2, 3, [women(0, low=2)], "vacant")
    assert not outcome.contested and outcome.elected == [0, 1] and outcome.vacant_seats == 1
    assert "1 seat will stay vacant" in outcome.notes[0]


def test_a_maximum_exceeded_under_vacant_goes_to_the_ballot():
    # Two men (0, 1) stand for two seats with at most one man: only one of them may sit; the ballot decides which.
    outcome = declare(2, 2, [("men", Constraint(frozenset({0, 1}), 0, 1))], "vacant")
    assert outcome.contested
    assert outcome.notes[0] == "“at most 1 of men” would be exceeded (2 of them stand): only 1 of them may take a " \
                               "seat, so the ballot decides which."  # fmt: skip


def test_a_maximum_exceeded_under_anyone_elects_both_and_says_so():
    outcome = declare(2, 2, [("men", Constraint(frozenset({0, 1}), 0, 1))], "anyone")
    assert not outcome.contested and outcome.elected == [0, 1]
    assert outcome.notes == ["“at most 1 of men” would be exceeded (2 of them stand): nobody else stands for 1 seat, "
                             "so as the branch chose, they go to any candidate."]  # fmt: skip


def test_a_maximum_not_reached_changes_nothing():
    outcome = declare(2, 3, [("men", Constraint(frozenset({0}), 0, 1))], "vacant")
    assert not outcome.contested and outcome.elected == [0, 1] and outcome.vacant_seats == 1 and outcome.notes == []


def test_the_declaration_as_stored():
    outcome = declare(1, 2, [women()], "vacant")
    stored = outcome.as_dict(["Bob Smith"], 2, [women()], "vacant")
    assert stored["uncontested"] and stored["elected"] == ["Bob Smith"] and stored["vacant_seats"] == 1
    assert stored["constraints"] == [{"label": "women", "candidates": [], "min": 1, "max": None}]
    assert stored["if_unmet"] == "vacant" and len(stored["notes"]) == 1


@pytest.mark.parametrize(("candidates", "seats", "if_unmet"), [(3, 2, "vacant"), (1, 1, "lot")])
def test_bad_calls_are_refused(candidates, seats, if_unmet):
    with pytest.raises(ConstraintError):
        declare(candidates, seats, [], if_unmet)
