"""Delegates due (issue 13 item 7): the counts behind the rule from the
branch's records — current party members on the date, women by consented
self-declaration, under-27s, last year's sole delegate — on a page and in
the API, for organisers only, counts and never who, audited."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.models import AttributeDefinition, AuditEvent, Position, PositionHolder, SelfDeclaredAttribute
from groups.queries.delegates import default_categories, default_question, delegate_counts, women_answers
from tests.factories import CategoryFactory, person_with_membership

pytestmark = pytest.mark.django_db

ON = date(2026, 6, 1)
API = "/api/v1/branches/green-lanes/delegates/"


@pytest.fixture
def gender(branch):
    return AttributeDefinition.objects.create(
        branch=branch,
        key="gender",
        name="Gender",
        options=[
            {"value": "woman", "label": "Woman"},
            {"value": "man", "label": "Man"},
            {"value": "trans-woman", "label": "Trans woman"},
            {"value": "non-binary", "label": "Non-binary"},
        ],
    )


def declare(person, definition, value):
    SelfDeclaredAttribute.objects.create(
        person=person, definition=definition, value=value, source="self", consent_given_at=timezone.now()
    )


@pytest.fixture
def delegate(branch):
    return Position.objects.create(branch=branch, slug="conference-delegate", name="Conference delegate")


@pytest.fixture
def people(branch, gender):
    """Party members on 1 June 2026: Ana (woman, 25), Bea (trans woman, no birth date), Cy (man, 40),
    Di (woman, 26 the day before), Ed (non-binary, 27 on the day). Not counted: Fi (a woman whose membership
    lapsed), Gus (a registered supporter), Hal (joined after the date), Ida (woman, member of another branch)."""
    made = {
        "ana": person_with_membership(branch, first_name="Ana", date_of_birth=date(2001, 1, 1)),
        "bea": person_with_membership(branch, first_name="Bea"),
        "cy": person_with_membership(branch, first_name="Cy", date_of_birth=date(1986, 1, 1)),
        "di": person_with_membership(branch, first_name="Di", date_of_birth=date(1999, 6, 2)),
        "ed": person_with_membership(branch, first_name="Ed", date_of_birth=date(1999, 6, 1)),
        "fi": person_with_membership(branch, first_name="Fi", membership={"status": "lapsed"}),
        "gus": person_with_membership(branch, "registered-supporter", first_name="Gus", date_of_birth=date(2005, 1, 1)),
        "hal": person_with_membership(
            branch, first_name="Hal", date_of_birth=date(2004, 1, 1), membership={"started_on": date(2026, 7, 1)}
        ),
    }
    for name, value in (("ana", "woman"), ("bea", "trans-woman"), ("cy", "man"), ("di", "woman"), ("ed", "non-binary")):
        declare(made[name], gender, value)
    declare(made["fi"], gender, "woman")
    return made


def counts_for(branch, **overrides):
    question = default_question(branch)
    options = {
        "as_of": ON,
        "categories": default_categories(branch),
        "question": question,
        "women_values": women_answers(question),
        "position": Position.objects.filter(branch=branch, slug="conference-delegate").first(),
        **overrides,
    }
    return delegate_counts(branch, **options)


def test_the_defaults_find_the_party_members_and_the_gender_question(branch, gender):
    assert [c.slug for c in default_categories(branch)] == ["party-member"]
    assert default_question(branch) == gender
    assert women_answers(gender) == ["woman", "trans-woman"]


def test_counts_current_members_women_by_declaration_and_under_27s(
    branch, people, other_branch, django_assert_max_num_queries
):
    CategoryFactory(branch=other_branch, slug="party-member", name="Party member")
    other = AttributeDefinition.objects.create(
        branch=other_branch, key="gender", name="Gender", options=[{"value": "woman"}]
    )
    declare(person_with_membership(other_branch, first_name="Ida"), other, "woman")
    options = {"categories": default_categories(branch), "question": default_question(branch), "position": None}
    with django_assert_max_num_queries(2):  # the compiled filter finds the categories; one aggregate counts
        counts = delegate_counts(branch, as_of=ON, women_values=["woman", "trans-woman"], **options)
    assert (counts.members, counts.women, counts.young, counts.without_birth_date) == (5, 3, 2, 1)


def test_a_withdrawn_declaration_is_no_declaration(branch, people, gender):
    SelfDeclaredAttribute.objects.filter(person=people["ana"]).delete()
    assert counts_for(branch).women == 2


def test_without_a_gender_question_women_are_not_counted(branch):
    person_with_membership(branch, first_name="Ana")
    counts = counts_for(branch)
    assert counts.question is None and counts.women is None and counts.last_year == "unknown"


def hold(position, person, started, ended=None):
    return PositionHolder.objects.create(
        position=position, person=person, started_on=started, ended_on=ended, appointed_at=timezone.now()
    )


def test_last_years_sole_delegate(branch, people, delegate):
    assert counts_for(branch).last_year == "none"
    term = hold(delegate, people["cy"], date(2025, 1, 1), date(2025, 12, 31))
    counts = counts_for(branch)
    assert counts.last_year_on == date(2025, 6, 1) and counts.last_year == "not_woman"
    term.person = people["bea"]
    term.save()
    assert counts_for(branch).last_year == "woman"
    hold(delegate, people["ed"], date(2025, 5, 1), date(2025, 8, 1))
    assert counts_for(branch).last_year == "several"


def test_the_page_explains_line_by_line_and_names_nobody(client_for, organiser, branch, people, delegate):
    hold(delegate, people["cy"], date(2025, 1, 1), date(2025, 12, 31))
    url = reverse("delegate_entitlement", args=[branch.slug])
    response = client_for(organiser).get(url, {"as_of": "2026-06-01"} | _form_defaults(branch, delegate))
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 delegate due on 1 June 2026" in html
    assert "<li>5 party members: 1 delegate for the first 749 members or part of them.</li>" in html
    assert "3 women members (by their own declaration, with consent): fewer than 100" in html
    assert "2 members under 27 on the date: fewer than 30" in html.replace("1 member has", "")
    assert "this year&#x27;s must be a woman" in html and "This year's delegate must be a woman" in html
    assert "Woman or Trans woman" in html
    for name in ("Ana", "Bea", "Cy", "Di", "Ed"):
        assert f">{name}<" not in html and f" {name} " not in html
    event = AuditEvent.objects.get(action="delegates.worked_out")
    assert event.actor == organiser and event.changes["question"] == "gender"
    assert "woman" not in str(event.changes) and event.person_id is None


def _form_defaults(branch, delegate):
    from groups.models import Category

    return {
        "categories": [Category.objects.get(branch=branch, slug="party-member").pk],
        "women": ["gender:woman", "gender:trans-woman"],
        "position": delegate.pk,
    }


def test_the_page_opens_with_the_defaults(client_for, organiser, branch, people):
    response = client_for(organiser).get(reverse("delegate_entitlement", args=[branch.slug]))
    assert response.status_code == 200
    assert "delegate due on" in response.content.decode() or "delegates due on" in response.content.decode()


def test_the_page_refuses_answers_of_two_questions(client_for, organiser, branch, gender):
    AttributeDefinition.objects.create(branch=branch, key="sex", name="Sex", options=[{"value": "female"}])
    url = reverse("delegate_entitlement", args=[branch.slug])
    response = client_for(organiser).get(url, {"as_of": "2026-06-01", "women": ["gender:woman", "sex:female"]})
    assert response.status_code == 400
    assert "Tick answers of one question only." in response.content.decode()


def test_the_page_without_a_gender_question_says_so(client_for, organiser, branch):
    response = client_for(organiser).get(reverse("delegate_entitlement", args=[branch.slug]))
    html = response.content.decode()
    assert "The branch asks no self-declared gender question" in html
    assert not AuditEvent.objects.filter(action="delegates.worked_out").exists()  # no declaration was read


@pytest.mark.parametrize(("who", "status"), [("steward", 403), ("member", 403), ("outsider", 404)])
def test_the_page_is_the_organisers(client_for, branch, who, status, request):
    client = client_for(request.getfixturevalue(who))
    assert client.get(reverse("delegate_entitlement", args=[branch.slug])).status_code == status


def test_the_api(api, organiser, branch, people, delegate):
    hold(delegate, people["ana"], date(2025, 1, 1))
    response = api(organiser).get(API, {"as_of": "2026-06-01"})
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["members"], body["women"], body["young"], body["without_birth_date"]) == (5, 3, 2, 1)
    assert body["categories"] == ["party-member"] and body["question"] == "gender"
    assert body["women_answers"] == ["woman", "trans-woman"] and body["position"] == "conference-delegate"
    assert (body["total"], body["by_membership"], body["women_delegate"], body["young_delegate"]) == (
        1,
        1,
        False,
        False,
    )
    assert body["last_year"] == "woman" and body["must_be_woman"] is False
    assert body["lines"][0] == "5 party members: 1 delegate for the first 749 members or part of them."
    assert body["counted"][0] == "Party members: people with an active Party member membership on 1 June 2026."
    assert "Ana" not in str(body)


def test_the_api_takes_what_to_count(api, organiser, branch, people):
    body = api(organiser).get(API, {"as_of": "2026-06-01", "women": "woman", "position": ""}).json()
    assert body["women"] == 2 and body["position"] is None and body["last_year"] == "unknown"
    body = api(organiser).get(API, {"as_of": "2026-06-01", "question": ""}).json()
    assert body["women"] is None and body["question"] is None
    body = api(organiser).get(API, {"as_of": "2026-06-01", "categories": "party-member,registered-supporter"}).json()
    assert body["members"] == 6


def test_the_api_names_what_it_does_not_know(api, organiser, branch, gender):
    response = api(organiser).get(
        API, {"categories": "chairs", "question": "gender", "women": "female", "position": "x"}
    )
    assert response.status_code == 400
    errors = response.json()
    assert errors["categories"][0].startswith("Unknown category “chairs” (this branch has: ")
    assert errors["women"] == [
        "Unknown answer to gender “female” (this branch has: woman, man, trans-woman, non-binary)."
    ]
    assert errors["position"] == ["Unknown position “x” (this branch has: none)."]


@pytest.mark.parametrize(("who", "status"), [("steward", 403), ("member", 403), ("outsider", 404), (None, 401)])
def test_the_api_is_the_organisers(api, branch, who, status, request):
    user = request.getfixturevalue(who) if who else None
    response = api(user).get(API) if user else api().get(API)
    assert response.status_code == status


def test_the_api_refuses_a_bad_date_and_another_branchs_position(api, organiser, branch, other_branch):
    Position.objects.create(branch=other_branch, slug="conference-delegate", name="Their delegate")
    response = api(organiser).get(API, {"as_of": "1 June", "position": "conference-delegate"})
    assert response.status_code == 400
    assert response.json()["as_of"] == ["Give a date as YYYY-MM-DD, such as 2026-06-01."]
    response = api(organiser).get(API, {"position": "conference-delegate"})
    assert response.json() == {"position": ["Unknown position “conference-delegate” (this branch has: none)."]}


def test_the_page_refuses_another_branchs_position(client_for, organiser, branch, other_branch):
    theirs = Position.objects.create(branch=other_branch, slug="conference-delegate", name="Their delegate")
    url = reverse("delegate_entitlement", args=[branch.slug])
    response = client_for(organiser).get(url, {"as_of": "2026-06-01", "position": theirs.pk})
    assert response.status_code == 400 and "Their delegate" not in response.content.decode()
