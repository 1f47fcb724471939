import pytest

from groups.models import RoleName
from groups.services.branches import create_branch

from .factories import BranchFactory, RoleFactory, UserFactory
from .served import _served_once, served  # noqa: F401 - the app served by gunicorn, once per session


@pytest.fixture
def user_factory(db):
    return UserFactory


@pytest.fixture
def branch(db):
    """A branch made the way organisers make one: default categories and preset rules."""
    organiser = UserFactory(email="organiser@example.org")
    return create_branch(name="Green Lanes Branch", slug="green-lanes", actor=organiser)


@pytest.fixture
def organiser(branch):
    return branch.roles.get(role=RoleName.ORGANISER).user


@pytest.fixture
def steward(branch):
    return RoleFactory(branch=branch, role=RoleName.STEWARD, user__email="steward@example.org").user


@pytest.fixture
def member(branch):
    return RoleFactory(branch=branch, role=RoleName.MEMBER, user__email="member@example.org").user


@pytest.fixture
def other_branch(db):
    return BranchFactory(name="Elsewhere Branch", slug="elsewhere")


@pytest.fixture
def outsider(other_branch):
    """An organiser — of another branch."""
    return RoleFactory(branch=other_branch, role=RoleName.ORGANISER, user__email="outsider@example.org").user


@pytest.fixture
def client_for(client):
    """client_for(user) → a test client signed in as that user."""

    def make(user):
        client.force_login(user)
        return client

    return make


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Real hashing costs ~100 ms per user; tests make many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_api_token(user, *, days=90, **fields):
    """An API token for the user and its key, as the service stores it
    (digest and prefix), without the audit row the service writes.
    ``last_used_at`` defaults to now: the first request then costs no
    "last used" write, and pinned query counts stay those of a busy token."""
    from datetime import timedelta

    from django.utils import timezone

    from groups.models.api_tokens import PREFIX_LENGTH, ApiToken, digest_of
    from groups.services.tokens import new_key

    key = new_key()
    now = timezone.now()
    values = {"name": "Test token", "created_at": now, "last_used_at": now, "expires_at": now + timedelta(days=days)}
    token = ApiToken.objects.create(user=user, prefix=key[:PREFIX_LENGTH], digest=digest_of(key), **(values | fields))
    return token, key


@pytest.fixture
def api(db):
    """api(user) → a DRF test client sending `Authorization: Token <key>` for that user
    (the same token each time for one user); api() → an anonymous one."""
    from rest_framework.test import APIClient

    keys = {}

    def make(user=None):
        client = APIClient()
        if user is not None:
            if user.pk not in keys:
                keys[user.pk] = make_api_token(user)[1]
            client.credentials(HTTP_AUTHORIZATION=f"Token {keys[user.pk]}")
        return client

    return make


@pytest.fixture(autouse=True)
def _force_login_as_after_two_factor(monkeypatch):
    """client.force_login stands for a full sign-in: it skips allauth's
    stages, so the session is marked as allauth marks one signed in with a
    password and a TOTP code just now. Organisers then are not sent to enrol
    in two-factor (groups/sessions.py) and pass re-authentication
    (groups/reauth.py) as someone who just signed in would. The tests of
    those rules (tests/security/test_sessions.py) sign in through the forms,
    or clear the marks with ``bare_session``."""
    import time

    from allauth.account.internal.flows.login import (
        _AUTHENTICATION_METHODS_USER_SESSION_KEY,
        AUTHENTICATION_METHODS_SESSION_KEY,
    )
    from allauth.account.internal.userkit import user_id_to_str
    from django.test import Client

    from groups import sessions

    original = Client._login

    def _login(self, user, backend=None):
        original(self, user, backend)
        session = self.session
        at = time.time()
        session[AUTHENTICATION_METHODS_SESSION_KEY] = [
            {"method": "password", "at": at, "email": user.email},
            {"method": "mfa", "at": at, "type": "totp"},
        ]
        session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = user_id_to_str(user)
        session[sessions.MFA_OK] = True
        session.save()

    monkeypatch.setattr(Client, "_login", _login)


@pytest.fixture(autouse=True)
def _own_redis_keys(settings):
    """With REDIS_URL, rate-limit counts live in Redis, outside the test's
    transaction: give each test keys of its own, so that no test inherits
    another's counts (the database cache and counter roll back by themselves); the eligible
    counts' cache likewise."""
    import uuid

    default = settings.CACHES["default"]
    caches = dict(settings.CACHES)
    if "redis" in default["BACKEND"].lower():
        caches["default"] = {**default, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    # The eligible counts outlive the test's transaction wherever they are (memory or Redis), and
    # branch ids come round again after a rollback: each test counts for itself.
    caches["counts"] = {**settings.CACHES["counts"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    settings.CACHES = caches
