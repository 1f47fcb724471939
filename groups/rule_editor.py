"""The rule editor's form, without JSON and without JavaScript.

A rule is edited as a flat list of conditions combined by "all of" or "any
of"; each condition may be negated. ``Draft.from_definition`` reads a stored
definition into that shape (or says it is too deeply nested to edit here);
``Draft.from_post`` reads the submitted form, keeping what was typed;
``Draft.definition()`` builds the definition and collects errors per field.

Field names: ``name``, ``description``, ``combine``, ``count`` and, per
condition i, ``c{i}-kind``, ``c{i}-negate`` and the kind's own fields
(``c{i}-categories``, ``c{i}-min_age`` …). Submit buttons: ``action`` =
``save`` | ``preview`` | ``add`` (with ``add_kind``) | ``remove-{i}``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .eligibility import engine
from .eligibility.engine import RuleError

KINDS = [
    ("membership", "Membership"),
    ("age", "Age"),
    ("area", "Area (wards or postcodes)"),
    ("attended", "Attendance at recent meetings"),
    ("attribute", "Self-declared answer"),
    ("office", "Holds a position"),
    ("everyone", "Everyone"),
]
KIND_LABELS = dict(KINDS)
STATUS_CHOICES = [(s, s.capitalize()) for s in engine.STATUSES]
UNITS = [("months", "months"), ("years", "years"), ("days", "days")]
MAX_CONDITIONS = 20
FIELD_LABELS = {
    "categories": "categories",
    "statuses": "statuses",
    "since_amount": "minimum length of membership",
    "joined_by": "joined on or before",
    "joined_from": "joined on or after",
    "dues_grace_days": "days of grace",
    "min_age": "youngest age",
    "max_age": "oldest age",
    "wards": "wards",
    "postcodes": "postcode areas",
    "min": "meetings attended",
    "of_last": "recent meetings",
    "answers": "answers",
    "positions": "positions",
}


def months_to_days(months: int) -> int:
    """A month is 365/12 days, rounded half up: 6 months → 183 days."""
    return (months * 730 + 12) // 24


def days_to_amount(days: int) -> tuple[int, str]:
    if days % 365 == 0:
        return days // 365, "years"
    for months in (days * 12 // 365, days * 12 // 365 + 1):
        if months > 0 and months_to_days(months) == days:
            return months, "months"
    return days, "days"


@dataclass
class Condition:
    kind: str
    negate: bool = False
    values: dict = field(default_factory=dict)  # what the form shows / what was typed
    errors: dict = field(default_factory=dict)  # field → message ("" key: the whole condition)

    @property
    def label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    def v(self, key: str, default=""):
        return self.values.get(key, default)


def _split(text: str) -> list[str]:
    return [part.strip() for line in text.splitlines() for part in line.split(",") if part.strip()]


def _leaf_values(kind: str, block) -> dict:
    if kind == "membership":
        values = {
            "categories": list(block.get("categories", [])),
            "statuses": list(block.get("statuses", ["active"])),
            "dues_paid": bool(block.get("dues_paid")),
            "dues_grace_days": str(block.get("dues_grace_days", "")),
            "joined_by": block.get("joined_by", ""),
            "joined_from": block.get("joined_from", ""),
            "since_amount": "",
            "since_unit": "months",
        }
        if block.get("min_days"):
            amount, unit = days_to_amount(block["min_days"])
            values.update(since_amount=str(amount), since_unit=unit)
        return values
    if kind == "age":
        return {"min_age": str(block.get("min", "")), "max_age": str(block.get("max", ""))}
    if kind == "area":
        return {"wards": "\n".join(block.get("wards", [])), "postcodes": "\n".join(block.get("postcodes", []))}
    if kind == "attended":
        return {"min": str(block.get("min", 1)), "of_last": str(block.get("of_last", 3))}
    if kind == "attribute":
        return {"answers": [f"{block['key']}:{v}" for v in block.get("any", [])] if "key" in block else []}
    if kind == "office":
        return {"positions": list(block.get("positions", []))}
    return {}


def empty_condition(kind: str) -> Condition:
    defaults = {
        "membership": {"statuses": ["active"], "since_unit": "months"},
        "attended": {"min": "1", "of_last": "3"},
    }
    values = {**_leaf_values(kind, {}), **defaults.get(kind, {})} if kind != "everyone" else {}
    return Condition(kind=kind, values=values)


@dataclass
class Draft:
    name: str = ""
    description: str = ""
    combine: str = "all"
    conditions: list[Condition] = field(default_factory=list)
    editable: bool = True  # False: nested deeper than the form can show
    errors: dict = field(default_factory=dict)  # "name", "description", "conditions"

    # ------------------------------------------------------------------
    @classmethod
    def from_definition(cls, definition: dict, *, name: str = "", description: str = "") -> Draft:
        draft = cls(name=name, description=description)
        children = [definition]
        ((key, value),) = definition.items()
        if key in ("all", "any"):
            draft.combine, children = key, value
        for child in children:
            negate = False
            ((ckey, cvalue),) = child.items()
            if ckey == "not":
                negate = True
                ((ckey, cvalue),) = cvalue.items()
            if ckey not in KIND_LABELS:
                draft.editable = False
                draft.conditions = []
                return draft
            draft.conditions.append(Condition(kind=ckey, negate=negate, values=_leaf_values(ckey, cvalue)))
        return draft

    @classmethod
    def from_post(cls, data) -> Draft:
        draft = cls(
            name=data.get("name", ""),
            description=data.get("description", ""),
            combine="any" if data.get("combine") == "any" else "all",
        )
        try:
            count = min(int(data.get("count", 0)), MAX_CONDITIONS)
        except ValueError:
            count = 0
        for i in range(count):
            p = f"c{i}-"
            kind = data.get(p + "kind", "")
            if kind not in KIND_LABELS:
                continue
            values: dict = {}
            if kind == "membership":
                values = {
                    "categories": data.getlist(p + "categories"),
                    "statuses": data.getlist(p + "statuses"),
                    "since_amount": data.get(p + "since_amount", "").strip(),
                    "since_unit": data.get(p + "since_unit", "months"),
                    "joined_by": data.get(p + "joined_by", "").strip(),
                    "joined_from": data.get(p + "joined_from", "").strip(),
                    "dues_paid": bool(data.get(p + "dues_paid")),
                    "dues_grace_days": data.get(p + "dues_grace_days", "").strip(),
                }
            elif kind == "age":
                values = {
                    "min_age": data.get(p + "min_age", "").strip(),
                    "max_age": data.get(p + "max_age", "").strip(),
                }
            elif kind == "area":
                values = {"wards": data.get(p + "wards", ""), "postcodes": data.get(p + "postcodes", "")}
            elif kind == "attended":
                values = {"min": data.get(p + "min", "").strip(), "of_last": data.get(p + "of_last", "").strip()}
            elif kind == "attribute":
                values = {"answers": data.getlist(p + "answers")}
            elif kind == "office":
                values = {"positions": data.getlist(p + "positions")}
            draft.conditions.append(Condition(kind=kind, negate=bool(data.get(p + "negate")), values=values))
        return draft

    # ------------------------------------------------------------------
    def add(self, kind: str) -> None:
        if kind in KIND_LABELS and len(self.conditions) < MAX_CONDITIONS:
            self.conditions.append(empty_condition(kind))

    def remove(self, index: int) -> None:
        if 0 <= index < len(self.conditions):
            del self.conditions[index]

    # ------------------------------------------------------------------
    def definition(self, category_slugs: set[str]) -> dict | None:
        """The definition, or None with errors recorded on the draft and its conditions."""
        nodes = []
        for c in self.conditions:
            c.errors = {}
            node = _build(c)
            if node is None:
                continue
            try:
                node = engine.validate(node, category_slugs=category_slugs)
            except RuleError as exc:
                key = exc.path.rsplit(".", 1)[-1].split("[")[0]
                target = {
                    "min": "min_age" if c.kind == "age" else "min",
                    "max": "max_age",
                    "min_days": "since_amount",
                }.get(key, key)
                if target not in c.values:
                    target = ""
                c.errors[target] = _sentence(exc.message)
                continue
            nodes.append({"not": node} if c.negate else node)
        if not self.conditions:
            self.errors["conditions"] = "Add at least one condition. Choose “Everyone” to let anyone in."
        if not self.name.strip():
            self.errors["name"] = "Give the rule a name."
        if self.errors or any(c.errors for c in self.conditions):
            return None
        if len(nodes) == 1:
            return nodes[0]
        return {self.combine: nodes}

    def error_list(self) -> list[tuple[str, str]]:
        """(anchor id, message) for the error summary."""
        out = []
        if "name" in self.errors:
            out.append(("id_name", self.errors["name"]))
        for i, c in enumerate(self.conditions):
            for key, message in c.errors.items():
                anchor = f"c{i}-{key}" if key else f"c{i}"
                where = f", {FIELD_LABELS[key]}" if key in FIELD_LABELS else ""
                out.append((anchor, f"Condition {i + 1} ({c.label.lower()}{where}): {message}"))
        if "conditions" in self.errors:
            out.append(("add_kind", self.errors["conditions"]))
        if "definition" in self.errors:
            out.append(("conditions", self.errors["definition"]))
        return out


def _sentence(message: str) -> str:
    message = message.strip()
    return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")


def _int(c: Condition, key: str, what: str) -> int | None:
    raw = str(c.values.get(key, "")).strip()
    if raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        c.errors[key] = f"Enter {what} as a whole number, like 6."
        return None
    if value < 0:
        c.errors[key] = f"Enter {what} as a number that is not negative."
        return None
    return value


def _date(c: Condition, key: str) -> str | None:
    raw = str(c.values.get(key, "")).strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw).isoformat()
    except ValueError:
        c.errors[key] = "Enter a real date, for example 2016-04-14."
        return None


def _build(c: Condition) -> dict | None:
    """The condition's rule node, or None when the typed values are not numbers or dates."""
    if c.kind == "everyone":
        return {"everyone": True}
    if c.kind == "membership":
        block: dict = {}
        if c.values.get("categories"):
            block["categories"] = list(c.values["categories"])
        statuses = list(c.values.get("statuses") or [])
        if statuses and statuses != ["active"]:
            block["statuses"] = statuses
        amount = _int(c, "since_amount", "the length of membership")
        if amount:
            unit = c.values.get("since_unit")
            block["min_days"] = (
                amount * 365 if unit == "years" else months_to_days(amount) if unit == "months" else amount
            )
        for key in ("joined_by", "joined_from"):
            value = _date(c, key)
            if value:
                block[key] = value
        grace = _int(c, "dues_grace_days", "the days of grace")
        if c.values.get("dues_paid"):
            block["dues_paid"] = True
            if grace:
                block["dues_grace_days"] = grace
        elif grace:
            c.errors["dues_grace_days"] = "Tick “Dues paid up to date” to allow days of grace."
        return None if c.errors else {"membership": block}
    if c.kind == "age":
        block = {}
        for key, out, what in (("min_age", "min", "the youngest age"), ("max_age", "max", "the oldest age")):
            value = _int(c, key, what)
            if value is not None:
                block[out] = value
        if not block and not c.errors:
            c.errors["min_age"] = "Enter a youngest age, an oldest age or both."
        return None if c.errors else {"age": block}
    if c.kind == "area":
        block = {}
        wards, postcodes = _split(c.values.get("wards", "")), _split(c.values.get("postcodes", ""))
        if wards:
            block["wards"] = wards
        if postcodes:
            block["postcodes"] = postcodes
        if not block:
            c.errors["wards"] = "Enter at least one ward or postcode area."
            return None
        return {"area": block}
    if c.kind == "attended":
        minimum = _int(c, "min", "the number of meetings attended")
        of_last = _int(c, "of_last", "the number of recent meetings")
        if minimum is None and "min" not in c.errors:
            c.errors["min"] = "Enter how many meetings they must have attended."
        if of_last is None and "of_last" not in c.errors:
            c.errors["of_last"] = "Enter how many recent meetings to count."
        return None if c.errors else {"attended": {"min": minimum, "of_last": of_last}}
    if c.kind == "attribute":
        pairs = [a.partition(":") for a in c.values.get("answers", [])]
        keys = {key for key, _, _ in pairs}
        if not pairs:
            c.errors["answers"] = "Tick at least one answer."
            return None
        if len(keys) > 1:
            c.errors["answers"] = "Tick answers to one question only; add another condition for another question."
            return None
        return {"attribute": {"key": keys.pop(), "any": [value for _, _, value in pairs]}}
    if c.kind == "office":
        if not c.values.get("positions"):
            c.errors["positions"] = "Tick at least one position."
            return None
        return {"office": {"positions": list(c.values["positions"])}}
    return None
