"""Attacks on what the app gives away (ASVS 4.1.3, 5.1.3, 5.1.5, 7.1.1, 8.2.1,
8.3.1): join links, calendars, redirects, URLs, cookies, caches, headers,
spreadsheets and logs. Replayed against the test client."""

import io
import logging
from types import SimpleNamespace

import pytest
from django.core.checks import run_checks
from django.core.servers.basehttp import WSGIRequestHandler
from django.urls import reverse

from groups.models import Meeting, Rule
from groups.services import calendar_feeds

from ..factories import MeetingFactory, person_with_membership
from ..meetings_helpers import at, make_meeting

pytestmark = pytest.mark.django_db

JOIN = "https://meet.example.org/secret-room-4711"


# --- 4.1.3: a meeting's online link only for whom its attendance rule admits ---


@pytest.fixture
def party_meeting(branch, organiser):
    rule = Rule.objects.get(branch=branch, name="Party members only")
    return make_meeting(
        branch, organiser, status="published", attendance_rule=rule, online_link=JOIN, location="Library"
    )


def test_a_member_the_rule_refuses_gets_no_join_link_in_the_ics(client_for, member, branch, party_meeting):
    person_with_membership(branch, "registered-supporter", user=member, email=member.email)
    body = client_for(member).get(reverse("meeting_ics", args=[branch.slug, party_meeting.pk])).content.decode()
    assert "BEGIN:VEVENT" in body and "meet.example.org" not in body


def test_a_member_the_rule_admits_gets_the_join_link(client_for, member, branch, party_meeting):
    person_with_membership(branch, "party-member", user=member, email=member.email)
    body = client_for(member).get(reverse("meeting_ics", args=[branch.slug, party_meeting.pk])).content.decode()
    assert "meet.example.org/secret-room-4711" in body.replace("\r\n ", "")


def test_the_private_feed_of_a_refused_member_has_no_join_link(client, member, branch, party_meeting):
    person_with_membership(branch, "registered-supporter", user=member, email=member.email)
    _, token = calendar_feeds.create_calendar_feed(user=member)
    body = client.get(reverse("private_feed", args=[token])).content.decode()
    assert party_meeting.title in body and "meet.example.org" not in body


def test_the_public_feed_gives_no_join_link_of_a_restricted_meeting(client, branch, organiser):
    rule = Rule.objects.get(branch=branch, name="Party members only")
    make_meeting(branch, organiser, kind="open", status="published", attendance_rule=rule, online_link=JOIN)
    body = client.get(reverse("public_feed", args=[branch.slug])).content.decode()
    assert "BEGIN:VEVENT" in body and "meet.example.org" not in body


def test_stewards_who_run_the_meeting_get_the_link(client_for, steward, branch, party_meeting):
    body = client_for(steward).get(reverse("meeting_ics", args=[branch.slug, party_meeting.pk])).content.decode()
    assert "meet.example.org" in body


# --- 5.1.3: line breaks in text that reaches a calendar or an email header ---


