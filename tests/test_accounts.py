"""Accounts through allauth: sign-up with mandatory verification, email login,
password reset, TOTP with recovery codes, rate limits, and the admin's door."""

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.contrib.auth import get_user_model
from django.core.cache import cache

from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-much-longer-new-password-42"


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def link_in(mail, path_start: str) -> str:
    match = re.search(r"https?://testserver(" + re.escape(path_start) + r"\S+)", mail.body)
    assert match, f"no {path_start} link in: {mail.body}"
    return match.group(1)


def login(client, email, password=PASSWORD, **extra):
    return client.post("/accounts/login/", {"login": email, "password": password, **extra})


def totp_code(secret: str) -> str:
    # allauth accepts only the current 30-second window (no tolerance), so a
    # code made in the window's last moments can expire before it is posted
    # on a loaded machine: wait for the next window instead of flaking.
    seconds_left = 30 - time.time() % 30
    if seconds_left < 5:
        time.sleep(seconds_left + 0.1)
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def test_sign_up_sends_a_verification_email_and_sign_in_waits_for_it(client, mailoutbox):
    response = client.post(
        "/accounts/signup/", {"email": "New.Person@example.org", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert not signed_in(client)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["new.person@example.org"]  # allauth stores addresses lower-case
    assert mailoutbox[0].subject.startswith("[Rollcall] ")

    response = login(client, "new.person@example.org", NEW_PASSWORD)
    assert not signed_in(client)
    assert response["Location"] == "/accounts/confirm-email/"
    assert client.get("/").status_code == 302  # still sent to sign in


def test_the_verification_link_confirms_and_then_sign_in_works(client, mailoutbox):
    client.post("/accounts/signup/", {"email": "new@example.org", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    confirm = link_in(mailoutbox[0], "/accounts/confirm-email/")
    page = client.get(confirm)
    assert page.status_code == 200
    assert b"new@example.org" in page.content
    client.post(confirm)
    client.logout()

    response = login(client, "new@example.org", NEW_PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in(client)
    # No role yet: the friendly page, not an error.
    assert "not part of a branch yet" in client.get("/").content.decode()


def test_a_wrong_verification_link_says_so(client):
    page = client.get("/accounts/confirm-email/not-a-real-key/")
    assert "expired or is invalid" in page.content.decode()


def test_login_by_email_any_case(client):
    user = UserFactory(email="ada@example.org")
    response = login(client, "ADA@example.org")
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_wrong_password_is_refused_with_a_message(client):
    UserFactory(email="ada@example.org")
    response = login(client, "ada@example.org", "not-the-password")
    assert response.status_code == 200
    assert not signed_in(client)
    assert "The email address and/or password you specified are not correct." in response.content.decode()
    assert b'class="error-summary"' in response.content


def test_login_page_shows_no_username_field(client):
    page = client.get("/accounts/login/").content.decode()
    assert 'name="login"' in page and 'type="email"' in page
    assert "username" not in page.lower()


def test_password_reset_by_email_sets_a_new_password(client, mailoutbox):
    UserFactory(email="ada@example.org")
    response = client.post("/accounts/password/reset/", {"email": "ada@example.org"})
    assert response["Location"] == "/accounts/password/reset/done/"
    assert len(mailoutbox) == 1
    key_url = link_in(mailoutbox[0], "/accounts/password/reset/key/")
    set_url = client.get(key_url)["Location"]  # allauth moves the key into the session
    assert "set-password" in set_url
    assert client.get(set_url).status_code == 200
    response = client.post(set_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response["Location"] == "/accounts/password/reset/key/done/"

    login(client, "ada@example.org", PASSWORD)
    assert not signed_in(client)  # the old password no longer works
    login(client, "ada@example.org", NEW_PASSWORD)
    assert signed_in(client)


def test_password_reset_for_an_unknown_address_does_not_reveal_it(client, mailoutbox):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response["Location"] == "/accounts/password/reset/done/"  # same answer as for a real account


def reauthenticate(client, password=PASSWORD):
    """allauth asks for the password again before security changes."""
    response = client.post("/accounts/reauthenticate/", {"password": password})
    assert response.status_code == 302


def _enrol_totp(client, user) -> str:
    login(client, user.email)
    assert client.get("/accounts/2fa/totp/activate/")["Location"].startswith("/accounts/reauthenticate/")
    reauthenticate(client)
    page = client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<img src="data:image/svg+xml;base64,' in html  # the QR code, no inline script or style
    secret = page.context["form"].secret
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    client.post("/accounts/logout/")
    # A code works once per 30-second window; forget that it was used so the
    # test can sign in within the same window.
    cache.clear()
    return secret


def test_mfa_enrolment_then_login_needs_the_code_and_refuses_a_wrong_one(client):
    user = UserFactory(email="ada@example.org")
    secret = _enrol_totp(client, user)

    response = login(client, "ada@example.org")
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert not signed_in(client)
    assert client.get("/").status_code == 302

    wrong = "000000" if totp_code(secret) != "000000" else "111111"
    response = client.post("/accounts/2fa/authenticate/", {"code": wrong})
    assert response.status_code == 200
    assert "Incorrect code." in response.content.decode()
    assert not signed_in(client)

    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert signed_in(client)


def test_a_recovery_code_signs_in_once(client):
    user = UserFactory(email="ada@example.org")
    _enrol_totp(client, user)
    codes = RecoveryCodes(Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES))
    code = codes.get_unused_codes()[0]

    login(client, "ada@example.org")
    client.post("/accounts/2fa/authenticate/", {"code": code})
    assert signed_in(client)
    client.post("/accounts/logout/")

    login(client, "ada@example.org")
    response = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert not signed_in(client)
    assert "Incorrect code." in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/2fa/",
        "/accounts/2fa/totp/deactivate/",
        "/accounts/2fa/recovery-codes/",
        "/accounts/2fa/recovery-codes/generate/",
        "/accounts/email/",
        "/accounts/password/change/",
    ],
)
def test_account_pages_use_the_app_layout(client, url):
    user = UserFactory(email="ada@example.org")
    _enrol_totp(client, user)
    secret = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"]
    login(client, user.email)
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    cache.clear()
    reauthenticate_with_code = client.post("/accounts/2fa/reauthenticate/", {"code": totp_code(secret)})
    assert reauthenticate_with_code.status_code == 302
    page = client.get(url)
    assert page.status_code == 200, url
    html = page.content.decode()
    assert 'class="account-nav"' in html and "rollcall.css" in html
    assert "style=" not in html and "<style" not in html
    assert user.username not in html


def test_the_download_of_recovery_codes_is_a_text_file(client):
    user = UserFactory(email="ada@example.org")
    secret = _enrol_totp(client, user)
    login(client, user.email)
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    reauthenticate(client)
    response = client.get("/accounts/2fa/recovery-codes/download/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert len(response.content.split()) == 10


def test_repeated_failed_logins_are_rate_limited(client):
    UserFactory(email="ada@example.org")
    for _ in range(5):
        response = login(client, "ada@example.org", "wrong-password")
        assert "not correct" in response.content.decode()
    # The sixth attempt is refused even with the right password.
    response = login(client, "ada@example.org")
    assert not signed_in(client)
    assert "Too many failed login attempts. Try again later." in response.content.decode()


def test_rate_limit_is_kept_in_the_database_cache(settings):
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"


def test_admin_login_goes_through_allauth(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_admin_login_refuses_non_staff_and_admits_staff(client):
    user = UserFactory(email="ada@example.org")
    client.force_login(user)
    assert client.get("/admin/login/").status_code == 403
    staff = UserFactory(email="staff@example.org", is_staff=True, is_superuser=True)
    client.force_login(staff)
    assert client.get("/admin/login/?next=/admin/")["Location"] == "/admin/"


def test_usernames_are_generated_from_email_and_never_shown(client, mailoutbox):
    data = {"email": "grace@example.org", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    client.post("/accounts/signup/", data)
    user = get_user_model().objects.get(email="grace@example.org")
    assert user.username  # Django needs one
    assert "username" not in mailoutbox[0].body.lower()


def test_the_account_pages_are_in_sentence_case(client, organiser):
    client.force_login(organiser)
    email = client.get("/accounts/email/").content.decode()
    assert "Email addresses" in email and "Email Addresses" not in email
    assert "Add email" in email and "Add Email" not in email
    mfa = client.get("/accounts/2fa/").content.decode()
    assert "Two-factor authentication" in mfa and "Two-Factor Authentication" not in mfa
    assert "Authenticator app" in mfa


def test_the_account_pages_keep_the_branch_navigation(client, organiser, branch):
    client.force_login(organiser)
    for path in ["/accounts/email/", "/accounts/password/change/", "/accounts/2fa/"]:
        html = client.get(path).content.decode()
        assert 'class="branch-nav"' in html and f"/b/{branch.slug}/people/" in html, path
