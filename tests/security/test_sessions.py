"""Sessions attacked (issue 16 item 4; ASVS 3.3.2, 3.3.4, 4.3.1): an idle
session and an old one end, a branch keeps door phones open longer only
within the bound, an organiser without two-factor is sent to enrol, the
sign-out-everywhere button ends the other sessions, and exports, erasure
and role changes ask for the password again when it was typed long ago."""

import pytest
from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from django.test import Client

from groups import sessions
from groups.models import Person, Role, RoleName

from ..factories import PASSWORD, RoleFactory, UserFactory
from ..test_accounts import _enrol_totp, login, signed_in, totp_code

pytestmark = pytest.mark.django_db


class Clock:
    def __init__(self):
        import time

        self.at = time.time()

    def __call__(self):
        return self.at


@pytest.fixture
def clock(monkeypatch):
    pinned = Clock()
    monkeypatch.setattr(sessions, "now", pinned)
    return pinned


def test_an_idle_session_is_signed_out_after_two_hours(client_for, clock, steward, branch):
    client = client_for(steward)
    assert client.get("/b/green-lanes/").status_code == 200
    clock.at += 119 * 60
    assert client.get("/b/green-lanes/").status_code == 200  # in use: the clock restarts
    clock.at += 119 * 60
    assert client.get("/b/green-lanes/").status_code == 200
    clock.at += 121 * 60
    response = client.get("/b/green-lanes/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")
    assert "after 120 minutes without using Rollcall" in response.content.decode()
    assert not signed_in(client)


def test_a_busy_session_still_ends_at_the_absolute_limit(client_for, clock, steward, branch):
    client = client_for(steward)
    for _ in range(12):
        clock.at += 60 * 60
        assert client.get("/b/green-lanes/").status_code == 200
    clock.at += 60
    response = client.get("/b/green-lanes/", follow=True)
    assert "12 hours after signing in" in response.content.decode()


def test_a_branch_keeps_door_phones_open_longer_but_within_the_bound(client_for, clock, steward, branch, settings):
    branch.session_idle_minutes = 10 * 60
    branch.save()
    client = client_for(steward)
    clock.at += 9 * 3600
    assert client.get("/b/green-lanes/").status_code == 200
    settings.SESSION_IDLE_MAX_MINUTES = 4 * 60
    branch.session_idle_minutes = 100 * 60
    branch.save()
    other = Client()
    other.force_login(steward)
    clock.at += 4 * 3600 + 60
    assert other.get("/b/green-lanes/").status_code == 302  # 100 hours asked, 4 allowed


def test_a_member_does_not_get_the_door_phones_timeout(client_for, clock, member, branch):
    branch.session_idle_minutes = 10 * 60
    branch.save()
    client = client_for(member)
    clock.at += 3 * 3600
    assert client.get("/b/green-lanes/").status_code == 302


def test_an_organiser_without_two_factor_is_sent_to_enrol(client, organiser, branch):
    login(client, organiser.email)
    assert signed_in(client)
    response = client.get("/b/green-lanes/")
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/totp/activate/"
    assert client.get("/b/green-lanes/people/").status_code == 302
    # Enrolment (and the re-authentication it asks for) and signing out stay open.
    assert client.get("/accounts/2fa/totp/activate/")["Location"].startswith("/accounts/reauthenticate/")
    assert client.get("/accounts/reauthenticate/").status_code == 200
    assert client.get("/accounts/logout/").status_code == 200


def test_once_enrolled_the_organiser_signs_in_with_a_code_and_gets_in(client, organiser, branch):
    secret = _enrol_totp(client, organiser)
    login(client, organiser.email)
    from django.core.cache import cache

    cache.clear()
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert client.get("/b/green-lanes/").status_code == 200


def test_stewards_need_two_factor_only_where_the_branch_says(client, steward, branch):
    login(client, steward.email)
    assert client.get("/b/green-lanes/").status_code == 200
    client.post("/accounts/logout/")
    branch.mfa_required_for_stewards = True
    branch.save()
    login(client, steward.email)
    assert client.get("/b/green-lanes/")["Location"] == "/accounts/2fa/totp/activate/"


def test_sign_out_everywhere_ends_the_other_sessions(steward, branch):
    laptop, phone = Client(), Client()
    login(laptop, steward.email)
    login(phone, steward.email)
    page = laptop.get("/accounts/sessions/")
    assert page.status_code == 200
    assert page.context["session_count"] == 2
    laptop.post("/accounts/sessions/")
    assert phone.get("/b/green-lanes/").status_code == 302
    assert not signed_in(phone)
    assert laptop.get("/b/green-lanes/").status_code == 200


def _stale(client):
    session = client.session
    for record in session[AUTHENTICATION_METHODS_SESSION_KEY]:
        record["at"] -= 3600
    session.save()


@pytest.fixture
def stale_organiser(client_for, organiser, branch):
    client = client_for(organiser)
    _stale(client)
    return client


def test_an_export_asks_for_the_password_when_it_was_typed_long_ago(stale_organiser):
    response = stale_organiser.get("/b/green-lanes/people/export.csv")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/reauthenticate/?next=%2Fb%2Fgreen-lanes%2Fpeople%2Fexport.csv"
    response = stale_organiser.post(response["Location"], {"password": PASSWORD})
    assert response["Location"] == "/b/green-lanes/people/export.csv"
    assert stale_organiser.get("/b/green-lanes/people/export.csv").status_code == 200


def test_erasure_asks_again_before_it_erases(stale_organiser, branch):
    person = Person.objects.create(branch=branch, first_name="Ana", last_name="Silva")
    url = f"/b/green-lanes/people/{person.pk}/erase/"
    assert stale_organiser.get(url).status_code == 200  # the form shows
    response = stale_organiser.post(url, {"reason": "They asked us to"})
    assert response.status_code == 302 and "reauthenticate" in response["Location"]
    person.refresh_from_db()
    assert person.erased_at is None


def test_a_role_change_asks_again(stale_organiser, branch):
    role = RoleFactory(branch=branch, role=RoleName.STEWARD, user=UserFactory())
    response = stale_organiser.post(f"/b/green-lanes/roles/{role.pk}/change/", {"role": RoleName.ORGANISER})
    assert response.status_code == 302 and "reauthenticate" in response["Location"]
    assert Role.objects.get(pk=role.pk).role == RoleName.STEWARD


def test_sign_out_everywhere_ends_this_session_too(steward, branch):
    from groups.models import AuditEvent

    laptop, phone = Client(), Client()
    login(laptop, steward.email)
    login(phone, steward.email)
    page = laptop.get("/accounts/sessions/").content.decode()
    assert "Sign out everywhere" in page and "This browser" in page
    response = laptop.post("/account/sessions/sign-out-everywhere/", follow=True)
    assert "Signed out everywhere (2 sessions)" in response.content.decode()
    assert not signed_in(laptop) and not signed_in(phone)
    assert phone.get("/b/green-lanes/").status_code == 302
    assert AuditEvent.objects.get(action="account.sign_out_everywhere").actor == steward
