"""BLT files (CONTRACT.md §7): what is read, what is refused and on which
line, what is written, and the hash of the ballots."""

import hashlib
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from groups.counting import BallotGroup, Ballots, BLTError, count, read_blt, write_blt

from .strategies import elections

GOOD = """4 2
-3
3 1 2 0
1 0
2 4 1 3 0
1 3 0
0
"Ada"
"Ben"
"Cy"
"Dee"
"Branch delegates 2026"
"""


def errors_of(text) -> list[tuple[int, str]]:
    with pytest.raises(BLTError) as caught:
        read_blt(text)
    return caught.value.errors


def test_a_good_file():
    ballots = read_blt(GOOD)
    assert ballots.candidates == ("Ada", "Ben", "Cy", "Dee")
    assert ballots.seats == 2
    assert ballots.withdrawn == {2}
    assert ballots.title == "Branch delegates 2026"
    # Weights kept, preferences numbered from 0; the empty paper kept as a group.
    assert sorted((g.weight, g.ranking) for g in ballots.groups) == [(1, ()), (1, (2,)), (2, (3, 0, 2)), (3, (0, 1))]
    assert ballots.ballot_papers == 7


def test_bytes_with_a_bom_and_windows_line_ends():
    data = ("\ufeff" + GOOD.replace("Ada", "Åda Ní Bhriain")).replace("\n", "\r\n").encode("utf-8")
    assert read_blt(data).candidates[0] == "Åda Ní Bhriain"


def test_windows_1252_names():
    data = GOOD.replace("Ada", "Zoë").encode("cp1252")
    assert read_blt(data).candidates[0] == "Zoë"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("", 1, "empty"),
        ("4\n0\n", 1, "two whole numbers"),
        ("four 2\n", 1, "two whole numbers"),
        ("0 2\n0\n", 1, "between 1 and"),
        ("3 0\n", 1, "seats must be at least 1"),
        ("3 1\n-4\n", 2, "withdrawn candidate 4"),
        ("3 1\n-2 x\n", 2, "negative candidate numbers"),
        ("3 1\n1 2 0\n1 1 9 0\n0\n", 3, "candidate 9 is not one of the 3"),
        ("3 1\n1 2 0\n1 2 3 2 0\n0\n", 3, "candidate 2 is ranked more than once"),
        ("3 1\n1 2=3 0\n0\n", 2, "equal rankings (2=3) are not supported"),
        ("3 1\n1 2 3\n0\n", 2, "must end with 0"),
        ("3 1\n0 2 3 0\n0\n", 2, "weight (the first number) must be at least 1"),
        ("3 1\n1 2 0 3 0\n0\n", 2, "0 may only end a ballot line"),
        ("3 1\n1 2 x 0\n0\n", 2, "“x” is not a whole number"),
        ("3 1\n1 2 -1 0\n0\n", 2, "“-1” is not a whole number"),
        ('3 1\n1 2 0\n"Ada"\n', 3, 'add a line "0" after the last ballot'),
        ("3 1\n1 2 0\n", 2, 'ends before the line "0"'),
        ('3 1\n1 2 0\n0\n"Ada"\n"Ben"\n', 5, "it needs 3 names and then a title"),
        ('3 1\n1 2 0\n0\n"Ada"\nBen\n"Cy"\n"T"\n', 5, "candidate 2's name must be in double quotes"),
        ('3 1\n1 2 0\n0\n"Ada"\n"Ben"\n"Ada"\n"T"\n', 6, "same name as candidate 1"),
        ('3 1\n1 2 0\n0\n"Ada"\n"Ben"\n""\n"T"\n', 6, "candidate 3's name is empty"),
        ('3 1\n1 2 0\n0\n"Ada"\n"Ben"\n"Cy"\n', 6, "the title is missing"),
        ('3 1\n1 2 0\n0\n"Ada"\n"Ben"\n"Cy"\nT\n', 7, "the title must be in double quotes"),
        ('3 1\n1 2 0\n0\n"Ada"\n"Ben"\n"Cy"\n"T"\n"extra"\n', 8, "unexpected text after the title"),
    ],
)
def test_a_malformed_file_is_refused_naming_its_line(text, line, words):
    errors = errors_of(text)
    assert errors[0][0] == line
    assert words in errors[0][1]


