"""Constraints by guard and doom (issue 13 item 5): worked examples. Men are
M, N, O; women W, X, Y."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from groups.counting import ConstraintError, count, parse_constraints

from .helpers import ward
from .strategies import elections, has_valid_paper


def run(ballots, method, constraints, if_unmet="vacant"):
    return count(ballots, method, seed="s", constraints=parse_constraints(constraints, ballots), if_unmet=if_unmet)


def actions(result):
    return [(s.action, s.candidate) for s in result.stages]


WOMEN = [{"candidates": ["W", "X"], "min": 1}]


def test_scottish_a_man_with_a_quota_is_doomed_when_the_last_seat_is_needed_for_a_woman():
    # 23 papers, 2 seats: quota 8. M 10 and N 8 both have a quota. M, the
    # higher, is elected first; the one seat left must go to a woman, so N is
    # doomed — excluded, his papers (naming nobody else) non-transferable.
    # M's surplus goes nowhere; X (2) is excluded, W is then the only woman
    # left: guarded, and elected as the last continuing candidate (rule 52).
    result = run(ward(2, "10 M", "8 N", "3 W X", "2 X"), "scottish_stv", WOMEN)
    assert actions(result) == [
        ("first", None),
        ("doom", "N"),
        ("surplus", "M"),
        ("exclude", "X"),
        ("guard", None),
        ("elect", "W"),
    ]
    assert result.stages[0].elected == ["M"]
    assert result.stages[4].guarded == ["W"]
    assert result.elected == ["M", "W"]
    assert "every seat left is needed to meet “at least 1 of W and X”" in result.stages[1].description


def test_scottish_the_only_woman_is_guarded_from_the_start_and_cannot_be_excluded():
    # W has 1 vote of 22 and would be excluded first; guarded instead. Once M
    # is elected, N and O are doomed (the last seat is W's).
    result = run(ward(2, "10 M", "6 N", "5 O", "1 W"), "scottish_stv", [{"candidates": ["W"], "min": 1}])
    assert actions(result) == [("first", None), ("guard", None), ("doom", "O"), ("doom", "N"), ("elect", "W")]
    assert result.stages[0].elected == ["M"]
    assert result.elected == ["M", "W"]


def test_a_minimum_that_cannot_be_met_leaves_the_seat_vacant_when_the_branch_chose_so():
    # At least 2 of 2 seats for women, and only W stands: one seat stays
    # vacant, the other is W's — and no man may take either.
    ballots = ward(2, "10 M", "6 N", "5 O", "1 W")
    result = run(ballots, "scottish_stv", [{"candidates": ["W"], "min": 2}], "vacant")
    assert result.elected == ["W"]
    assert result.vacant_seats == 1
    assert result.if_unmet == "vacant"
    assert result.notes == [
        "“at least 2 of W” cannot be met (too few of its candidates are left): as the branch chose, "
        "1 seat will stay vacant."
    ]


def test_a_minimum_that_cannot_be_met_gives_the_seat_to_anyone_when_the_branch_chose_so():
    ballots = ward(2, "10 M", "6 N", "5 O", "1 W")
    result = run(ballots, "scottish_stv", [{"candidates": ["W"], "min": 2}], "anyone")
    assert result.elected == ["M", "W"]
    assert result.vacant_seats == 0
    assert "1 seat may go to any candidate" in result.notes[0]


def test_meek_dooms_by_defeat():
    result = run(ward(2, "10 M", "8 N", "3 W X", "2 X"), "meek_stv", WOMEN)
    assert actions(result)[:2] == [("first", None), ("doom", "N")]
    assert result.stages[1].extra["keep_factors"]["N"] == "0.000000000"
    assert result.elected == ["M", "W"]


def test_block_a_maximum_reached_dooms_the_rest_of_the_group():
    # 3 seats, at most 1 of M, N, O: N (19) is elected first, M (18) and O (17)
    # are then passed over for X (9) and W (6).
    ballots = ward(3, "10 M N", "9 N O", "8 O M", "5 W X", "4 X Y", "1 Y W")
    result = run(ballots, "block", [{"candidates": ["M", "N", "O"], "max": 1}])
    assert actions(result) == [
        ("first", None),
        ("elect", "N"),
        ("doom", "M"),
        ("doom", "O"),
        ("elect", "X"),
        ("elect", "W"),
    ]
    assert result.elected == ["N", "X", "W"]


def test_block_a_minimum_holds_the_last_seats_for_the_group():
    # Men top the poll (N 19, O 17, M 10), but 2 of the 3 seats must go to
    # women: N is elected, then M and O are doomed for X (3) and W (2).
    ballots = ward(3, "10 M N", "9 N O", "8 O", "2 W X", "1 X Y")
    result = run(ballots, "block", [{"candidates": ["W", "X", "Y"], "min": 2}])
    assert result.elected == ["N", "X", "W"]
    assert [s.candidate for s in result.stages if s.action == "doom"] == ["M", "O"]


def test_constraints_already_met_change_nothing():
    ballots = ward(2, "10 W", "8 M", "3 N", "2 X")
    plain = count(ballots, "scottish_stv", seed="s")
    constrained = run(ballots, "scottish_stv", WOMEN)
    assert constrained.elected == plain.elected == ["W", "M"]
    assert [s.totals for s in constrained.stages if s.action not in ("guard",)] == [s.totals for s in plain.stages]


@pytest.mark.parametrize(
    ("constraints", "message"),
    [
        ({"candidates": ["W"]}, "must be a list"),
        ([{"candidates": ["Z"], "min": 1}], "names 'Z', who is not a candidate"),
        ([{"candidates": [], "min": 1}], "names no candidates"),
        ([{"candidates": ["W"], "min": 3}], "asks for at least 3 of 2 seats"),
        ([{"candidates": ["W"], "min": 1, "max": 0}], "maximum (0) is below the minimum (1)"),
        ([{"candidates": ["W"], "min": -1}], "min must be a whole number"),
        ([{"candidates": ["W"], "min": True}], "min must be a whole number"),
        ([{"candidates": ["W"]}], "neither a minimum above 0 nor a maximum"),
        ([{"candidates": ["W"], "min": 1, "at_least": 2}], "has 'at_least'"),
        ([{"candidates": ["W"], "min": 2}, {"candidates": ["M"], "min": 1}], "minimums add up to 3"),
    ],
)
def test_impossible_or_malformed_constraints_are_refused_with_a_reason(constraints, message):
    with pytest.raises(ConstraintError) as caught:
        parse_constraints(constraints, ward(2, "1 M", "1 W"))
    assert message in caught.value.message


def test_fptp_and_irv_take_no_constraints():
    ballots = ward(1, "3 M", "2 W")
    from groups.counting import CountError

    for method in ("fptp", "irv"):
        with pytest.raises(CountError, match="Constraints apply"):
            run(ballots, method, [{"candidates": ["W"], "min": 1}])


@settings(max_examples=120, deadline=None)
@given(
    elections(min_candidates=3, max_candidates=6),
    st.sampled_from(["scottish_stv", "meek_stv", "block"]),
    st.data(),
)
def test_a_constraint_that_can_be_met_is_met(ballots, method, data):
    if method == "block":
        ballots = type(ballots)(
            ballots.candidates,
            ballots.seats,
            tuple(g for g in ballots.groups if len(g.ranking) <= ballots.seats) or ballots.groups[:0],
            ballots.title,
            ballots.withdrawn,
        )
    if not ballots.groups or not has_valid_paper(ballots, ballots.seats if method == "block" else None):
        return
    standing = [c for c in range(len(ballots.candidates)) if c not in ballots.withdrawn]
    group = data.draw(st.sets(st.sampled_from(standing), min_size=1))
    low = data.draw(st.integers(0, min(len(group), ballots.seats)))
    high = data.draw(st.one_of(st.none(), st.integers(max(low, 1), ballots.seats)))
    if not low and high is None:
        return
    names = [ballots.candidates[c] for c in group]
    result = run(ballots, method, [{"candidates": names, "min": low, "max": high}], "vacant")
    inside = sum(name in names for name in result.elected)
    assert inside >= low
    if high is not None:
        assert inside <= high
    assert len(result.elected) + result.vacant_seats == ballots.seats
