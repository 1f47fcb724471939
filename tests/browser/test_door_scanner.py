"""The scanner inside the door page (issue 14 item 3), in Chromium with a fake
camera: its video is made in the test from the app's own personal QR image of
a person (the badge's SVG, rendered by the browser), so what the camera "sees"
is what a badge shows. Scanning shows that person's card; with "Scan and check
in" they are checked in at once; offline the door list answers and the
check-in is queued, then sent. Chromium on Linux has no BarcodeDetector, so
this reads with the vendored jsQR. Screenshots: test-artifacts/door-scan-*.png."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from PIL import Image

from groups.exports.qr import door_token
from groups.models import Attendance, Rule

from ..factories import MeetingFactory
from .test_door import ARGS, CHROMIUM, PHONE, browser, person, phone_page, shot  # noqa: F401 (browser: a fixture)
from .test_door_offline import banner, open_door, reload_offline

pytestmark = pytest.mark.django_db(transaction=True)

FRAME = (640, 480)


def y4m(picture: bytes, path: Path, frames: int = 10) -> Path:
    """A YUV4MPEG2 video (what Chromium's fake camera plays, in a loop) of a still picture,
    centred on white: the badge held up to the camera."""
    badge = Image.open(io.BytesIO(picture)).convert("RGB")
    badge.thumbnail((FRAME[1] - 40, FRAME[1] - 40))
    frame = Image.new("RGB", FRAME, "white")
    frame.paste(badge, ((FRAME[0] - badge.width) // 2, (FRAME[1] - badge.height) // 2))
    y, cb, cr = frame.convert("YCbCr").split()
    half = (FRAME[0] // 2, FRAME[1] // 2)
    planes = y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes()
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{FRAME[0]} H{FRAME[1]} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + planes)
    return path


def badge_video(browser, live_server, meeting, who, tmp_path) -> Path:  # noqa: F811
    """The app's QR image of `who` for `meeting` (door_qr_image, the SVG on badges and in
    invitations), rendered by the browser and made into the fake camera's video."""
    token = door_token(meeting.pk, who.pk)
    page = browser.new_page(viewport={"width": 400, "height": 400})
    page.goto(f"{live_server.url}/b/{meeting.branch.slug}/meetings/{meeting.pk}/door/p/{token}/qr.svg")
    picture = page.locator("svg").screenshot()
    page.close()
    return y4m(picture, tmp_path / "badge.y4m")


@pytest.fixture
def camera(playwright):
    """camera(video) → a Chromium whose camera plays `video`, allowed without asking."""
    launched = []

    def launch(video: Path):
        args = [
            *ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ]
        launched.append(playwright.chromium.launch(executable_path=CHROMIUM, args=args))
        return launched[-1]

    yield launch
    for b in launched:
        b.close()


def meeting_now(branch, **kwargs):
    party = Rule.objects.get(branch=branch, name="Party members only")
    now = timezone.now()
    return MeetingFactory(
        branch=branch,
        attendance_rule=party,
        voting_rule=party,
        quorum=2,
        starts_at=now - timedelta(minutes=10),
        ends_at=now + timedelta(hours=2),
        **kwargs,
    )


def scan(page):
    page.get_by_role("button", name="Scan", exact=True).click()
    # The camera opened (and, in card mode, may have read the badge and closed already).
    page.locator("html[data-door-scanner]").wait_for(state="attached")
    said = page.locator("#door-scan-status").inner_text()
    assert "No camera" not in said and "not allowed" not in said, said


def test_a_scanned_badge_shows_that_persons_card(browser, camera, live_server, branch, steward, tmp_path):  # noqa: F811
    meeting = meeting_now(branch, title="Hall meeting")
    ana = person(branch, "Ana", "Silva", "party-member")
    person(branch, "Ana", "Smith", "party-member")  # a namesake: the badge is one person's
    page, errors = phone_page(camera(badge_video(browser, live_server, meeting, ana, tmp_path)), live_server, steward)
    page.goto(f"{live_server.url}/b/{branch.slug}/meetings/{meeting.pk}/door/")
    assert page.locator("#door-scan").is_hidden()  # the camera opens only when asked
    scan(page)
    card = page.locator("#door-results .door-card", has_text="Ana Silva")
    card.wait_for()
    shot(page, "scan-1-card")
    assert page.locator("#door-results .door-card").count() == 1
    assert card.get_by_role("button").count() == 1
    assert card.get_by_role("button", name="Check in Ana Silva").is_visible()
    assert page.locator("#door-scan-status").inner_text() == "Read: Ana Silva"
    assert page.locator("#door-scan-video").is_hidden()  # the camera is off again after one read
    assert page.locator("html[data-door-scanner=off]").count() == 1
    assert not Attendance.objects.filter(meeting=meeting).exists()  # a card, not a check-in yet
    card.get_by_role("button", name="Check in Ana Silva").click()
    page.locator(".door-outcome-in", has_text="Ana Silva").wait_for()
    assert Attendance.objects.get(meeting=meeting, person=ana).method == "qr"
    assert errors == []


