"""Self-declared attributes (issue 13, item 2): special-category data.

Organisers define the branch's questions (key, name, purpose, answers). A
person declares an answer on their own account (/me/), or an organiser records
one they were given, with the person's consent: the consent, its time and who
recorded it are kept. Only organisers see values, and every look is audited
(`view_declarations`). Withdrawing deletes the row; its audit event says that a
value was withdrawn, never which — and no audit event here ever holds a value.
"""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from ..errors import Conflict, InvalidInput, NotAllowed
from ..models import AttributeDefinition, AuditAction, Branch, DeclarationSource, Person, SelfDeclaredAttribute
from . import audit, people_version

_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
MAX_OPTIONS = 30


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def clean_options(options) -> list[dict]:
    """Answers as [{"value": slug, "label": words}], from that shape, a list of
    labels, or text with one answer a line ("Woman", or "woman: Woman")."""
    if isinstance(options, str):
        options = [line for line in options.splitlines() if line.strip()]
    if not isinstance(options, list):
        raise InvalidInput("List the answers, one a line.", code="bad_options", field="options")
    out: list[dict] = []
    for item in options:
        if isinstance(item, dict):
            label, value = str(item.get("label") or item.get("value") or "").strip(), item.get("value")
        else:
            text = str(item).strip()
            value, _, rest = text.partition(":") if ":" in text else ("", "", text)
            label = (rest or text).strip()
        value = slugify(str(value or label))[:60]
        if not label or not value:
            raise InvalidInput("Each answer needs words people can read.", code="bad_options", field="options")
        if len(label) > 100:
            raise InvalidInput("Keep each answer to 100 characters.", code="bad_options", field="options")
        if any(o["value"] == value for o in out):
            raise InvalidInput(f"The answer “{label}” is listed twice.", code="bad_options", field="options")
        out.append({"value": value, "label": label})
    if not out:
        raise InvalidInput("Give at least one answer people may choose.", code="bad_options", field="options")
    if len(out) > MAX_OPTIONS:
        raise InvalidInput(f"Offer at most {MAX_OPTIONS} answers.", code="bad_options", field="options")
    return out


def _clean_name(name: str, purpose: str) -> tuple[str, str]:
    name = (name or "").strip()
    if not name:
        raise InvalidInput("Give the question a name, such as “Gender”.", code="name_required", field="name")
    if len(name) > 100:
        raise InvalidInput("Keep the name to 100 characters.", code="name_too_long", field="name")
    purpose = (purpose or "").strip()
    if not purpose:
        raise InvalidInput(
            "Say why the branch asks: people read it before they answer.", code="purpose_required", field="purpose"
        )
    return name, purpose


@transaction.atomic(durable=True)
def define_attribute(*, branch: Branch, key: str, name: str, purpose: str, options, actor) -> AttributeDefinition:
    """A new question of the branch. Its key is what rules name and never changes."""
    key = (key or "").strip().lower()
    if not _KEY.match(key):
        raise InvalidInput(
            "Give a key of lower-case letters, digits and hyphens, such as “gender”.", code="bad_key", field="key"
        )
    name, purpose = _clean_name(name, purpose)
    options = clean_options(options)
    if AttributeDefinition.objects.filter(branch=branch, key=key).exists():
        raise InvalidInput(f"The branch already asks “{key}”. Choose another key.", code="key_taken", field="key")
    order = AttributeDefinition.objects.filter(branch=branch).count()
    definition = AttributeDefinition.objects.create(
        branch=branch, key=key, name=name, purpose=purpose, options=options, order=order
    )
    audit.record(
        actor=actor,
        branch=branch,
        action=AuditAction.ATTRIBUTE_DEFINE,
        obj=definition,
        summary=f"Added the self-declared question {name}",
        changes={"key": key, "name": name, "options": [o["value"] for o in options]},
    )
    return definition


@transaction.atomic(durable=True)
def update_attribute(
    *, definition: AttributeDefinition, name: str, purpose: str, options, actor
) -> AttributeDefinition:
    """Rename a question, say why again, change its answers. An answer someone
    has given cannot be taken away (they would hold a value nobody offered)."""
    definition = AttributeDefinition.objects.select_for_update().get(pk=definition.pk)
    name, purpose = _clean_name(name, purpose)
    options = clean_options(options)
    kept = {o["value"] for o in options}
    given = set(SelfDeclaredAttribute.objects.filter(definition=definition).values_list("value", flat=True))
    if given - kept:
        raise Conflict(
            "An answer people have given cannot be removed; rename it instead.", code="answer_in_use", field="options"
        )
    changes = audit.diff(definition, {"name": name, "purpose": purpose, "options": options})
    if not changes:
        return definition
    definition.name, definition.purpose, definition.options = name, purpose, options
    definition.save(update_fields=["name", "purpose", "options"])
    audit.record(
        actor=actor,
        branch=definition.branch,
        action=AuditAction.ATTRIBUTE_UPDATE,
        obj=definition,
        summary=f"Changed the self-declared question {name}",
        changes=changes,
    )
    return definition


