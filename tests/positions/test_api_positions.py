"""/api/v1/branches/{slug}/positions/…: who may do what, appointing through
the holder rule (403 with the Decision), ending terms, the alerts, another
branch's ids answering 404, and the list's query count pinned."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from groups.models import Membership, Person, Position, PositionHolder, Rule
from groups.services import positions as services

from ..factories import person_with_membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def chair(branch, organiser):
    rule = Rule.objects.get(branch=branch, name="Party members only")
    return services.create_position(branch=branch, slug="chair", name="Chair", holder_rule=rule, actor=organiser)


@pytest.fixture
def ana(branch):
    return person_with_membership(branch, "party-member", first_name="Ana", membership={"started_on": date(2015, 3, 1)})


def _base(branch):
    return f"/api/v1/branches/{branch.slug}/positions/"


@pytest.mark.parametrize(
    ("who", "read", "write"),
    [("organiser", 200, 201), ("steward", 200, 403), ("member", 403, 403), ("outsider", 404, 404)],
)
def test_permissions(who, read, write, branch, api, request):
    client = api(request.getfixturevalue(who))
    assert client.get(_base(branch)).status_code == read
    answer = client.post(_base(branch), {"slug": "treasurer", "name": "Treasurer"}, format="json")
    assert answer.status_code == write


def test_create_and_read(branch, organiser, api):
    client = api(organiser)
    rule = Rule.objects.get(branch=branch, name="Youth: party members under 27")
    made = client.post(
        _base(branch),
        {"slug": "youth-officer", "name": "Youth officer", "holder_rule": rule.pk, "seats": 1, "term_months": 12},
        format="json",
    )
    assert made.status_code == 201, made.json()
    body = made.json()
    assert body["holder_rule"] == rule.pk and body["holders"] == [] and body["term_months"] == 12
    assert client.post(_base(branch), {"slug": "youth-officer", "name": "Again"}, format="json").status_code == 400
    patched = client.patch(f"{_base(branch)}{body['id']}/", {"seats": 2, "slug": "ignored"}, format="json")
    assert patched.status_code == 200 and patched.json()["seats"] == 2 and patched.json()["slug"] == "youth-officer"


def test_appoint_refused_with_the_decision(branch, organiser, chair, api):
    bo = person_with_membership(branch, "supporter", first_name="Bo")
    answer = api(organiser).post(f"{_base(branch)}{chair.pk}/holders/", {"person": bo.pk}, format="json")
    assert answer.status_code == 403
    body = answer.json()
    assert body["code"] == "not_eligible"
    assert body["decision"] == {"eligible": False, "reasons": ["No active Party member membership (holds: Supporter)"]}


def test_appoint_list_and_end(branch, organiser, chair, ana, api):
    client = api(organiser)
    made = client.post(
        f"{_base(branch)}{chair.pk}/holders/", {"person": ana.pk, "started_on": "2025-05-01"}, format="json"
    )
    assert made.status_code == 201, made.json()
    holder = made.json()
    assert holder["position"] == "chair" and holder["person"]["id"] == ana.pk and holder["ended_on"] is None
    listed = client.get(f"{_base(branch)}{chair.pk}/holders/").json()
    assert listed["count"] == 1
    assert client.get(_base(branch)).json()["results"][0]["holders"][0]["person"] == ana.pk
    ended = client.post(
        f"{_base(branch)}{chair.pk}/holders/{holder['id']}/end/", {"ended_on": "2025-09-30"}, format="json"
    )
    assert ended.status_code == 200 and ended.json()["ended_on"] == "2025-09-30"
    again = client.post(f"{_base(branch)}{chair.pk}/holders/{holder['id']}/end/", {}, format="json")
    assert again.status_code == 409


def test_alerts(branch, organiser, steward, chair, ana, api):
    services.appoint(position=chair, person=ana, started_on=date(2025, 5, 1), actor=organiser)
    Membership.objects.filter(person=ana).update(status="lapsed")
    services.recheck_holders(branch=branch, at=datetime(2025, 9, 1, 6, tzinfo=ZoneInfo("Europe/London")))
    body = api(organiser).get(f"{_base(branch)}alerts/").json()
    assert body["count"] == 1
    assert body["results"][0]["reasons"] == ["Party member membership is lapsed, not active"]
    assert api(steward).get(f"{_base(branch)}alerts/").status_code == 403


def test_another_branchs_ids_answer_404(branch, organiser, chair, ana, other_branch, outsider, api):
    holder = services.appoint(position=chair, person=ana, started_on=date(2025, 5, 1), actor=organiser)
    client = api(outsider)
    theirs = f"/api/v1/branches/{other_branch.slug}/positions/"
    assert client.get(f"{theirs}{chair.pk}/").status_code == 404
    assert client.get(f"{theirs}{chair.pk}/holders/").status_code == 404
    assert client.post(f"{theirs}{chair.pk}/holders/{holder.pk}/end/", {}, format="json").status_code == 404
    # Their own position, with this branch's person: refused, nobody appointed.
    mine = services.create_position(branch=other_branch, slug="chair", name="Chair", actor=outsider)
    answer = client.post(f"{theirs}{mine.pk}/holders/", {"person": ana.pk}, format="json")
    assert answer.status_code == 400
    assert not PositionHolder.objects.filter(position=mine).exists()


def test_list_query_count_is_pinned(branch, organiser, api, django_assert_max_num_queries):
    client = api(organiser)

    def add(n):
        for _ in range(n):
            position = Position.objects.create(branch=branch, slug=f"d-{Position.objects.count()}", name="Delegate")
            for _ in range(2):
                PositionHolder.objects.create(
                    position=position,
                    person=Person.objects.create(branch=branch, first_name="P"),
                    started_on=date(2025, 1, 1),
                    appointed_at=datetime(2025, 1, 1, tzinfo=ZoneInfo("UTC")),
                )

    add(1)
    client.get(_base(branch))
    add(10)
    with django_assert_max_num_queries(8):
        answer = client.get(_base(branch))
    assert answer.status_code == 200 and answer.json()["count"] == 11
