"""Nominations (issue 13) in a person's rights: subject access lists their
own nominations (election, positions, status, consent and its note, when)
and those they made of others (the nominee's name and the election only);
erasure withdraws their open nominations, audited, keeps the rest as
history without the words about them, and says how many. SQLite and
PostgreSQL alike."""

from __future__ import annotations

import pytest
from django.urls import reverse

from groups.models import AuditAction, AuditEvent, Nomination, NominationStatus
from groups.queries.subject_access import subject_access
from groups.services.erasure import erase_person

from . import scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def known(branch, organiser):
    return scenario.build(branch, organiser)


def export(person):
    return subject_access(type(person).objects.select_related("branch", "user").get(pk=person.pk))


def test_the_export_lists_their_nominations_with_consent_and_status(known):
    data = export(known.person)
    standing, taking = data["nominations"]
    assert standing["election"]["title"] == "Secretary 2026" and standing["election"]["positions"] == ["Secretary"]
    assert standing["status"] == "Standing" and standing["consent"] == "Consent recorded by an organiser"
    assert standing["consent_note"] == "Signed the nomination form" and standing["consent_at"]
    assert standing["consent_recorded_by"] == "someone in the branch"  # the organiser is not named
    assert standing["decision_at_the_close"]["eligible"] is True and standing["decision_at_the_close"]["reasons"]
    assert taking["election"]["title"] == "Secretary 2027" and taking["status"] == "Nominated"
    assert taking["consent_note"] == f"{scenario.FIRST} {scenario.LAST} told me on {scenario.PHONE}"
    assert taking["decision_at_the_close"] is None and taking["withdrawn_at"] is None


def test_the_export_names_whom_they_nominated_and_nothing_else_of_theirs(api, branch, organiser, known):
    data = export(known.person)
    assert data["nominations_made"] == [
        {
            "election": {"id": known.made.election_id, "title": "Secretary 2027", "election_on": "2026-03-10",
                         "positions": ["Secretary"]},
            "nominee": scenario.NOMINEE,
        }
    ]  # fmt: skip
    url = reverse("api-person-data-data", kwargs={"branch_slug": branch.slug, "pk": known.person.pk})
    text = api(organiser).get(url).content.decode()
    assert scenario.NOMINEE in text
    assert "nadia@example.org" not in text and "Awaiting the nominee" not in text  # her consent is hers
    event = AuditEvent.objects.get(action=AuditAction.PERSON_SUBJECT_ACCESS)
    assert event.changes["nominations"] == 2 and event.changes["nominations_made"] == 1


def test_the_readable_page_shows_them(client_for, branch, known):
    page = client_for(known.user).get(reverse("my_data", args=[branch.slug])).content.decode()
    assert "Nominations in elections" in page and "Secretary 2026 · Secretary" in page
    assert "Consent recorded by an organiser: Signed the nomination form" in page
    assert f"You nominated:</p>\n  <ul><li>{scenario.NOMINEE} in Secretary 2027</li>" in page


def test_the_nominee_sees_nobody_elses_nomination_of_them_as_made(known):
    """Nadia's export lists her nominations, not as ones she made."""
    data = export(known.made.person)
    assert [(n["election"]["title"], n["consent"]) for n in data["nominations"]] == [
        ("Secretary 2026", "Consent recorded by an organiser"),
        ("Secretary 2027", "Awaiting the nominee's consent"),
    ]
    assert data["nominations_made"] == []


def erase(known, organiser, capture):
    with capture(execute=True):
        return erase_person(person=known.person, actor=organiser, reason="They asked us to, by email on 3 March")


def test_erasure_withdraws_the_open_nomination_audited_and_counts_it(
    known, organiser, django_capture_on_commit_callbacks
):
    counts = erase(known, organiser, django_capture_on_commit_callbacks)
    assert counts["nominations"] == 2 and counts["nominations_withdrawn"] == 1
    taking = Nomination.objects.get(pk=known.open_nomination.pk)
    assert taking.status == NominationStatus.WITHDRAWN and taking.withdrawn_at is not None
    assert taking.consent_note == ""
    withdrawn = AuditEvent.objects.get(action=AuditAction.ELECTION_WITHDRAW, object_id=str(taking.pk))
    assert withdrawn.person_id == known.person.pk and withdrawn.actor == organiser
    assert withdrawn.summary.endswith("withdrawn (their data was erased)")
    assert withdrawn.changes == {"election": taking.election_id, "erased": True}
    erased = AuditEvent.objects.get(action=AuditAction.PERSON_ERASE)
    assert erased.changes["nominations"] == 2 and erased.changes["nominations_withdrawn"] == 1


