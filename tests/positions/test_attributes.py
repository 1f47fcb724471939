"""Self-declared attributes (issue 13, item 2): a person declares on their own
account or an organiser records with their consent (time and who recorded
kept); only organisers see values, each look audited; withdrawing deletes the
row and the audit says withdrawn, never which value; no audit row holds a value."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from groups.errors import InvalidInput, NotAllowed
from groups.models import AuditEvent, DeclarationSource, Person, SelfDeclaredAttribute
from groups.services import attributes as services

pytestmark = pytest.mark.django_db


@pytest.fixture
def gender(branch, organiser):
    return services.define_attribute(
        branch=branch,
        key="gender",
        name="Gender",
        purpose="So that the women's officer is chosen as the rules require.",
        options="Woman\nMan\nnon-binary: Non-binary\nIn another way",
        actor=organiser,
    )


@pytest.fixture
def lin(branch, member):
    return Person.objects.create(branch=branch, first_name="Lin", last_name="Okafor", user=member)


def test_options_become_values_and_labels(gender):
    assert [o["value"] for o in gender.options] == ["woman", "man", "non-binary", "in-another-way"]
    assert gender.label_of("non-binary") == "Non-binary"


def test_defining_needs_a_purpose_and_a_key(branch, organiser):
    with pytest.raises(InvalidInput, match="Say why the branch asks"):
        services.define_attribute(branch=branch, key="gender", name="Gender", purpose="", options="A", actor=organiser)
    with pytest.raises(InvalidInput, match="lower-case letters"):
        services.define_attribute(branch=branch, key="Gen der", name="G", purpose="P", options="A", actor=organiser)


def test_declare_on_own_account_and_withdraw(gender, lin, member, branch):
    services.declare(person=lin, definition=gender, value="non-binary", actor=member)
    row = SelfDeclaredAttribute.objects.get(person=lin)
    assert row.source == DeclarationSource.SELF and row.recorded_by == member and row.consent_given_at
    assert services.withdraw(person=lin, definition=gender, actor=member) is True
    assert not SelfDeclaredAttribute.objects.filter(person=lin).exists()
    withdrawn = AuditEvent.objects.get(action="attribute.withdraw")
    assert withdrawn.summary == "Gender: value withdrawn" and withdrawn.person_id == lin.pk
    # No audit row ever names the value.
    assert all("non-binary" not in json.dumps(e.changes) for e in AuditEvent.objects.filter(person_id=lin.pk))


def test_someone_else_cannot_declare_for_a_person(gender, lin, organiser):
    with pytest.raises(NotAllowed, match="Only the person themselves"):
        services.declare(person=lin, definition=gender, value="woman", actor=organiser)


def test_an_organiser_records_only_with_consent(gender, lin, organiser):
    with pytest.raises(InvalidInput, match="only with their consent"):
        services.record_with_consent(person=lin, definition=gender, value="woman", consent=False, actor=organiser)
    services.record_with_consent(person=lin, definition=gender, value="woman", consent=True, actor=organiser)
    row = SelfDeclaredAttribute.objects.get(person=lin)
    assert row.source == DeclarationSource.ORGANISER and row.recorded_by == organiser and row.consent_given_at
    assert AuditEvent.objects.get(action="attribute.record").changes["source"] == "organiser"


def test_a_value_not_offered_is_refused(gender, lin, member):
    with pytest.raises(InvalidInput, match="Choose one of the answers to “Gender”"):
        services.declare(person=lin, definition=gender, value="robot", actor=member)


def test_an_answer_in_use_cannot_be_removed(gender, lin, member, organiser):
    services.declare(person=lin, definition=gender, value="man", actor=member)
    with pytest.raises(Exception, match="cannot be removed"):
        services.update_attribute(definition=gender, name="Gender", purpose="P", options="Woman", actor=organiser)


# --- pages: who sees values -----------------------------------------------------


def test_member_declares_and_withdraws_on_their_page(gender, lin, member, branch, client_for):
    client = client_for(member)
    url = reverse("my_attributes", args=[branch.slug])
    page = client.get(url).content.decode()
    assert "officer is chosen as the rules require" in page
    client.post(url, {"definition": gender.pk, "value": "woman", "action": "declare"})
    assert SelfDeclaredAttribute.objects.get(person=lin).value == "woman"
    assert "selected>Woman" in client.get(url).content.decode()
    client.post(url, {"definition": gender.pk, "value": "woman", "action": "withdraw"})
    assert not SelfDeclaredAttribute.objects.filter(person=lin).exists()


def test_organisers_see_values_only_on_asking_and_it_is_audited(gender, lin, member, organiser, branch, client_for):
    services.declare(person=lin, definition=gender, value="non-binary", actor=member)
    client = client_for(organiser)
    url = reverse("person_attributes", args=[branch.slug, lin.pk])
    page = client.get(url).content.decode()
    assert "1 self-declared answer" in page and "Non-binary</td>" not in page
    assert not AuditEvent.objects.filter(action="attribute.view").exists()
    page = client.post(url, {"action": "show"}).content.decode()
    assert "Non-binary</td>" in page
    look = AuditEvent.objects.get(action="attribute.view")
    assert look.actor == organiser and look.person_id == lin.pk and look.changes == {"questions": ["gender"]}


def test_stewards_cannot_see_values(gender, lin, member, steward, branch, client_for):
    services.declare(person=lin, definition=gender, value="non-binary", actor=member)
    client = client_for(steward)
    assert client.post(reverse("person_attributes", args=[branch.slug, lin.pk]), {"action": "show"}).status_code == 403
    person_page = client.get(reverse("person_detail", args=[branch.slug, lin.pk])).content.decode()
    assert "Non-binary" not in person_page and "Self-declared answers" not in person_page


def test_organiser_records_with_consent_on_the_page(gender, lin, organiser, branch, client_for):
    client = client_for(organiser)
    url = reverse("person_attributes", args=[branch.slug, lin.pk])
    page = client.post(url, {"action": "record", "definition": gender.pk, "value": "man"}, follow=True)
    assert "only with their consent" in page.content.decode()
    client.post(url, {"action": "record", "definition": gender.pk, "value": "man", "consent": "yes"})
    assert SelfDeclaredAttribute.objects.get(person=lin).recorded_by == organiser


def test_another_branchs_person_answers_404(gender, lin, outsider, other_branch, client_for):
    client = client_for(outsider)
    assert client.get(reverse("person_attributes", args=[other_branch.slug, lin.pk])).status_code == 404


def test_rule_with_an_unknown_question_is_refused_on_save(gender, branch, organiser):
    from groups.services.rules import create_rule

    with pytest.raises(InvalidInput, match='at attribute.key: unknown question "ethnicity"'):
        create_rule(
            branch=branch, name="X", definition={"attribute": {"key": "ethnicity", "any": ["a"]}}, actor=organiser
        )
    rule = create_rule(
        branch=branch, name="Women", definition={"attribute": {"key": "gender", "any": ["woman"]}}, actor=organiser
    )
    assert rule.definition == {"attribute": {"key": "gender", "any": ["woman"]}}
