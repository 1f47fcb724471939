"""/api/v1/branches/{slug}/rules/: rules, evaluate and preview — organisers only."""

from datetime import date

import pytest

from groups.models import AuditEvent, Category, Rule, RuleVersion

from .factories import MeetingFactory, MembershipFactory, PersonFactory
from .rate_limits import RATE_LIMIT_QUERIES

URL = "/api/v1/branches/green-lanes/rules/"
SIX_MONTHS = {"membership": {"categories": ["party-member"], "min_days": 183}}


def rule(branch, name="Party members only"):
    return Rule.objects.get(branch=branch, name=name)


def person_in(branch, slug, started_on=date(2015, 3, 1), **kwargs):
    person = PersonFactory(branch=branch, **kwargs)
    MembershipFactory(person=person, category=Category.objects.get(branch=branch, slug=slug), started_on=started_on)
    return person


def test_list_has_the_presets_with_summaries(api, organiser, branch):
    body = api(organiser).get(URL).json()
    assert body["count"] == 4
    youth = next(r for r in body["results"] if r["name"] == "Youth: party members under 27")
    assert set(youth) == {"id", "name", "description", "definition", "summary"}
    assert youth["summary"] == "Party members with an active membership, aged 26 or under"
    assert youth["definition"] == {"all": [{"membership": {"categories": ["party-member"]}}, {"age": {"max": 26}}]}


def test_create_then_read(api, organiser, branch):
    client = api(organiser)
    response = client.post(URL, {"name": "Six months", "definition": SIX_MONTHS}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["summary"].startswith("Party members with an active membership of at least")
    assert body["description"] == ""
    assert client.get(f"{URL}{body['id']}/").json() == body
    assert AuditEvent.objects.filter(action="rule.create", object_id=str(body["id"])).exists()


@pytest.mark.parametrize(
    ("definition", "part"),
    [
        ({"membership": {"categories": ["nope"]}}, "at membership.categories[0]"),
        ({"age": {"min": 30, "max": 20}}, "at age.min: must not be more than max (20), got 30"),
        ({"any": []}, "at any: must list at least one rule"),
        ({"all": [{"everyone": True}, {"bogus": 1}]}, "at all[1].bogus: unknown condition"),
        ("party members", ""),
        ([], ""),
    ],
)
def test_a_bad_definition_is_a_400_naming_the_bad_part(api, organiser, branch, definition, part):
    response = api(organiser).post(URL, {"name": "Bad", "definition": definition}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert list(body) == ["definition"]
    assert body["definition"][0].startswith("The rule is not valid")
    assert part in body["definition"][0]
    assert not Rule.objects.filter(name="Bad").exists()


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"definition": {"everyone": True}}, {"name": ["This field is required."]}),
        ({"name": "Bad"}, {"definition": ["This field is required."]}),
        (
            {"name": "everyone", "definition": {"everyone": True}},
            {"name": ["There is already a rule called “everyone”. Choose another name."]},
        ),
        ({"name": "   ", "definition": {"everyone": True}}, {"name": ["This field may not be blank."]}),
    ],
)
def test_other_bad_input(api, organiser, branch, body, errors):
    response = api(organiser).post(URL, body, format="json")
    assert response.status_code == 400
    assert response.json() == errors
    assert Rule.objects.filter(branch=branch).count() == 4


def test_patch_makes_a_new_version_and_leaves_the_rest(api, organiser, branch):
    r = rule(branch)
    response = api(organiser).patch(f"{URL}{r.pk}/", {"definition": SIX_MONTHS}, format="json")
    assert response.status_code == 200
    r.refresh_from_db()
    assert (r.name, r.version, r.definition) == ("Party members only", 2, SIX_MONTHS)
    assert RuleVersion.objects.filter(rule=r).count() == 2
    bad = api(organiser).patch(f"{URL}{r.pk}/", {"definition": {"age": {"min": -1}}}, format="json")
    assert bad.status_code == 400 and "at age.min" in bad.json()["definition"][0]
    r.refresh_from_db()
    assert r.version == 2


def test_delete_unused_and_refuse_used(api, organiser, branch):
    client = api(organiser)
    used, unused = rule(branch), rule(branch, "Everyone")
    MeetingFactory(branch=branch, attendance_rule=used)
    refused = client.delete(f"{URL}{used.pk}/")
    assert refused.status_code == 409
    assert refused.json() == {"detail": "Used by 1 meeting — edit it instead.", "code": "rule_in_use", "meetings": 1}
    assert Rule.objects.filter(pk=used.pk).exists()
    assert client.delete(f"{URL}{unused.pk}/").status_code == 204
    assert not Rule.objects.filter(pk=unused.pk).exists()


