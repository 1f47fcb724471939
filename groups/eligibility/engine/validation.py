"""Checking a rule definition (CONTRACT.md §2) and reading what it asks about."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from .facts import CONDITIONS, MAX_AGE, MAX_DEPTH, STATUSES, RuleError
from .postcodes import POSTCODE_PREFIX, normalise_postcode_prefix, ward_key

_MEMBERSHIP_KEYS = (
    "categories",
    "statuses",
    "min_days",
    "joined_by",
    "joined_from",
    "dues_paid",
    "dues_grace_days",
)

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _show(value: Any) -> str:
    """A value as JSON for error messages, shortened."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class _Known:
    """What the branch has, when validating against it (None: not checked)."""

    def __init__(self, categories, attributes, positions) -> None:
        self.categories: set[str] | None = categories
        self.attributes: dict[str, list[str]] | None = attributes
        self.positions: set[str] | None = positions


def validate(
    definition: Any,
    *,
    category_slugs: set[str] | None = None,
    attributes: dict[str, list[str]] | None = None,
    position_slugs: set[str] | None = None,
) -> dict:
    """Check a rule definition and return it normalised, or raise ``RuleError``.

    Normalising strips wards, normalises postcode prefixes, removes duplicate
    list entries, turns ``date`` objects into "YYYY-MM-DD" and drops
    ``"dues_paid": false``. Defaults (such as ``statuses``) are not filled in.
    Given the branch's ``category_slugs``, ``attributes`` (key → its answers)
    or ``position_slugs``, a rule naming one the branch does not have is refused.
    """
    return _validate_node(definition, "", 1, _Known(category_slugs, attributes, position_slugs))


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _validate_node(node: Any, path: str, depth: int, known: _Known) -> dict:
    if depth > MAX_DEPTH:
        raise RuleError(path, f"rules may be nested at most {MAX_DEPTH} levels deep")
    if not isinstance(node, dict):
        raise RuleError(path, f"must be a rule (an object with one condition), got {_show(node)}")
    if len(node) != 1:
        found = ", ".join(f'"{k}"' for k in node) or "none"
        raise RuleError(path, f"a rule must have exactly one condition, got {found}")
    ((key, value),) = node.items()
    here = _join(path, str(key))
    if key not in CONDITIONS:
        raise RuleError(here, f"unknown condition (expected one of: {', '.join(CONDITIONS)})")
    if key in ("all", "any"):
        if not isinstance(value, list):
            raise RuleError(here, f"must be a list of rules, got {_show(value)}")
        if key == "any" and not value:
            raise RuleError(here, "must list at least one rule")
        return {key: [_validate_node(v, f"{here}[{i}]", depth + 1, known) for i, v in enumerate(value)]}
    if key == "not":
        return {"not": _validate_node(value, here, depth + 1, known)}
    if key == "everyone":
        if value is not True:
            raise RuleError(here, f"must be true, got {_show(value)}")
        return {"everyone": True}
    if not isinstance(value, dict):
        raise RuleError(here, f"must be an object of settings, got {_show(value)}")
    if key == "membership":
        return {"membership": _validate_membership(value, here, known.categories)}
    if key == "attribute":
        return {"attribute": _validate_attribute(value, here, known.attributes)}
    if key == "office":
        return {"office": _validate_office(value, here, known.positions)}
    if key == "age":
        return {"age": _validate_age(value, here)}
    if key == "area":
        return {"area": _validate_area(value, here)}
    return {"attended": _validate_attended(value, here)}


def _check_keys(block: dict, path: str, allowed: tuple[str, ...]) -> None:
    for k in block:
        if k not in allowed:
            raise RuleError(
                _join(path, str(k)),
                f"unknown setting (expected one of: {', '.join(allowed)})",
            )


def _whole(value: Any, path: str, unit: str, maximum: int | None = None) -> int:
    # bool is an int subclass; JSON true is never a number here.
    if isinstance(value, bool) or not isinstance(value, int):
        raise RuleError(path, f"must be a whole number of {unit}, got {_show(value)}")
    if value < 0:
        raise RuleError(path, f"must not be negative, got {value}")
    if maximum is not None and value > maximum:
        raise RuleError(path, f"must be at most {maximum}, got {value}")
    return value


def _string_list(value: Any, path: str, what: str, plural: str = "") -> list[str]:
    if not isinstance(value, list):
        raise RuleError(path, f"must be a list of {plural or what + 's'}, got {_show(value)}")
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip() or "\x00" in item:
            raise RuleError(f"{path}[{i}]", f"must be a {what}, got {_show(item)}")
        out.append(item.strip())
    return out


