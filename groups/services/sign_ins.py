"""Failed sign-ins to an existing account, in the audit log (ASVS 7.2): who
was tried and when, never the address typed or the password."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from ..models import AuditAction
from . import audit


@transaction.atomic(durable=True)
def record_failed_sign_in(*, email: str) -> bool:
    """One audit row when ``email`` belongs to an account; nothing for an
    unknown address (a row per made-up address would let anyone fill the log)."""
    user = get_user_model().objects.filter(email__iexact=email.strip()).only("pk").first() if email else None
    if user is None:
        return False
    audit.record(actor=None, branch=None, action=AuditAction.SIGN_IN_FAILED, obj=user, object_type="user")
    return True
