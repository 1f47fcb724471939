"""Which column of the file feeds which field, and which branch category each
category value in the file stands for (the organiser's choices, or guesses
from the headers and the category names)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.text import slugify

from .. import cleaning as cleaning_fields
from ..models import Branch, Category
from .report import FileProblem

NEW_CATEGORY = "new"

# Field name → label shown in the mapping form (CONTRACT §3 / §4 names).
FIELDS: dict[str, str] = {
    "first_name": "First name",
    "last_name": "Last name",
    "name": "Full name (split into first and last)",
    "email": "Email",
    "phone": "Phone",
    "postcode": "Postcode",
    "ward": "Ward",
    "date_of_birth": "Date of birth",
    "notes": "Notes",
    "category": "Membership category",
    "membership_number": "Membership number",
    "status": "Membership status",
    "joined": "Joined on",
    "continuous_since": "Continuous membership since",
    "dues_paid_until": "Dues paid until",
}

_ALIASES: dict[str, tuple[str, ...]] = {
    "first_name": ("firstname", "forename", "forenames", "givenname", "first", "christianname"),
    "last_name": ("lastname", "surname", "familyname", "last"),
    "name": ("name", "fullname", "membername"),
    "email": ("email", "emailaddress", "mail", "emailaddr"),
    "phone": (
        "phone",
        "phonenumber",
        "mobile",
        "mobilenumber",
        "mobilephone",
        "telephone",
        "telephonenumber",
        "tel",
        "mobiletelephone",
        "cell",
    ),
    "postcode": ("postcode", "postalcode", "zip", "zipcode"),
    "ward": ("ward", "wardname"),
    "date_of_birth": ("dateofbirth", "dob", "birthdate", "birthday"),
    "notes": ("notes", "note", "comments", "comment"),
    "category": ("category", "membershiptype", "membertype", "type", "membershipcategory"),
    "membership_number": (
        "membershipnumber",
        "membershipno",
        "memberno",
        "membernumber",
        "number",
        "membershipid",
        "memberid",
    ),
    "status": ("status", "membershipstatus", "memberstatus"),
    "joined": ("joined", "datejoined", "joindate", "startdate", "joinedon", "startedon", "memberSince".lower()),
    "continuous_since": ("continuoussince", "continuousmembershipsince", "continuousmembership"),
    "dues_paid_until": ("duespaiduntil", "paidupto", "paiduntil", "duespaidupto", "paidto"),
}
_HEADER_INDEX = {alias: name for name, aliases in _ALIASES.items() for alias in (*aliases, name.replace("_", ""))}
# The person fields a list can fill (not consent: a list is no record of anyone agreeing to anything).
PERSON_FIELDS = tuple(f for f in cleaning_fields.PERSON_FIELDS if f in FIELDS)
MEMBERSHIP_FIELDS = ("membership_number", "status", "joined", "continuous_since", "dues_paid_until")
_MEMBERSHIP_COLUMNS = {  # import field → Membership model field
    "membership_number": "number",
    "status": "status",
    "joined": "started_on",
    "continuous_since": "continuous_since",
    "dues_paid_until": "dues_paid_until",
}


# Status values seen in party and spreadsheet exports → Rollcall's statuses
# (category_key form). The organiser can choose otherwise in the preview.
STATUS_GUESSES: dict[str, str] = {
    **dict.fromkeys(
        (
            "active",
            "current",
            "member",
            "paid",
            "paid up",
            "paid-up",
            "in good standing",
            "good standing",
            "live",
            "new",
            "renewed",
            "ok",
            "yes",
            "full",
        ),
        "active",
    ),
    **dict.fromkeys(
        (
            "lapsed",
            "gone",
            "expired",
            "in arrears",
            "arrears",
            "overdue",
            "unpaid",
            "late",
            "not paid",
            "inactive",
            "dormant",
            "grace",
            "grace period",
        ),
        "lapsed",
    ),
    **dict.fromkeys(("suspended", "frozen", "on hold", "hold", "barred", "administrative suspension"), "suspended"),
    **dict.fromkeys(
        (
            "resigned",
            "left",
            "cancelled",
            "canceled",
            "ended",
            "withdrawn",
            "quit",
            "terminated",
            "closed",
        ),
        "resigned",
    ),
}
STATUSES = ("active", "lapsed", "suspended", "resigned")


def header_key(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", (text or "").strip().lstrip("\ufeff")).lower()


def guess_field(header: str) -> str:
    return _HEADER_INDEX.get(header_key(header), "")


def category_key(value: str) -> str:
    return " ".join((value or "").split()).casefold()


@dataclass
class Plan:
    """What the organiser chose: which column feeds which field, and which
    branch category each category value in the file stands for."""

    columns: list[str]
    fields: list[str]
    category_choice: dict[str, str]  # category_key(value) → slug or NEW_CATEGORY
    categories: dict[str, Category]  # slug → Category
    auto: dict[str, str]  # category_key(name or slug) → slug
    status_choice: dict[str, str] = field(default_factory=dict)  # category_key(value) → status

    def index(self, name: str) -> int | None:
        try:
            return self.fields.index(name)
        except ValueError:
            return None

    def category_for(self, value: str) -> str:
        key = category_key(value)
        if key in self.category_choice:
            return self.category_choice[key]
        return self.auto.get(key) or self.auto.get(slugify(value), "")

    def status_for(self, value: str) -> str:
        """The status a value in the file stands for: the organiser's choice,
        else a guess ("Gone" → lapsed); "" when neither knows it."""
        key = category_key(value)
        return self.status_choice.get(key) or STATUS_GUESSES.get(key, "")


def make_plan(
    branch: Branch,
    columns: list[str],
    mapping: dict[str, str] | None,
    category_map: dict[str, str] | None,
    status_map: dict[str, str] | None = None,
) -> Plan:
    mapping = {header_key(k): v for k, v in (mapping or {}).items()}
    fields: list[str] = []
    for col in columns:
        key = header_key(col)
        chosen = mapping[key] if key in mapping else guess_field(col)
        if chosen and chosen not in FIELDS:
            raise FileProblem(f"“{chosen}” is not a field Rollcall imports (column “{col}”).")
        fields.append(chosen or "")
    categories = {c.slug: c for c in Category.objects.filter(branch=branch)}
    auto = {}
    for c in categories.values():
        auto[category_key(c.name)] = c.slug
        auto[c.slug] = c.slug
    choice = {}
    for value, target in (category_map or {}).items():
        if target and target != NEW_CATEGORY and target not in categories:
            raise FileProblem(f"“{target}” is not one of this branch's categories.")
        if target:
            choice[category_key(value)] = target
    statuses = {}
    for value, target in (status_map or {}).items():
        if target and target not in STATUSES:
            raise FileProblem(f"“{target}” is not a status: use active, lapsed, suspended or resigned.")
        if target:
            statuses[category_key(value)] = target
    return Plan(
        columns=columns, fields=fields, category_choice=choice, categories=categories, auto=auto, status_choice=statuses
    )


def check_columns(plan: Plan) -> None:
    if not any(plan.fields):
        raise FileProblem(
            "The first line of the file is not a header row. Add a first line naming the columns "
            "(for example: First name, Last name, Email, Membership type) and upload it again."
        )
    seen: dict[str, str] = {}
    for col, name in zip(plan.columns, plan.fields, strict=True):
        if not name:
            continue
        if name in seen:
            raise FileProblem(
                f"Two columns feed {FIELDS[name].lower()}: “{seen[name]}” and “{col}”. Ignore one of them."
            )
        seen[name] = col
    if not ({"first_name", "last_name", "name"} & set(seen)):
        raise FileProblem(
            "No column holds people's names. Map a column to first name, last name or full name "
            "(the file's headers are: " + ", ".join(plan.columns) + ")."
        )


def column_label(plan: Plan, name: str) -> str:
    """The file's header for a field (or the field's label when no column feeds it)."""
    i = plan.index(name)
    return plan.columns[i] if i is not None else FIELDS[name]


def person_values(values: dict) -> dict:
    return {k: values[k] for k in PERSON_FIELDS if k in values}


def membership_values(values: dict) -> dict:
    return {_MEMBERSHIP_COLUMNS[k]: values[k] for k in MEMBERSHIP_FIELDS if k in values}
