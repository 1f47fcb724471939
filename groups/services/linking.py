"""Linking a signed-in user to the Person records that are theirs (issue 5,
item 4): a Person of a branch where the user has a role, whose email matches
one of the user's VERIFIED email addresses (case-insensitive). Organisers
can undo a link; an undone link is never made again automatically."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q

from ..errors import Conflict
from ..models import AuditAction, Person, Role
from . import audit


def verified_emails(user) -> list[str]:
    from allauth.account.models import EmailAddress

    return [e.lower() for e in EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)]


@transaction.atomic(durable=True)
def link_user_to_people(user, *, at: datetime | None = None) -> list[Person]:
    """Link the user to matching people in the branches where they have a
    role; returns the people newly linked. Called on sign-in and when an email
    address is confirmed (groups/signals.py); accepting a role links too."""
    return _link_user_to_people(user, at=at)


def _link_user_to_people(user, *, at: datetime | None) -> list[Person]:
    """link_user_to_people inside the caller's transaction (its own, or
    services.roles.accept_role_invitation's)."""
    if not getattr(user, "is_authenticated", False):
        return []
    emails = verified_emails(user)
    if not emails:
        return []
    branch_ids = list(Role.objects.filter(user=user).values_list("branch_id", flat=True))
    already = set(Person.objects.filter(user=user).values_list("branch_id", flat=True))
    match = Q()
    for email in emails:
        match |= Q(email__iexact=email)
    candidates = (
        Person.objects.select_for_update()
        .filter(match, branch_id__in=branch_ids, user__isnull=True)
        .exclude(branch_id__in=already)
        .exclude(unlinked_user=user)
        .select_related("branch")
        .order_by("branch_id", "id")
    )
    linked = []
    for person in candidates:
        if person.branch_id in already:
            continue
        person.user = user
        person.save(update_fields=["user", "updated_at"])
        already.add(person.branch_id)
        audit.record(
            actor=user,
            branch=person.branch,
            action=AuditAction.PERSON_LINK_USER,
            obj=person,
            person_id=person.pk,
            summary=f"Linked person {person.pk} to the account that verified their email address",
            changes={"user": {"old": None, "new": user.pk}},
            at=at,
        )
        linked.append(person)
    return linked


@transaction.atomic(durable=True)
def unlink_user(*, person: Person, actor, at: datetime | None = None) -> Person:
    """An organiser undoes a link; the same account is not linked again."""
    person = Person.objects.select_for_update().select_related("branch").get(pk=person.pk)
    if person.user_id is None:
        raise Conflict("This person is not linked to an account.", code="not_linked")
    old = person.user_id
    person.unlinked_user_id = old
    person.user = None
    person.save(update_fields=["user", "unlinked_user", "updated_at"])
    audit.record(
        actor=actor,
        branch=person.branch,
        action=AuditAction.PERSON_UNLINK_USER,
        obj=person,
        person_id=person.pk,
        summary=f"Unlinked person {person.pk} from their account",
        changes={"user": {"old": old, "new": None}},
        at=at,
    )
    return person
