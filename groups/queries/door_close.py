"""Close matches at the door: the names mistyped by a letter or two
("Adeymi" for Adeyemi, "Emer Adeyemi" or "adeyemi emer" for Emre Adeyemi),
asked by groups.queries.door.door_results only when the exact search found
nobody, so a search that finds someone costs what it did.

PostgreSQL: pg_trgm's similarity through its GIN index, best first, with a
LIMIT (groups/sql/door.py `close_matches`, one statement). SQLite: RapidFuzz
(a pinned dependency) over the branch's names, read from the door's name index
alone (`names`), then the few people found (`people`): two statements. The
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


def _rapidfuzz(branch_id: int, words: list[str], *, limit: int) -> list[Person]:
    """The edit distance (optimal string alignment: a swap of two letters is one
    edit) from what was typed to each last name and first name; with more than
    one word, to the whole name either way round too ("adeyemi emer")."""
    rows = statements.names(branch_id)
    typed, edits = " ".join(words), allowed_edits(words)
    choices = [[r[2] for r in rows], [r[1] for r in rows]]
    if len(words) > 1:
        choices += [[f"{r[1]} {r[2]}" for r in rows], [f"{r[2]} {r[1]}" for r in rows]]
    best: dict[int, tuple[int, int]] = {}  # id: (edits, row)
    for names in choices:
        found = process.extract(
            typed, names, scorer=OSA.distance, processor=utils.default_process, score_cutoff=edits, limit=None
        )
        for _, distance, i in found:
            pk = rows[i][0]
            if best.get(pk, (edits + 1,))[0] > distance:
                best[pk] = (distance, i)
    ranked = sorted(best, key=lambda pk: (best[pk][0], *_by_name(rows[best[pk][1]][2], rows[best[pk][1]][1], pk)))
    ranked = ranked[:limit]
    found = statements.people(branch_id, ranked)
    return [found[pk] for pk in ranked if pk in found]
