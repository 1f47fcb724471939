import pytest

from groups.models import RoleName
from groups.services.branches import create_branch

from .factories import BranchFactory, RoleFactory, UserFactory


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


@pytest.fixture
def api(db):
    """api(user) → a DRF test client sending `Authorization: Token <key>` for that user;
    api() → an anonymous one."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    def make(user=None):
        client = APIClient()
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture(autouse=True)
def _own_redis_keys(settings):
    """With REDIS_URL, rate-limit counts live in Redis, outside the test's
    transaction: give each test keys of its own, so that no test inherits
    another's counts (the database cache and counter roll back by themselves)."""
    import uuid

    default = settings.CACHES["default"]
    if "redis" in default["BACKEND"].lower():
        settings.CACHES = {**settings.CACHES, "default": {**default, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}}