def dedupe(items: list[str], key: Callable[[str], str] = str) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        if key(item) not in seen:
            seen.add(key(item))
            out.append(item)
    return out


def _iso_date(value: Any, path: str) -> str:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            raise RuleError(path, f"is not a real date, got {_show(value)}") from None
    raise RuleError(path, f'must be a date as "YYYY-MM-DD", got {_show(value)}')


def _validate_membership(block: dict, path: str, slugs: set[str] | None) -> dict:
    _check_keys(block, path, _MEMBERSHIP_KEYS)
    out: dict[str, Any] = {}
    if "categories" in block:
        here = _join(path, "categories")
        cats = _string_list(block["categories"], here, "category slug")
        if not cats:
            raise RuleError(here, "must list at least one category (leave it out for any category)")
        if slugs is not None:
            for i, slug in enumerate(cats):
                if slug not in slugs:
                    known = ", ".join(sorted(slugs)) or "none"
                    raise RuleError(
                        f"{here}[{i}]",
                        f'unknown category "{slug}" (this branch has: {known})',
                    )
        out["categories"] = dedupe(cats)
    if "statuses" in block:
        here = _join(path, "statuses")
        statuses = _string_list(block["statuses"], here, "status", "statuses")
        if not statuses:
            raise RuleError(here, "must list at least one status (leave it out for active only)")
        for i, status in enumerate(statuses):
            if status not in STATUSES:
                raise RuleError(
                    f"{here}[{i}]",
                    f'unknown status "{status}" (expected one of: {", ".join(STATUSES)})',
                )
        out["statuses"] = dedupe(statuses)
    if "min_days" in block:
        out["min_days"] = _whole(block["min_days"], _join(path, "min_days"), "days")
    for key in ("joined_by", "joined_from"):
        if key in block:
            out[key] = _iso_date(block[key], _join(path, key))
    if "joined_by" in out and "joined_from" in out and out["joined_from"] > out["joined_by"]:
        raise RuleError(
            _join(path, "joined_from"),
            f"is after joined_by ({out['joined_by']}), so no membership could match",
        )
    dues_paid = block.get("dues_paid", False)
    if "dues_paid" in block and not isinstance(dues_paid, bool):
        raise RuleError(_join(path, "dues_paid"), f"must be true or false, got {_show(dues_paid)}")
    if dues_paid:
        out["dues_paid"] = True
    if "dues_grace_days" in block:
        here = _join(path, "dues_grace_days")
        if not dues_paid:
            raise RuleError(here, 'is only allowed together with "dues_paid": true')
        out["dues_grace_days"] = _whole(block["dues_grace_days"], here, "days")
    return out


def _validate_age(block: dict, path: str) -> dict:
    _check_keys(block, path, ("min", "max"))
    if not block:
        raise RuleError(path, 'give at least one of "min" and "max"')
    out = {k: _whole(block[k], _join(path, k), "years", MAX_AGE) for k in ("min", "max") if k in block}
    if "min" in out and "max" in out and out["min"] > out["max"]:
        raise RuleError(
            _join(path, "min"),
            f"must not be more than max ({out['max']}), got {out['min']}",
        )
    return out


def _validate_area(block: dict, path: str) -> dict:
    _check_keys(block, path, ("wards", "postcodes"))
    out: dict[str, list[str]] = {}
    if "wards" in block:
        wards = _string_list(block["wards"], _join(path, "wards"), "ward name")
        out["wards"] = dedupe(wards, ward_key)
    if "postcodes" in block:
        here = _join(path, "postcodes")
        prefixes = []
        for i, raw in enumerate(_string_list(block["postcodes"], here, "postcode area")):
            prefix = normalise_postcode_prefix(raw)
            if not POSTCODE_PREFIX.match(prefix):
                raise RuleError(
                    f"{here}[{i}]",
                    f'must be an outward code such as "N15", a sector such as "N15 4" '
                    f"or a full postcode, got {_show(raw)}",
                )
            prefixes.append(prefix)
        out["postcodes"] = dedupe(prefixes)
    if not out.get("wards") and not out.get("postcodes"):
        raise RuleError(path, "give at least one ward or postcode")
    return out


