"""The ballot's lean path (groups/api/lean.py, mounted ahead of the router's
route): the same authentication, CSRF, rate limit, secrecy and answers as the
DRF view, which answers everything the lean path does not take."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import resolve
from django.utils import timezone

from groups.api.views.votes import VoteViewSet
from groups.models import AuditEvent, Ballot, Person, RateCount, VotedMark
from groups.sql import sqlite_ballots

from ..conftest import make_api_token
from ..factories import RoleFactory
from ..rate_limits import RATE_LIMIT_QUERIES
from .helpers import hall, open_one

pytestmark = pytest.mark.django_db
DRF_ONLY = "tests.votes.drf_urls"
CSRF = "c" * 32
# What the two paths may differ in: nothing a client reads.
COMPARED_HEADERS = ("Content-Type", "Allow", "Retry-After", "WWW-Authenticate", "Cache-Control")


@pytest.fixture
def voting(branch, organiser, member, steward):
    meeting, voters, others = hall(branch, organiser, members=3, supporters=1)
    Person.objects.filter(pk=voters[0].pk).update(user=member)
    Person.objects.filter(pk=voters[1].pk).update(user=steward)
    vote = open_one(meeting, organiser)
    return meeting, vote


def ballots_url(meeting, vote_id) -> str:
    return f"/api/v1/branches/{meeting.branch.slug}/meetings/{meeting.pk}/votes/{vote_id}/ballots/"


def session_client(user, *, csrf=True) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.cookies["csrftoken"] = CSRF
    if csrf:
        client.defaults["HTTP_X_CSRFTOKEN"] = CSRF
    return client


def token_client(user, **token) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {make_api_token(user, **token)[1]}")


def post(client, url, body='{"choice": "for"}', content_type="application/json", **extra):
    return client.post(url, body, content_type=content_type, **extra)


def answer(response) -> tuple:
    return response.status_code, response.content, {h: response.get(h) for h in COMPARED_HEADERS}


def both(make_client, url, **request) -> tuple:
    """The same request on the lean path and on the DRF view alone, each with a fresh client."""
    lean = answer(post(make_client(), url, **request))
    with override_settings(ROOT_URLCONF=DRF_ONLY):
        drf = answer(post(make_client(), url, **request))
    return lean, drf


def test_the_lean_view_is_mounted_ahead_of_the_documented_route(voting):
    meeting, vote = voting
    match = resolve(ballots_url(meeting, vote.pk))
    assert match.url_name == "api-vote-ballots" and match.func.fallback.cls is VoteViewSet
    assert not hasattr(match.func, "cls")  # drf-spectacular documents the router's route, not this one


def test_a_session_ballot_needs_the_csrf_header(member, voting):
    meeting, vote = voting
    url = ballots_url(meeting, vote.pk)
    refused = post(session_client(member, csrf=False), url)
    assert refused.status_code == 403 and refused.json() == {"detail": "CSRF Failed: CSRF token missing."}
    assert not VotedMark.objects.filter(vote=vote).exists()
    wrong = session_client(member, csrf=False)
    wrong.defaults["HTTP_X_CSRFTOKEN"] = "d" * 32
    incorrect = "CSRF Failed: CSRF token from the 'X-Csrftoken' HTTP header incorrect."
    assert post(wrong, url).json() == {"detail": incorrect}
    cast = post(session_client(member), url)
    assert cast.status_code == 201
    assert cast.json() == {"detail": "Your vote has been recorded.", "voted": 1, "entitled": 3}


def test_a_token_needs_no_csrf_but_an_expired_or_revoked_one_is_401(member, steward, voting):
    meeting, vote = voting
    url = ballots_url(meeting, vote.pk)
    expired = token_client(member, expires_at=timezone.now() - timedelta(minutes=1))
    revoked = token_client(member, revoked_at=timezone.now())
    for client in (expired, revoked, Client(HTTP_AUTHORIZATION="Token not-a-key")):
        refused = post(client, url)
        assert refused.status_code == 401 and refused.json() == {"detail": "Invalid token."}
        assert refused["WWW-Authenticate"] == "Token"
    assert not VotedMark.objects.filter(vote=vote).exists()
    assert post(token_client(member), url).status_code == 201
    assert VotedMark.objects.filter(vote=vote).count() == 1


def test_the_lean_ballot_is_counted_once_and_refused_over_the_limit_as_the_drf_path_is(
    member, steward, voting, monkeypatch
):
    import groups.api.throttling as throttling

    window_start = 1_800_000_000  # the throttle's clock held inside one minute: the same Retry-After both ways

    class Clock:
        @staticmethod
        def time():
            return window_start + 1.5

    monkeypatch.setattr(throttling, "time", Clock)
    meeting, vote = voting
    url = ballots_url(meeting, vote.pk)
    key = f"api:user-{member.pk}"

    def count() -> int:
        row = RateCount.objects.filter(key=key).first()
        return row.count if row else 0

    client = session_client(member)
    assert post(client, url).status_code == 201 and count() == 1  # with the ballot
    assert post(client, url).status_code == 409 and count() == 2  # the DRF view answers: not counted again
    assert post(client, url, body='{"choice": "maybe"}').status_code == 400 and count() == 3
    assert post(client, ballots_url(meeting, 999_999)).status_code == 404 and count() == 4
    if RATE_LIMIT_QUERIES == 0:
        return  # counted in Redis: the window's row is not there to fill
    RateCount.objects.create(key=f"api:user-{steward.pk}", count=10**6, expires=window_start + 60)
    lean, drf = both(lambda: session_client(steward), url)
    assert lean == drf and lean[0] == 429
    assert not VotedMark.objects.filter(vote=vote, person__user=steward).exists()


def test_a_secret_lean_ballot_cannot_be_linked_to_its_voter(member, voting):
    meeting, vote = voting
    assert post(session_client(member), ballots_url(meeting, vote.pk), body='{"choice": "against"}').status_code == 201
    (ballot,) = Ballot.objects.filter(vote=vote).values()
    assert set(ballot) == {"id", "vote_id", "choice"} and ballot["choice"] == "against"
    mark = VotedMark.objects.get(vote=vote)
    assert mark.named_choice == "" and mark.person.user == member
    audit = AuditEvent.objects.get(action="vote.ballot", object_id=str(vote.pk))
    assert "against" not in f"{audit.summary} {audit.changes}"


@pytest.mark.parametrize(
    "case",
    [
        {"body": '{"choice": "maybe"}'},
        {"body": '{"choice": 1}'},
        {"body": "{}"},
        {"body": '["for"]'},
        {"body": '{"choice": "for", "x": NaN}'},
        {"body": "not json"},
        {"body": "choice=for", "content_type": "application/x-www-form-urlencoded"},
        {"HTTP_ACCEPT": "text/html"},
        {"QUERY_STRING": "format=xml"},
    ],
    ids=["bad choice", "not text", "empty", "array", "NaN", "not json", "a form", "html", "format"],
)
def test_what_the_lean_path_does_not_take_is_answered_as_the_drf_view_answers(member, voting, case):
    meeting, vote = voting
    lean, drf = both(lambda: session_client(member), ballots_url(meeting, vote.pk), **case)
    assert lean == drf
    assert lean[0] >= 400 and not VotedMark.objects.filter(vote=vote).exists()


def test_an_accept_with_parameters_is_the_drf_views_to_render(member, voting):
    meeting, vote = voting
    cast = post(session_client(member), ballots_url(meeting, vote.pk), HTTP_ACCEPT="application/json; indent=2")
    assert cast.status_code == 201 and cast.content.startswith(b'{\n  "detail"')


def test_refusals_are_the_drf_views(branch, organiser, member, steward, user_factory, voting):
    meeting, vote = voting
    url = ballots_url(meeting, vote.pk)
    supporters = Person.objects.filter(branch=branch, user__isnull=True)
    supporter = supporters.filter(memberships__category__slug="registered-supporter")
    unlinked = user_factory()  # linked to the supporter, whom the rule does not let vote
    RoleFactory(branch=branch, user=unlinked, role="member")
    Person.objects.filter(pk=supporter.get().pk).update(user=unlinked)
    cases = {
        "not entitled": (lambda: session_client(unlinked), url),
        "no such vote": (lambda: session_client(member), ballots_url(meeting, 999_999)),
        "another meeting's": (
            lambda: session_client(member),
            ballots_url(hall(branch, organiser, members=1, supporters=0)[0], vote.pk),
        ),
        "no role in the branch": (lambda: session_client(user_factory()), url),
        "signed out": (Client, url),
    }
    for name, (make, where) in cases.items():
        lean, drf = both(make, where)
        assert lean == drf, name
        assert lean[0] in (401, 403, 404), name
    assert post(session_client(member), url).status_code == 201
    lean, drf = both(lambda: session_client(member), url)
    assert lean == drf and lean[0] == 409 and b"already_voted" in lean[1]
    vote.status = "closed"
    vote.save(update_fields=["status"])
    lean, drf = both(lambda: session_client(steward), url)
    assert lean == drf and b"vote_closed" in lean[1]


def test_the_lean_and_drf_answers_to_a_ballot_are_the_same(member, steward, voting):
    meeting, vote = voting
    url = ballots_url(meeting, vote.pk)
    lean = answer(post(session_client(member), url))
    with override_settings(ROOT_URLCONF=DRF_ONLY):
        drf = answer(post(session_client(steward), url))
    assert lean[0] == drf[0] == 201 and lean[2] == drf[2]
    assert lean[1] == b'{"detail":"Your vote has been recorded.","voted":1,"entitled":3}'
    assert drf[1] == b'{"detail":"Your vote has been recorded.","voted":2,"entitled":3}'


def test_a_lean_ballot_runs_a_pinned_number_of_queries(member, voting):
    """Session, user, roles (the branch), then on PostgreSQL one statement for
    the rest (the rate limit, the mark, the ballot, the audit row, the
    progress); on SQLite one INSERT whose trigger writes the first four, and
    one read of what it did and of the progress (the test's savepoints left out)."""
    meeting, vote = voting
    client = session_client(member)
    client.get("/")  # the session's first request writes its limits' keys: not a ballot's cost
    if connection.vendor == "sqlite":
        sqlite_ballots.install()  # once per connection, on its first ballot: not each ballot's cost
    with CaptureQueriesContext(connection) as queries:
        cast = post(client, ballots_url(meeting, vote.pk))
    assert cast.status_code == 201 and cast.json()["voted"] == 1
    statements = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    if connection.vendor == "postgresql":
        assert len(statements) == 4, statements
        assert statements[-1].startswith("WITH ") and statements[-1].count("INSERT INTO") == 4 + RATE_LIMIT_QUERIES
    else:
        assert len(statements) == 5, statements
        assert statements[3].startswith("INSERT INTO temp.rollcall_ballot_request"), statements
    assert (VotedMark.objects.filter(vote=vote).count(), Ballot.objects.filter(vote=vote).count()) == (1, 1)


@pytest.mark.parametrize("method", ["secret", "named"])
def test_the_api_ballot_writes_what_the_service_writes(organiser, member, steward, voting, method):
    """The lean path's ballot (one statement on PostgreSQL) and cast_ballot's,
    row for row: the mark, the secret ballot, the audit row and the progress."""
    from groups.services.votes import cast_ballot

    meeting, _ = voting
    vote = open_one(meeting, organiser, method=method)
    cast = post(session_client(member), ballots_url(meeting, vote.pk), body='{"choice": "against"}')
    assert cast.json() == {"detail": "Your vote has been recorded.", "voted": 1, "entitled": 3}
    by_service = Person.objects.get(branch=meeting.branch, user=steward)
    cast_ballot(vote=vote, person=by_service, choice="against", actor=steward)

    def written(user) -> tuple:
        mark = VotedMark.objects.get(vote=vote, person__user=user)
        event = AuditEvent.objects.get(action="vote.ballot", object_id=str(vote.pk), person_id=mark.person_id)
        assert event.at == mark.cast_at and event.actor_id == user.pk
        fields = ("branch_id", "action", "object_type", "object_id", "summary", "changes")
        return mark.named_choice, {f: getattr(event, f) for f in fields}

    assert written(member) == written(steward)
    named_choice, event = written(member)
    if method == "named":
        assert named_choice == "against" and event["summary"] == "Voted against"
        assert event["changes"] == {"choice": "against"} and not Ballot.objects.filter(vote=vote).exists()
    else:
        assert named_choice == "" and event["summary"] == "Voted" and event["changes"] == {}
        assert list(Ballot.objects.filter(vote=vote).values_list("choice", flat=True)) == ["against", "against"]
    assert event["branch_id"] == meeting.branch_id and event["object_type"] == "vote"


def test_at_the_limit_a_ballot_is_taken_and_the_next_is_429_counted_once(member, voting, monkeypatch):
    import groups.api.throttling as throttling

    window_start = 1_800_000_000

    class Clock:
        @staticmethod
        def time():
            return window_start + 20.5

    monkeypatch.setattr(throttling, "time", Clock)
    if RATE_LIMIT_QUERIES == 0:
        pytest.skip("counted in Redis: no row to fill")
    meeting, vote = voting
    limit, _ = throttling.rate_for("api")
    key = f"api:user-{member.pk}"
    RateCount.objects.create(key=key, count=limit - 1, expires=window_start + 60)
    client = session_client(member)
    assert post(client, ballots_url(meeting, vote.pk)).status_code == 201  # the limit's last request
    assert RateCount.objects.get(key=key).count == limit
    refused = post(client, ballots_url(meeting, 999_999))
    assert refused.status_code == 429 and refused["Retry-After"] == "40"
    assert RateCount.objects.get(key=key).count == limit + 1
    again = post(client, ballots_url(meeting, vote.pk))
    assert again.status_code == 429 and RateCount.objects.get(key=key).count == limit + 2
    assert VotedMark.objects.filter(vote=vote).count() == 1


sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's one-statement ballot (a trigger)")


@sqlite_only
def test_a_second_ballot_through_the_trigger_writes_nothing_more(member, voting):
    """The unique index refuses the second mark, and changes() then stops the
    trigger writing a second ballot or audit row; the request is still counted."""
    meeting, vote = voting
    client = session_client(member)
    assert post(client, ballots_url(meeting, vote.pk)).status_code == 201
    again = post(client, ballots_url(meeting, vote.pk), '{"choice": "against"}')
    assert again.status_code == 409 and b"already_voted" in again.content
    assert (VotedMark.objects.filter(vote=vote).count(), Ballot.objects.filter(vote=vote).count()) == (1, 1)
    assert Ballot.objects.get(vote=vote).choice == "for"
    assert AuditEvent.objects.filter(action="vote.ballot", object_id=str(vote.pk)).count() == 1
    if RATE_LIMIT_QUERIES:
        assert RateCount.objects.get(key=f"api:user-{member.pk}").count == 2


@sqlite_only
def test_a_refused_ballot_after_a_taken_one_on_the_same_connection_is_not_reported_as_taken(
    member, steward, voting, organiser
):
    """The trigger's notes are emptied at each ballot: a voter who may not vote
    (here, marked as left) is not answered with the mark the connection took before."""
    from groups.models import Attendance
    from groups.services.attendance import mark_left

    meeting, vote = voting
    assert post(session_client(member), ballots_url(meeting, vote.pk)).status_code == 201
    attendance = Attendance.objects.get(meeting=meeting, person__user=steward)
    mark_left(attendance=attendance, actor=organiser)
    refused = post(session_client(steward), ballots_url(meeting, vote.pk))
    assert refused.status_code == 403, refused.content
    assert VotedMark.objects.filter(vote=vote).count() == Ballot.objects.filter(vote=vote).count() == 1


@sqlite_only
@pytest.mark.parametrize("lost", ["TRIGGER temp.rollcall_ballot_request_cast", "VIEW temp.rollcall_ballot_request"])
def test_the_trigger_is_made_again_when_the_connection_lost_it(member, voting, lost):
    """Temporary objects go with a rollback of the transaction that made them:
    the next ballot makes them again, and is taken (without its trigger the
    view answers "cannot modify … because it is a view"; without the view,
    "no such table")."""
    meeting, vote = voting
    sqlite_ballots.install()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP {lost}")
    assert post(session_client(member), ballots_url(meeting, vote.pk)).status_code == 201
    assert (VotedMark.objects.filter(vote=vote).count(), Ballot.objects.filter(vote=vote).count()) == (1, 1)
