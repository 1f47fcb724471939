"""Small elections written the way one reads them: `ward(2, "12 A B", "3 C")`."""

from groups.counting import BallotGroup, Ballots


def ward(seats: int, *papers: str, names: str | None = None, withdrawn: str = "") -> Ballots:
    """Each paper: "weight pref pref …" with candidates as single letters;
    candidates are the letters used (or `names`), in alphabetical order."""
    parsed = []
    for paper in papers:
        weight, *prefs = paper.split()
        parsed.append((int(weight), prefs))
    letters = sorted(names.split() if names else {p for _, prefs in parsed for p in prefs} | set(withdrawn.split()))
    index = {name: i for i, name in enumerate(letters)}
    groups = tuple(BallotGroup(w, tuple(index[p] for p in prefs)) for w, prefs in parsed)
    return Ballots(tuple(letters), seats, groups, "Test", frozenset(index[w] for w in withdrawn.split()))


def table(result) -> list[tuple]:
    """(action, candidate, totals) per stage, the way the stage table reads."""
    return [(s.action, s.candidate, s.totals) for s in result.stages]