def _validate_attended(block: dict, path: str) -> dict:
    _check_keys(block, path, ("min", "of_last"))
    for key in ("min", "of_last"):
        if key not in block:
            raise RuleError(_join(path, key), "is required")
    minimum = _whole(block["min"], _join(path, "min"), "meetings")
    of_last = _whole(block["of_last"], _join(path, "of_last"), "meetings")
    if of_last < 1:
        raise RuleError(_join(path, "of_last"), "must be at least 1")
    if minimum > of_last:
        raise RuleError(
            _join(path, "min"),
            f"must not be more than of_last ({of_last}), got {minimum}",
        )
    return {"min": minimum, "of_last": of_last}


_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")


def _slug_list(value: Any, path: str, what: str) -> list[str]:
    items = _string_list(value, path, what)
    for i, item in enumerate(items):
        if not _SLUG.match(item):
            raise RuleError(f"{path}[{i}]", f"must be a {what} (letters, digits, - and _ only), got {_show(item)}")
    return dedupe(items)


def _validate_attribute(block: dict, path: str, attributes: dict[str, list[str]] | None) -> dict:
    _check_keys(block, path, ("key", "any"))
    for key in ("key", "any"):
        if key not in block:
            raise RuleError(_join(path, key), "is required")
    here = _join(path, "key")
    key = block["key"]
    if not isinstance(key, str) or not _SLUG.match(key.strip()):
        raise RuleError(here, f'must be the key of one of the branch\'s questions, such as "gender", got {_show(key)}')
    key = key.strip()
    if attributes is not None and key not in attributes:
        known = ", ".join(sorted(attributes)) or "none"
        raise RuleError(here, f'unknown question "{key}" (this branch asks: {known})')
    here = _join(path, "any")
    values = _slug_list(block["any"], here, "answer")
    if not values:
        raise RuleError(here, "must list at least one answer")
    if attributes is not None:
        for i, value in enumerate(values):
            if value not in attributes[key]:
                offered = ", ".join(attributes[key]) or "none"
                raise RuleError(f"{here}[{i}]", f'"{value}" is not one of the answers to "{key}" ({offered})')
    return {"key": key, "any": values}


def _validate_office(block: dict, path: str, positions: set[str] | None) -> dict:
    _check_keys(block, path, ("positions",))
    here = _join(path, "positions")
    if "positions" not in block:
        raise RuleError(here, "is required")
    slugs = _slug_list(block["positions"], here, "position slug")
    if not slugs:
        raise RuleError(here, "must list at least one position")
    if positions is not None:
        for i, slug in enumerate(slugs):
            if slug not in positions:
                known = ", ".join(sorted(positions)) or "none"
                raise RuleError(f"{here}[{i}]", f'unknown position "{slug}" (this branch has: {known})')
    return {"positions": slugs}


def uses_declared(definition: Any) -> bool:
    """Whether any condition in the rule, at any depth, is ``attribute`` or
    ``office``: the facts then need the person's declared values and terms."""
    if not isinstance(definition, dict):
        return False
    for key, value in definition.items():
        if key in ("attribute", "office"):
            return True
        if key in ("all", "any") and isinstance(value, list):
            if any(uses_declared(child) for child in value):
                return True
        elif key == "not" and uses_declared(value):
            return True
    return False


def category_slugs(definition: Any) -> set[str]:
    """The category slugs a rule names in its ``membership`` conditions, at
    any depth (so a caller knows whether it needs the branch's category names
    to explain a Decision)."""
    found: set[str] = set()
    if not isinstance(definition, dict):
        return found
    for key, value in definition.items():
        if key in ("all", "any") and isinstance(value, list):
            for child in value:
                found |= category_slugs(child)
        elif key == "not":
            found |= category_slugs(value)
        elif key == "membership" and isinstance(value, dict) and isinstance(value.get("categories"), list):
            found |= {c.strip() for c in value["categories"] if isinstance(c, str)}
    return found


def uses_attended(definition: Any) -> bool:
    """Whether any condition in the rule, at any depth, is ``attended`` — so a
    caller can skip loading attendance history and the branch's meetings when
    the rule cannot look at them. Anything that is not a rule node counts as
    no (``evaluate`` rejects it anyway)."""
    if not isinstance(definition, dict):
        return False
    for key, value in definition.items():
        if key == "attended":
            return True
        if key in ("all", "any") and isinstance(value, list):
            if any(uses_attended(child) for child in value):
                return True
        elif key == "not" and uses_attended(value):
            return True
    return False
