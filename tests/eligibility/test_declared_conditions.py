"""Fixed cases for the `attribute` and `office` conditions (issue 13): the
answer written by hand and checked three ways — the compiled filter, the pure
evaluator over loaded facts, one person's Decision — plus the plain-English
reasons and the validation errors."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from groups.eligibility.compile import compile_rule
from groups.eligibility.decisions import decide
from groups.eligibility.engine import RuleError, evaluate, summarise, validate
from groups.eligibility.loading import load_facts
from groups.models import AttributeDefinition, Person, Position, PositionHolder, SelfDeclaredAttribute

from ..factories import person_with_membership

pytestmark = pytest.mark.django_db

AS_OF = date(2024, 6, 15)
WOMEN = {"attribute": {"key": "gender", "any": ["woman", "non-binary"]}}
CHAIR = {"office": {"positions": ["chair"]}}


def admitted(branch, rule, as_of=AS_OF) -> set[str]:
    people = Person.objects.filter(branch=branch).select_related("branch")
    compiled = {p.first_name for p in people.filter(compile_rule(rule, as_of, branch=branch))}
    facts = load_facts(people, branch=branch, as_of=as_of, declared=True).facts
    pure = {p.first_name for p in people if evaluate(rule, facts[p.pk], as_of).eligible}
    one_by_one = {p.first_name for p in people if decide(rule, as_of, person=p).eligible}
    assert compiled == pure == one_by_one, (compiled, pure, one_by_one)
    return compiled


@pytest.fixture
def world(branch, other_branch):
    """Ana declared woman and chairs from 1 May 2024; Bo declared man and chaired
    until 15 June 2024 (the as-of date); Cy declared nothing and was chair until
    14 June; Di will be chair from 16 June. In the other branch, Ed declared
    woman there and chairs there."""
    gender = AttributeDefinition.objects.create(
        branch=branch,
        key="gender",
        name="Gender",
        options=[{"value": v, "label": v.capitalize()} for v in ("woman", "man", "non-binary")],
    )
    chair = Position.objects.create(branch=branch, slug="chair", name="Chair")
    now = timezone.now()

    def person(name, value=None, start=None, end=None, where=branch, definition=gender, position=chair):
        p = (
            person_with_membership(where, "party-member", first_name=name)
            if where == branch
            else Person.objects.create(branch=where, first_name=name)
        )
        if value:
            SelfDeclaredAttribute.objects.create(
                person=p, definition=definition, value=value, source="self", consent_given_at=now
            )
        if start:
            PositionHolder.objects.create(position=position, person=p, started_on=start, ended_on=end, appointed_at=now)
        return p

    person("Ana", "woman", date(2024, 5, 1))
    person("Bo", "man", date(2023, 5, 1), date(2024, 6, 15))
    person("Cy", None, date(2023, 5, 1), date(2024, 6, 14))
    person("Di", None, date(2024, 6, 16))
    theirs = AttributeDefinition.objects.create(branch=other_branch, key="gender", name="Gender", options=[])
    their_chair = Position.objects.create(branch=other_branch, slug="chair", name="Chair")
    person("Ed", "woman", date(2020, 1, 1), where=other_branch, definition=theirs, position=their_chair)
    return {"gender": gender, "chair": chair}


def test_attribute_admits_only_the_values_named(branch, world):
    assert admitted(branch, WOMEN) == {"Ana"}
    assert admitted(branch, {"attribute": {"key": "gender", "any": ["man"]}}) == {"Bo"}
    assert admitted(branch, {"not": WOMEN}) == {"Bo", "Cy", "Di"}


def test_a_withdrawn_value_no_longer_counts(branch, world):
    SelfDeclaredAttribute.objects.filter(person__first_name="Ana").delete()
    assert admitted(branch, WOMEN) == set()


def test_office_held_on_the_as_of_date_including_the_last_day(branch, world):
    assert admitted(branch, CHAIR) == {"Ana", "Bo"}
    assert admitted(branch, CHAIR, as_of=date(2024, 6, 16)) == {"Ana", "Di"}
    assert admitted(branch, {"all": [CHAIR, WOMEN]}) == {"Ana"}


def test_reasons_say_which_office_but_never_which_value(branch, world):
    people = {p.first_name: p for p in Person.objects.filter(branch=branch).select_related("branch")}
    ana, cy = decide(WOMEN, AS_OF, person=people["Ana"]), decide(WOMEN, AS_OF, person=people["Cy"])
    bo = decide(WOMEN, AS_OF, person=people["Bo"])
    assert ana.reasons == ("Self-declared gender is one the rule asks for",)
    # Someone who declared another value and someone who declared nothing read the same.
    assert bo.reasons == cy.reasons == ("No self-declared gender that the rule asks for",)
    assert not any("man" in r for r in bo.reasons)
    assert decide(CHAIR, AS_OF, person=people["Ana"]).reasons == ("Holds the office of Chair since 1 May 2024",)
    assert decide(CHAIR, AS_OF, person=people["Cy"]).reasons == (
        "Does not hold the office of Chair on 15 June 2024 (Chair ended on 14 June 2024)",
    )
    assert decide(CHAIR, AS_OF, person=people["Di"]).reasons == ("Does not hold the office of Chair on 15 June 2024",)


def test_summary_in_plain_english():
    assert summarise({"all": [WOMEN, {"not": CHAIR}]}) == (
        "People who declared their gender as woman or non binary, who do not hold the office of Chair"
    )


@pytest.mark.parametrize(
    ("definition", "message"),
    [
        ({"attribute": {"any": ["woman"]}}, "attribute.key: is required"),
        ({"attribute": {"key": "gender"}}, "attribute.any: is required"),
        ({"attribute": {"key": "gender", "any": []}}, "attribute.any: must list at least one answer"),
        ({"attribute": {"key": "gender", "any": "woman"}}, 'attribute.any: must be a list of answers, got "woman"'),
        ({"attribute": {"key": "gender", "any": ["woman"], "all": 1}}, "attribute.all: unknown setting"),
        ({"attribute": {"key": 3, "any": ["woman"]}}, "attribute.key: must be the key of one of the branch's"),
        ({"office": {}}, "office.positions: is required"),
        ({"office": {"positions": []}}, "office.positions: must list at least one position"),
        ({"office": {"positions": ["a chair"]}}, "office.positions[0]: must be a position slug"),
    ],
)
def test_validation_names_the_bad_part(definition, message):
    with pytest.raises(RuleError) as caught:
        validate(definition)
    assert str(caught.value).startswith(message)


def test_validation_against_the_branch():
    known = {"attributes": {"gender": ["woman", "man"]}, "position_slugs": {"chair"}}
    with pytest.raises(RuleError, match='unknown question "ethnicity" \\(this branch asks: gender\\)'):
        validate({"attribute": {"key": "ethnicity", "any": ["x"]}}, **known)
    with pytest.raises(RuleError, match='"other" is not one of the answers to "gender" \\(woman, man\\)'):
        validate({"attribute": {"key": "gender", "any": ["other"]}}, **known)
    with pytest.raises(RuleError, match='unknown position "treasurer" \\(this branch has: chair\\)'):
        validate({"office": {"positions": ["treasurer"]}}, **known)
    assert validate({"office": {"positions": ["chair", "chair"]}}, **known) == {"office": {"positions": ["chair"]}}
