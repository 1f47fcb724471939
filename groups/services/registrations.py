"""People who register interest from an open meeting's public page: a
Supporter waiting for an organiser's review, approved or rejected."""

from __future__ import annotations

from datetime import datetime

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from ..cleaning import clean_person
from ..errors import Conflict, InvalidInput
from ..models import AuditAction, Category, Meeting, Membership, Person
from . import audit, member_since, people_version
from .consent import confirm_token
from .invitations import site_url


@transaction.atomic(durable=True)
def register_interest(
    *,
    meeting: Meeting,
    name: str,
    email: str,
    consent_email: bool,
    at: datetime | None = None,
    base_url: str | None = None,
) -> Person | None:
    """Someone not yet known asks to hear about meetings. Creates a Supporter
    pending an organiser's review, or — when the email is already known —
    records only that they asked (never a duplicate, and the caller answers
    the same either way). Returns the new person, or None.

    The consent ticked on the form does not count yet (issue 15 item 4):
    once this commits, a link goes to the address given, and following it
    (groups.services.consent.confirm_interest_email) counts it — so nobody is
    emailed on the strength of an address someone else typed."""
    now = at or timezone.now()
    branch = meeting.branch
    if not meeting.is_open_and_published:
        raise InvalidInput("This meeting is not open for registration.", code="not_open")
    values, errors = clean_person(
        {"name": name, "email": email}, today=timezone.localdate(now), lower_email=True, email_required=True
    )
    errors.raise_if_any()
    email = values["email"]
    known = Person.objects.filter(branch=branch, email__iexact=email).first()
    if known is not None:
        audit.record(
            actor=None,
            branch=branch,
            action=AuditAction.PERSON_INTEREST_KNOWN,
            obj=meeting,
            person_id=known.pk,
            summary=f"Someone already known registered interest in “{meeting.title}”",
            at=now,
        )
        return None
    person = Person.objects.create(
        branch=branch,
        **values,
        consent_email=False,
        pending_review=True,
    )
    category = Category.objects.filter(branch=branch, slug="supporter").first()
    if category is not None:
        Membership.objects.create(person=person, branch=branch, category=category, started_on=now.date())
        member_since.refresh([person.pk])
    people_version.bump(branch.pk)
    audit.record(
        actor=None,
        branch=branch,
        action=AuditAction.PERSON_REGISTER_INTEREST,
        obj=person,
        person_id=person.pk,
        summary=f"Registered interest through the page of “{meeting.title}”",
        changes={
            "pending_review": {"old": None, "new": True},
            "meeting": {"old": None, "new": meeting.pk},
            "asked_consent_email": bool(consent_email),
        },
        at=now,
    )
    if consent_email:
        transaction.on_commit(lambda: send_confirmation(person, base_url=base_url))
    return person


def send_confirmation(person: Person, *, base_url: str | None = None) -> None:
    """The double opt-in email: one link that confirms the address and counts
    the consent ticked on the form; a link to the branch's privacy notice."""
    base = site_url(base_url)
    context = {
        "person": person,
        "branch": person.branch,
        "confirm_url": base + reverse("confirm_email", args=[confirm_token(person)]),
        "privacy_url": base + reverse("privacy_notice", args=[person.branch.slug]),
    }
    message = EmailMultiAlternatives(
        subject=f"Confirm your email address for {person.branch.name}",
        body=render_to_string("groups/email/confirm_email.txt", context),
        to=[person.email],
    )
    try:
        message.send()
    except Exception:  # noqa: BLE001 — the registration stands; they can register again
        return


@transaction.atomic(durable=True)
def approve_supporter(*, person: Person, actor) -> Person:
    person = Person.objects.select_for_update().select_related("branch").get(pk=person.pk)
    if not person.pending_review:
        return person
    person.pending_review = False
    person.save(update_fields=["pending_review", "updated_at"])
    audit.record(
        actor=actor,
        branch=person.branch,
        action=AuditAction.PERSON_APPROVE,
        obj=person,
        person_id=person.pk,
        summary="Approved a supporter who registered interest",
        changes={"pending_review": {"old": True, "new": False}},
    )
    return person


@transaction.atomic(durable=True)
def reject_supporter(*, person: Person, actor) -> None:
    person = Person.objects.select_for_update().select_related("branch").get(pk=person.pk)
    if not person.pending_review:
        raise Conflict("Only people waiting for review can be rejected here.", code="not_pending")
    if person.attendances.exists():
        # Attendance records stay (as people.delete_person says): someone who came is approved instead.
        raise Conflict(
            "This person was checked in at a meeting, and attendance records stay: approve them instead.",
            code="person_has_attendance",
        )
    audit.record(
        actor=actor,
        branch=person.branch,
        action=AuditAction.PERSON_REJECT,
        obj=person,
        person_id=person.pk,
        summary="Rejected and deleted a registration of interest",
    )
    person.delete()
    people_version.bump(person.branch_id)
