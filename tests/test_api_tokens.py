"""API tokens: the api_token command and the "API token" page."""

import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token

from groups.models import AuditEvent

from .factories import UserFactory


def test_api_token_command_creates_once_then_prints_the_same(capsys, organiser):
    call_command("api_token", "ORGANISER@example.org")
    first = capsys.readouterr()
    key = first.out.strip()
    assert key == Token.objects.get(user=organiser).key
    assert "Created a new API token" in first.err
    call_command("api_token", "organiser@example.org")
    again = capsys.readouterr()
    assert again.out.strip() == key
    assert again.err == ""
    assert AuditEvent.objects.filter(action="api_token.create").count() == 1


def test_api_token_command_unknown_email(db):
    with pytest.raises(CommandError, match="No user has the email address nobody@example.org"):
        call_command("api_token", "nobody@example.org")
    assert not Token.objects.exists()


def test_the_printed_token_works(capsys, api, organiser, branch):
    call_command("api_token", "organiser@example.org")
    key = capsys.readouterr().out.strip()
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/branches/").json()["count"] == 1


def test_tokens_page_needs_sign_in(client, db):
    response = client.get("/account/api-tokens/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_create_shows_the_key_once(client_for, db):
    user = UserFactory()
    client = client_for(user)
    page = client.get("/account/api-tokens/").content.decode()
    assert "You have no API token" in page
    response = client.post("/account/api-tokens/")
    key = Token.objects.get(user=user).key
    assert key in response.content.decode()
    assert "only time Rollcall shows it" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    later = client.get("/account/api-tokens/").content.decode()
    assert key not in later
    assert "Active" in later and "Revoke token" in later


def test_create_again_rotates(client_for, db):
    user = UserFactory()
    client = client_for(user)
    client.post("/account/api-tokens/")
    old = Token.objects.get(user=user).key
    client.post("/account/api-tokens/")
    new = Token.objects.get(user=user).key
    assert new != old
    assert Token.objects.filter(user=user).count() == 1
    summaries = list(
        AuditEvent.objects.filter(action="api_token.create").order_by("id").values_list("summary", flat=True)
    )
    assert summaries == ["Created an API token", "Replaced the API token"]


def test_revoke_stops_the_token_working(client_for, api, organiser, branch):
    token_client = api(organiser)
    assert token_client.get("/api/v1/branches/").status_code == 200
    response = client_for(organiser).post("/account/api-tokens/revoke/", follow=True)
    assert "Your API token is revoked" in response.content.decode()
    assert not Token.objects.filter(user=organiser).exists()
    assert token_client.get("/api/v1/branches/").status_code == 401
    event = AuditEvent.objects.get(action="api_token.revoke")
    assert event.actor == organiser and event.branch is None


def test_revoke_without_a_token(client_for, db):
    response = client_for(UserFactory()).post("/account/api-tokens/revoke/", follow=True)
    assert "You had no API token to revoke" in response.content.decode()
    assert not AuditEvent.objects.filter(action="api_token.revoke").exists()


def test_audit_events_never_hold_the_key(client_for, db):
    user = UserFactory()
    client = client_for(user)
    client.post("/account/api-tokens/")
    key = Token.objects.get(user=user).key
    client.post("/account/api-tokens/revoke/")
    for event in AuditEvent.objects.all():
        assert key not in f"{event.summary} {event.changes} {event.object_id}"


def test_account_menu_links_to_the_page(client_for, organiser, branch):
    page = client_for(organiser).get("/b/green-lanes/").content.decode()
    assert 'href="/account/api-tokens/"' in page


def test_revoke_is_post_only(client_for, db):
    assert client_for(UserFactory()).get("/account/api-tokens/revoke/").status_code == 405