def _check_value(definition: AttributeDefinition, value: str) -> str:
    value = (value or "").strip()
    if value not in {o.get("value") for o in definition.options}:
        raise InvalidInput(f"Choose one of the answers to “{definition.name}”.", code="bad_value", field="value")
    return value


def _save(person: Person, definition: AttributeDefinition, value: str, source: str, actor) -> None:
    if definition.branch_id != person.branch_id:
        raise InvalidInput("That question is not one of this branch's.", code="bad_definition")
    if person.erased_at is not None:
        raise Conflict("This person's data has been erased.", code="erased")
    value = _check_value(definition, value)
    now = timezone.now()
    fields = {"value": value, "source": source, "consent_given_at": now, "recorded_by": _user(actor)}
    try:
        with transaction.atomic():
            _, created = SelfDeclaredAttribute.objects.update_or_create(
                person=person, definition=definition, defaults=fields
            )
    except IntegrityError:  # two saves at once: the other one won; this one changes it
        SelfDeclaredAttribute.objects.filter(person=person, definition=definition).update(**fields)
        created = False
    people_version.bump(person.branch_id)  # rules may ask for an answer (an `attribute` condition)
    audit.record(
        actor=actor,
        branch=person.branch,
        action=AuditAction.ATTRIBUTE_DECLARE if source == DeclarationSource.SELF else AuditAction.ATTRIBUTE_RECORD,
        object_type="attribute",
        object_id=definition.pk,
        person_id=person.pk,
        # Never the value: the audit log is read more widely than the values may be.
        summary=f"{definition.name}: a value {'given' if created else 'changed'}",
        changes={"question": definition.key, "source": source, "consent_given_at": now},
        at=now,
    )


@transaction.atomic(durable=True)
def declare(*, person: Person, definition: AttributeDefinition, value: str, actor) -> None:
    """The person's own answer, given on their account: consent is the act of giving it."""
    if _user(actor) is None or person.user_id != actor.pk:
        raise NotAllowed("Only the person themselves can declare this on their account.", code="not_yours")
    _save(person, definition, value, DeclarationSource.SELF, actor)


@transaction.atomic(durable=True)
def record_with_consent(*, person: Person, definition: AttributeDefinition, value: str, consent: bool, actor) -> None:
    """An answer the person gave an organiser, recorded by them with the
    person's consent (who recorded it and when are kept)."""
    if consent is not True:
        raise InvalidInput(
            "Record this only with their consent: tick that they agreed to the branch holding it.",
            code="consent_required",
            field="consent",
        )
    _save(person, definition, value, DeclarationSource.ORGANISER, actor)


@transaction.atomic(durable=True)
def withdraw(*, person: Person, definition: AttributeDefinition, actor) -> bool:
    """Withdraw the person's answer: the row goes. True when there was one."""
    deleted = SelfDeclaredAttribute.objects.filter(person=person, definition=definition).delete()[0]
    if deleted:
        people_version.bump(person.branch_id)
        audit.record(
            actor=actor,
            branch=person.branch,
            action=AuditAction.ATTRIBUTE_WITHDRAW,
            object_type="attribute",
            object_id=definition.pk,
            person_id=person.pk,
            summary=f"{definition.name}: value withdrawn",
            changes={"question": definition.key, "withdrawn": True},
        )
    return bool(deleted)


@transaction.atomic(durable=True)
def view_declarations(*, person: Person, actor) -> list[dict]:
    """An organiser looks at the person's values: what they see, and the audit
    row saying they looked (which questions, never the values)."""
    rows = list(
        SelfDeclaredAttribute.objects.filter(person=person)
        .select_related("definition", "recorded_by")
        .order_by("definition__order", "definition__name")
    )
    audit.record(
        actor=actor,
        branch=person.branch,
        action=AuditAction.ATTRIBUTE_VIEW,
        object_type="person",
        object_id=person.pk,
        person_id=person.pk,
        summary=f"Looked at {len(rows)} self-declared value{'s' if len(rows) != 1 else ''} of person {person.pk}",
        changes={"questions": [r.definition.key for r in rows]},
    )
    return [
        {
            "question": r.definition.name,
            "key": r.definition.key,
            "answer": r.definition.label_of(r.value),
            "source": r.get_source_display(),
            "consent_given_at": r.consent_given_at,
            "by_themselves": r.source == DeclarationSource.SELF,
        }
        for r in rows
    ]
