"""Issue 15 item 1, from the outside: the organiser's erase button (a typed
reason, a confirmation page naming the person, POST only), the API endpoint
(CONTRACT.md §8), and what an erased person's old links and lists show."""

from __future__ import annotations

import pytest
from django.urls import reverse

from groups.models import AuditAction, AuditEvent, Person
from groups.services.invitations import rsvp_token, unsubscribe_token

from . import scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def known(branch, organiser):
    return scenario.build(branch, organiser)


def erase_url(branch, person):
    return reverse("person_erase", args=[branch.slug, person.pk])


def test_the_person_page_offers_erasure_to_organisers_only(client_for, branch, organiser, steward, known):
    page = reverse("person_detail", args=[branch.slug, known.person.pk])
    assert erase_url(branch, known.person) in client_for(organiser).get(page).content.decode()
    assert erase_url(branch, known.person) not in client_for(steward).get(page).content.decode()


def test_the_confirmation_names_the_person_and_asks_why(client_for, branch, organiser, known):
    body = client_for(organiser).get(erase_url(branch, known.person)).content.decode()
    assert f"Erase all data about {scenario.FIRST} {scenario.LAST}?" in body
    assert 'name="reason"' in body and "csrfmiddlewaretoken" in body


def test_erasing_without_a_reason_is_refused_and_changes_nothing(client_for, branch, organiser, known):
    response = client_for(organiser).post(erase_url(branch, known.person), {"reason": "  "})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert Person.objects.get(pk=known.person.pk).email == scenario.EMAIL


def test_erasing_from_the_page(client_for, branch, organiser, known, django_capture_on_commit_callbacks):
    client = client_for(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(erase_url(branch, known.person), {"reason": "They asked, by phone"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("people_list", args=[branch.slug])
    body = response.content.decode()
    assert "Their personal data is erased" in body
    assert scenario.LAST not in body and "Erased person" not in body  # a tombstone is in no list
    assert AuditEvent.objects.filter(action=AuditAction.PERSON_ERASE, person_id=known.person.pk).exists()
    # Its page is gone; the meeting's attendance still lists the row, as "Erased person".
    assert client.get(reverse("person_detail", args=[branch.slug, known.person.pk])).status_code == 404
    attendance = client.get(reverse("attendance_list", args=[branch.slug, known.closed.pk])).content.decode()
    assert "Erased person" in attendance and scenario.LAST not in attendance


def test_the_api_erases_and_answers_200(api, branch, organiser, known, django_capture_on_commit_callbacks):
    url = reverse("api-person-data-erase", kwargs={"branch_slug": branch.slug, "pk": known.person.pk})
    with django_capture_on_commit_callbacks(execute=True):
        response = api(organiser).post(url, {"reason": "Asked by email"}, format="json")
    assert response.status_code == 200
    assert response.json()["erased"] is True and response.json()["counts"]["invitations"] == 1
    assert Person.everyone.get(pk=known.person.pk).erased_at is not None
    # Erased: the person is no longer there to erase again, nor to read.
    assert api(organiser).post(url, {"reason": "again"}, format="json").status_code == 404
    detail = reverse("api-person-detail", kwargs={"branch_slug": branch.slug, "pk": known.person.pk})
    assert api(organiser).get(detail).status_code == 404


def test_the_api_wants_a_reason(api, branch, organiser, known):
    url = reverse("api-person-data-erase", kwargs={"branch_slug": branch.slug, "pk": known.person.pk})
    response = api(organiser).post(url, {}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    assert Person.objects.filter(pk=known.person.pk).exists()


def test_stewards_may_not_erase(api, branch, steward, known):
    url = reverse("api-person-data-erase", kwargs={"branch_slug": branch.slug, "pk": known.person.pk})
    assert api(steward).post(url, {"reason": "x"}, format="json").status_code == 403
    assert Person.objects.filter(pk=known.person.pk).exists()


def test_old_links_of_an_erased_person_are_no_longer_available(
    client, branch, organiser, known, django_capture_on_commit_callbacks
):
    rsvp = reverse("rsvp", args=[rsvp_token(known.invitation)])
    unsubscribe = reverse("unsubscribe", args=[unsubscribe_token(known.person)])
    assert client.get(rsvp).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        from groups.services.erasure import erase_person

        erase_person(person=known.person, actor=organiser, reason="Asked")
    for url in (rsvp, unsubscribe):
        response = client.get(url)
        assert response.status_code == 410
        assert "no longer available" in response.content.decode()
    # A tampered link is still just "not valid".
    assert client.get(reverse("rsvp", args=["nonsense"])).status_code == 404


def test_an_erased_person_is_not_invited_counted_or_found(branch, organiser, known, django_capture_on_commit_callbacks):
    from groups.eligibility.decisions import count_eligible
    from groups.queries.door import door_person

    before = count_eligible(branch, None, known.upcoming.effective_eligibility_date)
    with django_capture_on_commit_callbacks(execute=True):
        from groups.services.erasure import erase_person

        erase_person(person=known.person, actor=organiser, reason="Asked")
    assert count_eligible(branch, None, known.upcoming.effective_eligibility_date) == before - 1
    assert door_person(branch, known.person.pk) is None
    assert not Person.objects.filter(branch=branch, pk=known.person.pk).exists()


def test_the_api_refuses_a_reason_that_is_not_text(api, branch, organiser, known):
    url = reverse("api-person-data-erase", kwargs={"branch_slug": branch.slug, "pk": known.person.pk})
    assert api(organiser).post(url, {"reason": 0}, format="json").status_code == 400
    assert Person.objects.filter(pk=known.person.pk).exists()
