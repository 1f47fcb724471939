"""Normalising what people type or import: postcodes, phone numbers, emails,
and making cells safe to open in a spreadsheet."""

from __future__ import annotations

import re

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


def phone(value: str, region: str = "GB") -> str:
    """Any common way of writing a phone number → E.164 ('+447700900154')."""
    raw = (value or "").strip()
    if not raw:
        return ""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise NormaliseError(f"“{raw}” is not a phone number") from None
    if not phonenumbers.is_possible_number(number):
        raise NormaliseError(f"“{raw}” is not a valid phone number (check the number of digits)")
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


def spreadsheet_safe(value) -> str:
    """Escape a cell a spreadsheet would run as a formula (CSV injection):
    prefix it with an apostrophe, which spreadsheets show as text."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text
