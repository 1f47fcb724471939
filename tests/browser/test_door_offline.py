"""The door with the network really cut (issue 14, CONTRACT §9): two phones
open the door online (the door list goes into IndexedDB, the service worker
keeps the page), go offline, reload — the page still opens — and check people
in; two people are checked in on both phones. Back online, each phone sends
its queue: the server has each person once, at the earlier time, and the
duplicates on the record. The door list on the phone holds no notes and no
dates of birth. Screenshots: test-artifacts/door-offline-*.png."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.utils import timezone

from groups.models import Attendance, AuditAction, AuditEvent, DoorScan, Rule

from ..factories import MeetingFactory
from .test_door import browser, person, phone_page, shot  # noqa: F401 (browser: a fixture)
from .test_door_mode import ABOVE_KEYBOARD

pytestmark = pytest.mark.django_db(transaction=True)

NOTE = "Prefers the side door; knee surgery in May"


def open_door(page, url):
    page.goto(url)
    page.locator("html[data-door-list=ready]").wait_for(state="attached")
    # Kept for offline: the page (by the page itself, or by the service worker once it controls it).
    for _ in range(100):
        if page.evaluate("caches.open('rollcall-door-pages').then(c => c.match(location.href)).then(r => !!r)"):
            return
        page.wait_for_timeout(100)
    raise AssertionError("The door page was not kept for offline use.")


def reload_offline(page):
    page.context.set_offline(True)
    page.reload()
    page.get_by_text("Offline —").wait_for()


def check_in(page, query, who):
    box = page.locator("#door-q")
    box.fill("")
    box.press_sequentially(query, delay=10)
    page.locator(".door-card", has_text=who).get_by_role("button", name=f"Check in {who}").click()
    page.locator(".door-outcome-in", has_text=who).wait_for()


def banner(page):
    return page.locator("#door-offline-banner")


def test_offline_check_ins_are_sent_later_once_each_at_the_earlier_time(
    browser,  # noqa: F811
    live_server,
    branch,
    steward,
    organiser,
):
    party = Rule.objects.get(branch=branch, name="Party members only")
    now = timezone.now()
    meeting = MeetingFactory(
        branch=branch,
        title="Branch meeting in the church hall",
        attendance_rule=party,
        voting_rule=party,
        quorum=4,
        starts_at=now - timedelta(minutes=20),
        ends_at=now + timedelta(hours=2),
    )
    names = ["Ada Alpha", "Ben Bravo", "Cleo Charlie", "Dev Delta", "Eve Echo"]
    people = {}
    for full in names:
        first, last = full.split()
        p = person(branch, first, last, "party-member")
        p.notes, p.date_of_birth = NOTE, date(1961, 3, 14)
        p.save()
        people[full] = p
    person(branch, "Sam", "Reg", "registered-supporter")
    url = f"{live_server.url}/b/{branch.slug}/meetings/{meeting.pk}/door/"

    phone_a, errors_a = phone_page(browser, live_server, steward)
    phone_b, errors_b = phone_page(browser, live_server, organiser)
    open_door(phone_a, url)
    open_door(phone_b, url)

    # The door list on the device: door fields only.
    stored = phone_a.evaluate(
        "idb.openDB('rollcall-door').then(db => db.getAll('lists')).then(lists => JSON.stringify(lists))"
    )
    lists = json.loads(stored)
    assert len(lists) == 1 and len(lists[0]["people"]) == 6
    assert NOTE not in stored and "1961-03-14" not in stored
    assert not {"notes", "date_of_birth", "phone", "email"} & set(lists[0]["people"][0])

    reload_offline(phone_a)  # the page opens with no network
    assert "Offline — 0 check-ins waiting to send" in banner(phone_a).inner_text()
    reload_offline(phone_b)
    # Really cut, for the service worker too: a door page never opened here does not open.
    other = MeetingFactory(branch=branch, title="Another meeting", starts_at=now)
    never = phone_b.context.new_page()
    never.goto(f"{live_server.url}/b/{branch.slug}/meetings/{other.pk}/door/")
    assert "not opened on this device before" in never.inner_text("body")
    never.close()

    # Door mode holds offline too: the box and the first result's button above the on-screen keyboard.
    phone_a.locator("#door-q").press_sequentially("alp", delay=10)
    first = phone_a.locator(".door-card", has_text="Ada Alpha").get_by_role("button", name="Check in Ada Alpha")
    first.wait_for()
    for box in (phone_a.locator("#door-q").bounding_box(), first.bounding_box()):
        assert box["y"] >= 0 and box["y"] + box["height"] <= ABOVE_KEYBOARD, box
    check_in(phone_a, "alp", "Ada Alpha")
    check_in(phone_a, "bravo ben", "Ben Bravo")  # surname first
    check_in(phone_a, "cle", "Cleo Charlie")
    check_in(phone_b, "delta", "Dev Delta")  # phone B sees Dev first
    check_in(phone_a, "dev", "Dev Delta")
    check_in(phone_a, "eve", "Eve Echo")  # phone A sees Eve first
    check_in(phone_b, "echo", "Eve Echo")
    # Refused offline too, with the reason, from the list.
    phone_a.locator("#door-q").fill("")
    phone_a.locator("#door-q").press_sequentially("sam", delay=10)
    refused = phone_a.locator(".door-card", has_text="Sam Reg")
    refused.wait_for()
    assert "Not eligible" in refused.inner_text()
    assert "Offline — 5 check-ins waiting to send" in banner(phone_a).inner_text()
    quorum = phone_a.locator(".quorum-status").inner_text()
    assert "Quorate — 5 of 4 needed" in quorum and "estimate from this device" in quorum
    shot(phone_a, "offline-1-queued")

    # The queue survives a reload.
    phone_a.reload()
    banner(phone_a).get_by_text("5 check-ins waiting").wait_for()
    assert phone_a.locator(".door-recent-offline").count() == 5
    # Nothing should reach the server now. Under heavy load Chromium's offline emulation has let one
    # request out whose answer the page never saw: the device still counts it as waiting (above), and
    # sending it again with its nonce is one check-in (each person once, below). So: nothing but
    # device check-ins, none of them doubled.
    assert set(Attendance.objects.values_list("method", flat=True)) <= {"offline"}
    assert Attendance.objects.count() == Attendance.objects.values("person").distinct().count()

    phone_a.context.set_offline(False)
    banner(phone_a).get_by_text("Sent 5 check-ins").wait_for()
    phone_b.context.set_offline(False)
    banner(phone_b).get_by_text("Sent 2 check-ins").wait_for()
    shot(phone_b, "offline-2-sent")
    assert phone_a.locator(".door-recent-offline .door-recent-state", has_text="(sent)").count() == 5

    for full, p in people.items():
        rows = Attendance.objects.filter(meeting=meeting, person=p)
        assert rows.count() == 1, full
        scans = list(DoorScan.objects.filter(meeting=meeting, person=p).order_by("scanned_at"))
        assert rows.get().checked_in_at == scans[0].scanned_at, full  # the earlier time
        assert [s.outcome for s in scans] == (["in", "duplicate"] if len(scans) == 2 else ["in"]), full
    assert DoorScan.objects.filter(outcome="duplicate").count() == 2
    assert AuditEvent.objects.filter(action=AuditAction.ATTENDANCE_DUPLICATE_SCAN).count() == 2
    # Dev's attendance is phone B's (it saw him first), Eve's is phone A's.
    dev_in = DoorScan.objects.get(person=people["Dev Delta"], outcome="in")
    eve_in = DoorScan.objects.get(person=people["Eve Echo"], outcome="in")
    assert dev_in.sent_by == organiser and eve_in.sent_by == steward
    assert dev_in.device != eve_in.device
    csp = [e for e in errors_a + errors_b if "Content Security Policy" in e]
    assert csp == []

    # Signing out wipes the door list, the kept pages and the service worker from the phone.
    phone_a.goto(f"{live_server.url}/b/{branch.slug}/")
    phone_a.locator("form[action='/accounts/logout/']").evaluate("form => form.submit()")  # in the folded menu
    phone_a.wait_for_url("**/accounts/**")
    assert "rollcall-door" not in phone_a.evaluate("indexedDB.databases().then(d => d.map(x => x.name).join())")
    assert phone_a.evaluate("caches.keys().then(k => k.join())") == ""


def test_the_door_list_is_wiped_24_hours_after_the_meeting(browser, live_server, branch, steward):  # noqa: F811
    ended = timezone.now() - timedelta(hours=25)
    meeting = MeetingFactory(branch=branch, title="Last week", starts_at=ended - timedelta(hours=2), ends_at=ended)
    person(branch, "Ada", "Alpha", "party-member")
    page, _ = phone_page(browser, live_server, steward)
    open_door(page, f"{live_server.url}/b/{branch.slug}/meetings/{meeting.pk}/door/")
    reload_offline(page)  # opens from the kept page, finds the list past its time and wipes it
    banner(page).get_by_text("This device has no door list for this meeting").wait_for()
    assert page.evaluate("idb.openDB('rollcall-door').then(db => db.count('lists'))") == 0
    assert page.evaluate("caches.open('rollcall-door-pages').then(c => c.keys()).then(k => k.length)") == 0


def test_an_offline_undo_is_sent_after_its_check_in(browser, live_server, branch, steward):  # noqa: F811
    now = timezone.now()
    meeting = MeetingFactory(branch=branch, starts_at=now - timedelta(minutes=5), ends_at=now + timedelta(hours=1))
    ada = person(branch, "Ada", "Alpha", "party-member")
    page, _ = phone_page(browser, live_server, steward)
    open_door(page, f"{live_server.url}/b/{branch.slug}/meetings/{meeting.pk}/door/")
    reload_offline(page)
    check_in(page, "ada", "Ada Alpha")
    undo = page.locator(".door-recent-offline", has_text="Ada Alpha").locator(".door-undo")
    undo.locator("summary").click()
    undo.get_by_label("Why undo?").fill("Wrong Ada")
    undo.get_by_role("button", name="Undo check-in").click()
    banner(page).get_by_text("Offline — 0 check-ins waiting to send").wait_for()
    page.context.set_offline(False)
    banner(page).get_by_text("Sent 1 check-in and 1 undo").wait_for()
    attendance = Attendance.objects.get(meeting=meeting, person=ada)
    assert attendance.undone_at is not None and attendance.undo_reason == "Wrong Ada"
    assert DoorScan.objects.get(person=ada).undone_at is not None


def test_offline_a_mistyped_name_offers_close_matches(browser, live_server, branch, steward):  # noqa: F811
    """Issue 14 item 1, offline: the device's search falls back to names a letter or two away
    (groups/static/groups/door_close.js), only when nobody matches exactly."""
    now = timezone.now()
    meeting = MeetingFactory(branch=branch, starts_at=now - timedelta(minutes=5), ends_at=now + timedelta(hours=1))
    person(branch, "Emre", "Adeyemi", "party-member")
    person(branch, "Adey", "Okafor", "party-member")
    page, _ = phone_page(browser, live_server, steward)
    open_door(page, f"{live_server.url}/b/{branch.slug}/meetings/{meeting.pk}/door/")
    reload_offline(page)
    box = page.locator("#door-q")
    box.press_sequentially("emer adeymi", delay=10)
    page.get_by_text("No exact match — did you mean:").wait_for()
    assert page.locator(".door-results .door-card .door-name").all_inner_texts() == ["Emre Adeyemi"]
    box.fill("")
    box.press_sequentially("adey", delay=10)  # a prefix matches: no fallback
    page.locator(".door-card", has_text="Adey Okafor").wait_for()
    assert page.get_by_text("did you mean").count() == 0
    check_in(page, "Adeymi", "Emre Adeyemi")
