"""The demo organiser signs in and sees the dashboard, on a laptop and on a phone."""

import pytest

from groups.demo import DEMO_PASSWORD

VIEWPORTS = {"laptop": {"width": 1280, "height": 800}, "phone": {"width": 360, "height": 740}}


def sign_in(page, base, email, password):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def assert_styled(page):
    # The stylesheet loaded (served by WhiteNoise under live_server): the header is brand purple.
    colour = page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor")
    assert colour == "rgb(91, 42, 134)"


def assert_no_sideways_scroll(page):
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_demo_organiser_signs_in_and_sees_the_dashboard(demo, live_server, page, console_errors, screenshot, viewport):
    page.set_viewport_size(VIEWPORTS[viewport])
    sign_in(page, live_server.url, "organiser@example.org", DEMO_PASSWORD)
    page.wait_for_url(f"{live_server.url}/b/{demo.slug}/")
    assert page.get_by_role("heading", level=1).first.is_visible()
    assert "Green Lanes Branch" in page.title()
    assert_styled(page)
    assert_no_sideways_scroll(page)
    screenshot("dashboard")

    page.goto(f"{live_server.url}/b/{demo.slug}/roles/")
    assert_no_sideways_scroll(page)
    screenshot("roles")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_wrong_password_shows_the_error(demo, live_server, page, console_errors, screenshot, viewport):
    page.set_viewport_size(VIEWPORTS[viewport])
    sign_in(page, live_server.url, "organiser@example.org", "not-the-password")
    summary = page.locator(".error-summary")
    summary.wait_for()
    assert "The email address and/or password you specified are not correct." in summary.inner_text()
    assert page.url.startswith(f"{live_server.url}/accounts/login/")
    assert_styled(page)
    assert_no_sideways_scroll(page)
    screenshot("login-error")


@pytest.mark.parametrize("path", ["/accounts/signup/", "/accounts/password/reset/"])
def test_entrance_pages_have_no_console_errors(live_server, page, console_errors, screenshot, path):
    page.set_viewport_size(VIEWPORTS["phone"])
    page.goto(f"{live_server.url}{path}")
    assert_styled(page)
    assert_no_sideways_scroll(page)
    screenshot("phone")


def test_account_pages_for_a_signed_in_organiser(demo, live_server, page, console_errors, screenshot):
    page.set_viewport_size(VIEWPORTS["phone"])
    sign_in(page, live_server.url, "organiser@example.org", DEMO_PASSWORD)
    page.wait_for_url(f"{live_server.url}/b/{demo.slug}/")
    for path in ["/accounts/email/", "/accounts/password/change/", "/accounts/2fa/"]:
        page.goto(f"{live_server.url}{path}")
        assert_no_sideways_scroll(page)
        screenshot(path.strip("/").replace("/", "-"))
    # Activating TOTP: confirm the password, then the QR code page (an <img>, no inline script).
    page.goto(f"{live_server.url}/accounts/2fa/totp/activate/")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(f"{live_server.url}/accounts/2fa/totp/activate/")
    assert page.locator(".qr-code img").is_visible()
    assert_no_sideways_scroll(page)
    screenshot("totp-activate")
