"""Ties (rules 49(2)-(3) and 51(2)): the most recent earlier stage at which
the tied candidates differed, then the lot — the lot computed here with
hashlib from its published definition, not by the code under test."""

import hashlib

from groups.counting.common import Lot, break_tie

NAMES = ["Ada", "Ben", "Cy", "Dee"]


def key(seed, draw, name):
    return hashlib.sha256(f"{seed}:{draw}:{name}".encode()).hexdigest()


def test_the_most_recent_stage_at_which_they_differed_decides():
    # Ada and Ben level now (stage 3) and at stage 2; at stage 1 Ben had more.
    history = [[5, 7, 1, 0], [9, 9, 1, 0], [12, 12, 0, 0]]
    lot = Lot("s", NAMES)
    lowest = break_tie([0, 1], history, lowest=True, lot=lot, purpose="exclusion")
    assert (lowest.chosen, lowest.stage) == (0, 1)  # Ada had fewer at stage 1: excluded
    highest = break_tie([0, 1], history, lowest=False, lot=lot, purpose="order")
    assert (highest.chosen, highest.stage) == (1, 1)  # Ben had more: his surplus first
    assert lot.draws == []


def test_a_more_recent_difference_wins_over_an_older_one():
    history = [[1, 9, 0, 0], [6, 5, 0, 0], [8, 8, 0, 0]]
    assert break_tie([0, 1], history, lowest=True, lot=Lot("s", NAMES), purpose="x").chosen == 1


def test_three_level_two_still_level_at_the_deciding_stage_look_further_back():
    # Stage 2 puts Cy above Ada and Ben (so Cy is safe); Ada and Ben were
    # level there too, and stage 1 separates them.
    history = [[3, 4, 9, 0], [6, 6, 8, 0], [10, 10, 10, 0]]
    tie = break_tie([0, 1, 2], history, lowest=True, lot=Lot("s", NAMES), purpose="x")
    assert (tie.chosen, tie.stage) == (0, 1)


def test_level_at_every_stage_goes_to_lot_and_the_lot_is_the_smallest_key():
    history = [[4, 4, 4, 1], [5, 5, 5, 0]]
    for seed in ("a", "b", "c", "d", "e"):
        lot = Lot(seed, NAMES)
        tie = break_tie([0, 1, 2], history, lowest=True, lot=lot, purpose="exclusion")
        expected = min(range(3), key=lambda c: key(seed, 1, NAMES[c]))
        assert tie.chosen == expected and tie.draw == 1
        # A second draw of the same count uses draw number 2.
        again = lot.draw([0, 1], "exclusion")
        assert again == min(range(2), key=lambda c: key(seed, 2, NAMES[c]))
        assert [d.number for d in lot.draws] == [1, 2]


def test_the_lot_depends_on_the_names_not_the_order_they_are_given_in():
    assert Lot("x", NAMES).draw([2, 0, 1], "x") == Lot("x", NAMES).draw([0, 1, 2], "x")