def test_a_title_with_a_line_break_still_makes_a_calendar(client_for, organiser, branch):
    meeting = MeetingFactory(branch=branch, title="AGM\r\nX-Injected: yes", location="Hall\nBack room")
    response = client_for(organiser).get(reverse("meeting_ics", args=[branch.slug, meeting.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert not any(line.startswith("X-Injected") for line in body.split("\r\n"))  # no property of its own
    assert "SUMMARY:AGM X-Injected: yes" in body and "LOCATION:Hall Back room" in body


def test_a_title_typed_with_a_line_break_is_saved_on_one_line(branch, organiser):
    meeting = make_meeting(branch, organiser, title="Branch\nmeeting")
    assert Meeting.objects.get(pk=meeting.pk).title == "Branch meeting"


# --- 5.1.5: the admin's sign-in sends nobody elsewhere ---


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example/"])
def test_admin_sign_in_next_cannot_leave_the_site(client, client_for, organiser, target):
    response = client.get("/admin/login/", {"next": target})
    assert "evil.example" not in response["Location"]
    organiser.is_staff = True
    organiser.save()
    response = client_for(organiser).get("/admin/login/", {"next": target})
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_admin_sign_in_next_on_the_site_still_works(client_for, organiser):
    organiser.is_staff = True
    organiser.save()
    assert client_for(organiser).get("/admin/login/", {"next": "/admin/groups/"})["Location"] == "/admin/groups/"


# --- 7.1.1 / 8.3.1: no member data in URLs, logs or cookies ---


@pytest.fixture
def door_meeting(branch):
    rule = Rule.objects.get(branch=branch, name="Party members only")
    return MeetingFactory(branch=branch, attendance_rule=rule)


def test_the_door_search_form_posts_so_the_name_stays_out_of_the_address(client_for, steward, branch, door_meeting):
    client = client_for(steward)
    page = client.get(reverse("door", args=[branch.slug, door_meeting.pk])).content.decode()
    search = reverse("door_search", args=[branch.slug, door_meeting.pk])
    assert f'hx-post="{search}"' in page and f'hx-get="{search}"' not in page
    assert f'<form method="post" action="{reverse("door", args=[branch.slug, door_meeting.pk])}" role="search"' in page
    # A search in a URL is not run (nothing typed reaches the access log that way).
    assert client.get(reverse("door_search", args=[branch.slug, door_meeting.pk]), {"q": "x"}).status_code == 405
    person_with_membership(branch, "party-member", first_name="Quentin", last_name="Zebedee")
    html = client.get(reverse("door", args=[branch.slug, door_meeting.pk]), {"q": "zebedee"}).content.decode()
    assert "Quentin Zebedee" not in html
    html = client.post(reverse("door", args=[branch.slug, door_meeting.pk]), {"q": "zebedee"}).content.decode()
    assert "Quentin Zebedee" in html


def _logged(run) -> str:
    """What the server's configured log handlers (config/settings.py LOGGING) write while run() runs."""
    buffer = io.StringIO()
    names = ("", "django", "django.server", "django.request", "groups")
    handlers = {h for n in names for h in logging.getLogger(n).handlers if type(h) is logging.StreamHandler}
    assert handlers, "no stream handler configured"
    kept = {handler: handler.setStream(buffer) for handler in handlers}
    try:
        run()
    finally:
        for handler, stream in kept.items():
            handler.setStream(stream)
    return buffer.getvalue()


def test_runserver_logs_a_search_by_its_path_without_what_was_typed():
    server = SimpleNamespace(request=None, log_date_time_string=lambda: "02/Dec/2026 19:04:11")
    line = "GET /api/v1/branches/demo/meetings/7/door/?q=Lovelace&page=1 HTTP/1.1"
    logged = _logged(lambda: WSGIRequestHandler.log_message(server, '"%s" %s %s', line, "200", "1234"))
    assert '"GET /api/v1/branches/demo/meetings/7/door/ HTTP/1.1" 200 1234' in logged
    assert "Lovelace" not in logged and "page=" not in logged


def test_a_message_quoting_an_address_loses_its_query_string():
    logged = _logged(lambda: logging.getLogger("groups.tasks").warning("Resumed %s", "/b/demo/people/?q=Lovelace"))
    assert "Resumed /b/demo/people/" in logged and "Lovelace" not in logged


def test_a_refused_api_search_is_logged_without_the_name(api, steward, branch, door_meeting):
    door = f"/api/v1/branches/{branch.slug}/meetings/{door_meeting.pk}/door/"
    logged = _logged(lambda: api(steward).get(door, {"q": "Lovelace" * 20}))
    assert f"Bad Request: {door}" in logged and "Lovelace" not in logged


def test_a_refused_check_in_redirects_without_the_name(client_for, steward, branch, door_meeting):
    sam = person_with_membership(branch, "registered-supporter", first_name="Sam", last_name="Refused")
    client = client_for(steward)
    response = client.post(
        reverse("door_check_in", args=[branch.slug, door_meeting.pk]), {"person": sam.pk, "q": "ref"}
    )
    assert response.status_code == 302
    assert "?" not in response["Location"] and "Refused" not in response["Location"]
    assert "messages" not in response.cookies
    page = client.get(response["Location"]).content.decode()
    assert "Not eligible" in page and 'value="ref"' in page  # the search comes back from the session, once
    assert 'value="ref"' not in client.get(response["Location"]).content.decode()


def test_flash_messages_never_travel_in_a_cookie(client_for, steward, branch, door_meeting):
    ana = person_with_membership(branch, "party-member", first_name="Ana", last_name="Cookie")
    response = client_for(steward).post(
        reverse("door_check_in", args=[branch.slug, door_meeting.pk]), {"person": ana.pk}
    )
    assert "messages" not in response.cookies
    assert all("Cookie" not in morsel.value for morsel in response.cookies.values())


def test_check_deploy_fails_without_an_email_server(settings):
    settings.DEBUG = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    assert "rollcall.E001" in [m.id for m in run_checks(include_deployment_checks=True)]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert "rollcall.E001" not in [m.id for m in run_checks(include_deployment_checks=True)]


# --- 8.2.1 and headers ---


def test_pages_and_api_answers_with_personal_data_are_not_stored(client_for, api, organiser, branch):
    page = client_for(organiser).get(reverse("people_list", args=[branch.slug]))
    assert page["Cache-Control"] == "no-store, private"
    answer = api(organiser).get(f"/api/v1/branches/{branch.slug}/people/")
    assert answer.status_code == 200 and answer["Cache-Control"] == "no-store, private"


def test_every_answer_says_no_camera_no_microphone_and_a_strict_csp(client, client_for, steward, branch, door_meeting):
    door = client_for(steward)
    for response in (
        client.get("/accounts/login/"),
        door.get(reverse("door", args=[branch.slug, door_meeting.pk])),
        door.post(reverse("door_search", args=[branch.slug, door_meeting.pk]), {"q": "a"}),
        door.get(reverse("meeting_detail", args=[branch.slug, door_meeting.pk])),
        door.get(reverse("door_index", args=[branch.slug])),
        door.get(f"/api/v1/branches/{branch.slug}/meetings/{door_meeting.pk}/door-list/"),
        door.get("/door-sw.js"),
    ):
        policy = response["Permissions-Policy"]
        assert "microphone=()" in policy and "geolocation=()" in policy
        csp = response["Content-Security-Policy"]
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp and "script-src 'self'" in csp
        # The camera only where the door's scanner is: the door page itself.
        is_door = response.wsgi_request.resolver_match.url_name == "door"
        assert ("camera=(self)" if is_door else "camera=()") in policy, response.wsgi_request.path
        assert "camera=*" not in policy


def test_only_the_door_pages_may_open_the_camera(client_for, steward, branch, door_meeting):
    from groups.exports.qr import door_token

    door = client_for(steward)
    scanned = door.get(reverse("door_qr_open", args=[branch.slug, door_meeting.pk, door_token(door_meeting.pk, 1)]))
    assert "camera=(self)" in scanned["Permissions-Policy"]  # a badge opened in the phone's camera app: the door too
    for name in ("attendance_list", "door_badges", "door_requests"):
        response = door.get(reverse(name, args=[branch.slug, door_meeting.pk]))
        assert "camera=()" in response["Permissions-Policy"], name


# --- CSV: formulas, also after a separator ---


@pytest.mark.parametrize(
    "typed, exported",
    [
        ("Semi;=1+1", "Semi;'=1+1"),
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("a,@SUM(1)", "a,'@SUM(1)"),
        ("O'Neil", "O'Neil"),
    ],
)
def test_csv_export_neutralises_formulas_even_after_a_separator(client_for, organiser, branch, typed, exported):
    import csv
    import io

    person_with_membership(branch, "party-member", first_name="Ann", last_name=typed)
    response = client_for(organiser).get(reverse("people_export", args=[branch.slug]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert any(exported in row for row in rows[1:]), rows


def test_the_ics_of_an_open_meeting_has_the_link_for_everyone(client, branch, organiser):
    make_meeting(branch, organiser, kind="open", status="published", online_link=JOIN, starts_at=at(2030, 6, 1))
    body = client.get(reverse("public_feed", args=[branch.slug])).content.decode()
    assert "meet.example.org" in body.replace("\r\n ", "")
