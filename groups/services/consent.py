"""Consent to be contacted, per channel (email, phone) and purpose (service,
campaigning), with its history (issue 15 item 4). The one writer of
ConsentRecord and of Person's consent fields after creation; `may_contact`
is what every send asks, at send time, on the row it has just locked.

- `record_within`: inside a caller's transaction (a person's form, the
  import, an unsubscribe link) — the Person field and one history row.
- `set_consent`: an organiser records an answer on the person's page, or a
  member changes their own on My details.
- `confirm_interest_email`: the public register-interest form's double
  opt-in — the consent ticked there counts only once the link sent to that
  address is followed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core import signing
from django.db import transaction
from django.utils import timezone

from ..errors import InvalidInput
from ..models import AuditAction, Channel, ConsentMethod, ConsentRecord, Person, Purpose
from . import audit

# (channel, purpose) → the Person field holding the current answer.
FIELDS = {
    (Channel.EMAIL, Purpose.SERVICE): "consent_email",
    (Channel.PHONE, Purpose.SERVICE): "consent_phone",
    (Channel.EMAIL, Purpose.CAMPAIGNING): "campaign_email",
    (Channel.PHONE, Purpose.CAMPAIGNING): "campaign_phone",
}
# The service answers also keep when they last changed (consent_email_at, …).
TIMED = {"consent_email", "consent_phone"}
CONFIRM_SALT = "rollcall.consent.confirm"
CONFIRM_MAX_AGE = timedelta(days=14)


def may_contact(person: Person, channel: str, purpose: str) -> bool:
    """Whether this person may be contacted this way for this purpose now,
    with the address to do it: ask it on the row read at send time."""
    if person.erased_at is not None:
        return False
    if not getattr(person, FIELDS[(channel, purpose)]):
        return False
    return bool(person.email if channel == Channel.EMAIL else person.phone)


def _key(channel: str, purpose: str) -> tuple[str, str]:
    try:
        return Channel(channel), Purpose(purpose)
    except ValueError:
        raise InvalidInput("Choose email or phone, and service messages or campaigning.", code="bad_consent") from None


def record_within(*, person: Person, channel: str, purpose: str, given: bool, method: str, actor, at: datetime) -> bool:
    """Inside the caller's transaction, on a locked or new person: set the
    answer and add its history row. False (and nothing written) when the
    answer was already that."""
    channel, purpose = _key(channel, purpose)
    field = FIELDS[(channel, purpose)]
    if getattr(person, field) == given:
        return False
    updates = {field: given, **({f"{field}_at": at} if field in TIMED else {})}
    Person.objects.filter(pk=person.pk).update(**updates)
    for name, value in updates.items():
        setattr(person, name, value)
    ConsentRecord.objects.create(
        branch_id=person.branch_id,
        person=person,
        channel=channel,
        purpose=purpose,
        given=given,
        method=method,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        at=at,
    )
    return True


def method_for(person: Person, actor) -> str:
    """A change made by the person's own account is theirs; anyone else's is an organiser's record."""
    own = getattr(actor, "is_authenticated", False) and person.user_id is not None and actor.pk == person.user_id
    return ConsentMethod.SELF if own else ConsentMethod.FORM


@transaction.atomic(durable=True)
def set_consent(*, person: Person, channel: str, purpose: str, given: bool, actor, at: datetime | None = None) -> bool:
    """Record one answer (the person's own when the actor is their account,
    else an organiser's), audited. False when it was already that."""
    now = at or timezone.now()
    person = Person.objects.select_for_update().select_related("branch").get(pk=person.pk)
    method = method_for(person, actor)
    changed = record_within(
        person=person, channel=channel, purpose=purpose, given=given, method=method, actor=actor, at=now
    )
    if changed:
        audit.record(
            actor=actor,
            branch=person.branch,
            action=AuditAction.PERSON_CONSENT,
            obj=person,
            person_id=person.pk,
            summary=f"Consent to {channel} for {purpose} {'given' if given else 'withdrawn'}",
            changes={"channel": channel, "purpose": purpose, "given": given, "method": method},
            at=now,
        )
    return changed


# --- the register-interest form's double opt-in ------------------------------------


def confirm_token(person: Person) -> str:
    """The link's token: the person's id, signed; nothing personal in the URL."""
    return signing.dumps({"p": person.pk}, salt=CONFIRM_SALT, compress=False)


def read_confirm_token(token: str) -> Person | None:
    try:
        value = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    pk = value.get("p") if isinstance(value, dict) else None
    if not isinstance(pk, int):
        return None
    return Person.objects.select_related("branch").filter(pk=pk).first()


@transaction.atomic(durable=True)
def confirm_interest_email(*, person: Person, at: datetime | None = None) -> bool:
    """The person followed the link sent to the address they registered:
    their consent to email about meetings counts from now. False when it
    already did."""
    now = at or timezone.now()
    person = Person.objects.select_for_update().select_related("branch").get(pk=person.pk)
    changed = record_within(
        person=person,
        channel=Channel.EMAIL,
        purpose=Purpose.SERVICE,
        given=True,
        method=ConsentMethod.DOUBLE_OPT_IN,
        actor=None,
        at=now,
    )
    if changed:
        audit.record(
            actor=None,
            branch=person.branch,
            action=AuditAction.PERSON_CONFIRM_EMAIL,
            obj=person,
            person_id=person.pk,
            summary=f"Person {person.pk} confirmed their email address; their consent to email now counts",
            changes={"channel": "email", "purpose": "service", "given": True, "method": "double_opt_in"},
            at=now,
        )
    return changed