def test_scan_and_check_in_checks_them_in_at_once(browser, camera, live_server, branch, steward, tmp_path):  # noqa: F811
    meeting = meeting_now(branch, title="Hall meeting")
    bo = person(branch, "Bo", "Brown", "party-member")
    page, errors = phone_page(camera(badge_video(browser, live_server, meeting, bo, tmp_path)), live_server, steward)
    url = f"{live_server.url}/b/{branch.slug}/meetings/{meeting.pk}/door/"
    page.goto(url)
    scan(page)  # not asked to check in yet: their card, and the camera off
    page.locator("#door-results .door-card", has_text="Bo Brown").get_by_role(
        "button", name="Check in Bo Brown"
    ).wait_for()
    assert not Attendance.objects.filter(meeting=meeting).exists()
    page.get_by_label("Scan and check in").check()
    page.reload()  # the steward's choice is remembered on the device
    scan(page)
    assert page.get_by_label("Scan and check in").is_checked()
    page.locator(".door-outcome-in", has_text="Bo Brown").wait_for()
    shot(page, "scan-2-checked-in")
    attendance = Attendance.objects.get(meeting=meeting, person=bo)
    assert attendance.method == "qr" and attendance.checked_in_by == steward
    # The camera stays on for the next badge; the same badge held up again is not a second check-in.
    assert page.locator("#door-scan-video").is_visible()
    page.wait_for_timeout(1500)
    assert Attendance.objects.filter(meeting=meeting).count() == 1
    page.get_by_role("button", name="Close").click()
    assert page.locator("#door-scan").is_hidden() and page.locator("html[data-door-scanner=off]").count() == 1
    assert errors == []


def test_offline_a_scanned_badge_is_found_in_the_door_list_and_queued(
    browser,  # noqa: F811
    camera,
    live_server,
    branch,
    steward,
    tmp_path,
):
    meeting = meeting_now(branch, title="Church hall, no signal")
    cleo = person(branch, "Cleo", "Charlie", "party-member")
    page, errors = phone_page(camera(badge_video(browser, live_server, meeting, cleo, tmp_path)), live_server, steward)
    open_door(page, f"{live_server.url}/b/{branch.slug}/meetings/{meeting.pk}/door/")
    scan(page)
    page.locator("#door-results .door-card", has_text="Cleo Charlie").wait_for()
    page.get_by_label("Scan and check in").check()
    reload_offline(page)  # the page, its scripts and jsQR come from the service worker
    scan(page)
    page.locator(".door-outcome-in", has_text="Cleo Charlie").wait_for()
    banner(page).get_by_text("Offline — 1 check-in waiting to send").wait_for()
    shot(page, "scan-3-offline")
    assert not Attendance.objects.filter(meeting=meeting).exists()
    page.get_by_role("button", name="Close").click()
    page.context.set_offline(False)
    banner(page).get_by_text("Sent 1 check-in").wait_for()
    attendance = Attendance.objects.get(meeting=meeting, person=cleo)
    assert attendance.method == "offline"
    assert [e for e in errors if "Content Security Policy" in e] == []


def test_without_javascript_the_scanner_is_not_offered(live_server, branch, steward):
    meeting = meeting_now(branch)
    client = Client()
    client.force_login(steward)
    html = client.get(f"/b/{branch.slug}/meetings/{meeting.pk}/door/").content.decode()
    # Both the button and the camera's panel start hidden: only door_scan.js shows the button.
    assert 'id="door-scan-open"' in html and 'id="door-scan" class="door-scan" hidden' in html
    assert ">Scan</button>" in html and "hidden>Scan</button>" in html
