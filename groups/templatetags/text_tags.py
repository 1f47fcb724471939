"""Sentence case for the words allauth writes in title case ("Email Addresses"
→ "Email addresses"), so its pages read like the rest of the app."""

import re

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

KEEP = {"Rollcall"}
_TITLE_WORD = re.compile(r"(?<=[\s-])([A-Z])([a-z]+)\b")


@register.filter(is_safe=True)
def sentence_case(value):
    """Lower-cases capitalised words after the first; leaves acronyms ("TOTP"),
    "I" and anything holding markup alone."""
    text = str(value)
    if "<" in text:
        return value
    first = re.search(r"\w", text)
    start = first.start() if first else 0

    def lower(m):
        keep = m.start() <= start or m.group(0) in KEEP  # the first word keeps its capital
        return m.group(0) if keep else m.group(1).lower() + m.group(2)

    result = _TITLE_WORD.sub(lower, text)
    # Only the case of letters changed: input that was safe stays safe.
    return mark_safe(result) if isinstance(value, SafeString) else result  # noqa: S308
