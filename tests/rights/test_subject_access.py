"""Issue 15 item 2: subject access. Organisers read everything the branch
holds about one person (JSON at the API path, a readable page that prints);
a member reads only their own (GET /api/v1/me/data/, and "Download my data"
on My details). Nobody else's data is in it; every export is audited."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from groups.models import AuditAction, AuditEvent, Invitation
from groups.queries.subject_access import subject_access

from ..factories import MeetingFactory, PersonFactory
from ..rate_limits import RATE_LIMIT_QUERIES
from ..votes.helpers import hall, open_one
from . import scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def known(branch, organiser):
    return scenario.build(branch, organiser)


def api_url(branch, person):
    return reverse("api-person-data-data", kwargs={"branch_slug": branch.slug, "pk": person.pk})


def test_the_export_holds_everything_about_them(api, branch, organiser, known):
    response = api(organiser).get(api_url(branch, known.person))
    assert response.status_code == 200
    data = response.json()
    details = data["details"]
    assert (details["first_name"], details["last_name"], details["email"]) == (
        scenario.FIRST,
        scenario.LAST,
        scenario.EMAIL,
    )
    assert details["phone"] == scenario.PHONE and details["postcode"] == scenario.POSTCODE
    assert details["date_of_birth"] == scenario.DOB.isoformat() and details["notes"] == scenario.NOTES
    assert details["linked_account"] == scenario.EMAIL
    assert [m["number"] for m in data["memberships"]] == [scenario.NUMBER]
    assert data["consent"]["email"]["given"] is True
    assert [(c["what"], c["given"]) for c in data["consent_history"]] == [("phone", True)]
    assert [(i["meeting"]["title"], i["reply"]) for i in data["invitations"]] == [("Next month", "Yes")]
    [came] = data["attendance"]
    assert came["meeting"]["title"] == "Last month" and came["decision"]["eligible"] is True
    assert came["decision"]["reasons"]
    assert [a["answer"] for a in data["self_declared"]] == ["Woman"]
    actions = {e["action"] for e in data["audit_events"]}
    assert {AuditAction.PERSON_CREATE, AuditAction.PERSON_UPDATE, AuditAction.ATTENDANCE_CHECK_IN} <= actions
    assert data["positions"] == [] and data["votes"] == []


def test_the_export_holds_nobody_elses_data(api, branch, organiser, known):
    text = api(organiser).get(api_url(branch, known.person)).content.decode()
    assert "Olive" not in text and "olive@example.org" not in text
    assert "organiser@example.org" not in text  # who edited them is "someone in the branch"
    assert "someone in the branch" in text


def test_every_export_is_audited_with_counts_only(api, branch, organiser, known):
    api(organiser).get(api_url(branch, known.person))
    event = AuditEvent.objects.get(action=AuditAction.PERSON_SUBJECT_ACCESS)
    assert event.actor == organiser and event.person_id == known.person.pk
    assert event.changes["own"] is False and event.changes["invitations"] == 1
    stored = json.dumps(event.changes) + event.summary
    assert scenario.EMAIL not in stored and scenario.LAST not in stored


def test_stewards_and_members_may_not_read_someone_elses(api, client_for, branch, steward, member, known):
    for user in (steward, member):
        assert api(user).get(api_url(branch, known.person)).status_code == 403
    assert client_for(member).get(reverse("person_data", args=[branch.slug, known.person.pk])).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.PERSON_SUBJECT_ACCESS).exists()


def test_another_branchs_organiser_gets_404(api, branch, outsider, known):
    assert api(outsider).get(api_url(branch, known.person)).status_code == 404


def test_a_member_reads_their_own_through_the_api(api, branch, known, other_branch):
    # Linked in another branch too: both are theirs.
    elsewhere = PersonFactory(branch=other_branch, email=scenario.EMAIL, user=known.user)
    response = api(known.user).get(reverse("api_my_data"))
    assert response.status_code == 200
    exports = response.json()["branches"]
    assert [e["branch"]["slug"] for e in exports] == [branch.slug, other_branch.slug]
    assert exports[0]["details"]["email"] == scenario.EMAIL
    assert exports[1]["details"]["id"] == elsewhere.pk
    assert "Olive" not in response.content.decode()
    own = AuditEvent.objects.filter(action=AuditAction.PERSON_SUBJECT_ACCESS, actor=known.user)
    assert sorted(own.values_list("person_id", flat=True)) == sorted([known.person.pk, elsewhere.pk])
    assert all(e.changes["own"] for e in own)


def test_someone_linked_to_no_one_gets_an_empty_export(api, member):
    response = api(member).get(reverse("api_my_data"))
    assert response.status_code == 200 and response.json() == {"branches": []}


def test_my_details_offers_the_download_and_it_is_theirs(client_for, branch, known):
    client = client_for(known.user)
    details = client.get(reverse("my_details", args=[branch.slug])).content.decode()
    assert "Download my data" in details and reverse("my_data_json", args=[branch.slug]) in details
    response = client.get(reverse("my_data_json", args=[branch.slug]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{branch.slug}-my-data.json"'
    assert scenario.LAST not in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["details"]["id"] == known.person.pk and data["details"]["notes"] == scenario.NOTES


def test_the_readable_page_shows_it_and_prints_without_menus(client_for, branch, organiser, known):
    body = client_for(organiser).get(reverse("person_data", args=[branch.slug, known.person.pk])).content.decode()
    assert f"Everything {branch.name} holds about {scenario.FIRST} {scenario.LAST}" in body
    assert scenario.NOTES in body and scenario.NUMBER in body and "Last month" in body and "Next month" in body
    assert 'class="button-row no-print"' in body  # the download button is not printed
    own = client_for(known.user).get(reverse("my_data", args=[branch.slug])).content.decode()
    assert "Everything Green Lanes Branch holds about you" in own and scenario.NOTES in own


def test_the_page_for_someone_not_linked_says_so(client_for, branch, member):
    body = client_for(member).get(reverse("my_data", args=[branch.slug])).content.decode()
    assert "We can’t find your member record yet" in body


def queries_for(person) -> int:
    person = type(person).objects.select_related("branch", "user").get(pk=person.pk)
    with CaptureQueriesContext(connection) as captured:
        subject_access(person)
    return len(captured)


def test_the_export_costs_a_fixed_number_of_queries(branch, organiser, known, django_assert_num_queries):
    person = type(known.person).objects.select_related("branch", "user").get(pk=known.person.pk)
    # seven reads, their requests to speak, terms of office, points of order, consent records, and three for
    # nominations (their own, those they made, the elections' positions)
    with django_assert_num_queries(14):
        subject_access(person)
    before = queries_for(known.person)
    for _ in range(5):
        Invitation.objects.create(
            meeting=MeetingFactory(branch=branch, starts_at=timezone.now()), person=known.person, reply="no"
        )
    assert queries_for(known.person) == before


def test_the_api_export_pins_its_queries(api, branch, organiser, known, django_assert_num_queries):
    client = api(organiser)
    client.get(api_url(branch, known.person))
    # The token, the role, the rate count, the person, the fourteen reads, and the audit row (in its savepoint).
    with django_assert_num_queries(20 + RATE_LIMIT_QUERIES):
        assert client.get(api_url(branch, known.person)).status_code == 200


def test_votes_are_listed_with_a_named_choice_but_never_a_secret_one(branch, organiser):
    from groups.services.votes import cast_ballot

    meeting, (voter, *_), _ = hall(branch, organiser)
    named = open_one(meeting, organiser, method="named")
    secret = open_one(meeting, organiser, method="secret")
    cast_ballot(vote=named, person=voter, choice="against", actor=None)
    cast_ballot(vote=secret, person=voter, choice="for", actor=None)

    data = subject_access(type(voter).objects.select_related("branch", "user").get(pk=voter.pk))

    assert [(v["how"], v["choice"]) for v in data["votes"]] == [("Named vote", "Against"), ("Secret ballot", None)]
