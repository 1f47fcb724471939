"""Amendments as words: insert, delete or replace words of a motion, and the
word-by-word difference between two texts (difflib) that the pages and the
API show. Pure: no Django, no database.

The words an amendment names must appear exactly once in the text it
amends, so that nobody can argue over which "the" was meant; the message
says so and asks for a few more words around them."""

from __future__ import annotations

import difflib
import re

INSERT, DELETE, REPLACE = "insert", "delete", "replace"
ACTIONS = (INSERT, DELETE, REPLACE)


class AmendmentError(ValueError):
    """An amendment that cannot be applied: the message says what to fix."""


def _squash(text: str) -> str:
    return " ".join((text or "").split())


def _find_once(text: str, words: str) -> re.Match:
    """The one place `words` stand in `text` (as whole words, spacing ignored)."""
    pattern = r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words.split()) + r"(?!\w)"
    found = list(re.finditer(pattern, text))
    if not found:
        raise AmendmentError(f"The words “{words}” are not in the motion as it now reads.")
    if len(found) > 1:
        raise AmendmentError(
            f"The words “{words}” appear {len(found)} times in the motion: "
            "quote a few more words so only one place matches."
        )
    return found[0]


def apply(text: str, action: str, words: str = "", with_words: str = "") -> str:
    """The motion as it would read with the amendment carried.

    - insert: `with_words` after `words` (at the end when `words` is empty);
    - delete: `words`;
    - replace: `words` by `with_words`.
    """
    words, with_words = _squash(words), _squash(with_words)
    if action not in ACTIONS:
        raise AmendmentError("Choose insert, delete or replace.")
    if action in (INSERT, REPLACE) and not with_words:
        raise AmendmentError("Give the words to insert.")
    if action in (DELETE, REPLACE) and not words:
        raise AmendmentError("Give the words to delete, as they appear in the motion.")
    if action == INSERT and not words:
        return f"{text.rstrip()} {with_words}"
    match = _find_once(text, words)
    head, tail = text[: match.start()], text[match.end() :]
    if action == INSERT:
        return f"{text[: match.end()]} {with_words}{tail}"
    if action == REPLACE:
        return f"{head}{with_words}{tail}"
    # delete: also take away one space beside the words, so no double space is left
    if head.endswith(" ") and (tail.startswith(" ") or not tail or not tail[0].isalnum()):
        head = head[:-1]
    elif tail.startswith(" ") and not head:
        tail = tail[1:]
    result = f"{head}{tail}"
    if not result.strip():
        raise AmendmentError("An amendment cannot delete the whole motion: vote the motion down instead.")
    return result


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """[(op, words)] with op "same", "del" or "ins", word by word, for showing
    an amendment as struck-out and inserted words."""
    a, b = before.split(), after.split()
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("same", " ".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            out.append(("del", " ".join(a[i1:i2])))
        if op in ("insert", "replace"):
            out.append(("ins", " ".join(b[j1:j2])))
    return out
