"""The audit page's "Changes", said in words: field names as labels, codes and
category slugs as the names people know. The stored event keeps its codes (they
never change once written); only the page translates them."""

from __future__ import annotations

import re

from django import template

from ..models import Category, MeetingStatus, MembershipStatus, Person, RoleName
from ..models.people import Membership

register = template.Library()

# Keys whose values are internal ids: the event's sentence already names the thing.
HIDDEN = {"person", "meeting", "as_person", "user", "copied_from", "attendance"}

LABELS = {
    "consent_email": "Consent to email",
    "consent_phone": "Consent to phone",
    "pending_review": "Waiting for an organiser's review",
    "slug": "Short name",
    "order": "Order",
    "rows": "Rows",
    "filters": "Filters",
    "queued": "Emails queued",
    "remind_days_before": "Reminder, days before",
    "cancel_reason": "Reason for cancelling",
    "quorum_percent": "Quorum (%)",
    "definition": "Rule",
    "selected": "People selected",
    "changed": "People changed",
    "action": "What was done",
    "value": "To",
}
CODED = {
    "role": dict(RoleName.choices),
    "status": {**dict(MembershipStatus.choices), **dict(MeetingStatus.choices)},
}
CATEGORY_KEYS = {"category", "categories", "order"}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")
MEMBERSHIP_KEY = re.compile(r"^memberships\.\d+(?:\.(?P<field>\w+))?$")


def _field_label(name: str) -> str:
    if name in LABELS:
        return LABELS[name]
    fields = {
        f.name: f for model in (Membership, Person) for f in model._meta.get_fields() if hasattr(f, "verbose_name")
    }
    if name in fields:
        return str(fields[name].verbose_name).capitalize()
    return name.replace("_", " ").replace(".", " ").capitalize()


def _needs_categories(events) -> bool:
    for event in events:
        for key in event.changes or {}:
            if key in CATEGORY_KEYS or key.startswith("memberships.") or key == "value":
                return True
    return False


def _words(value, key: str, categories: dict[str, str]) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, (list, tuple)):
        return ", ".join(_words(v, key, categories) for v in value) or "—"
    if isinstance(value, dict):
        if key == "definition":
            return _rule_words(value, categories)
        parts = [f"{_field_label(k)}: {_words(v, k, categories)}" for k, v in value.items() if v not in (None, "")]
        return "; ".join(parts) or "—"
    text = str(value)
    if ISO_DATE.match(text):
        return _date_words(text)
    if key in CATEGORY_KEYS or key.startswith("memberships."):
        return categories.get(text, text)
    if key in CODED:
        return str(CODED[key].get(text, text))
    if key == "action":
        from ..services.people import BULK_ACTIONS

        return BULK_ACTIONS.get(text, text.replace("_", " ").capitalize())
    return text


def _date_words(text: str) -> str:
    """UK dates as the rest of the app writes them: "14 Apr 2016", "Thu 14 Apr 2016, 19:30"."""
    from datetime import date, datetime

    from django.utils import timezone
    from django.utils.dateformat import format as date_format

    if len(text) == 10:
        return date_format(date.fromisoformat(text), "j M Y")
    moment = datetime.fromisoformat(text)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return date_format(moment, "D j M Y, H:i")


def _rule_words(definition: dict, categories: dict[str, str]) -> str:
    from ..eligibility.engine.reasons import summarise

    try:
        return summarise(definition, category_names=categories)
    except Exception:  # noqa: BLE001 - an old or invalid rule: say so rather than show its JSON
        return "a rule that can no longer be read"


def _key_label(key: str) -> str:
    match = MEMBERSHIP_KEY.match(key)
    if match:
        field = match.group("field")
        return f"Membership: {_field_label(field).lower()}" if field else "Membership"
    return _field_label(key)


@register.simple_tag(takes_context=True)
def change_lines(context, event) -> list[tuple[str, str, str | None]]:
    """(label, old, new) for each change, or (label, value, None) for a plain
    fact. Category names are read once per page, and only when an event on it
    names a category."""
    cache = context.render_context
    if "audit_category_names" not in cache:
        events = context.get("page").object_list if context.get("page") else [event]
        cache["audit_category_names"] = (
            dict(Category.objects.filter(branch_id=event.branch_id).values_list("slug", "name"))
            if _needs_categories(events)
            else {}
        )
    categories = cache["audit_category_names"]
    lines = []
    for key, value in (event.changes or {}).items():
        if key in HIDDEN or key.endswith("_at"):  # ids and timestamps: the row's own time says when
            continue
        if isinstance(value, dict) and set(value) == {"old", "new"}:
            lines.append(
                (_key_label(key), _words(value["old"], key, categories), _words(value["new"], key, categories))
            )
        else:
            lines.append((_key_label(key), _words(value, key, categories), None))
    return lines
