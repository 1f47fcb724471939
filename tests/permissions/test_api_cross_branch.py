"""The REST API, asked by our organiser under our branch's slug for another
branch's objects: every endpoint with an id answers 404 and writes nothing; our
own endpoints given another branch's people in the body refuse and write nothing.
(The API is outside the page matrix: it answers JSON, see tests/test_api_*.py.)"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from ..cross_branch import make_far_branch, snapshot
from ..factories import MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def far(db):
    return make_far_branch()


# (URL name, the URL's ids from the other branch, method, body). PUT is not offered (405).
FOREIGN_IDS = [
    ("api-meeting-detail", lambda f: {"pk": f.meeting.pk}, "get", None),
    ("api-meeting-detail", lambda f: {"pk": f.meeting.pk}, "patch", {"title": "Ours now"}),
    ("api-person-detail", lambda f: {"pk": f.person.pk}, "get", None),
    ("api-person-detail", lambda f: {"pk": f.person.pk}, "patch", {"first_name": "Changed"}),
    ("api-person-detail", lambda f: {"pk": f.person.pk}, "delete", None),
    ("api-person-data-data", lambda f: {"pk": f.person.pk}, "get", None),
    ("api-person-data-erase", lambda f: {"pk": f.person.pk}, "post", {"reason": "They asked"}),
    ("api-rule-detail", lambda f: {"pk": f.rule.pk}, "get", None),
    ("api-rule-detail", lambda f: {"pk": f.rule.pk}, "patch", {"name": "Changed"}),
    ("api-rule-detail", lambda f: {"pk": f.rule.pk}, "delete", None),
    ("api-rule-evaluate", lambda f: {"pk": f.rule.pk}, "post", "their person"),
    ("api-rule-preview", lambda f: {"pk": f.rule.pk}, "get", None),
    ("api-checkin-list", lambda f: {"meeting_id": f.meeting.pk}, "get", None),
    ("api-checkin-list", lambda f: {"meeting_id": f.meeting.pk}, "post", {"guest_name": "Jo"}),
    ("api-checkin-left", lambda f: {"meeting_id": f.meeting.pk, "pk": f.attendance.pk}, "post", None),
    (
        "api-checkin-batch",
        lambda f: {"meeting_id": f.meeting.pk},
        "post",
        {
            "items": [
                {"person": 1, "nonce": "6f1f3c0e-9d4b-4c53-9b39-1f0c2a7d5e11", "checked_in_at": "2026-12-01T19:00:00Z"}
            ]
        },
    ),
    ("api-checkin-undo", lambda f: {"meeting_id": f.meeting.pk, "pk": f.attendance.pk}, "post", {"reason": "x"}),
    ("api-meeting-door-door", lambda f: {"meeting_id": f.meeting.pk}, "get", {"q": "far"}),
    ("api-meeting-door-quorum", lambda f: {"meeting_id": f.meeting.pk}, "get", None),
    ("api-meeting-record-record", lambda f: {"meeting_id": f.meeting.pk}, "get", None),
    ("api-meeting-record-close", lambda f: {"meeting_id": f.meeting.pk}, "post", None),
    ("api-meeting-record-reopen", lambda f: {"meeting_id": f.meeting.pk}, "post", {"reason": "x"}),
    ("api-vote-list", lambda f: {"meeting_id": f.meeting.pk}, "get", None),
    ("api-vote-list", lambda f: {"meeting_id": f.meeting.pk}, "post", {"question": "Q", "method": "secret"}),
    ("api-vote-detail", lambda f: {"meeting_id": f.meeting.pk, "pk": _far_vote(f).pk}, "get", None),
    ("api-vote-open", lambda f: {"meeting_id": f.meeting.pk, "pk": _far_vote(f).pk}, "post", {}),
    ("api-vote-ballots", lambda f: {"meeting_id": f.meeting.pk, "pk": _far_vote(f).pk}, "post", {"choice": "for"}),
    ("api-vote-tally", lambda f: {"meeting_id": f.meeting.pk, "pk": _far_vote(f).pk}, "post", {"for": 0}),
    ("api-vote-close", lambda f: {"meeting_id": f.meeting.pk, "pk": _far_vote(f).pk}, "post", {}),
    ("api-meeting-door-door-list", lambda f: {"meeting_id": f.meeting.pk}, "get", None),
    (
        "api-checkin-undo-device",
        lambda f: {"meeting_id": f.meeting.pk},
        "post",
        {"nonce": "6f1c2b8e-2d7e-4c1a-9a55-0b1d2e3f4a5b"},
    ),
    ("api-position-detail", lambda f: {"pk": _far_term(f).position.pk}, "get", None),
    ("api-position-detail", lambda f: {"pk": _far_term(f).position.pk}, "patch", {"name": "Ours now"}),
    ("api-position-holder-list", lambda f: {"position_id": _far_term(f).position.pk}, "get", None),
    (
        "api-position-holder-end",
        lambda f: {"position_id": _far_term(f).position.pk, "pk": _far_term(f).pk},
        "post",
        {"reason": "x"},
    ),
    # Elections (issue 13)
    ("api-election-detail", lambda f: {"pk": _far_election(f).pk}, "get", None),
    ("api-election-open-nominations", lambda f: {"pk": _far_election(f).pk}, "post", None),
    ("api-election-close-nominations", lambda f: {"pk": _far_election(f).pk}, "post", None),
    ("api-election-close", lambda f: {"pk": _far_election(f).pk}, "post", None),
    ("api-election-ballots", lambda f: {"pk": _far_election(f).pk}, "post", {"ranking": [1]}),
    ("api-election-blt", lambda f: {"pk": _far_election(f).pk}, "get", None),
    ("api-election-result", lambda f: {"pk": _far_election(f).pk}, "get", None),
    ("api-nomination-list", lambda f: {"election_id": _far_election(f).pk}, "get", None),
    ("api-nomination-list", lambda f: {"election_id": _far_election(f).pk}, "post", "their person"),
    (
        "api-nomination-withdraw",
        lambda f: {"election_id": _far_election(f).pk, "pk": _far_nomination(f).pk},
        "post",
        None,
    ),
    # Minutes (issue 12 item 8): the far meeting's, asked for under our slug
    ("api-minutes-minutes", lambda f: _far_minutes(f), "get", None),
    ("api-minutes-minutes", lambda f: _far_minutes(f), "patch", {"text": "Ours now", "version": 1}),
    ("api-minutes-draft", lambda f: {"meeting_id": f.meeting.pk}, "post", {"replace": True}),
    ("api-minutes-approve", lambda f: _far_minutes(f), "post", {"item": 1}),
    ("api-speaker-list", lambda f: {"meeting_id": f.meeting.pk}, "get", None),
    ("api-speaker-list", lambda f: {"meeting_id": f.meeting.pk}, "post", {"kind": "contribution"}),
    ("api-speaker-call", lambda f: {"meeting_id": f.meeting.pk}, "post", {}),
    ("api-speaker-done", lambda f: {"meeting_id": f.meeting.pk, "pk": _far_request(f).pk}, "post", {}),
    ("api-speaker-move", lambda f: {"meeting_id": f.meeting.pk, "pk": _far_request(f).pk}, "post", {"position": 1}),
    ("api-speaker-withdraw", lambda f: {"meeting_id": f.meeting.pk, "pk": _far_request(f).pk}, "post", {}),
    # Members' own nominations and the tellers' paper ballots (issue 13)
    ("api-member-nomination-my-nomination", lambda f: {"election_id": _far_election(f).pk}, "get", None),
    ("api-member-nomination-my-nomination", lambda f: {"election_id": _far_election(f).pk}, "post", {}),
    ("api-member-nomination-withdraw", lambda f: {"election_id": _far_election(f).pk}, "post", {}),
    ("api-member-nomination-accept", lambda f: {"election_id": _far_election(f).pk}, "post", {}),
    ("api-member-nomination-decline", lambda f: {"election_id": _far_election(f).pk}, "post", {}),
    (
        "api-election-nomination-times",
        lambda f: {"pk": _far_election(f).pk},
        "post",
        {"nominations_close_at": "2031-05-04T19:30:00Z"},
    ),
    (
        "api-nomination-consent",
        lambda f: {"election_id": _far_election(f).pk, "pk": _far_nomination(f).pk},
        "post",
        {"consent_note": "Signed the form"},
    ),
    (
        "api-member-nomination-nominate-member",
        lambda f: {"election_id": _far_election(f).pk},
        "post",
        {"number": "1", "last_name": "Away"},
    ),
    ("api-tellers-tellers", lambda f: {"election_id": _far_election(f).pk}, "get", None),
    ("api-tellers-entry", lambda f: {"election_id": _far_election(f).pk}, "post", {"papers": [[1]]}),
    ("api-tellers-accept", lambda f: {"election_id": _far_election(f).pk}, "post", None),
    # The agenda, motions and points of order (issue 12)
    ("api-agenda-list", lambda f: {"meeting_id": f.meeting.pk}, "get", None),
    ("api-agenda-list", lambda f: {"meeting_id": f.meeting.pk}, "post", {"title": "Ours now"}),
    ("api-agenda-current", lambda f: {"meeting_id": f.meeting.pk}, "post", {"item": None}),
    ("api-agenda-detail", lambda f: _far_business(f, "item"), "get", None),
    ("api-agenda-detail", lambda f: _far_business(f, "item"), "patch", {"title": "Ours now"}),
    ("api-agenda-detail", lambda f: _far_business(f, "item"), "delete", None),
    ("api-agenda-move", lambda f: _far_business(f, "item"), "post", {"direction": "up"}),
    ("api-motion-list", lambda f: {"meeting_id": f.meeting.pk}, "get", None),
    ("api-motion-list", lambda f: {"meeting_id": f.meeting.pk}, "post", {"text": "Ours now."}),
    ("api-motion-detail", lambda f: _far_business(f, "motion"), "get", None),
    ("api-motion-move", lambda f: _far_business(f, "motion"), "post", "their person"),
    ("api-motion-second", lambda f: _far_business(f, "motion"), "post", "their person"),
    ("api-motion-fall", lambda f: _far_business(f, "motion"), "post", None),
    ("api-motion-withdraw", lambda f: _far_business(f, "motion"), "post", None),
    ("api-motion-rule-out", lambda f: _far_business(f, "motion"), "post", {"reason": "x"}),
    ("api-motion-remit", lambda f: _far_business(f, "motion"), "post", None),
    ("api-motion-refer-back", lambda f: _far_business(f, "motion"), "post", None),
    ("api-motion-not-reached", lambda f: _far_business(f, "motion"), "post", None),
    ("api-point-of-order-list", lambda f: {"meeting_id": f.meeting.pk}, "get", None),
    ("api-point-of-order-list", lambda f: {"meeting_id": f.meeting.pk}, "post", {"raised_by": 1, "point": "x"}),
    ("api-point-of-order-detail", lambda f: _far_business(f, "point"), "get", None),
    ("api-point-of-order-rule", lambda f: _far_business(f, "point"), "post", {"ruling": "x", "reason": "y"}),
    ("api-point-of-order-challenge", lambda f: _far_business(f, "point"), "post", {"supporters": [1]}),
]


def _far_term(far):
    from datetime import date

    from groups.models import Position, PositionHolder

    position, _ = Position.objects.get_or_create(
        branch=far.branch, slug="far-chair", defaults={"name": "Far chair", "holder_rule": far.rule, "seats": 1}
    )
    return PositionHolder.objects.get_or_create(
        position=position,
        person=far.person,
        defaults={"started_on": date(2025, 1, 1), "appointed_at": far.meeting.starts_at},
    )[0]


def _far_election(far):
    from datetime import date

    from groups.models import Election

    return Election.objects.get_or_create(
        branch=far.branch,
        title="Theirs",
        defaults={"method": "fptp", "election_on": date(2026, 3, 1), "status": "nominations", "ballot_mode": "meeting",
                  "meeting": far.meeting},
    )[0]  # fmt: skip


def _far_nomination(far):
    from groups.models import Nomination

    return Nomination.objects.get_or_create(
        election=_far_election(far), person=far.person, defaults={"nominated_at": far.meeting.starts_at}
    )[0]


def _far_request(far):
    from django.utils import timezone

    from groups.models import SpeakerRequest

    return SpeakerRequest.objects.get_or_create(meeting=far.meeting, person=far.person, asked_at=timezone.now())[0]


def _far_business(far, what: str) -> dict:
    """The far meeting's agenda item, motion or point of order, by id."""
    from groups.models import AgendaItem, Motion, PointOfOrder

    if what == "item":
        obj = AgendaItem.objects.get_or_create(meeting=far.meeting, order=1, title="Theirs")[0]
    elif what == "motion":
        obj = Motion.objects.get_or_create(meeting=far.meeting, text="Theirs.")[0]
    else:
        obj = PointOfOrder.objects.get_or_create(
            meeting=far.meeting, raised_by=far.person, point="Theirs", raised_at=far.meeting.starts_at
        )[0]
    return {"meeting_id": far.meeting.pk, "pk": obj.pk}


