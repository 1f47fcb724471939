"""Hypothesis strategies: small elections with every kind of paper (empty,
truncated, full), weights above 1, and sometimes a withdrawn candidate."""

from hypothesis import strategies as st

from groups.counting import BallotGroup, Ballots


@st.composite
def rankings(draw, n: int, *, max_length: int | None = None):
    order = draw(st.permutations(range(n)))
    length = draw(st.integers(0, n if max_length is None else min(n, max_length)))
    return tuple(order[:length])


@st.composite
def elections(draw, *, min_candidates=2, max_candidates=6, seats=None, max_groups=14, withdrawn=True, max_marks=None):
    n = draw(st.integers(min_candidates, max_candidates))
    s = draw(st.integers(1, min(4, n))) if seats is None else seats
    groups = draw(
        st.lists(
            st.builds(BallotGroup, st.integers(1, 9), rankings(n, max_length=max_marks)),
            min_size=1,
            max_size=max_groups,
        )
    )
    if not any(g.ranking for g in groups):
        groups.append(BallotGroup(1, (0,)))
    gone = frozenset()
    if withdrawn and n > 2 and draw(st.booleans()):
        gone = frozenset({draw(st.integers(0, n - 1))})
    ballots = Ballots(tuple(f"Candidate {chr(65 + i)}" for i in range(n)), s, tuple(groups), "Generated", gone)
    return ballots


def has_valid_paper(ballots: Ballots, marks: int | None = None) -> bool:
    for g in ballots.groups:
        standing = [c for c in g.ranking if c not in ballots.withdrawn]
        if standing and (marks is None or len(standing) <= marks):
            return True
    return False


def units(text: str) -> int:
    """'12.34567' → 1234567: stage figures back to exact integers for sums."""
    whole, _, frac = text.partition(".")
    return int(whole + frac)
