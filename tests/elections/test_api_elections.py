"""/api/v1/branches/{slug}/elections/…: set up, nominate (nominators checked),
close nominations, vote as the linked person, download the BLT, the result;
who may do what; the list's query count."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from groups import counting
from groups.models import Election, ElectionVoterMark

from ..factories import person_with_membership
from .helpers import FREEZE, contested, members, online, party

pytestmark = pytest.mark.django_db


def base(branch, tail=""):
    return f"/api/v1/branches/{branch.slug}/elections/{tail}"


def linked(person, user):
    person.user = user
    person.save(update_fields=["user"])
    return person


def _body(branch, **kw):
    now = timezone.now()
    return {
        "title": "Delegates 2026",
        "seats": 2,
        "method": "meek_stv",
        "voting_rule": party(branch).pk,
        "election_on": "2026-03-10",
        "ballot_mode": "online",
        "ballot_opens_at": (now - timedelta(hours=1)).isoformat(),
        "ballot_closes_at": (now + timedelta(days=1)).isoformat(),
        "freeze_on": FREEZE.isoformat(),
        **kw,
    }


@pytest.mark.parametrize(
    ("who", "read", "write"),
    [("organiser", 200, 201), ("steward", 200, 403), ("member", 200, 403), ("outsider", 404, 404)],
)
def test_permissions(who, read, write, branch, api, request):
    client = api(request.getfixturevalue(who))
    assert client.get(base(branch)).status_code == read
    assert client.post(base(branch), _body(branch), format="json").status_code == write


def test_organiser_runs_an_online_election_through_the_api(branch, organiser, member, api):
    client = api(organiser)
    response = client.post(base(branch), _body(branch), format="json")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert client.post(base(branch, f"{pk}/open-nominations/")).json()["status"] == "nominations"
    people = members(branch, 6)
    supporter = person_with_membership(branch, "registered-supporter")
    refused = client.post(
        base(branch, f"{pk}/nominations/"), {"person": people[0].pk, "nominators": [supporter.pk]}, format="json"
    )
    assert refused.status_code == 403 and refused.json()["code"] == "not_eligible_nominator"
    for p in people[:3]:
        ok = client.post(
            base(branch, f"{pk}/nominations/"),
            {"person": p.pk, "nominators": [people[5].pk], "consented": True, "consent_note": "Signed the form"},
            format="json",
        )
        assert ok.status_code == 201, ok.json()
        assert ok.json()["consent"] == "recorded" and ok.json()["consent_note"] == "Signed the form"
    assert client.post(base(branch, f"{pk}/close-nominations/")).json()["status"] == "ballot"
    candidates = client.get(base(branch, f"{pk}/")).json()["candidates"]
    assert len(candidates) == 3
    voter = linked(people[4], member)
    ranking = [candidates[2]["id"], candidates[0]["id"]]
    cast = api(member).post(base(branch, f"{pk}/ballots/"), {"ranking": ranking}, format="json")
    assert cast.status_code == 201, cast.json()
    again = api(member).post(base(branch, f"{pk}/ballots/"), {"ranking": ranking}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_voted"
    assert ElectionVoterMark.objects.filter(person=voter).count() == 1
    # The member cannot download the ballots; the organiser can.
    assert api(member).get(base(branch, f"{pk}/ballots.blt")).status_code == 403
    assert client.get(base(branch, f"{pk}/result/")).status_code == 409
    result = client.post(base(branch, f"{pk}/close/")).json()
    blt = client.get(base(branch, f"{pk}/ballots.blt"))
    assert blt.status_code == 200 and blt["Content-Type"].startswith("text/plain")
    ballots = counting.read_blt(blt.content)
    assert ballots.sha256() == result["ballots_sha256"]
    assert counting.count(ballots, "meek_stv", seed=result["seed"]).as_dict() == result
    assert api(member).get(base(branch, f"{pk}/result/")).json() == result


def test_online_ballot_refuses_a_member_who_joined_after_the_freeze_date(branch, organiser, member, api):
    election, nominations, _ = contested(branch, organiser)
    linked(person_with_membership(branch, membership={"started_on": FREEZE + timedelta(days=1)}), member)
    response = api(member).post(
        base(branch, f"{election.pk}/ballots/"), {"ranking": [nominations[0].pk]}, format="json"
    )
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "not_entitled" and "freeze date" in " ".join(body["decision"]["reasons"])


def test_a_user_without_a_linked_person_is_refused(branch, organiser, member, api):
    election, nominations, _ = contested(branch, organiser)
    response = api(member).post(
        base(branch, f"{election.pk}/ballots/"), {"ranking": [nominations[0].pk]}, format="json"
    )
    assert response.status_code == 403 and "not linked" in response.json()["detail"]


def test_bad_input_is_a_clear_400(branch, organiser, api):
    client = api(organiser)
    bad = client.post(base(branch), _body(branch, method="fptp", seats=3), format="json")
    assert bad.status_code == 400 and "method" in bad.json()
    bad = client.post(base(branch), _body(branch, ballot_closes_at=None), format="json")
    assert bad.status_code == 400 and "ballot_closes_at" in bad.json()
    bad = client.post(base(branch), _body(branch, constraints=[{"min": 1}]), format="json")
    assert bad.status_code == 400 and "constraints" in bad.json()
    assert not Election.objects.exists()


def test_another_branchs_election_is_404(branch, organiser, other_branch, api):
    from ..factories import RoleFactory

    theirs = online(other_branch, RoleFactory(branch=other_branch, role="organiser").user, voting_rule=None)
    for path in (f"{theirs.pk}/", f"{theirs.pk}/result/", f"{theirs.pk}/ballots.blt", f"{theirs.pk}/nominations/"):
        assert api(organiser).get(base(branch, path)).status_code == 404, path


def test_the_list_costs_a_fixed_number_of_queries(branch, organiser, api, django_assert_max_num_queries):
    for i in range(4):
        online(branch, organiser, title=f"Election {i}")
    client = api(organiser)
    client.get(base(branch))
    with django_assert_max_num_queries(6):
        response = client.get(base(branch))
    assert response.json()["count"] == 4
