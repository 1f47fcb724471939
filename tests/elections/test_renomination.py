"""A nominee who declined or withdrew a nomination is not nominated again
without their consent: an organiser (or any nominator) is refused with code
`withdrawn` unless they record that the nominee agreed, and how. The same
refusal on the organisers' form (beside the consent tick) and the API (409)."""

import pytest
from django.urls import reverse

from groups.errors import Conflict
from groups.models import AuditEvent, NominationStatus
from groups.services import elections as elections_service
from groups.services import nominations as services

from ..factories import person_with_membership
from .helpers import chair_online, linked, members

pytestmark = pytest.mark.django_db

AGAIN = "declined this nomination. Nominate them again only if they agree: tick that they agreed and say how."


@pytest.fixture
def election(branch, organiser):
    return chair_online(branch, organiser)


@pytest.fixture
def me(branch, member):
    return linked(person_with_membership(branch, first_name="Maya", last_name="Mendes"), member)


@pytest.fixture
def nominator(branch):
    return members(branch, 1)[0]


@pytest.fixture
def declined(election, me, member, organiser, nominator):
    nomination = elections_service.nominate(election=election, person=me, nominators=[nominator], actor=organiser)
    services.decline_nomination(nomination=nomination, person=me, actor=member)
    return nomination


def test_an_organiser_cannot_nominate_again_someone_who_declined(election, me, organiser, nominator, declined):
    with pytest.raises(Conflict) as refused:
        elections_service.nominate(election=election, person=me, nominators=[nominator], actor=organiser)
    assert refused.value.code == "withdrawn"
    assert refused.value.message == f"Maya Mendes {AGAIN}"
    declined.refresh_from_db()
    assert declined.status == NominationStatus.WITHDRAWN and declined.consent == "declined"
    assert AuditEvent.objects.filter(action="election.nominate").count() == 1  # only the first


def test_with_their_consent_recorded_the_nomination_comes_back(election, me, organiser, nominator, declined):
    again = elections_service.nominate(
        election=election, person=me, nominators=[nominator], actor=organiser, consented=True,
        consent_note="Rang me back and said yes",
    )  # fmt: skip
    assert again.pk == declined.pk
    assert again.status == NominationStatus.NOMINATED and again.consent == "recorded"
    assert again.consent_note == "Rang me back and said yes"


def test_someone_who_withdrew_is_refused_too_and_may_stand_themselves(election, me, member, organiser, nominator):
    nomination = elections_service.nominate(
        election=election, person=me, nominators=[nominator], actor=organiser, consented=True, consent_note="Form"
    )
    services.withdraw_own_nomination(nomination=nomination, person=me, actor=member)
    with pytest.raises(Conflict) as refused:
        elections_service.nominate(election=election, person=me, nominators=[nominator], actor=organiser)
    assert refused.value.code == "withdrawn"
    assert refused.value.message.startswith("Maya Mendes withdrew from this nomination.")
    # Among their own nominators it is their own act: no consent to ask for.
    back = elections_service.nominate(election=election, person=me, nominators=[me], actor=organiser)
    assert back.status == NominationStatus.NOMINATED and back.consent == "self"


def test_a_member_nominating_them_again_is_refused_with_the_same_code(election, me, organiser, nominator, declined):
    with pytest.raises(Conflict) as refused:
        services.nominate_as_member(election=election, nominator=nominator, nominee=me, actor=organiser)
    assert refused.value.code == "withdrawn"
    assert refused.value.message == "Maya Mendes declined this nomination. Only they may stand again."


def test_the_form_shows_the_refusal_beside_the_consent_tick(branch, election, me, organiser, nominator, declined,
                                                            client_for):  # fmt: skip
    client = client_for(organiser)
    response = client.post(
        reverse("election_nominate", args=[branch.slug, election.pk]), {"person": me.pk, "nominators": [nominator.pk]}
    )
    assert response.status_code == 200
    page = response.content.decode()
    beside = f'id="id_consented_error"><span class="visually-hidden">Error:</span> Maya Mendes {AGAIN}</p>'
    assert beside in page
    assert 'href="#id_consented"' in page  # the error summary links to the field
    assert "Record a nomination" in page and f'value="{me.pk}" selected' in page  # their choices kept
    response = client.post(
        reverse("election_nominate", args=[branch.slug, election.pk]),
        {"person": me.pk, "nominators": [nominator.pk], "consented": "on", "consent_note": "Signed the form"},
    )
    assert response.status_code == 302
    declined.refresh_from_db()
    assert declined.consent == "recorded" and declined.status == NominationStatus.NOMINATED


def test_the_form_puts_a_missing_note_beside_the_note(branch, election, me, organiser, nominator, client_for):
    response = client_for(organiser).post(
        reverse("election_nominate", args=[branch.slug, election.pk]),
        {"person": me.pk, "nominators": [nominator.pk], "consented": "on"},
    )
    assert response.status_code == 200
    assert 'id="id_consent_note_error"' in response.content.decode()
    assert not election.nominations.exists()


def test_the_api_refuses_with_409_withdrawn(branch, election, me, organiser, nominator, declined, api):
    url = f"/api/v1/branches/{branch.slug}/elections/{election.pk}/nominations/"
    client = api(organiser)
    refused = client.post(url, {"person": me.pk, "nominators": [nominator.pk]}, format="json")
    assert refused.status_code == 409
    assert refused.json() == {"detail": f"Maya Mendes {AGAIN}", "code": "withdrawn"}
    body = {"person": me.pk, "nominators": [nominator.pk], "consented": True, "consent_note": "By email"}
    again = client.post(url, body, format="json")
    assert again.status_code == 201 and again.json()["consent"] == "recorded"
