"""API tokens attacked (issue 16 item 3; ASVS 3.5.2, 3.3.3): the key is
never stored, an expired or revoked token is a 401 like a made-up one, a
password change or a deactivation revokes every token, and a token cannot
be made without re-authenticating — with a TOTP code once enrolled."""

from datetime import timedelta

import pytest
from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from groups.models import ApiToken, AuditEvent

from ..conftest import make_api_token
from ..factories import PASSWORD, UserFactory
from ..test_accounts import _enrol_totp, login, totp_code

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-much-longer-new-password-42"


def _api(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _tables_text() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, prefix, digest FROM groups_apitoken")
        return repr(cursor.fetchall())


def test_the_key_is_stored_only_as_its_digest(client_for, db):
    user = UserFactory()
    key = client_for(user).post("/account/api-tokens/", {"name": "Sheet", "days": "90"}).context["new_key"]
    import hashlib

    stored = _tables_text()
    assert key not in stored
    assert hashlib.sha256(key.encode()).hexdigest() in stored
    assert _api(key).get("/api/v1/branches/").status_code == 200


def test_an_expired_token_is_a_401(organiser, branch):
    token, key = make_api_token(organiser)
    assert _api(key).get("/api/v1/branches/").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = _api(key).get("/api/v1/branches/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def test_a_revoked_token_is_a_401(organiser, branch):
    token, key = make_api_token(organiser, revoked_at=timezone.now())
    assert _api(key).get("/api/v1/branches/").status_code == 401


def test_last_used_is_recorded_without_a_write_per_request(organiser, branch):
    token, key = make_api_token(organiser, last_used_at=None)
    client = _api(key)
    client.get("/api/v1/branches/")
    token.refresh_from_db()
    assert token.last_used_at is not None
    first = token.last_used_at
    client.get("/api/v1/branches/")
    token.refresh_from_db()
    assert token.last_used_at == first


def test_a_password_change_revokes_every_token(client, db):
    user = UserFactory(email="ada@example.org")  # no role: no two-factor enrolment asked first
    keys = [make_api_token(user)[1], make_api_token(user)[1]]
    login(client, user.email)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    for key in keys:
        assert _api(key).get("/api/v1/branches/").status_code == 401
    assert AuditEvent.objects.get(action="api_token.revoke").summary == "Revoked 2 API tokens: the password changed"


def test_a_password_reset_in_the_admin_or_shell_revokes_too(organiser, branch):
    _, key = make_api_token(organiser)
    organiser.set_password(NEW_PASSWORD)
    organiser.save()
    assert _api(key).get("/api/v1/branches/").status_code == 401


def test_deactivating_the_user_revokes_every_token(organiser, branch):
    token, key = make_api_token(organiser)
    organiser.is_active = False
    organiser.save(update_fields=["is_active"])
    token.refresh_from_db()
    assert token.revoked_at is not None
    organiser.is_active = True
    organiser.save()
    assert _api(key).get("/api/v1/branches/").status_code == 401  # revoked stays revoked


def test_signing_in_does_not_revoke(client, organiser, branch):
    _, key = make_api_token(organiser)
    login(client, organiser.email)  # saves last_login only
    assert _api(key).get("/api/v1/branches/").status_code == 200


def _stale(client):
    """The session's sign-in happened longer ago than the re-authentication timeout."""
    session = client.session
    for record in session[AUTHENTICATION_METHODS_SESSION_KEY]:
        record["at"] -= 3600
    session.save()


def test_making_a_token_needs_a_recent_password(client, db):
    user = UserFactory(email="ada@example.org")
    login(client, user.email)
    _stale(client)
    response = client.post("/account/api-tokens/", {"name": "Sheet", "days": "90"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert not ApiToken.objects.exists()
    # The password again, and the suspended request goes through.
    response = client.post(response["Location"], {"password": PASSWORD})
    assert ApiToken.objects.filter(user=user, name="Sheet").exists()


def test_with_two_factor_a_password_alone_does_not_make_a_token(client, db):
    user = UserFactory(email="ada@example.org")
    secret = _enrol_totp(client, user)
    login(client, user.email)
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    _stale(client)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})  # a password, but no code
    response = client.post("/account/api-tokens/", {"name": "Sheet", "days": "90"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/reauthenticate/")
    assert not ApiToken.objects.exists()
    from django.core.cache import cache

    cache.clear()  # the sign-in's code was used in this 30-second window
    client.post(response["Location"], {"code": totp_code(secret)})
    assert ApiToken.objects.filter(user=user, name="Sheet").exists()
