"""UK postcodes and wards as rules compare them (see the engine's docstring)."""

from __future__ import annotations

import re

_OUTWARD = r"[A-Z]{1,2}[0-9][A-Z0-9]?"

_FULL_POSTCODE = re.compile(rf"^({_OUTWARD})([0-9][A-Z]{{2}})$")
# What a rule's postcodes may name: an outward code, a sector ("N15 4") or a full postcode.
POSTCODE_PREFIX = re.compile(rf"^{_OUTWARD}( [0-9]([A-Z]{{2}})?)?$")


def normalise_postcode(value: str) -> str:
    """ "n156gd" → "N15 6GD": upper case, one space before the inward code.

    Input that is not recognisably a full UK postcode is returned upper-cased
    with its whitespace stripped and collapsed.
    """
    compact = "".join(value.split()).upper()
    match = _FULL_POSTCODE.match(compact)
    if match:
        return f"{match.group(1)} {match.group(2)}"
    return " ".join(value.split()).upper()


def normalise_postcode_prefix(value: str) -> str:
    """Normalise a rule's postcode prefix.

    A full postcode is normalised as such ("n154ab" → "N15 4AB"). Otherwise a
    prefix without a space is an outward code and stays as written (upper
    case): "N154" is NOT read as the sector "N15 4"; ``validate`` refuses it.
    A prefix with a space keeps one space: "n15  4" → "N15 4".
    """
    compact = "".join(value.split()).upper()
    if _FULL_POSTCODE.match(compact):
        return normalise_postcode(compact)
    return " ".join(value.split()).upper()


def postcode_matches(postcode: str, prefix: str) -> bool:
    """Whether a normalised postcode lies in a normalised prefix (see module docstring)."""
    if not postcode:
        return False
    if " " in prefix:
        return postcode.startswith(prefix)
    return postcode == prefix or postcode.startswith(prefix + " ")


def ward_key(ward: str) -> str:
    """Wards compare stripped and case-folded."""
    return ward.strip().casefold()