def test_evaluate(api, organiser, branch):
    member = person_in(branch, "party-member")
    supporter = person_in(branch, "registered-supporter")
    url = f"{URL}{rule(branch, 'Party members of six months or more').pk}/evaluate/"
    client = api(organiser)
    yes = client.post(url, {"person": member.pk, "as_of": "2016-04-14"}, format="json")
    assert yes.status_code == 200
    assert yes.json() == {
        "eligible": True,
        "reasons": ["Party member since 1 March 2015, over 6 months by 14 April 2016"],
        "as_of": "2016-04-14",
    }
    too_soon = client.post(url, {"person": member.pk, "as_of": "2015-05-01"}, format="json").json()
    assert too_soon["eligible"] is False
    no = client.post(url, {"person": supporter.pk}, format="json").json()
    assert no["eligible"] is False
    assert "Registered supporter" in no["reasons"][0]
    assert no["as_of"] == date.today().isoformat()


def test_evaluate_refuses_another_branchs_person_and_bad_input(api, organiser, branch, other_branch):
    theirs = PersonFactory(branch=other_branch)
    url = f"{URL}{rule(branch).pk}/evaluate/"
    client = api(organiser)
    response = client.post(url, {"person": theirs.pk}, format="json")
    assert response.status_code == 400
    assert response.json() == {"person": [f"There is no person {theirs.pk} in this branch."]}
    assert client.post(url, {}, format="json").json() == {"person": ["This field is required."]}
    bad_date = client.post(url, {"person": theirs.pk, "as_of": "14/04/2016"}, format="json")
    assert bad_date.status_code == 400 and "as_of" in bad_date.json()


def test_preview_counts_by_category(api, organiser, branch):
    for _ in range(3):
        person_in(branch, "party-member")
    person_in(branch, "party-member", started_on=date(2016, 3, 1))
    person_in(branch, "registered-supporter")
    PersonFactory(branch=branch)  # no membership
    url = f"{URL}{rule(branch, 'Party members of six months or more').pk}/preview/"
    body = api(organiser).get(url, {"as_of": "2016-04-14"}).json()
    assert (body["as_of"], body["total"], body["eligible"], body["not_eligible"]) == ("2016-04-14", 6, 3, 3)
    by_name = {c["name"]: (c["eligible"], c["not_eligible"]) for c in body["categories"]}
    assert by_name["Party member"] == (3, 1)
    assert by_name["Registered supporter"] == (0, 1)
    assert by_name["No membership"] == (0, 1)
    assert api(organiser).get(url, {"as_of": "yesterday"}).status_code == 400


@pytest.mark.parametrize(
    ("actor", "status"), [("organiser", 200), ("steward", 403), ("member", 403), ("outsider", 404)]
)
def test_rules_are_for_organisers(api, request, branch, actor, status):
    r = rule(branch)
    person = PersonFactory(branch=branch)
    client = api(request.getfixturevalue(actor))
    assert client.get(URL).status_code == status
    assert client.get(f"{URL}{r.pk}/").status_code == status
    assert client.get(f"{URL}{r.pk}/preview/").status_code == status
    assert client.post(f"{URL}{r.pk}/evaluate/", {"person": person.pk}, format="json").status_code == status
    created = client.post(URL, {"name": "New", "definition": {"everyone": True}}, format="json")
    assert created.status_code == (201 if status == 200 else status)
    if status != 200:
        assert client.patch(f"{URL}{r.pk}/", {"name": "Renamed"}, format="json").status_code == status
        assert client.delete(f"{URL}{r.pk}/").status_code == status
        assert Rule.objects.filter(pk=r.pk, name="Party members only").exists()


def test_another_branchs_rule_is_404(api, organiser, branch, other_branch):
    theirs = Rule.objects.create(branch=other_branch, name="Theirs", definition={"everyone": True})
    client = api(organiser)
    for response in (
        client.get(f"{URL}{theirs.pk}/"),
        client.patch(f"{URL}{theirs.pk}/", {"name": "Mine"}, format="json"),
        client.delete(f"{URL}{theirs.pk}/"),
        client.get(f"{URL}{theirs.pk}/preview/"),
        client.post(f"{URL}{theirs.pk}/evaluate/", {"person": 1}, format="json"),
    ):
        assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Theirs"


@pytest.mark.parametrize("n", [3, 30])
def test_list_query_count_does_not_grow(api, organiser, branch, django_assert_num_queries, n):
    for i in range(n):
        Rule.objects.create(branch=branch, name=f"Rule {i}", definition={"membership": {"categories": ["supporter"]}})
    client = api(organiser)
    # token, branch with role, count, page, category names (once, for every summary)
    with django_assert_num_queries(5 + RATE_LIMIT_QUERIES):
        body = client.get(URL, {"page_size": 100}).json()
    assert body["count"] == n + 4
    summaries = {r["name"]: r["summary"] for r in body["results"]}
    assert summaries["Rule 0"] == "Supporters with an active membership"
