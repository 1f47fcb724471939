"""A person's details, checked and tidied in one place: `clean_person`. The
people form and the API (through services.people), the door's new-person
form (services.attendance), a registration of interest from a public page
(services.registrations) and the member import (groups/imports/cleaning.py)
all call it, so the same value gets the same answer and the same message.

What differs between those callers is said by keyword, never by a copy:
- `strict_phone`: the import refuses phone numbers that are only "possible
  locally" or keep a stray national 0 (a list's numbers are meant to be whole);
  a person typing one in is trusted with what they typed.
- `lower_email`: registrations store the address in lower case (the address
  is all Rollcall knows about them, and is how they are found again).
- `email_required`: a registration is nothing without an address.

Each problem is reported against its field, in a sentence that says what to
fix. Nothing here reads the database or the clock: uniqueness (an email the
branch already has) is the caller's question, and "today" is an argument.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from . import normalise
from .errors import InvalidInput

PERSON_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "postcode",
    "ward",
    "date_of_birth",
    "notes",
    "consent_email",
    "consent_phone",
)
# "name": one full name, split into first and last (the last word is the last name).
FULL_NAME = "name"
LIMITS = {"first_name": 100, "last_name": 100, "ward": 100, "notes": 5000}
_TRUE = {"1", "true", "yes", "y", "on"}
_FALSE = {"", "0", "false", "no", "n", "off"}


class FieldErrors(dict):
    """{field: [messages]}, in the order found."""

    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        """InvalidInput (code invalid_person) carrying every problem by field,
        its message the first of them."""
        if not self:
            return
        messages = [m for ms in self.values() for m in ms]
        text = messages[0] if len(messages) == 1 else f"There are {len(messages)} problems to fix: {messages[0]}"
        raise InvalidInput(text, code="invalid_person", errors=dict(self))


def _text(value: Any) -> str:
    return "" if value is None else " ".join(str(value).split())


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value is None:
        return False
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"“{value}” is not yes or no")


def split_name(full: str) -> tuple[str, str]:
    """ "Mary Ann Smith" → ("Mary Ann", "Smith"); one word is a first name."""
    first, _, last = _text(full).rpartition(" ")
    return (first, last) if first else (last, "")


def clean_person(
    data: Mapping[str, Any],
    *,
    today: date,
    current: Mapping[str, Any] | None = None,
    strict_phone: bool = False,
    lower_email: bool = False,
    email_required: bool = False,
) -> tuple[dict[str, Any], FieldErrors]:
    """(values, errors): the tidied values of the keys present in `data`, and
    what is wrong with them. Keys are PERSON_FIELDS, or FULL_NAME instead of
    first and last name. `current`: the person's present first and last name,
    when only some fields change (a person keeps a name either way)."""
    errors = FieldErrors()
    for key in sorted(set(data) - set(PERSON_FIELDS) - {FULL_NAME}):
        errors.add(key, f"“{key}” is not a field of a person.")
    out: dict[str, Any] = {}
    if FULL_NAME in data:
        out["first_name"], out["last_name"] = split_name(data[FULL_NAME])
    for key in PERSON_FIELDS:
        if key not in data:
            continue
        value = data[key]
        try:
            if key in ("first_name", "last_name", "ward"):
                out[key] = _text(value)
            elif key == "notes":
                out[key] = "" if value is None else str(value).strip()
            elif key == "email":
                out[key] = _email(value, lower=lower_email)
            elif key == "phone":
                out[key] = normalise.phone("" if value is None else str(value), strict=strict_phone)
            elif key == "postcode":
                out[key] = normalise.postcode("" if value is None else str(value))
            elif key == "date_of_birth":
                out[key] = born = normalise.parse_date(value)
                if born and born > today:
                    raise ValueError("The date of birth cannot be in the future")
            else:  # consent_email, consent_phone
                out[key] = parse_bool(value)
        except ValueError as exc:  # NormaliseError too
            errors.add(key, _sentence(str(exc)))
    for key, limit in LIMITS.items():
        if len(out.get(key) or "") > limit:
            errors.add(FULL_NAME if FULL_NAME in data and key in ("first_name", "last_name") else key, _too_long(limit))
    first = out.get("first_name", (current or {}).get("first_name", ""))
    last = out.get("last_name", (current or {}).get("last_name", ""))
    if not first and not last and not {"first_name", "last_name", FULL_NAME} & set(errors):
        if FULL_NAME in data:
            errors.add(FULL_NAME, "Enter a name.")
        else:
            errors.add("first_name", "Enter a first name or a last name.")
    if email_required and not out.get("email") and "email" not in errors:
        errors.add("email", "Enter an email address.")
    return out, errors


def _email(value: Any, *, lower: bool) -> str:
    text = normalise.email("" if value is None else str(value))
    if len(text) > normalise.EMAIL_MAX:
        raise ValueError(f"An email address has at most {normalise.EMAIL_MAX} characters: check this one")
    try:
        address = normalise.email_address(text)
    except normalise.NormaliseError:
        raise ValueError(f"“{text}” is not an email address (for example name@example.org)") from None
    return address.lower() if lower else address


def _too_long(limit: int) -> str:
    return f"This is longer than {limit} characters; shorten it."


def _sentence(message: str) -> str:
    return message if message.endswith(".") else f"{message}."
