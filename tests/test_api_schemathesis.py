"""Schemathesis against the live schema, through the WSGI app: generated
requests (valid and invalid) to every endpoint, as a staff user who organises
the branch. No answer may be a server error; every answer must match the
schema (status codes, content types, bodies, headers); invalid input must be
refused.

Left out: the "schema-valid request rejected" check. Services refuse some input
the schema cannot describe (a name of spaces only, a name already taken → 409,
a NUL character), and those refusals are the behaviour we want."""

import re

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from config.wsgi import application

from .conftest import make_api_token

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")


@pytest.fixture
def keep_test_connection():
    """Requests go straight to the WSGI app, not through Django's test client,
    so do what the test client does: stop the end of each request closing the
    database connection that holds the test's transaction (PostgreSQL)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def high_rate_limits(settings):
    """Schemathesis sends hundreds of requests a minute, many on purpose
    without a token (checking that they are refused): rate limits would turn
    those into 429s. tests/security/test_api_throttling.py proves the limits
    with the real rates."""
    rates = {scope: "1000000/min" for scope in settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}


@pytest.fixture
def token(keep_test_connection, organiser, branch):
    organiser.is_staff = True  # so that POST /branches/ is exercised beyond its 403
    organiser.save()
    return make_api_token(organiser)[1]


@pytest.fixture
def objects(branch):
    """A meeting, a person and a rule of the branch, so that generated ids
    reach real objects (door, check-ins, one person, one rule) and not only 404s."""
    from datetime import date

    from groups.models import Rule

    from .factories import AttendanceFactory, MeetingFactory, MembershipFactory, PersonFactory

    rule = Rule.objects.get(branch=branch, name="Party members only")
    person = PersonFactory(branch=branch, first_name="Ana", last_name="Silva")
    MembershipFactory(person=person, category=branch.categories.get(slug="party-member"), started_on=date(2015, 1, 1))
    meeting = MeetingFactory(branch=branch, attendance_rule=rule, voting_rule=rule, quorum=2)
    from groups.models import Vote

    vote = Vote.objects.create(
        meeting=meeting, question="That we meet monthly", method="secret", threshold="two_thirds"
    )
    from django.utils import timezone

    from groups.models import SpeakerRequest

    # Someone else asked to speak (a request needs a check-in, so that person can never be deleted; Ana can).
    speaker_person = PersonFactory(branch=branch, first_name="Bea", last_name="Costa")
    AttendanceFactory(meeting=meeting, person=speaker_person)
    speaker = SpeakerRequest.objects.create(meeting=meeting, person=speaker_person, kind="for", asked_at=timezone.now())
    from groups.models import Position, PositionHolder

    position = Position.objects.create(branch=branch, slug="chair", name="Chair", holder_rule=rule, seats=3)
    holder = PositionHolder.objects.create(
        position=position, person=person, started_on=date(2025, 1, 1), appointed_at=meeting.starts_at
    )
    from groups.models import AgendaItem, Motion, PointOfOrder

    item = AgendaItem.objects.create(meeting=meeting, order=1, title="Apologies")
    motion = Motion.objects.create(meeting=meeting, text="That we meet monthly.")
    point = PointOfOrder.objects.create(meeting=meeting, raised_by=person, point="Quorum?", raised_at=meeting.starts_at)
    from groups.models import Election, Nomination

    election = Election.objects.create(
        branch=branch, title="Delegates", method="scottish_stv", seats=1, election_on=date(2026, 3, 1),
        status="nominations", ballot_mode="meeting", meeting=meeting,
    )  # fmt: skip
    nomination = Nomination.objects.create(election=election, person=person, nominated_at=meeting.starts_at)
    # A paper ballot under way, two standing, for the tellers' endpoints.
    paper = Election.objects.create(
        branch=branch, title="Officers", method="scottish_stv", seats=1, election_on=date(2026, 3, 1),
        status="ballot", ballot_mode="paper",
    )  # fmt: skip
    for who in (person, speaker_person):
        Nomination.objects.create(election=paper, person=who, nominated_at=meeting.starts_at, status="standing")
    from groups.models import Minutes

    # Draft minutes to read and edit; a carried motion with its vote for the decisions register.
    Minutes.objects.create(meeting=meeting, text="# Minutes\n", generated_at=timezone.now())
    carried = Motion.objects.create(meeting=meeting, text="That we meet in the library.", state="carried")
    Vote.objects.create(
        meeting=meeting, motion=carried, question=carried.text, method="show_of_hands", threshold="simple_majority",
        status="closed", result="carried", votes_for=5, votes_against=1, abstain=0, entitled=8, voted=6,
        base=6, needed=4, explanation="5 for is at least the 4 needed.", closed_at=timezone.now(),
    )  # fmt: skip
    return {
        "election_id": election.pk,
        "paper_election_id": paper.pk,
        "/elections/": election.pk,
        "/nominations/": nomination.pk,
        "position_id": position.pk,
        "/positions/": position.pk,
        "/holders/": holder.pk,
        "meeting_id": meeting.pk,
        "/speakers/": speaker.pk,
        "/people/": person.pk,
        "/rules/": rule.pk,
        "/meetings/": meeting.pk,
        "/votes/": vote.pk,
        "/agenda/": item.pk,
        "/motions/": motion.pk,
        "/points-of-order/": point.pk,
    }


@pytest.mark.django_db
@schema.parametrize()
# derandomize: the same generated cases on every run, so CI is repeatable.
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_api_conforms_to_its_schema(case, token, objects):
    params = case.path_parameters or {}
    slug = params.get("branch_slug")
    if isinstance(slug, str) and SLUG.match(slug):
        # A well-formed slug: use the real branch rather than a random 404. Malformed ones stay.
        case.path_parameters["branch_slug"] = "green-lanes"
    for name in ("meeting_id", "position_id", "election_id"):
        if isinstance(params.get(name), int):
            case.path_parameters[name] = objects[name]
    if "/tellers/" in case.path and isinstance(params.get("election_id"), int):
        case.path_parameters["election_id"] = objects["paper_election_id"]  # the tellers' work on paper ballots
    if isinstance(params.get("id"), (int, str)) and str(params["id"]).isdigit():
        # The last match wins.
        for part in (
            "/people/",
            "/rules/",
            "/meetings/",
            "/votes/",
            "/speakers/",
            "/positions/",
            "/holders/",
            "/agenda/",
            "/motions/",
            "/points-of-order/",
            "/elections/",
            "/nominations/",
        ):
            if part in case.path:
                case.path_parameters["id"] = objects[part]  # the last match wins
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"},
        excluded_checks=[schemathesis.checks.positive_data_acceptance],
    )
