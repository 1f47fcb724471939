"""The API under a flood (ASVS 11.1.4): with the real rates from settings
(no override), every scope answers 429 with Retry-After once its caller is
over the limit, in the API's JSON error shape."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from groups.api.throttling import parse_rate

from ..factories import MeetingFactory

pytestmark = pytest.mark.django_db

WINDOW_START = 1_800_000_000  # a whole number of minutes since 1970


@pytest.fixture(autouse=True)
def one_minute(monkeypatch):
    """The limits count in fixed windows: hold the throttle's clock inside one
    minute, so that a slow machine sending a thousand requests does not cross
    into the next window halfway (the rates themselves are the real ones)."""
    import groups.api.throttling as throttling

    class Clock:
        @staticmethod
        def time():
            return WINDOW_START + 1.5

    monkeypatch.setattr(throttling, "time", Clock)


def limit(scope: str) -> int:
    return parse_rate(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][scope])[0]


def assert_throttled(response):
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "throttled" and int(response["Retry-After"]) >= 1
    assert body["retry_after"] == int(response["Retry-After"]) and body["detail"].startswith("Request was throttled")


def test_the_real_rates_are_the_documented_ones():
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert rates == {"api": "1000/min", "door": "6000/min", "uploads": "60/min", "unauthenticated": "30/min"}


def test_a_token_flooding_reads_gets_429_and_the_door_keeps_working(api, steward, organiser, branch):
    client = api(steward)
    for _ in range(limit("api")):
        assert client.get("/api/v1/branches/").status_code == 200
    response = client.get("/api/v1/branches/")
    assert_throttled(response)
    assert int(response["Retry-After"]) == 59  # the rest of the minute
    # Another token is not slowed down.
    assert api(organiser).get("/api/v1/branches/").status_code == 200
    # The door is its own scope: a steward's door app is not stopped by their other calls.
    meeting = MeetingFactory(branch=branch)
    door = client.get(f"/api/v1/branches/{branch.slug}/meetings/{meeting.pk}/door/", {"q": "ana"})
    assert door.status_code == 200


def test_uploads_are_limited_per_token(api, organiser, branch):
    client = api(organiser)
    url = f"/api/v1/branches/{branch.slug}/counts/"
    for _ in range(limit("uploads")):
        # Refused files still cost a slot: the limit runs before the file is read.
        assert client.post(url, {"method": "fptp"}, format="multipart").status_code == 400
    blt = SimpleUploadedFile("b.blt", b'2 1\n1 1 0\n0\n"A"\n"B"\n"T"\n')
    assert_throttled(client.post(url, {"file": blt, "method": "fptp"}, format="multipart"))


def test_guessing_tokens_turns_401_into_429_per_address(api):
    client = api()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    for _ in range(limit("unauthenticated")):
        assert client.get("/api/v1/branches/").status_code == 401
    assert_throttled(client.get("/api/v1/branches/"))
    # Another address is not affected.
    assert client.get("/api/v1/branches/", REMOTE_ADDR="203.0.113.20").status_code == 401


def test_calls_with_no_token_are_limited_per_address(api):
    client = api()
    for _ in range(limit("unauthenticated")):
        assert client.get("/api/v1/branches/", REMOTE_ADDR="203.0.113.21").status_code == 401
    assert_throttled(client.get("/api/v1/branches/", REMOTE_ADDR="203.0.113.21"))
