"""Close matches at the door: the names mistyped by a letter or two
("Adeymi" for Adeyemi, "Emer Adeyemi" or "adeyemi emer" for Emre Adeyemi),
asked by groups.queries.door.door_results only when the exact search found
nobody, so a search that finds someone costs what it did.

PostgreSQL: pg_trgm's similarity through its GIN index, best first, with a
LIMIT (groups/sql/door.py `close_matches`, one statement). SQLite: RapidFuzz
(a pinned dependency) over the branch's names, each once (`distinct_names`),
then who has the closest (`named`, from the door's name indexes alone), then
the few people shown (`people`): three statements. The
two databases agree on the ordinary cases (tests/door/test_close_matches.py);
at the edges trigrams and edit distance differ (a transposed letter in a
four-letter name is one edit, but shares few trigrams)."""

from __future__ import annotations

from django.db import connection
from rapidfuzz import process, utils
from rapidfuzz.distance import OSA

from ..models import Branch, Person
from ..sql import door as statements

# Fewer letters than this and any name is "close": no fallback.
MIN_LETTERS = 3


def typed_words(q: str) -> list[str]:
    """The words of a name as typed, lower case and without punctuation; [] when `q` is not a
    name (a number, postcode or email: those match exactly or not at all) or too short."""
    if "@" in q or any(ch.isdigit() for ch in q):
        return []
    words = utils.default_process(q).split()
    return words if sum(map(len, words)) >= MIN_LETTERS else []


def allowed_edits(words: list[str]) -> int:
    """A letter or two: one edit (a letter wrong, missing, extra, or two swapped) in a short name, two otherwise."""
    return 1 if sum(map(len, words)) <= 4 else 2


def close_matches(branch: Branch, q: str, *, limit: int) -> list[Person]:
    """At most `limit` of the branch's people (never an erased one) whose name is
    close to `q`, best first, then by last name and first name."""
    words = typed_words(q)
    if not words:
        return []
    if connection.vendor == "postgresql":
        best: dict[int, tuple[float, Person]] = {}
        for score, person in statements.close_matches(branch.pk, words, limit=limit):
            if person.pk not in best or best[person.pk][0] < score:
                best[person.pk] = (score, person)
        ranked = sorted(best.values(), key=lambda sp: (-sp[0], *_by_name(sp[1].last_name, sp[1].first_name, sp[1].pk)))
        return [person for _, person in ranked[:limit]]
    return _rapidfuzz(branch.pk, words, limit=limit)


def _by_name(last: str, first: str, pk: int) -> tuple:
    return last.upper(), first.upper(), pk


# The closest names kept per word and column, and the people read per way of matching them.
NAMES_KEPT = 30
PEOPLE_READ = 500


def _close_names(word: str, names: list[str], edits: int) -> dict[str, int]:
    """The names within `edits` of `word`, with their distance, the closest NAMES_KEPT."""
    found = process.extract(
        word, names, scorer=OSA.distance, processor=utils.default_process, score_cutoff=edits, limit=NAMES_KEPT
    )
    # By the name in lower case: `named` finds every case of a name (NOCASE), the list holds one.
    return {name.lower(): distance for name, distance, _ in found}


def _rapidfuzz(branch_id: int, words: list[str], *, limit: int) -> list[Person]:
    """The edit distance (optimal string alignment: a swap of two letters is one
    edit) from what was typed to each of the branch's names, each name once:
    one word to last and first names; more, the first word and the rest to a
    first and a last name, either way round ("adeyemi emer"), their edits added,
    and all of it to last names (a surname of two words).
    Then the people with the closest names, then the best `limit` of them.
    Three statements: the names, who has them, those people."""
    lasts, firsts = statements.distinct_names(branch_id)
    edits = allowed_edits(words)
    if len(words) == 1:
        near_last, near_first = _close_names(words[0], lasts, edits), _close_names(words[0], firsts, edits)
        pairs = [(near_last, None), (None, near_first)]
    else:
        head, rest = words[0], " ".join(words[1:])
        pairs = [
            (_close_names(rest, lasts, edits), _close_names(head, firsts, edits)),  # first last
            (_close_names(head, lasts, edits), _close_names(rest, firsts, edits)),  # surname first
            (_close_names(" ".join(words), lasts, edits), None),  # a surname of two words ("van Dyjk")
        ]
    ways = [
        {k: list(v) for k, v in (("last_name", last), ("first_name", first)) if v is not None}
        for last, first in pairs
        if all(v is None or v for v in (last, first))
    ]
    best: dict[int, tuple] = {}
    for pk, first_name, last_name in statements.named(branch_id, ways, limit=PEOPLE_READ):
        for last, first in pairs:
            distance = sum(
                names.get(name.lower(), edits + 1)
                for names, name in ((last, last_name), (first, first_name))
                if names is not None
            )
            if distance <= edits and (pk not in best or best[pk][0] > distance):
                best[pk] = (distance, *_by_name(last_name, first_name, pk))
    ranked = sorted(best, key=best.__getitem__)[:limit]
    found = statements.people(branch_id, ranked)
    return [found[pk] for pk in ranked if pk in found]
