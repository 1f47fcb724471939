"""Attacks on the rate limits behind the reverse proxy README deploys with
(ASVS 2.2.1): every request arrives from the proxy's address, and the real
client is in X-Forwarded-For. Replayed against the test client."""

import pytest
from django.urls import reverse

from groups.models import AuditAction, AuditEvent, Person

from ..factories import PASSWORD, UserFactory
from ..meetings_helpers import at, make_meeting

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"
TOO_MANY = "Too many failed login attempts"


@pytest.fixture(autouse=True)
def behind_one_proxy(settings):
    """README's deployment: one proxy, so TRUSTED_PROXY_COUNT=1."""
    settings.TRUSTED_PROXY_COUNT = 1
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1


def sign_in(client, email, password, client_address, forwarded_prefix=""):
    """A sign-in as the proxy passes it on: the proxy appends the address it saw."""
    return client.post(
        "/accounts/login/",
        {"login": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=f"{forwarded_prefix}{client_address}",
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_failed_sign_ins_from_elsewhere_do_not_lock_the_organiser_out(client, django_user_model):
    organiser = UserFactory(email="lock-organiser@example.org")
    for i in range(12):  # made-up accounts, from one attacker
        sign_in(client, f"nobody{i}@example.org", "wrong-password-123", "198.51.100.66")
    assert TOO_MANY in sign_in(client, "nobody99@example.org", "x", "198.51.100.66").content.decode()
    sign_in(client, organiser.email, PASSWORD, "203.0.113.10")
    assert signed_in(client)


def test_guessing_a_stewards_password_elsewhere_does_not_lock_the_steward_out(client):
    steward = UserFactory(email="lock-steward@example.org")
    for _ in range(6):
        sign_in(client, steward.email, "wrong-password-123", "198.51.100.67")
    # The attacker's address is slowed down for this account…
    assert TOO_MANY in sign_in(client, steward.email, PASSWORD, "198.51.100.67").content.decode()
    assert not signed_in(client)
    # …the steward, at the door's own address, is not.
    sign_in(client, steward.email, PASSWORD, "203.0.113.11")
    assert signed_in(client)


def test_a_forged_forwarded_for_does_not_escape_the_limit(client):
    """The client writes whatever it likes on the left; only the proxy's entry counts."""
    for i in range(12):
        sign_in(client, f"forger{i}@example.org", "wrong-password-123", "198.51.100.68", f"192.0.2.{i}, ")
    response = sign_in(client, "forger99@example.org", "x", "198.51.100.68", "192.0.2.200, ")
    assert TOO_MANY in response.content.decode()


def test_failed_sign_ins_to_a_real_account_are_audited_without_the_password(client):
    user = UserFactory(email="audited@example.org")
    sign_in(client, user.email, "wrong-password-123", "203.0.113.12")
    sign_in(client, "made-up@example.org", "wrong-password-123", "203.0.113.12")
    (event,) = AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED)
    assert event.object_id == str(user.pk) and event.actor is None
    assert "wrong-password" not in str(event.summary) + str(event.changes)


def test_register_interest_counts_the_client_not_the_proxy(client, branch, organiser):
    meeting = make_meeting(branch, organiser, kind="open", status="published", starts_at=at(2030, 10, 27))
    url = reverse("public_meeting", args=[branch.slug, meeting.pk])

    def register(i, address):
        body = {"name": f"Sam {i}", "email": f"sam{i}@example.org", "consent_email": "on", "website": ""}
        return client.post(url, body, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address)

    for i in range(6):  # one flood from one address…
        register(i, "198.51.100.69")
    assert register(6, "198.51.100.69").status_code == 429
    # …and someone else, through the same proxy, can still register.
    assert register(7, "203.0.113.13").status_code == 200
    assert Person.objects.filter(email="sam7@example.org").exists()


def test_password_reset_sends_nothing_to_an_unknown_address(client, mailoutbox):
    response = client.post("/accounts/password/reset/", {"email": "typed-by-anyone@example.org"})
    assert response.status_code == 302
    assert mailoutbox == []
