"""API tokens: the api_token command and the "API tokens" page (named,
expiring tokens kept as digests; tests/security/test_tokens.py attacks them)."""

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from groups.models import ApiToken, AuditEvent

from .conftest import make_api_token
from .factories import UserFactory


def _api(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_api_token_command_prints_a_new_working_token_each_time(capsys, organiser, branch):
    call_command("api_token", "ORGANISER@example.org")
    first = capsys.readouterr()
    key = first.out.strip()
    assert "Made the API token" in first.err
    call_command("api_token", "organiser@example.org", "--name", "Sheet")
    second = capsys.readouterr().out.strip()
    assert second != key
    assert list(ApiToken.objects.filter(user=organiser).values_list("name", flat=True)) == [
        "Sheet",
        "Made with manage.py api_token",
    ]
    assert AuditEvent.objects.filter(action="api_token.create").count() == 2
    for k in (key, second):
        assert _api(k).get("/api/v1/branches/").json()["count"] == 1


def test_api_token_command_unknown_email(db):
    with pytest.raises(CommandError, match="No user has the email address nobody@example.org"):
        call_command("api_token", "nobody@example.org")
    assert not ApiToken.objects.exists()


def test_api_token_command_refuses_a_lifetime_beyond_the_maximum(organiser):
    with pytest.raises(CommandError, match="between 1 and 365 days"):
        call_command("api_token", "organiser@example.org", "--days", "1000")


def test_tokens_page_needs_sign_in(client, db):
    response = client.get("/account/api-tokens/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_make_shows_the_key_once_and_lists_the_token(client_for, db):
    user = UserFactory()
    client = client_for(user)
    page = client.get("/account/api-tokens/").content.decode()
    assert "You have no API tokens" in page
    response = client.post("/account/api-tokens/", {"name": "Door phone", "days": "30"})
    html = response.content.decode()
    key = response.context["new_key"]
    assert key in html and "only time Rollcall shows it" in html
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=user)
    assert (token.name, token.prefix) == ("Door phone", key[:8])
    assert (token.expires_at - token.created_at).days == 30
    later = client.get("/account/api-tokens/").content.decode()
    assert key not in later
    assert "Door phone" in later and f"{key[:8]}…" in later and "Revoke" in later


def test_a_second_token_leaves_the_first_working(client_for, db):
    user = UserFactory()
    client = client_for(user)
    first = client.post("/account/api-tokens/", {"name": "One", "days": "90"}).context["new_key"]
    second = client.post("/account/api-tokens/", {"name": "Two", "days": "90"}).context["new_key"]
    assert first != second
    assert _api(first).get("/api/v1/branches/").status_code == 200
    assert _api(second).get("/api/v1/branches/").status_code == 200


def test_a_token_needs_a_name_and_a_lifetime_within_bounds(client_for, db):
    client = client_for(UserFactory())
    response = client.post("/account/api-tokens/", {"name": " ", "days": "30"})
    assert response.status_code == 400 and not ApiToken.objects.exists()
    response = client.post("/account/api-tokens/", {"name": "Sheet", "days": "366"})
    assert response.status_code == 400 and "at most 365 days" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoke_stops_the_token_working(client_for, api, organiser, branch):
    token_client = api(organiser)
    assert token_client.get("/api/v1/branches/").status_code == 200
    token = ApiToken.objects.get(user=organiser)
    response = client_for(organiser).post(f"/account/api-tokens/{token.pk}/revoke/", follow=True)
    assert "“Test token” is revoked" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token_client.get("/api/v1/branches/").status_code == 401
    event = AuditEvent.objects.get(action="api_token.revoke")
    assert event.actor == organiser and event.branch is None


def test_someone_elses_token_is_not_revoked(client_for, organiser, branch):
    token, key = make_api_token(organiser)
    response = client_for(UserFactory()).post(f"/account/api-tokens/{token.pk}/revoke/", follow=True)
    assert "You have no such token" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
    assert not AuditEvent.objects.filter(action="api_token.revoke").exists()


def test_audit_events_never_hold_the_key(client_for, db):
    user = UserFactory()
    client = client_for(user)
    key = client.post("/account/api-tokens/", {"name": "Sheet", "days": "90"}).context["new_key"]
    client.post(f"/account/api-tokens/{ApiToken.objects.get().pk}/revoke/")
    assert AuditEvent.objects.count() == 2
    for event in AuditEvent.objects.all():
        assert key not in f"{event.summary} {event.changes} {event.object_id}"


def test_account_menu_links_to_the_page(client_for, organiser, branch):
    page = client_for(organiser).get("/b/green-lanes/").content.decode()
    assert 'href="/account/api-tokens/"' in page


def test_revoke_is_post_only(client_for, db):
    assert client_for(UserFactory()).get("/account/api-tokens/1/revoke/").status_code == 405
