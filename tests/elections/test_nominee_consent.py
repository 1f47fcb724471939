"""A nomination by someone else awaits the nominee's consent: they are told
(by email with their consent to it, and on My elections), accept or decline
on their own account; an organiser may record that they agreed, with a note;
one still awaiting at the close lapses, with the reason. Self-nominations
need nothing more."""

import pytest
from django.urls import reverse

from groups.errors import Conflict, InvalidInput, NotAllowed
from groups.models import AuditEvent, NominationStatus
from groups.services import elections as elections_service
from groups.services import nominations as services

from ..factories import person_with_membership
from .helpers import chair_online, linked, members

pytestmark = pytest.mark.django_db


@pytest.fixture
def election(branch, organiser):
    return chair_online(branch, organiser)


@pytest.fixture
def me(branch, member):
    return linked(person_with_membership(branch, first_name="Maya", last_name="Mendes", email="maya@example.org",
                                         consent_email=True), member)  # fmt: skip


def _by_other(election, me, organiser, **kw):
    nominator = members(election.branch, 1)[0]
    return elections_service.nominate(election=election, person=me, nominators=[nominator], actor=organiser, **kw)


def test_someone_elses_nomination_awaits_the_nominee_who_is_emailed(
    election, me, organiser, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        nomination = _by_other(election, me, organiser)
    assert nomination.consent == "awaiting" and nomination.awaiting_consent
    (mail,) = mailoutbox
    assert mail.to == ["maya@example.org"] and election.title in mail.subject
    assert "stands only if you accept it" in mail.body and "/me/elections/" in mail.body


def test_no_email_without_consent_to_email_but_the_page_still_asks(
    branch, election, me, member, organiser, mailoutbox, django_capture_on_commit_callbacks, client_for
):
    me.consent_email = False
    me.save(update_fields=["consent_email"])
    with django_capture_on_commit_callbacks(execute=True):
        nomination = _by_other(election, me, organiser)
    assert mailoutbox == []
    page = client_for(member).get(reverse("my_elections", args=[branch.slug])).content.decode()
    assert "Awaiting your consent" in page and "Accept the nomination" in page and "Decline" in page
    nominator = nomination.nominators.get()
    assert f"{nominator} nominated you" in page


def test_accepting_on_their_own_account_makes_it_stand_at_the_close(election, me, member, organiser):
    nomination = _by_other(election, me, organiser)
    services.accept_nomination(nomination=nomination, person=me, actor=member)
    nomination.refresh_from_db()
    assert nomination.consent == "accepted" and nomination.consent_at is not None
    event = AuditEvent.objects.get(action="election.nomination_accept")
    assert event.person_id == me.pk and event.actor == member
    with pytest.raises(Conflict) as again:
        services.accept_nomination(nomination=nomination, person=me, actor=member)
    assert again.value.code == "not_awaiting"
    elections_service.close_nominations(election=election, actor=organiser)
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.STANDING and nomination.elected


def test_only_the_nominee_may_answer(branch, election, me, organiser, steward):
    nomination = _by_other(election, me, organiser)
    someone = linked(person_with_membership(branch), steward)
    with pytest.raises(NotAllowed) as refused:
        services.accept_nomination(nomination=nomination, person=someone, actor=steward)
    assert refused.value.code == "not_yours"
    with pytest.raises(NotAllowed):
        services.decline_nomination(nomination=nomination, person=None, actor=steward)


def test_declining_withdraws_it_and_only_they_may_stand_again(branch, election, me, member, organiser):
    nomination = _by_other(election, me, organiser)
    services.decline_nomination(nomination=nomination, person=me, actor=member)
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.WITHDRAWN and nomination.consent == "declined"
    assert AuditEvent.objects.filter(action="election.nomination_decline", person_id=me.pk).exists()
    other = members(branch, 1)[0]
    with pytest.raises(Conflict) as refused:
        services.nominate_as_member(election=election, nominator=other, nominee=me, actor=organiser)
    assert refused.value.code == "withdrawn"
    again = services.nominate_as_member(election=election, nominator=me, actor=member)
    assert again.status == NominationStatus.NOMINATED and again.consent == "self"


def test_an_unconsented_nomination_lapses_at_the_close_with_the_reason(
    branch, election, me, member, organiser, client_for
):
    _by_other(election, me, organiser)
    standing = person_with_membership(branch)
    elections_service.nominate(election=election, person=standing, nominators=[standing], actor=organiser)
    elections_service.close_nominations(election=election, actor=organiser)
    mine = election.nominations.get(person=me)
    assert mine.status == NominationStatus.LAPSED and not mine.decision["eligible"]
    assert mine.decision["reasons"] == ["The nominee had not accepted the nomination when nominations closed."]
    assert election.nominations.get(person=standing).consent == "self"  # among their own nominators
    close = AuditEvent.objects.get(action="election.nominations_close")
    assert close.changes["lapsed"] == [me.pk] and close.changes["standing"] == [
        election.nominations.get(person=standing).person_id
    ]
    page = client_for(member).get(reverse("my_elections", args=[branch.slug])).content.decode()
    assert "Lapsed: you had not accepted it" in page and "had not accepted the nomination" in page
    organisers = client_for(organiser).get(reverse("election_detail", args=[branch.slug, election.pk])).content
    assert "Lapsed: not accepted by the nominee" in organisers.decode()


def test_only_unconsented_nominations_means_nobody_can_stand(election, me, organiser):
    _by_other(election, me, organiser)
    with pytest.raises(Conflict) as refused:
        elections_service.close_nominations(election=election, actor=organiser)
    assert refused.value.code == "no_candidates"
    assert election.nominations.get(person=me).status == NominationStatus.NOMINATED  # rolled back with the close


def test_an_organiser_records_consent_only_with_a_note(election, me, organiser, mailoutbox):
    with pytest.raises(InvalidInput) as refused:
        _by_other(election, me, organiser, consented=True)
    assert refused.value.code == "consent_note_required"
    nomination = _by_other(election, me, organiser, consented=True, consent_note="Signed the nomination form")
    assert nomination.consent == "recorded" and nomination.consent_recorded_by == organiser
    assert mailoutbox == []  # nothing to ask them
    event = AuditEvent.objects.filter(action="election.nominate").latest("id")
    assert event.changes["consent"] == "recorded" and event.changes["consent_note"] == "Signed the nomination form"


def test_an_organiser_records_consent_later_on_the_page(branch, election, me, organiser, client_for):
    nomination = _by_other(election, me, organiser)
    client = client_for(organiser)
    url = reverse("nomination_consent", args=[branch.slug, nomination.pk])
    client.post(url, {"consent_note": ""})
    nomination.refresh_from_db()
    assert nomination.awaiting_consent  # no note, nothing recorded
    client.post(url, {"consent_note": "Told me at the branch meeting"})
    nomination.refresh_from_db()
    assert nomination.consent == "recorded" and nomination.consent_note == "Told me at the branch meeting"
    assert AuditEvent.objects.filter(action="election.nomination_consent", person_id=me.pk).exists()


def test_a_member_nominating_another_asks_them_and_self_nomination_accepts(
    branch, election, me, member, organiser, steward
):
    other = linked(person_with_membership(branch), steward)
    nomination = services.nominate_as_member(election=election, nominator=other, nominee=me, actor=steward)
    assert nomination.consent == "awaiting"
    services.nominate_as_member(election=election, nominator=me, actor=member)  # standing yourself is consent
    nomination.refresh_from_db()
    assert nomination.consent == "accepted"


def test_the_member_pages_accept_and_decline(branch, election, me, member, organiser, client_for):
    nomination = _by_other(election, me, organiser)
    client = client_for(member)
    response = client.post(reverse("my_nomination_accept", args=[branch.slug, nomination.pk]))
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.consent == "accepted"
    page = client.get(reverse("my_elections", args=[branch.slug])).content.decode()
    assert "You have accepted your nomination" in page and "You are nominated" in page


def api_url(branch, election, tail):
    return f"/api/v1/branches/{branch.slug}/elections/{election.pk}/{tail}"


def test_the_api_shows_the_consent_and_the_nominee_accepts_or_declines(branch, election, me, member, organiser, api):
    nomination = _by_other(election, me, organiser)
    client = api(member)
    state = client.get(api_url(branch, election, "my-nomination/")).json()
    assert state["nomination"]["consent"] == "awaiting" and state["nomination"]["status"] == "nominated"
    accepted = client.post(api_url(branch, election, "my-nomination/accept/"), {}, format="json")
    assert accepted.status_code == 200 and accepted.json()["consent"] == "accepted"
    again = client.post(api_url(branch, election, "my-nomination/decline/"), {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "not_awaiting"
    listed = api(organiser).get(api_url(branch, election, "nominations/")).json()["results"]
    assert [(n["id"], n["consent"]) for n in listed] == [(nomination.pk, "accepted")]


def test_the_api_decline_and_the_organisers_consent(branch, election, me, member, organiser, api):
    nomination = _by_other(election, me, organiser)
    recorded = api(organiser).post(
        api_url(branch, election, f"nominations/{nomination.pk}/consent/"), {"consent_note": "By phone"}, format="json"
    )
    assert recorded.status_code == 200 and recorded.json()["consent"] == "recorded"
    declined = api(member).post(api_url(branch, election, "my-nomination/decline/"), {}, format="json")
    assert declined.status_code == 409  # already consented: withdrawing is the way out
    assert api(member).post(api_url(branch, election, "my-nomination/withdraw/"), {}, format="json").status_code == 200


def test_the_api_answer_without_a_nomination_is_404(branch, election, me, member, api):
    assert api(member).post(api_url(branch, election, "my-nomination/accept/"), {}, format="json").status_code == 404
