"""Labour's delegate entitlement (issue 13 item 7), pure: the thresholds and
the explanation a secretary reads out, line by line."""

import pytest

from groups.counting.delegates import by_membership, delegate_entitlement


@pytest.mark.parametrize(
    ("members", "due"),
    [
        (0, 0),
        (1, 1),
        (749, 1),
        (750, 2),
        (999, 2),
        (1000, 3),
        (1249, 3),
        (1250, 4),
        (1499, 4),
        (1500, 5),
        (1749, 5),
        (1750, 6),
        (1999, 6),
        (2000, 6),  # 7 by the bands, capped at 6
        (25_000, 6),
    ],
)
def test_delegates_by_membership(members, due):
    assert by_membership(members) == due
    assert delegate_entitlement(members, women=0, young=0).by_membership == due


@pytest.mark.parametrize(("women", "extra"), [(0, False), (99, False), (100, True), (400, True)])
def test_one_more_woman_from_100_women_members(women, extra):
    result = delegate_entitlement(800, women=women, young=0)
    assert result.women_delegate is extra
    assert result.total == 2 + extra


@pytest.mark.parametrize(("young", "extra"), [(0, False), (29, False), (30, True), (31, True)])
def test_one_more_under_27_from_30_young_members(young, extra):
    result = delegate_entitlement(300, women=0, young=young)
    assert result.young_delegate is extra
    assert result.total == 1 + extra


def test_the_extras_come_on_top_of_the_six():
    result = delegate_entitlement(3000, women=1200, young=90)
    assert (result.by_membership, result.total) == (6, 8)


def test_the_explanation_line_by_line_at_the_cap():
    result = delegate_entitlement(2000, women=100, young=29, without_birth_date=3)
    assert result.lines == [
        "2,000 party members: 1 delegate for the first 749.",
        "1,251 members beyond the first 749: 1 more for each 250 or part of 250, so 6 more.",
        "That makes 7, but at most 6 are due by membership: 6.",
        "100 women members (by their own declaration, with consent): 100 or more, so 1 more delegate, who must "
        "be a woman.",
        "29 members under 27 on the date: fewer than 30, so no extra young delegate.",
        "3 members have no date of birth recorded and are not counted as under 27.",
        "In all: 7 delegates (6 by membership + 1 woman).",
        "At least half of the 6 delegates by membership must be women: at least 3.",
    ]
    assert result.at_least_women == 3


def test_a_small_branch_and_no_gender_question():
    result = delegate_entitlement(749, women=None, young=30)
    assert result.lines[0] == "749 party members: 1 delegate for the first 749 members or part of them."
    assert result.lines[1].startswith("The branch asks no self-declared gender question, so women members cannot")
    assert result.lines[2] == "30 members under 27 on the date: 30 or more, so 1 more delegate, under 27."
    assert result.lines[3] == "In all: 2 delegates (1 by membership + 1 under 27)."
    assert result.women_delegate is False and result.total == 2


@pytest.mark.parametrize(
    ("last_year", "must", "words"),
    [
        ("woman", False, "last year's sole delegate was a woman, so this year's may be a man or a woman."),
        ("not_woman", True, "last year's sole delegate is not recorded as a woman, so this year's must be a woman."),
        ("none", None, "nobody held the delegate position a year ago"),
        ("several", None, "more than one person held the delegate position a year ago"),
        ("unknown", None, "choose the delegate position"),
    ],
)
def test_a_woman_at_least_every_other_year(last_year, must, words):
    result = delegate_entitlement(500, women=10, young=0, last_year=last_year)
    assert result.must_be_woman is must
    assert result.lines[-1].startswith("A branch with one delegate by membership sends a woman at least every other")
    assert words in result.lines[-1]


def test_every_other_year_is_for_a_sole_delegate_only():
    result = delegate_entitlement(900, women=10, young=0, last_year="not_woman")
    assert result.must_be_woman is None
    assert not any("every other year" in line for line in result.lines)


def test_no_members_no_delegates_even_with_women_and_young_counted():
    result = delegate_entitlement(0, women=0, young=0)
    assert result.total == 0 and result.lines[0] == "No party members on the date: no delegate is due."


def test_negative_counts_are_refused():
    with pytest.raises(ValueError):
        delegate_entitlement(-1, women=0, young=0)
