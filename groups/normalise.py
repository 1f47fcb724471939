"""Normalising what people type or import: postcodes, phone numbers, emails,
dates, and making cells safe to open in a spreadsheet. One value at a time;
groups/cleaning.py puts them together into a person's details."""

from __future__ import annotations

import re
from datetime import date, datetime

import phonenumbers

_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})$")


class NormaliseError(ValueError):
    pass


def postcode(value: str) -> str:
    """'n156gd' → 'N15 6GD'. Raises NormaliseError for what is not a UK postcode."""
    raw = (value or "").strip().upper()
    if not raw:
        return ""
    match = _POSTCODE.match(re.sub(r"\s+", "", raw)[:-3] + " " + re.sub(r"\s+", "", raw)[-3:])
    if not match:
        raise NormaliseError(f"“{value.strip()}” is not a UK postcode (for example N15 4AB)")
    return f"{match.group(1)} {match.group(2)}"


_UK_MOBILE_OR_LANDLINE = re.compile(r"^0([1-9]\d{9})$")


def phone(value: str, region: str = "GB", *, strict: bool = False) -> str:
    """Any common way of writing a phone number → E.164 ('+447700900154').
    `strict` also refuses numbers that are only "possible locally" (12345) or
    keep a stray national 0 (07700 9001 → +44077009001): a membership list's
    numbers are meant to be whole."""
    raw = (value or "").strip()
    if not raw:
        return ""
    # Most UK numbers are written 07700 900154: skip the full parser for those
    # (an import of 100,000 rows reads one each).
    if m := _UK_MOBILE_OR_LANDLINE.match(raw.replace(" ", "")):
        return "+44" + m[1]
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise NormaliseError(f"“{raw}” is not a phone number") from None
    if not phonenumbers.is_possible_number(number):
        raise NormaliseError(f"“{raw}” is not a valid phone number (check the number of digits)")
    if strict and (
        phonenumbers.is_possible_number_with_reason(number) != phonenumbers.ValidationResult.IS_POSSIBLE
        or (number.italian_leading_zero and number.country_code == 44)
    ):
        raise NormaliseError(f"“{raw}” is not a full phone number (check the number of digits)")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_display(value: str) -> str:
    """E.164 → how people write it at home ('07700 900154')."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException:
        return value
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 44
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, fmt)


def email(value: str) -> str:
    return (value or "").strip()


# What the email columns hold (and RFC 5321 allows); Django's validator lets
# through up to 320 characters, which PostgreSQL then refuses with an error.
EMAIL_MAX = 254


def email_address(value: str) -> str:
    """An email address, tidied; "" when none was given. NormaliseError when
    it is not an address or is longer than an address can be."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    text = email(value)
    if text:
        try:
            validate_email(text)
        except ValidationError:
            raise NormaliseError("not an email address") from None
        if len(text) > EMAIL_MAX:
            raise NormaliseError(f"an email address has at most {EMAIL_MAX} characters")
    return text


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def one_line(value) -> str:
    """Text for one line: a calendar's SUMMARY or LOCATION, an email's subject.
    Line breaks (and runs of spaces) become one space: a break in a meeting's
    title made its .ics fail, and would make a header that cannot be sent."""
    return " ".join(str(value or "").split())


# The two ways Rollcall reads a date typed or imported (forms use the same list).
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_date(value) -> date | None:
    """A date from a date, or from text in YYYY-MM-DD or DD/MM/YYYY (as a UK
    spreadsheet writes it); None for nothing. NormaliseError says what to write."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    if m := _ISO_DATE.match(text):
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
    elif m := _UK_DATE.match(text):
        d, mo, y = int(m[1]), int(m[2]), int(m[3])
    else:
        raise NormaliseError(f"“{text}” is not a date: write it as DD/MM/YYYY or YYYY-MM-DD")
    try:
        return date(y, mo, d)
    except ValueError:
        raise NormaliseError(f"“{text}” is not a real date") from None


# A separator then a formula character: opened in a locale whose separator
# is that character (";" in much of Europe, tab for pasted text), "Semi;=1+1"
# is two cells and the second is a formula.
# So an apostrophe goes after the separator too: "Semi;'=1+1".
_SEPARATOR_THEN_FORMULA = re.compile(r"([,;\t])(?=[=+\-@\t\r])")


def spreadsheet_safe(value) -> str:
    """Escape a cell a spreadsheet would run as a formula (CSV injection):
    prefix it with an apostrophe, which spreadsheets show as text; and the
    same after a separator (comma, semicolon, tab) followed by a formula
    character, where a spreadsheet splitting on that separator starts a cell."""
    text = "" if value is None else str(value)
    text = _SEPARATOR_THEN_FORMULA.sub(r"\1'", text)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text
