"""Issue 15 item 5: least privilege at the door. Stewards see the door fields
only (name, membership number and category, postcode, the Decision) on the
pages and through the API; notes, date of birth, phone, email, consent and
attendance are the organisers'. The API's people list for a steward is the
door search, not a page-through export. An organiser reading a full record or
a page of records leaves an audit row, and the member sees who looked on My
details."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from groups.models import AuditAction, AuditEvent

from ..factories import person_with_membership
from ..rate_limits import RATE_LIMIT_QUERIES

pytestmark = pytest.mark.django_db

EMAIL = "ana.quibble@example.net"
PHONE_SHOWN = "07700 900461"
NOTES = "Lives above the launderette"
DOB = date(1979, 11, 23)


def ana(branch, **person):
    return person_with_membership(
        branch,
        membership={"number": "GL-7731"},
        first_name="Ana",
        last_name="Quibble",
        email=EMAIL,
        phone="+447700900461",
        postcode="N15 6GD",
        ward="Harringay",
        notes=NOTES,
        date_of_birth=DOB,
        **person,
    )


def text(response) -> str:
    return response.content.decode().replace("<wbr>", "")  # emails are shown with break opportunities


def api_url(branch, person=None):
    base = f"/api/v1/branches/{branch.slug}/people/"
    return f"{base}{person.pk}/" if person else base


def views_of(person):
    return AuditEvent.objects.filter(person_id=person.pk, action=AuditAction.PERSON_VIEW)


# --- the pages --------------------------------------------------------------


def test_a_steward_reads_the_door_fields_only_on_the_person_page(branch, steward, client_for):
    person = ana(branch)
    html = text(client_for(steward).get(reverse("person_detail", args=[branch.slug, person.pk])))
    assert "Ana Quibble" in html and "GL-7731" in html and "Party member" in html and "N15 6GD" in html
    assert "Eligibility on" in html and "Eligible" in html  # the Decisions panel
    for hidden in (EMAIL, "900461", "Harringay", NOTES, "23 November 1979", "Consent to contact"):
        assert hidden not in html, hidden
    assert not views_of(person).exists()  # the door fields are not a full record


def test_an_organiser_reads_the_full_record_and_it_is_audited(branch, organiser, client_for):
    person = ana(branch)
    html = text(client_for(organiser).get(reverse("person_detail", args=[branch.slug, person.pk])))
    for shown in (EMAIL, "900461", NOTES, "23 November 1979", "Consent to contact"):
        assert shown in html, shown
    [event] = views_of(person)
    assert event.actor == organiser and event.changes == {"via": "page"}
    assert NOTES not in event.summary and EMAIL not in str(event.changes)


def test_a_steward_list_shows_door_fields_and_offers_no_consent_or_ward_filter(branch, steward, client_for):
    ana(branch)
    client = client_for(steward)
    html = text(client.get(reverse("people_list", args=[branch.slug])))
    assert "Quibble" in html and "GL-7731" in html and "N15 6GD" in html
    assert EMAIL not in html and "Harringay" not in html and "No consent" not in html
    assert 'name="consent"' not in html and 'name="ward"' not in html
    # Filtering on consent is not a way round: the filter is not there for a steward.
    html = text(client.get(reverse("people_list", args=[branch.slug]), {"consent": "none"}))
    assert "Quibble" in html


def test_an_organiser_list_still_shows_contact_and_filters(branch, organiser, client_for):
    ana(branch)
    html = text(client_for(organiser).get(reverse("people_list", args=[branch.slug])))
    assert EMAIL in html and "Harringay" in html and 'name="consent"' in html


@pytest.mark.parametrize("n", [3, 30])
def test_the_steward_list_runs_a_fixed_number_of_queries(branch, steward, client_for, django_assert_num_queries, n):
    for i in range(n):
        person_with_membership(branch, membership={"number": f"N-{i}"}, last_name=f"Person{i:02d}")
    client = client_for(steward)
    # session, user, branches with roles, categories, count, page, memberships
    with django_assert_num_queries(7):
        response = client.get(reverse("people_list", args=[branch.slug]))
    assert response.status_code == 200 and "Person00" in text(response)


# --- the API ----------------------------------------------------------------


def test_the_steward_api_list_is_the_door_search(api, branch, steward):
    person = ana(branch)
    for i in range(14):
        person_with_membership(branch, first_name="Sam", last_name=f"Quill{i:02d}")
    client = api(steward)
    assert client.get(api_url(branch)).json()["count"] == 0  # nothing typed finds nobody: no export
    body = client.get(api_url(branch), {"q": "qu", "page_size": 200}).json()
    assert body["count"] == 10 and body["next"] is None  # capped, not paged
    [found] = client.get(api_url(branch), {"q": "GL-7731"}).json()["results"]
    assert found == {
        "id": person.pk,
        "first_name": "Ana",
        "last_name": "Quibble",
        "postcode": "N15 6GD",
        "memberships": [{"category": "party-member", "number": "GL-7731", "status": "active"}],
    }
    assert not AuditEvent.objects.filter(action=AuditAction.PEOPLE_READ).exists()


def test_the_steward_reads_one_person_as_door_fields(api, branch, steward):
    person = ana(branch)
    body = api(steward).get(api_url(branch, person)).json()
    assert set(body) == {"id", "first_name", "last_name", "postcode", "memberships"}
    assert EMAIL not in str(body) and NOTES not in str(body)
    assert not views_of(person).exists()


def test_the_organiser_api_reads_are_audited_with_counts_only(api, branch, organiser):
    person = ana(branch)
    client = api(organiser)
    body = client.get(api_url(branch, person)).json()
    assert body["notes"] == NOTES and body["email"] == EMAIL
    [view] = views_of(person)
    assert view.changes == {"via": "api"}
    listed = client.get(api_url(branch), {"q": "quibble"}).json()
    assert listed["results"][0]["date_of_birth"] == DOB.isoformat()
    [read] = AuditEvent.objects.filter(action=AuditAction.PEOPLE_READ)
    assert read.changes == {"people": 1, "page": 1, "filters": ["q"]}
    assert "quibble" not in (read.summary + str(read.changes)).lower()


@pytest.mark.parametrize("n", [3, 30])
def test_the_steward_api_list_query_count_does_not_grow(api, branch, steward, django_assert_num_queries, n):
    for i in range(n):
        person_with_membership(branch, first_name="Sam", last_name=f"Quill{i:02d}")
    client = api(steward)
    # token, branch with role, the door search (capped: the rest are not counted), people, memberships
    with django_assert_num_queries(5 + RATE_LIMIT_QUERIES):
        body = client.get(api_url(branch), {"q": "sam"}).json()
    assert body["count"] == min(n, 10)


# --- who looked at my record ------------------------------------------------


def test_the_member_sees_who_looked_at_their_record(branch, organiser, member, client_for, api):
    person = ana(branch, user=member)
    client_for(organiser).get(reverse("person_detail", args=[branch.slug, person.pk]))
    api(organiser).get(api_url(branch, person))
    client_for(organiser).get(reverse("person_export", args=[branch.slug, person.pk]))
    html = text(client_for(member).get(reverse("my_details", args=[branch.slug])))
    assert "Who looked at your record" in html
    assert html.count(organiser.email) >= 3
    assert "Read your full record through the API" in html
    assert "Exported your record as CSV" in html


def test_nobody_looked_yet(branch, member, client_for):
    ana(branch, user=member)
    html = text(client_for(member).get(reverse("my_details", args=[branch.slug])))
    assert "Nobody has read your full record" in html
