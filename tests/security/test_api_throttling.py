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


# --- ballots: the count shares the ballot's commit (groups/api/throttling.py, counted_in_write) ---


def _key(user) -> str:
    from groups.models import ApiToken

    return f"api:token-{ApiToken.objects.filter(user=user).latest('pk').pk}"  # the api fixture's token


def _count(user) -> int:
    from groups.models import RateCount

    row = RateCount.objects.filter(key=_key(user)).first()
    return row.count if row else 0


def _full(user) -> None:
    from groups.models import RateCount

    RateCount.objects.update_or_create(key=_key(user), defaults={"count": limit("api"), "expires": WINDOW_START + 60})


def _vote(branch, organiser, member):
    from groups.models import Person

    from ..votes.helpers import hall, open_one

    meeting, voters, _ = hall(branch, organiser, members=3, supporters=0)
    Person.objects.filter(pk=voters[0].pk).update(user=member)
    vote = open_one(meeting, organiser)
    return f"/api/v1/branches/{branch.slug}/meetings/{meeting.pk}/votes/{vote.pk}/ballots/", vote


@pytest.mark.skipif("redis" in settings.CACHES["default"]["BACKEND"].lower(), reason="counts in Redis")
def test_every_ballot_request_counts_once_taken_or_refused(api, organiser, member, branch):
    url, vote = _vote(branch, organiser, member)
    client = api(member)
    assert client.post(url, {"choice": "for"}, format="json").status_code == 201
    assert _count(member) == 1  # in the ballot's own transaction
    assert client.post(url, {"choice": "for"}, format="json").status_code == 409  # already voted
    assert _count(member) == 2
    assert client.post(url, {"choice": "maybe"}, format="json").status_code == 400
    missing = url.replace(f"/votes/{vote.pk}/", "/votes/999999/")
    assert client.post(missing, {"choice": "for"}, format="json").status_code == 404
    assert client.post(url, {"choice": "for"}).status_code == 415  # not JSON
    assert _count(member) == 5


def test_a_ballot_over_the_limit_is_429_and_nothing_is_written(api, organiser, member, branch):
    from groups.models import Ballot, VotedMark

    url, vote = _vote(branch, organiser, member)
    client = api(member)
    if "redis" in settings.CACHES["default"]["BACKEND"].lower():
        pytest.skip("counts in Redis")
    _full(member)
    assert_throttled(client.post(url, {"choice": "for"}, format="json"))
    assert not VotedMark.objects.filter(vote=vote).exists() and not Ballot.objects.filter(vote=vote).exists()
    assert_throttled(client.post(url, {"choice": "nonsense"}, format="json"))  # 429 before the body's 400


def test_an_election_ballot_counts_once_and_is_429_over_the_limit(api, organiser, member, branch):
    from groups.models import ElectionBallot, ElectionVoterMark, Person

    from ..elections.helpers import contested

    election, nominations, voters = contested(branch, organiser)
    Person.objects.filter(pk=voters[1].pk).update(user=member)
    url = f"/api/v1/branches/{branch.slug}/elections/{election.pk}/ballots/"
    client = api(member)
    ranking = {"ranking": [nominations[0].pk]}
    if "redis" in settings.CACHES["default"]["BACKEND"].lower():
        pytest.skip("counts in Redis")
    assert client.post(url, {"ranking": [999_999]}, format="json").status_code == 400  # rolled back: counted apart
    assert _count(member) == 1
    assert client.post(url, ranking, format="json").status_code == 201
    assert _count(member) == 2
    assert client.post(url, ranking, format="json").status_code == 409
    assert _count(member) == 3
    missing = url.replace(f"/elections/{election.pk}/", "/elections/999999/")
    assert client.post(missing, ranking, format="json").status_code == 404  # never reached the write: counted apart
    assert _count(member) == 4
    _full(member)
    Person.objects.filter(pk=voters[1].pk).update(user=None)
    Person.objects.filter(pk=voters[2].pk).update(user=member)
    assert_throttled(client.post(url, ranking, format="json"))
    assert not ElectionVoterMark.objects.filter(election=election, person=voters[2]).exists()
    assert ElectionBallot.objects.filter(election=election).count() == 1
