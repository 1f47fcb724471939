"""What the people list's search statements share (groups/sql/people.py and
people_page.py): how a word matches a person's column on each database, a
membership number, the branch's erased people, the columns a found row
carries — written with named parameters (%(branch)s, %(prefix)s, …), so a
statement's parameters are one dict however often its text uses each, where
they were counted out by hand to match the %s in order.

A word's names: branch, prefix (a LIKE pattern), low and high (SQLite's
NOCASE range), word and upper (the membership number as typed and in
capitals). Several words: each word's text and names numbered (`numbered`)."""

from __future__ import annotations

import re

from ..models import Membership, Person
from .core import Table

SEARCHED = ("first_name", "last_name", "email", "postcode")

# SQLite: "starts with `word`, ASCII letters in any case" as a range of the
# NOCASE indexes, where `col LIKE ?` made SQLite plan the statement again on
# every run (a LIKE's parameter decides whether an index can answer it):
# ~0.2 ms for the search's statement. Exact: NOCASE and LIKE both fold A-Z
# only, and compare anything else as it is.
NOCASE = "({0} COLLATE NOCASE >= %(low)s AND {0} COLLATE NOCASE < %(high)s)"
_FOLD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_NAME = re.compile(r"%\((\w+)\)s")
SHARED = frozenset({"branch", "limit", "offset"})  # the same for every word

p, m = Table(Person, "p"), Table(Membership, "m")


def erased() -> str:
    """The branch's erased people (tombstones), through the small partial index person_erased."""
    return f"SELECT {p.id} FROM {p} WHERE {p.branch} = %(branch)s AND {p.erased_at} IS NOT NULL"


def number_ids() -> str:
    """Whom the word names by an exact membership number (as typed or in capitals)."""
    return f"SELECT {m.person} FROM {m} WHERE {m.branch} = %(branch)s AND {m.number} IN (%(word)s, %(upper)s)"


def match(vendor: str, column: str, *, ranged: bool = False) -> str:
    """`column` starts with the word, ignoring case, written as the
    case-insensitive index of migration 0006 stores it (UPPER(col::text) on
    PostgreSQL, COLLATE NOCASE on SQLite) so that index answers it."""
    if vendor == "postgresql":
        return f"UPPER({column}::text) LIKE UPPER(%(prefix)s)"
    return NOCASE.format(column) if ranged else f"{column} LIKE %(prefix)s ESCAPE '\\'"


def upper_range(column: str) -> str:
    """PostgreSQL: UPPER(column) starts with UPPER(word), as a range of its
    text_pattern_ops index (byte order, so exactly "starts with"): from the
    word in capitals up to it with its last character's successor. LIKE says
    the same, but only a literal pattern makes an index range of a LIKE, so
    a prepared statement's generic plan could not use the index and each
    run was planned again (~1 ms for a word of letters at 100,000 people).
    Only for a word whose last character is ASCII (`rangeable`): CHR of the
    next code point is then always a character."""
    upper = f"UPPER({column}::text)"
    high = "LEFT(UPPER(%(word)s), -1) || CHR(ASCII(RIGHT(UPPER(%(word)s), 1)) + 1)"
    return f"{upper} ~>=~ UPPER(%(word)s) AND {upper} ~<~ ({high})"


def rangeable(word: str) -> bool:
    return bool(word) and word[-1].isascii()


def matches(vendor: str, *, ranged: bool = False) -> list[str]:
    """The four ways a word matches a person, in SEARCHED's order."""
    return [match(vendor, getattr(p, name), ranged=ranged) for name in SEARCHED]


def select(columns: tuple[str, ...]) -> str:
    """The branch's people as (id, `columns`), a WHERE to go on with."""
    return f"SELECT {p.id}, " + ", ".join(getattr(p, c) for c in columns) + f" FROM {p} WHERE {p.branch} = %(branch)s"


def prefix(text: str) -> str:
    """A LIKE pattern for "starts with `text`", its wildcards escaped (backslash)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def nocase_range(word: str) -> list[str] | None:
    """[low, high] for NOCASE, or None where no range says it exactly (the
    next character after the last would be an upper-case letter or none)."""
    if not word:
        return None
    low = word.translate(_FOLD)
    after = ord(low[-1]) + 1
    if 0x41 <= after <= 0x5A or 0xD800 <= after <= 0xDFFF or after > 0x10FFFF:
        return None
    return [low, low[:-1] + chr(after)]


def word_params(branch_id: int, word: str, *, ranged: bool = False) -> dict:
    params = {"branch": branch_id, "prefix": prefix(word), "word": word, "upper": word.upper()}
    if ranged:
        params["low"], params["high"] = nocase_range(word)
    return params


def numbered(text: str, i: int) -> str:
    """`text` with its names for word `i` (all but SHARED): %(prefix)s → %(prefix_1)s."""
    return _NAME.sub(lambda found: found[0] if found[1] in SHARED else f"%({found[1]}_{i})s", text)


def numbered_params(params: dict, i: int) -> dict:
    return {(k if k in SHARED else f"{k}_{i}"): v for k, v in params.items()}


def positional(text: str, params: dict) -> tuple[str, list]:
    """The statement with %s in order and its list of values, for where only
    positional parameters go (RawSQL inside an ORM query)."""
    values: list = []

    def one(found: re.Match) -> str:
        values.append(params[found[1]])
        return "%s"

    return _NAME.sub(one, text), values
