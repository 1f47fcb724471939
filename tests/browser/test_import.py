"""The demo organiser imports the party's membership list through the preview:
sees the detected encoding and delimiter and the unknown category flagged,
maps it to "Party member", ignores a column they do not want stored, confirms,
waits for the result, and finds an imported person in the people list. On a
laptop and on a phone; screenshots go to test-artifacts/."""

import csv
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from groups.demo import DEMO_PASSWORD
from groups.models import Person

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "import" / "party-export.csv"
VIEWPORTS = {"laptop": {"width": 1280, "height": 800}, "phone": {"width": 360, "height": 740}}


def sign_in(page, base, email, password):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def assert_no_sideways_scroll(page):
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def sample_rows() -> list[dict]:
    with SAMPLE.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_organiser_imports_the_party_list_and_finds_the_people(
    demo, live_server, page, console_errors, screenshot, viewport
):
    rows = sample_rows()
    labour = sum(1 for r in rows if r["Membership Type"] == "Labour Party member")
    assert labour  # the sample has the value the branch does not know
    before = set(Person.objects.filter(branch=demo).values_list("pk", flat=True))  # the demo member's record
    page.set_viewport_size(VIEWPORTS[viewport])
    sign_in(page, live_server.url, "organiser@example.org", DEMO_PASSWORD)
    page.wait_for_url(f"{live_server.url}/b/{demo.slug}/")

    # People → import.
    page.get_by_role("navigation").get_by_role("link", name="People").first.click()
    page.wait_for_url(f"{live_server.url}/b/{demo.slug}/people/")
    page.get_by_role("link", name=re.compile(r"Import (a|your) membership list")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import people")
    assert_no_sideways_scroll(page)
    screenshot("1-upload")

    page.get_by_label("Membership list (CSV file, Excel .xlsx or OpenDocument .ods)").set_input_files(str(SAMPLE))
    page.get_by_role("button", name="Upload and check").click()

    # The preview: what Rollcall detected, and the category it does not know.
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the import")
    lead = page.locator(".lead").first.inner_text()
    assert f"{len(rows)} rows" in lead
    assert "UTF-8 (with BOM)" in lead and "separated by commas" in lead
    category = page.get_by_label("Labour Party member", exact=True)
    expect(category).to_have_value("")
    row = page.locator("tr", has=category)
    expect(row).to_contain_text("Not matched yet")
    expect(row).to_contain_text(str(labour))
    expect(page.get_by_role("button", name=re.compile(r"^Import \d"))).to_have_count(0)  # not before it is fixed
    assert_no_sideways_scroll(page)
    screenshot("2-preview-unknown-category")

    # Fix it: the category, and a column the organiser does not want stored.
    category.select_option(label="Party member")
    mobile = page.get_by_label("Mobile Number", exact=True)
    expect(mobile).to_have_value("phone")
    mobile.select_option(label="Ignore (not stored)")
    page.get_by_role("button", name="Apply mapping").click()

    expect(page.get_by_label("Labour Party member", exact=True)).to_have_value("party-member")
    expect(page.get_by_label("Mobile Number", exact=True)).to_have_value("")
    expect(page.locator(".import-mapping")).to_contain_text("Mobile Number")
    expect(page.locator(".error-summary")).to_have_count(0)
    confirm = page.get_by_role("button", name=f"Import {len(rows)} people")
    expect(confirm).to_be_visible()
    assert_no_sideways_scroll(page)
    screenshot("3-preview-fixed")

    # Confirm; the import runs (immediate backend) and the result page follows.
    confirm.click()
    page.wait_for_url(re.compile(r"/import/[^/]+/result/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Import finished", timeout=20_000)
    expect(page.locator(".lead")).to_contain_text(f"{len(rows)} rows imported")
    assert_no_sideways_scroll(page)
    screenshot("4-result")

    # Everyone is there, as party members where the file said so, without phones.
    imported = Person.objects.filter(branch=demo).exclude(pk__in=before)
    assert imported.count() == len(rows)
    assert imported.filter(memberships__category__slug="party-member").distinct().count() == labour
    assert not imported.exclude(phone="").exists()
    first = next(r for r in rows if r["Membership Type"] == "Labour Party member")

    # Find one of them in the people list by name.
    page.get_by_role("link", name="See the people").click()
    page.get_by_role("searchbox", name="Search").fill(f"{first['First Name']} {first['Surname']}")
    page.get_by_role("button", name="Search", exact=True).click()
    result = page.locator(".people-table tbody tr")
    expect(result.first).to_contain_text(f"{first['Surname']}, {first['First Name']}")
    expect(result.first).to_contain_text("Party member")
    expect(result.first).to_contain_text(f"#{first['Membership Number']}")
    assert_no_sideways_scroll(page)
    screenshot("5-found")