def test_the_message_names_the_line_for_people():
    with pytest.raises(BLTError) as caught:
        read_blt('3 1\n1 2 0\n1 1 9 0\n0\n"A"\n"B"\n"C"\n"T"\n')
    message = "The BLT file is not well formed: line 3: candidate 9 is not one of the 3 candidates."
    assert caught.value.message == message
    assert caught.value.code == "malformed_blt"


def test_every_bad_ballot_line_is_listed_not_only_the_first():
    text = '3 1\n1 1 0\n1 4 0\n2 1 2 0\n1 2 2 0\n1 3 0\n0\n"A"\n"B"\n"C"\n"T"\n'
    assert [line for line, _ in errors_of(text)] == [3, 5]


def test_binary_is_refused():
    assert "not a text file" in errors_of(b"\x00\x01\x02")[0][1]


def test_empty_papers_are_invalid_and_the_papers_after_them_still_count():
    # Empty papers between good ones: the reading goes on past them, and the
    # count treats them as invalid — not as the end of the ballots.
    text = '3 1\n2 1 0\n1 0\n3 0\n4 2 0\n5 0\n1 3 0\n0\n"A"\n"B"\n"C"\n"T"\n'
    result = count(read_blt(text), "fptp", seed="s")
    assert result.invalid_ballots == 9  # 1 + 3 + 5 papers with no preference
    assert result.valid_ballots == 7
    assert result.stages[0].totals == {"A": "2.00000", "B": "4.00000", "C": "1.00000"}
    assert result.elected == ["B"]


def test_a_paper_for_withdrawn_candidates_only_is_invalid():
    text = '3 1\n-2\n4 2 0\n1 1 2 0\n0\n"A"\n"B"\n"C"\n"T"\n'
    result = count(read_blt(text), "scottish_stv", seed="s")
    assert (result.valid_ballots, result.invalid_ballots) == (1, 4)
    assert "B" not in result.stages[0].totals
    assert result.withdrawn == ["B"]


def test_writing_gives_the_format_back():
    ballots = Ballots(
        ("Ada", "Ben", "Cy"),
        2,
        (BallotGroup(3, (0, 1)), BallotGroup(1, ()), BallotGroup(2, (2,))),
        "AGM",
        frozenset({1}),
    )
    assert write_blt(ballots) == '3 2\n-2\n3 1 2 0\n1 0\n2 3 0\n0\n"Ada"\n"Ben"\n"Cy"\n"AGM"\n'


@settings(deadline=None)
@given(elections())
def test_what_is_written_reads_back_as_the_same_ballots(ballots):
    assert read_blt(write_blt(ballots)) == ballots.canonical()


@settings(deadline=None)
@given(elections(), st.randoms(use_true_random=False))
def test_the_hash_is_of_the_papers_not_of_their_order_or_grouping(ballots, rnd):
    groups = []
    for g in ballots.groups:  # split each group into single papers, then shuffle
        groups.extend([BallotGroup(1, g.ranking)] * g.weight)
    rnd.shuffle(groups)
    shuffled = Ballots(ballots.candidates, ballots.seats, tuple(groups), ballots.title, ballots.withdrawn)
    assert shuffled.sha256() == ballots.sha256()
    canonical = write_blt(ballots.canonical()).encode()
    assert ballots.sha256() == hashlib.sha256(canonical).hexdigest()


def test_the_hash_changes_with_one_paper():
    ballots = read_blt(GOOD)
    more = Ballots(ballots.candidates, ballots.seats, (*ballots.groups, BallotGroup(1, (1,))), ballots.title, {2})
    assert more.sha256() != ballots.sha256()


def test_a_large_file_reads_with_identical_papers_merged():
    rng = random.Random(7)
    lines = [f"1 {' '.join(str(c) for c in rng.sample(range(1, 6), rng.randint(1, 5)))} 0" for _ in range(5000)]
    text = "5 2\n" + "\n".join(lines) + '\n0\n"A"\n"B"\n"C"\n"D"\n"E"\n"T"\n'
    ballots = read_blt(text)
    assert ballots.ballot_papers == 5000
    assert len(ballots.groups) == len({g.ranking for g in ballots.groups}) < 5000