def test_erasure_keeps_the_ballots_candidate_without_the_words(known, organiser, django_capture_on_commit_callbacks):
    erase(known, organiser, django_capture_on_commit_callbacks)
    standing = Nomination.objects.get(pk=known.standing.pk)
    assert standing.status == NominationStatus.STANDING  # the ballot paper still adds up
    assert standing.decision == {"eligible": True, "reasons": ["erased"]}
    assert standing.consent_note == "" and standing.consent == "recorded"
    made = Nomination.objects.get(pk=known.made.pk)
    assert made.status == NominationStatus.NOMINATED  # Nadia's: not theirs to withdraw
    assert list(Nomination.nominators.through.objects.filter(nomination=made).values_list("person_id", flat=True)) == [
        known.person.pk
    ]  # the tombstone, which no list shows


def test_the_erased_persons_export_holds_nothing_of_the_nominations_words(
    known, organiser, django_capture_on_commit_callbacks
):
    erase(known, organiser, django_capture_on_commit_callbacks)
    tomb = type(known.person).everyone.select_related("branch").get(pk=known.person.pk)
    data = subject_access(tomb)
    assert [n["consent_note"] for n in data["nominations"]] == [None, None]
    assert [n["status"] for n in data["nominations"]] == ["Standing", "Withdrawn"]


def test_a_declared_result_keeps_its_count_but_not_their_name(known, organiser, django_capture_on_commit_callbacks):
    # CONTRACT §8: after an erasure no table holds their name, the stored count included.
    from groups.models import Election, RoleName
    from groups.services import paper_ballots
    from groups.services.election_ballots import close_ballot
    from tests.factories import RoleFactory

    from .test_erasure import the_account

    election = Election.objects.get(pk=known.standing.election_id)
    teller = RoleFactory(branch=election.branch, role=RoleName.ORGANISER, user__email="teller@example.org").user
    for actor in (organiser, teller):  # on the paper, by name: Nadia Nominee, then them
        paper_ballots.enter_papers(election=election, actor=actor, text="2 1\n2 1\n1 2")
    paper_ballots.accept_papers(election=election, actor=organiser)
    declared = close_ballot(election=election, actor=organiser)
    name = f"{scenario.FIRST} {scenario.LAST}"
    assert declared.result["elected"] == [name]
    erase(known, organiser, django_capture_on_commit_callbacks)
    result = Election.objects.get(pk=election.pk).result
    assert result["elected"] == ["Erased person"]
    assert result["stages"][0]["totals"] == {scenario.NOMINEE: declared.result["stages"][0]["totals"][scenario.NOMINEE],
                                             "Erased person": declared.result["stages"][0]["totals"][name]}  # fmt: skip
    assert "Erased person reached the quota" in result["stages"][0]["description"]
    assert scenario.found_in(scenario.dump(), skip=the_account(known.user)) == []


def test_a_nominee_without_a_name_is_not_told_by_their_email(known):
    # The nominee's email is hers: the nominator's export names her, or says someone.
    type(known.person).objects.filter(pk=known.made.person_id).update(first_name="", last_name="")
    data = export(known.person)
    assert [n["nominee"] for n in data["nominations_made"]] == ["someone in the branch"]
    assert "nadia@example.org" not in str(data)


def test_someone_elses_consent_note_loses_their_name(known, organiser, django_capture_on_commit_callbacks):
    from .test_erasure import the_account

    note = f"Nadia agreed in front of {scenario.FIRST} {scenario.LAST} at the branch meeting"
    Nomination.objects.filter(pk=known.made.pk).update(consent_note=note)
    erase(known, organiser, django_capture_on_commit_callbacks)
    kept = Nomination.objects.get(pk=known.made.pk).consent_note
    assert kept == "Nadia agreed in front of erased at the branch meeting"
    assert scenario.found_in(scenario.dump(), skip=the_account(known.user)) == []
