"""The demo branch from DESIGN.md's story. Each part of the product adds its
own seeding step to `build_demo`; everything here is fictional."""

from __future__ import annotations

import random

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from .models import AuditEvent, Branch, Role, RoleName
from .services.branches import create_branch

DEMO_SLUG = "demo"
DEMO_PASSWORD = "rollcall-demo"  # noqa: S105 (published demo password; the demo refuses to run without DEBUG)
DEMO_USERS = [
    ("organiser@example.org", RoleName.ORGANISER),
    ("steward@example.org", RoleName.STEWARD),
    ("member@example.org", RoleName.MEMBER),
]


def _demo_user(email: str):
    User = get_user_model()
    user, _ = User.objects.get_or_create(username=email.split("@")[0], defaults={"email": email})
    user.email = email
    user.set_password(DEMO_PASSWORD)
    user.save()
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def _remove_demo_branch() -> None:
    branch = Branch.objects.filter(slug=DEMO_SLUG).first()
    if branch is None:
        return
    # The audit log is append-only everywhere else; only the demo (DEBUG-only)
    # may wipe its own branch, and it does so explicitly here.
    AuditEvent.objects.filter(branch=branch)._raw_delete(connection.alias)
    branch.delete()


@transaction.atomic
def build_demo(*, people: int = 300, seed: int = 2016) -> Branch:
    _remove_demo_branch()
    users = {role: _demo_user(email) for email, role in DEMO_USERS}
    branch = create_branch(
        name="Green Lanes Branch",
        slug=DEMO_SLUG,
        description="A fictional ward branch: party members, registered and affiliated supporters, and "
        "supporters who belong to no party.",
        actor=users[RoleName.ORGANISER],
    )
    for role, user in users.items():
        Role.objects.update_or_create(user=user, branch=branch, defaults={"role": role})
    rng = random.Random(seed)
    for step in DEMO_STEPS:
        step(branch=branch, users=users, rng=rng, people=people)
    return branch


# Seeding steps: each takes (branch, users, rng, people) and adds its part.
DEMO_STEPS: list = []
