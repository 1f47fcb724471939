"""The rule editor offers the attribute and office conditions (issue 13)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from groups.models import Position, Rule
from groups.rule_editor import Draft
from groups.services import attributes as attribute_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def vocabulary(branch, organiser):
    attribute_services.define_attribute(
        branch=branch, key="gender", name="Gender", purpose="Balance", options="Woman\nMan\nNon-binary", actor=organiser
    )
    Position.objects.create(branch=branch, slug="womens-officer", name="Women's officer")


def test_save_a_rule_with_an_answer_and_a_position(branch, organiser, vocabulary, client_for):
    client = client_for(organiser)
    form = {
        "name": "Women members who are not the women's officer",
        "combine": "all",
        "count": "2",
        "c0-kind": "attribute",
        "c0-answers": ["gender:woman", "gender:non-binary"],
        "c1-kind": "office",
        "c1-negate": "1",
        "c1-positions": ["womens-officer"],
        "action": "save",
    }
    page = client.get(reverse("rule_new", args=[branch.slug])).content.decode()
    assert "Self-declared answer" in page and "Holds a position" in page
    answer = client.post(reverse("rule_new", args=[branch.slug]), form)
    assert answer.status_code == 302, answer.content.decode()[:2000]
    rule = Rule.objects.get(branch=branch, name=form["name"])
    assert rule.definition == {
        "all": [
            {"attribute": {"key": "gender", "any": ["woman", "non-binary"]}},
            {"not": {"office": {"positions": ["womens-officer"]}}},
        ]
    }
    # It opens in the editor again, ticked as saved.
    edit = client.get(reverse("rule_edit", args=[branch.slug, rule.pk])).content.decode()
    assert 'value="gender:non-binary" checked' in edit and 'value="womens-officer" checked' in edit


def test_answers_to_two_questions_in_one_condition_are_refused():
    draft = Draft(name="X")
    draft.add("attribute")
    draft.conditions[0].values["answers"] = ["gender:woman", "disability:yes"]
    assert draft.definition(set()) is None
    assert "one question only" in draft.conditions[0].errors["answers"]
    draft.conditions[0].values["answers"] = []
    assert draft.definition(set()) is None and draft.conditions[0].errors["answers"] == "Tick at least one answer."
