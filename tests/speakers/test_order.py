"""The speakers' list order (groups.speaking.order): the worked examples of
issue 12, each rule on its own, properties, and purity (no Django)."""

import ast
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from groups.speaking.order import Request, Settings, Spoken, order

W = "women_nb"
BALANCE = Settings(targets={W: Fraction(1, 2)}, labels={W: "women and non-binary speakers"})
PEOPLE = {"M1": (1, None), "M2": (2, None), "W1": (3, W), "W2": (4, W)}


def requests(*names, kind="contribution"):
    return [
        Request(key=PEOPLE[n][0], speaker=PEOPLE[n][0], kind=kind, sequence=i, group=PEOPLE[n][1])
        for i, n in enumerate(names)
    ]


def names(placements):
    back = {v[0]: k for k, v in PEOPLE.items()}
    return [back[p.key] for p in placements]


def test_worked_example_nobody_has_spoken():
    placed = order(requests("M1", "M2", "W1", "W2"), settings=BALANCE)
    assert names(placed) == ["M1", "W1", "M2", "W2"]
    assert [p.position for p in placed] == [1, 2, 3, 4]
    assert "women and non-binary speakers" in placed[1].reason
    assert "0 of 1 speeches" in placed[1].reason


def test_worked_example_m1_has_spoken_on_this_item():
    history = [Spoken(speaker=1, kind="contribution", group=None)]
    placed = order(requests("M1", "M2", "W1", "W2"), history=history, settings=BALANCE)
    assert names(placed) == ["W1", "M2", "W2", "M1"]
    assert "has spoken on this item already" in placed[3].reason.lower()


def test_without_the_balance_the_order_asked_is_kept():
    assert names(order(requests("M1", "M2", "W1", "W2"))) == ["M1", "M2", "W1", "W2"]


def test_points_of_order_come_first_and_the_reply_last():
    waiting = [
        Request(key=1, speaker=1, kind="contribution", sequence=0),
        Request(key=2, speaker=2, kind="reply", sequence=1),
        Request(key=3, speaker=3, kind="point_of_order", sequence=2),
        Request(key=4, speaker=4, kind="against", sequence=3),
    ]
    placed = order(waiting)
    assert [p.key for p in placed] == [3, 1, 4, 2]
    assert placed[0].reason.startswith("Point of order")
    assert "right of reply" in placed[-1].reason


def test_for_and_against_alternate_when_asked_to():
    waiting = [
        Request(key=1, speaker=1, kind="for", sequence=0),
        Request(key=2, speaker=2, kind="for", sequence=1),
        Request(key=3, speaker=3, kind="against", sequence=2),
        Request(key=4, speaker=4, kind="for", sequence=3),
        Request(key=5, speaker=5, kind="against", sequence=4),
    ]
    assert [p.key for p in order(waiting)] == [1, 2, 3, 4, 5]
    placed = order(waiting, settings=Settings(alternate=True))
    assert [p.key for p in placed] == [1, 3, 2, 5, 4]
    assert "speaks against, after a speaker for" in placed[1].reason
    # The last speech on the item counts: after a speaker against, one for.
    after = order(waiting, history=[Spoken(speaker=9, kind="against")], settings=Settings(alternate=True))
    assert [p.key for p in after][:2] == [1, 3]


def test_people_with_no_declared_value_are_never_picked_for_the_balance():
    waiting = [
        Request(key=1, speaker=1, kind="contribution", sequence=0, group=None),
        Request(key=2, speaker=2, kind="contribution", sequence=1, group=None),
    ]
    history = [Spoken(speaker=9, kind="contribution", group=None)]
    placed = order(waiting, history=history, settings=BALANCE)
    assert [p.key for p in placed] == [1, 2]
    assert "comes from" not in placed[0].reason


def test_the_group_furthest_below_its_target_goes_next():
    s = Settings(targets={"a": Fraction(1, 2), "b": Fraction(1, 3)})
    waiting = [
        Request(key=1, speaker=1, kind="contribution", sequence=0, group="b"),
        Request(key=2, speaker=2, kind="contribution", sequence=1, group="a"),
    ]
    history = [Spoken(speaker=8, kind="contribution"), Spoken(speaker=9, kind="contribution")]
    # a is 1/2 below its target, b 1/3 below: a first.
    assert [p.key for p in order(waiting, history=history, settings=s)] == [2, 1]


