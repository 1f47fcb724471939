"""The rough edges found in issue 11, checked the way a person meets them: on a
360×740 phone and a 1280×800 laptop, with screenshots in test-artifacts/."""

import pytest

from groups.demo import DEMO_PASSWORD

VIEWPORTS = {"laptop": {"width": 1280, "height": 800}, "phone": {"width": 360, "height": 740}}

# Rows the branch navigation takes: its links' distinct top edges.
NAV_ROWS = """new Set([...document.querySelectorAll('.branch-nav a')]
  .map(a => Math.round(a.getBoundingClientRect().top))).size"""

# Visible links and buttons shorter than 44px (inline links inside running text excepted: WCAG 2.5.8).
SHORT_TARGETS = """() => {
  const inText = el => el.tagName === 'A' && el.closest('p, li, td, dd, figcaption') &&
      !el.closest('nav, .button-row, .pagination') && !el.classList.contains('button') &&
      getComputedStyle(el).display === 'inline';
  return [...document.querySelectorAll('a[href], button, summary, input[type=submit]')]
    .filter(el => el.offsetParent !== null && !el.closest('.visually-hidden, .skip-link'))
    .filter(el => !inText(el))
    .filter(el => el.getBoundingClientRect().height < 43.5)
    .map(el => `${el.tagName} "${el.textContent.trim().slice(0, 40)}"
      ${Math.round(el.getBoundingClientRect().height)}px`);
}"""

# aria-describedby naming an element that is not there.
DANGLING_DESCRIBEDBY = """() => [...document.querySelectorAll('[aria-describedby]')]
  .flatMap(el => el.getAttribute('aria-describedby').split(/\\s+/).filter(id => !document.getElementById(id))
  .map(id => `${el.id || el.name}: ${id}`))"""


def sign_in(page, base, email="organiser@example.org"):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/b/demo/")


def assert_no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_organisers_navigation_fits_and_every_target_is_tall_enough(
    demo, live_server, page, console_errors, screenshot, viewport
):
    page.set_viewport_size(VIEWPORTS[viewport])
    sign_in(page, live_server.url)
    pages = ["", "people/", "people/new/", "roles/", "audit/", "meetings/", "categories/"]
    short = {}
    for path in pages:
        page.goto(f"{live_server.url}/b/demo/{path}")
        assert page.evaluate(NAV_ROWS) <= (1 if viewport == "laptop" else 2), path
        # The header itself is one row on a phone: brand, branch, the account button.
        header = page.locator(".header-row").bounding_box()
        assert header["height"] <= 64, path
        if found := page.evaluate(SHORT_TARGETS):
            short[path] = found
        assert_no_sideways_scroll(page)
        screenshot(path.strip("/") or "dashboard")
    assert short == {}


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_account_menu_opens_as_a_menu(demo, live_server, page, console_errors, screenshot, viewport):
    page.set_viewport_size(VIEWPORTS[viewport])
    sign_in(page, live_server.url)
    button = page.locator(".account-menu > summary")
    box = button.bounding_box()
    assert box["height"] >= 44
    # It reads as a button with a caret, whatever the width.
    caret = "getComputedStyle(document.querySelector('.account-menu > summary'), '::after').content"
    assert page.evaluate(caret) == '"▾"'
    button.click()
    menu = page.locator(".account-menu ul")
    assert menu.is_visible()
    assert "Signed in as" in menu.inner_text() and "organiser@example.org" in menu.inner_text()
    menu_box = menu.bounding_box()
    assert menu_box["x"] >= 0 and menu_box["x"] + menu_box["width"] <= VIEWPORTS[viewport]["width"]
    for item in ["Email addresses", "Password", "Two-factor authentication", "Sign out"]:
        target = menu.get_by_role("link", name=item).or_(menu.get_by_role("button", name=item))
        assert target.bounding_box()["height"] >= 44
    page.screenshot(path=str(screenshot("menu")))  # the open menu over the page


def test_the_login_page_describes_its_fields_with_elements_that_exist(live_server, page, console_errors):
    page.set_viewport_size(VIEWPORTS["phone"])
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.locator("[aria-describedby]").count() >= 1
    assert page.evaluate(DANGLING_DESCRIBEDBY) == []
    assert page.evaluate(SHORT_TARGETS) == []


@pytest.fixture
def demo_people(transactional_db, settings):
    """The demo with 60 generated people: more than a page of 50 (served as
    `make run` serves it, without two-factor enrolment for its organiser)."""
    from groups.demo import build_demo

    settings.MFA_REQUIRED_FOR_ORGANISERS = False

    return build_demo(people=60)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_bulk_actions_are_reachable_without_scrolling_past_the_list(
    demo_people, live_server, page, console_errors, screenshot, viewport
):
    page.set_viewport_size(VIEWPORTS[viewport])
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/b/demo/people/")
    first_row = page.locator(".people-table tbody tr").first.bounding_box()
    assert page.get_by_label("Action").bounding_box()["y"] < first_row["y"]
    bar = page.get_by_role("button", name="Continue with the ticked people")
    height = VIEWPORTS[viewport]["height"]
    for row in (0, 25, 49):
        page.locator(".people-table tbody tr").nth(row).scroll_into_view_if_needed()
        box = bar.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= height, row
    page.screenshot(path=str(screenshot("people")).replace(".png", "-scrolled.png"))
    # Tick two people near the end of the page and go on from the bar at the foot of the screen.
    page.get_by_label("Action").select_option(label="Change membership status")
    page.get_by_label("New status").select_option(label="Lapsed")
    for row in (48, 49):
        page.locator(".people-table tbody tr").nth(row).locator("input[type=checkbox]").check()
    bar.click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("This will change")
    assert_no_sideways_scroll(page)


# Where a text wraps: the characters after which the next one starts a new line.
LINE_BREAKS = """el => {
  const text = el.textContent; const breaks = []; let top = null; let seen = 0;
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const t = walker.currentNode;
    for (let i = 0; i < t.length; i++) {
      const r = document.createRange(); r.setStart(t, i); r.setEnd(t, i + 1);
      const y = Math.round(r.getBoundingClientRect().top);
      if (top !== null && y > top + 2) breaks.push(text.slice(0, seen));
      top = y; seen++;
    }
  }
  return breaks;
}"""


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_long_email_wraps_after_the_at_sign_on_the_person_page(
    demo, live_server, page, console_errors, screenshot, viewport
):
    from groups.models import Person

    person = Person.objects.create(
        branch=demo,
        first_name="Bartholomew",
        last_name="Featherstonehaugh",
        email="bartholomew.featherstonehaugh@greenlanes-ward-branch.example.org",
    )
    page.set_viewport_size(VIEWPORTS[viewport])
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/b/demo/people/{person.pk}/")
    email = page.locator(".details .email").first
    breaks = email.evaluate(LINE_BREAKS)
    # Only between the parts of the address (after the @ or a hyphen), never inside a word.
    assert all(b[-1] in "@-" for b in breaks), breaks
    if viewport == "phone":
        assert breaks[0] == "bartholomew.featherstonehaugh@"
    assert_no_sideways_scroll(page)
    assert page.evaluate(SHORT_TARGETS) == []
    screenshot("person")
