"""The demo's users: one per role, with a published password."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from ..models import RoleName

DEMO_PASSWORD = "rollcall-demo"  # noqa: S105 (published demo password; the demo refuses to run without DEBUG)
DEMO_USERS = [
    ("organiser@example.org", RoleName.ORGANISER),
    ("steward@example.org", RoleName.STEWARD),
    ("member@example.org", RoleName.MEMBER),
]


def demo_user(email: str):
    User = get_user_model()
    user, _ = User.objects.get_or_create(username=email.split("@")[0], defaults={"email": email})
    user.email = email
    user.set_password(DEMO_PASSWORD)
    user.save()
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user