def _far_minutes(far) -> dict:
    """The far meeting with approved minutes of its own."""
    from django.utils import timezone

    from groups.models import Minutes

    now = timezone.now()
    Minutes.objects.get_or_create(
        meeting=far.meeting, defaults={"text": "Theirs", "generated_at": now, "status": "approved", "approved_at": now}
    )
    return {"meeting_id": far.meeting.pk}


def _far_vote(far):
    from groups.models import Vote

    return Vote.objects.get_or_create(meeting=far.meeting, question="Theirs", method="secret", threshold="two_thirds")[
        0
    ]


@pytest.mark.parametrize("name, ids, method, body", FOREIGN_IDS, ids=[f"{n}-{m}" for n, _, m, _ in FOREIGN_IDS])
def test_another_branchs_object_under_our_slug_is_404_and_writes_nothing(
    api, branch, organiser, far, name, ids, method, body
):
    url = reverse(name, kwargs={"branch_slug": branch.slug, **ids(far)})
    if body == "their person":
        body = {"person": far.person.pk}
    before = snapshot()
    response = getattr(api(organiser), method)(url, body or {}, format="json")
    assert response.status_code == 404, (name, method, response.status_code)
    assert snapshot() == before


def test_every_api_url_with_an_id_is_tried():
    from django.urls import URLResolver, get_resolver

    def names(patterns):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from names(p.url_patterns)
            elif p.name and p.name.startswith("api-") and re.search(r"<pk>|_id>", str(p.pattern)):
                yield p.name

    assert set(names(get_resolver().url_patterns)) == {n for n, *_ in FOREIGN_IDS}


def test_checking_in_another_branchs_person_at_our_meeting_writes_nothing(api, branch, organiser, far):
    ours = MeetingFactory(branch=branch)
    url = reverse("api-checkin-list", kwargs={"branch_slug": branch.slug, "meeting_id": ours.pk})
    before = snapshot()
    response = api(organiser).post(url, {"person": far.person.pk, "override_reason": "x"}, format="json")
    assert response.status_code == 400
    assert snapshot() == before


def test_evaluating_our_rule_for_another_branchs_person_says_nothing_of_them(api, branch, organiser, far):
    from groups.models import Rule

    ours = Rule.objects.filter(branch=branch).order_by("pk").first()
    url = reverse("api-rule-evaluate", kwargs={"branch_slug": branch.slug, "pk": ours.pk})
    before = snapshot()
    response = api(organiser).post(url, {"person": far.person.pk}, format="json")
    assert response.status_code == 400
    assert "Farah" not in response.content.decode() and "Away" not in response.content.decode()
    assert snapshot() == before