def test_a_point_of_order_does_not_count_as_a_speech_in_the_balance():
    history = [Spoken(speaker=1, kind="point_of_order", group=None)]
    # No debate speech yet: no group is below its target, so the order asked stands.
    placed = order(requests("M2", "W1"), history=history, settings=BALANCE)
    assert names(placed) == ["M2", "W1"]


def test_the_chairs_move_keeps_its_place_with_the_reason():
    waiting = requests("M1", "M2", "W1")
    moved = Request(key=4, speaker=4, kind="contribution", sequence=9, group=W, moved_to=1, moved_reason="Our guest")
    placed = order([*waiting, moved])
    assert [p.key for p in placed] == [4, 1, 2, 3]
    assert placed[0].reason == "Moved here by the chair: Our guest"
    # A move beyond the end is the end.
    far = Request(key=4, speaker=4, kind="contribution", sequence=0, moved_to=99, moved_reason="Later")
    assert [p.key for p in order([*waiting, far])] == [1, 2, 3, 4]


request_lists = st.lists(
    st.tuples(
        st.sampled_from(["contribution", "for", "against", "point_of_order", "point_of_information", "reply"]),
        st.sampled_from([None, "a", "b"]),
        st.booleans(),
    ),
    max_size=12,
)


@settings(max_examples=200, deadline=None)
@given(request_lists, st.booleans(), st.booleans())
def test_every_request_gets_exactly_one_position_and_a_reason(rows, balance, alternate):
    waiting = [Request(key=i, speaker=i, kind=k, sequence=i, group=g) for i, (k, g, _) in enumerate(rows)]
    history = [Spoken(speaker=i, kind="contribution", group=g) for i, (_, g, spoke) in enumerate(rows) if spoke]
    s = Settings(targets={"a": Fraction(1, 2)} if balance else {}, alternate=alternate)
    placed = order(waiting, history=history, settings=s)
    assert sorted(p.key for p in placed) == sorted(r.key for r in waiting)
    assert [p.position for p in placed] == list(range(1, len(waiting) + 1))
    assert all(p.reason for p in placed)
    kinds = [waiting[p.key].kind for p in placed]
    # Points of order lead, replies close.
    n_points, n_replies = kinds.count("point_of_order"), kinds.count("reply")
    assert kinds[:n_points] == ["point_of_order"] * n_points
    assert kinds[len(kinds) - n_replies :] == ["reply"] * n_replies
    # In the debate, nobody who has spoken comes before someone who has not.
    spoke = {h.speaker for h in history}
    debate = [p.key for p in placed if waiting[p.key].kind not in ("point_of_order", "reply")]
    flags = [k in spoke for k in debate]
    assert flags == sorted(flags)


@settings(max_examples=100, deadline=None)
@given(request_lists)
def test_without_balance_or_alternation_the_debate_keeps_the_order_asked(rows):
    waiting = [Request(key=i, speaker=i, kind=k, sequence=i, group=g) for i, (k, g, _) in enumerate(rows)]
    debate = [p.key for p in order(waiting) if waiting[p.key].kind not in ("point_of_order", "reply")]
    assert debate == sorted(debate)


ORDER_PACKAGE = Path(__file__).resolve().parents[2] / "groups" / "speaking"


def django_imports(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append(("." * node.level) + (node.module or ""))
    return [m for m in found if m.startswith(("django", "rest_framework", "groups", ".."))]


def test_the_purity_check_catches_a_django_import():
    assert django_imports("from django.db import models") == ["django.db"]
    assert django_imports("from ..models import Person") == ["..models"]
    assert django_imports("def f():\n    import groups.models\n") == ["groups.models"]
    assert django_imports("from fractions import Fraction\nfrom .order import order") == []


def test_the_order_imports_no_django():
    for path in ORDER_PACKAGE.glob("*.py"):
        assert django_imports(path.read_text()) == [], path.name


def test_importing_the_order_loads_no_django():
    code = "import sys, groups.speaking.order; print(any(m.startswith('django') for m in sys.modules))"
    out = subprocess.run(  # noqa: S603 (our own interpreter and a constant script)
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "False"
