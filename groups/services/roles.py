from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from urllib.parse import urljoin

from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .. import normalise
from ..errors import Conflict, InvalidInput, NotAllowed
from ..models import AuditAction, Branch, Role, RoleInvitation, RoleName
from . import audit
from .linking import _link_user_to_people

INVITATION_LIFETIME = timedelta(days=7)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic(durable=True)
def invite_to_role(
    *, branch: Branch, email: str, role: str, actor, at: datetime | None = None, base_url: str | None = None
) -> tuple[RoleInvitation, str]:
    """Returns the invitation and the raw token for the link (stored only hashed).
    With `base_url` (the site's address), the invitation is emailed once the
    transaction commits."""
    try:
        email = normalise.email_address(email).lower()
    except normalise.NormaliseError:
        email = ""
    if role not in RoleName.values:
        raise InvalidInput("Choose organiser, steward or member.", code="bad_role")
    if not email:
        raise InvalidInput("Enter the email address of the person to invite.", code="email_required")
    if Role.objects.filter(branch=branch, user__email__iexact=email).exists():
        raise Conflict(f"{email} already has a role in this branch; change it in the list below.", code="has_role")
    now = at or timezone.now()
    token = secrets.token_urlsafe(32)
    invitation = RoleInvitation.objects.create(
        branch=branch,
        email=email,
        role=role,
        token_hash=_hash(token),
        invited_by=actor,
        created_at=now,
        expires_at=now + INVITATION_LIFETIME,
    )
    audit.record(
        actor=actor,
        branch=branch,
        action=AuditAction.ROLE_INVITE,
        obj=invitation,
        summary=f"Invited someone to be {RoleName(role).label.lower()}",
        changes={"role": {"old": None, "new": role}},
        at=now,
    )
    if base_url:
        link = urljoin(base_url, reverse("role_invitation_accept", args=[token]))
        transaction.on_commit(lambda: _send_invitation_email(invitation, link))
    return invitation, token


def _send_invitation_email(invitation: RoleInvitation, link: str) -> None:
    send_mail(
        subject=normalise.one_line(f"[Rollcall] You are invited to help run {invitation.branch.name}"),
        message=(
            f"You have been invited to be {invitation.get_role_display().lower()} of {invitation.branch.name} "
            f"on Rollcall.\n\nOpen this link and sign in or sign up with {invitation.email}:\n{link}\n\n"
            "The link works once and expires in 7 days."
        ),
        from_email=None,
        recipient_list=[invitation.email],
        # The organiser's page shows the link to pass on by hand if the email never arrives.
        fail_silently=True,
    )


def find_invitation(token: str) -> RoleInvitation | None:
    return RoleInvitation.objects.select_related("branch").filter(token_hash=_hash(token)).first()


@transaction.atomic(durable=True)
def accept_role_invitation(*, token: str, user, at: datetime | None = None) -> Role:
    now = at or timezone.now()
    invitation = (
        RoleInvitation.objects.select_for_update().select_related("branch").filter(token_hash=_hash(token)).first()
    )
    if invitation is None or invitation.revoked_at:
        raise InvalidInput("This invitation link is not valid. Ask the organiser to send a new one.", code="invalid")
    if invitation.accepted_at:
        raise InvalidInput("This invitation has already been used.", code="used")
    if invitation.expires_at < now:
        raise InvalidInput("This invitation has expired. Ask the organiser to send a new one.", code="expired")
    if user.email.lower() != invitation.email.lower():
        raise NotAllowed(
            "This invitation was sent to a different email address. Sign in with the address it was sent to.",
            code="wrong_email",
        )
    role, created = Role.objects.get_or_create(user=user, branch=invitation.branch, defaults={"role": invitation.role})
    old = None if created else role.role
    if not created and role.role != invitation.role:
        _ensure_organiser_remains(invitation.branch, role, invitation.role)
        role.role = invitation.role
        role.save(update_fields=["role"])
    invitation.accepted_at = now
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit.record(
        actor=user,
        branch=invitation.branch,
        action=AuditAction.ROLE_ACCEPT,
        obj=role,
        summary=f"Accepted an invitation to be {role.get_role_display().lower()}",
        changes={"role": {"old": old, "new": role.role}},
        at=now,
    )
    _link_user_to_people(user, at=now)
    return role


def _ensure_organiser_remains(branch: Branch, role: Role, new_role: str | None) -> None:
    if role.role == RoleName.ORGANISER and new_role != RoleName.ORGANISER:
        others = Role.objects.select_for_update().filter(branch=branch, role=RoleName.ORGANISER).exclude(pk=role.pk)
        if not others.exists():
            raise Conflict(
                "A branch must keep at least one organiser. Make someone else an organiser first.",
                code="last_organiser",
            )


@transaction.atomic(durable=True)
def change_role(*, role: Role, new_role: str, actor) -> Role:
    if new_role not in RoleName.values:
        raise InvalidInput("Choose organiser, steward or member.", code="bad_role")
    role = Role.objects.select_for_update().get(pk=role.pk)
    if role.role == new_role:
        return role
    _ensure_organiser_remains(role.branch, role, new_role)
    old = role.role
    role.role = new_role
    role.save(update_fields=["role"])
    audit.record(
        actor=actor,
        branch=role.branch,
        action=AuditAction.ROLE_CHANGE,
        obj=role,
        summary=f"Changed a role from {RoleName(old).label.lower()} to {RoleName(new_role).label.lower()}",
        changes={"role": {"old": old, "new": new_role}},
    )
    return role


@transaction.atomic(durable=True)
def remove_role(*, role: Role, actor) -> None:
    role = Role.objects.select_for_update().get(pk=role.pk)
    _ensure_organiser_remains(role.branch, role, None)
    audit.record(
        actor=actor,
        branch=role.branch,
        action=AuditAction.ROLE_REMOVE,
        obj=role,
        summary=f"Removed the role of {role.get_role_display().lower()}",
        changes={"role": {"old": role.role, "new": None}},
    )
    role.delete()


@transaction.atomic(durable=True)
def revoke_role_invitation(*, invitation: RoleInvitation, actor) -> bool:
    """Withdraw an invitation not yet used. False when there was nothing to
    withdraw (accepted meanwhile, or withdrawn already)."""
    if invitation.accepted_at or invitation.revoked_at:
        return False
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit.record(actor=actor, branch=invitation.branch, action=AuditAction.ROLE_INVITE_REVOKE, obj=invitation)
    return True
