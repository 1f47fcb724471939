"""Members nominating themselves (and another, where the positions allow) from
My elections and the API, while nominations are open; nominators must be
eligible voters (refused with the Decision's reasons); the nominee checked
against the position's rule at the close, the reasons shown to them; the
nominee's own withdrawal."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.errors import Conflict, InvalidInput, NotAllowed
from groups.models import AuditEvent, NominationStatus
from groups.services import elections as elections_service
from groups.services import nominations as services

from ..factories import person_with_membership
from .helpers import chair, members, online

pytestmark = pytest.mark.django_db


def linked(person, user):
    person.user = user
    person.save(update_fields=["user"])
    return person


@pytest.fixture
def me(branch, member):
    return linked(person_with_membership(branch, first_name="Maya", last_name="Mendes"), member)


@pytest.fixture
def election(branch, organiser):
    return online(branch, organiser, method="irv", seats=1, positions=[chair(branch)])


def test_a_member_nominates_themselves_and_is_checked_at_the_close(election, me, member, organiser):
    nomination = services.nominate_as_member(election=election, nominator=me, actor=member)
    assert nomination.person == me and list(nomination.nominators.all()) == [me]
    assert nomination.status == NominationStatus.NOMINATED and nomination.decision == {}
    event = AuditEvent.objects.filter(action="election.nominate").latest("id")
    assert "nominated by themselves" in event.summary and event.person_id == me.pk
    closed = elections_service.close_nominations(election=election, actor=organiser)
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.STANDING and nomination.decision["eligible"]
    assert closed.status == "declared" and nomination.elected  # unopposed


def test_a_nominator_who_may_not_vote_is_refused_with_the_reasons(branch, election, member):
    lapsed = linked(person_with_membership(branch, membership={"status": "lapsed"}), member)
    with pytest.raises(NotAllowed) as refused:
        services.nominate_as_member(election=election, nominator=lapsed, actor=member)
    assert refused.value.code == "not_eligible_nominator"
    assert refused.value.message.startswith("You may not nominate in this election: ")
    assert refused.value.details["decision"]["eligible"] is False and refused.value.details["decision"]["reasons"]
    assert not election.nominations.exists()


def test_someone_who_joined_after_the_freeze_date_may_not_nominate(branch, election, member):
    late = linked(person_with_membership(branch, membership={"started_on": date(2026, 4, 1)}), member)
    with pytest.raises(NotAllowed) as refused:
        services.nominate_as_member(election=election, nominator=late, actor=member)
    assert refused.value.code == "not_eligible_nominator"


def test_a_nominee_refused_at_the_close_sees_the_reason_on_my_elections(branch, organiser, member, client_for):
    from groups.models import Rule

    under_27 = Rule.objects.create(branch=branch, name="Under 27", definition={"age": {"max": 26}})
    election = online(branch, organiser, method="irv", seats=1, positions=[chair(branch, under_27)])
    me = linked(person_with_membership(branch, date_of_birth=date(1970, 1, 1)), member)
    young = person_with_membership(branch, date_of_birth=date(2005, 1, 1))
    services.nominate_as_member(election=election, nominator=me, actor=member)
    elections_service.nominate(
        election=election,
        person=young,
        nominators=[me],
        actor=organiser,
        consented=True,
        consent_note="Signed the form",
    )
    elections_service.close_nominations(election=election, actor=organiser)
    mine = election.nominations.get(person=me)
    assert mine.status == NominationStatus.REFUSED and not mine.decision["eligible"]
    page = client_for(member).get(reverse("my_elections", args=[branch.slug])).content.decode()
    assert "Not eligible to stand" in page
    assert all(reason in page for reason in mine.decision["reasons"])


def test_members_nominate_only_themselves_unless_the_position_allows(branch, election, me, member):
    other = person_with_membership(branch, last_name="Osei", membership={"number": "L123"})
    with pytest.raises(NotAllowed) as refused:
        services.nominate_as_member(election=election, nominator=me, nominee=other, actor=member)
    assert refused.value.code == "self_only"
    position = election.positions.get()
    position.others_may_nominate = True
    position.save(update_fields=["others_may_nominate"])
    found = services.find_member(election, number=" l123 ", last_name="osei")
    assert found == other
    nomination = services.nominate_as_member(election=election, nominator=me, nominee=found, actor=member)
    assert nomination.person == other and list(nomination.nominators.all()) == [me]
    with pytest.raises(Conflict) as again:
        services.nominate_as_member(election=election, nominator=me, nominee=found, actor=member)
    assert again.value.code == "already_nominated"
    with pytest.raises(InvalidInput) as unknown:
        services.find_member(election, number="L123", last_name="Someone")
    assert unknown.value.code == "no_such_member"


def test_a_second_member_adds_their_name_and_a_withdrawn_nominee_stands_again_only_themselves(
    branch, organiser, election, me, member
):
    position = election.positions.get()
    position.others_may_nominate = True
    position.save(update_fields=["others_may_nominate"])
    second = members(branch, 1)[0]
    services.nominate_as_member(election=election, nominator=me, actor=member)
    services.nominate_as_member(election=election, nominator=second, nominee=me, actor=organiser)
    nomination = election.nominations.get(person=me)
    assert set(nomination.nominators.all()) == {me, second}
    services.withdraw_own_nomination(nomination=nomination, person=me, actor=member)
    with pytest.raises(Conflict) as pushed:
        services.nominate_as_member(election=election, nominator=second, nominee=me, actor=organiser)
    assert pushed.value.code == "withdrawn"
    again = services.nominate_as_member(election=election, nominator=me, actor=member)
    assert again.status == NominationStatus.NOMINATED


def test_only_the_nominee_withdraws_and_only_while_nominations_are_open(branch, organiser, election, me, member):
    nomination = services.nominate_as_member(election=election, nominator=me, actor=member)
    with pytest.raises(NotAllowed) as not_theirs:
        services.withdraw_own_nomination(nomination=nomination, person=members(branch, 1)[0], actor=member)
    assert not_theirs.value.code == "not_yours"
    other = members(branch, 1)[0]
    elections_service.nominate(
        election=election,
        person=other,
        nominators=[me],
        actor=organiser,
        consented=True,
        consent_note="Signed the form",
    )
    elections_service.close_nominations(election=election, actor=organiser)
    with pytest.raises(Conflict) as closed:
        services.withdraw_own_nomination(nomination=nomination, person=me, actor=member)
    assert closed.value.code == "nominations_closed"


def test_after_the_closing_time_nobody_nominates(branch, organiser, me, member):
    election = online(branch, organiser, method="irv", seats=1)
    election.nominations_close_at = timezone.now() - timedelta(minutes=1)
    election.save(update_fields=["nominations_close_at"])
    with pytest.raises(Conflict) as closed:
        services.nominate_as_member(election=election, nominator=me, actor=member)
    assert closed.value.code == "nominations_closed"


def test_an_account_with_no_member_linked_is_told_so(election, member):
    with pytest.raises(NotAllowed) as refused:
        services.nominate_as_member(election=election, nominator=None, actor=member)
    assert refused.value.code == "not_linked"


def test_my_elections_offers_nominate_myself_and_withdraw_without_js(branch, election, me, member, client_for):
    client = client_for(member)
    page = client.get(reverse("my_elections", args=[branch.slug])).content.decode()
    assert "Nominations open" in page and "Nominate myself" in page and "Nominate another member" not in page
    response = client.post(reverse("my_nominate", args=[branch.slug, election.pk]), {"who": "self"}, follow=True)
    assert "You are nominated for" in response.content.decode()
    nomination = election.nominations.get(person=me)
    page = client.get(reverse("my_elections", args=[branch.slug])).content.decode()
    assert "Withdraw my nomination" in page
    client.post(reverse("my_nomination_withdraw", args=[branch.slug, nomination.pk]))
    nomination.refresh_from_db()
    assert nomination.status == NominationStatus.WITHDRAWN


def test_my_elections_nominates_another_by_number_and_surname(branch, election, me, member, client_for):
    position = election.positions.get()
    position.others_may_nominate = True
    position.save(update_fields=["others_may_nominate"])
    other = person_with_membership(branch, last_name="Osei", membership={"number": "L777"})
    client = client_for(member)
    assert "Nominate another member" in client.get(reverse("my_elections", args=[branch.slug])).content.decode()
    url = reverse("my_nominate", args=[branch.slug, election.pk])
    wrong = client.post(url, {"who": "other", "number": "L777", "last_name": "Nobody"}, follow=True)
    assert "No member of this branch has that membership number and surname." in wrong.content.decode()
    client.post(url, {"who": "other", "number": "L777", "last_name": "Osei"})
    assert election.nominations.get().person == other
    page = client.get(reverse("my_elections", args=[branch.slug])).content.decode()
    assert "You nominated:" in page


def test_the_refusal_shows_on_my_elections(branch, election, member, client_for):
    linked(person_with_membership(branch, membership={"status": "lapsed"}), member)
    page = client_for(member).get(reverse("my_elections", args=[branch.slug])).content.decode()
    assert "You may not nominate in this election" in page and "Nominate myself" not in page


def api_url(branch, election, tail):
    return f"/api/v1/branches/{branch.slug}/elections/{election.pk}/{tail}"


def test_the_api_nominates_yourself_reads_and_withdraws(branch, election, me, member, api):
    client = api(member)
    state = client.get(api_url(branch, election, "my-nomination/")).json()
    assert state["open"] and state["may_nominate"]["eligible"] and state["nomination"] is None
    assert state["others_may_nominate"] is False
    made = client.post(api_url(branch, election, "my-nomination/"), {}, format="json")
    assert made.status_code == 201 and made.json()["person"] == me.pk
    assert client.post(api_url(branch, election, "my-nomination/"), {}, format="json").status_code == 409
    assert client.get(api_url(branch, election, "my-nomination/")).json()["nomination"]["status"] == "nominated"
    other = client.post(api_url(branch, election, "member-nominations/"), {"number": "x", "last_name": "y"},
                        format="json")  # fmt: skip
    assert other.status_code == 400
    gone = client.post(api_url(branch, election, "my-nomination/withdraw/"), {}, format="json")
    assert gone.status_code == 200 and gone.json()["status"] == "withdrawn"


def test_the_api_refuses_a_nominator_with_the_decision(branch, election, member, api):
    linked(person_with_membership(branch, membership={"status": "lapsed"}), member)
    refused = api(member).post(api_url(branch, election, "my-nomination/"), {}, format="json")
    assert refused.status_code == 403
    body = refused.json()
    assert body["code"] == "not_eligible_nominator" and body["decision"]["reasons"]


def test_the_api_withdraw_without_a_nomination_is_404(branch, election, me, member, api):
    assert api(member).post(api_url(branch, election, "my-nomination/withdraw/"), {}, format="json").status_code == 404


@pytest.mark.parametrize(("who", "expected"), [("member", 200), ("steward", 200), ("organiser", 200),
                                               ("outsider", 404)])  # fmt: skip
def test_who_may_ask(branch, election, who, expected, api, request):
    assert api(request.getfixturevalue(who)).get(api_url(branch, election, "my-nomination/")).status_code == expected


def test_organisers_let_members_nominate_others_through_the_positions_api(branch, election, organiser, api):
    position = election.positions.get()
    url = f"/api/v1/branches/{branch.slug}/positions/{position.pk}/"
    assert api(organiser).patch(url, {"others_may_nominate": 1}, format="json").status_code == 400
    answer = api(organiser).patch(url, {"others_may_nominate": True}, format="json")
    assert answer.status_code == 200 and answer.json()["others_may_nominate"] is True
    position.refresh_from_db()
    assert position.others_may_nominate and services.others_may_nominate(election)
