"""Rules: services (validation, versions, audit, delete), the editor without
JavaScript, preview counts and lists, compare, and per-person decisions."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from groups.eligibility.decisions import person_decisions
from groups.errors import Conflict, InvalidInput
from groups.models import AuditEvent, Category, Meeting, Membership, Person, Rule, RuleVersion
from groups.queries.rules import rule_summary
from groups.rule_editor import Draft, days_to_amount, months_to_days
from groups.services import rules as rule_services
from groups.services.rules import PRESET_RULES

TODAY = date.today()


@pytest.fixture
def cats(branch):
    return {c.slug: c for c in Category.objects.filter(branch=branch)}


def person(branch, cats, first, last, *memberships, dob=None):
    p = Person.objects.create(branch=branch, first_name=first, last_name=last, date_of_birth=dob)
    for slug, started, status in memberships:
        Membership.objects.create(person=p, branch=branch, category=cats[slug], started_on=started, status=status)
    return p


# --------------------------------------------------------------------------
# Services


def test_create_rule_stores_version_one_and_audits(branch, organiser):
    rule = rule_services.create_rule(branch=branch, name=" Over 18s ", definition={"age": {"min": 18}}, actor=organiser)
    assert rule.name == "Over 18s" and rule.version == 1
    v = RuleVersion.objects.get(rule=rule)
    assert (v.version, v.definition, v.changed_by) == (1, {"age": {"min": 18}}, organiser)
    event = AuditEvent.objects.get(action="rule.create", object_id=str(rule.pk))
    assert event.changes["definition"] == {"old": None, "new": {"age": {"min": 18}}}


@pytest.mark.parametrize(
    "definition, message",
    [
        ({"membership": {"categories": ["nope"]}}, "at membership.categories[0]"),
        ({"age": {"min": 30, "max": 20}}, "at age.min: must not be more than max (20), got 30"),
        ({"any": []}, "at any: must list at least one rule"),
        ({"all": [{"everyone": True}, {"bogus": 1}]}, "at all[1].bogus: unknown condition"),
        ({"age": {"min": "18"}}, "at age.min: must be a whole number of years"),
    ],
)
def test_bad_definitions_are_refused_naming_the_bad_part(branch, organiser, definition, message):
    with pytest.raises(InvalidInput) as caught:
        rule_services.create_rule(branch=branch, name="Bad", definition=definition, actor=organiser)
    assert message in caught.value.message
    assert caught.value.code == "bad_definition"
    assert not Rule.objects.filter(name="Bad").exists()


def test_unknown_category_message_lists_the_branch_categories(branch, organiser):
    with pytest.raises(InvalidInput) as caught:
        rule_services.create_rule(
            branch=branch, name="Bad", definition={"membership": {"categories": ["nope"]}}, actor=organiser
        )
    assert 'unknown category "nope" (this branch has: affiliated-supporter, party-member' in caught.value.message


def test_duplicate_names_are_refused(branch, organiser):
    with pytest.raises(InvalidInput, match="already a rule called"):
        rule_services.create_rule(branch=branch, name="everyone", definition={"everyone": True}, actor=organiser)


def test_update_bumps_the_version_and_keeps_the_old_one(branch, organiser):
    rule = Rule.objects.get(branch=branch, name="Party members only")
    new = {"membership": {"categories": ["party-member", "registered-supporter"]}}
    rule = rule_services.update_rule(rule=rule, definition=new, actor=organiser)
    assert rule.version == 2
    assert list(rule.versions.order_by("version").values_list("version", "definition")) == [
        (1, {"membership": {"categories": ["party-member"]}}),
        (2, new),
    ]
    event = AuditEvent.objects.get(action="rule.update")
    assert event.changes["definition"] == {"old": {"membership": {"categories": ["party-member"]}}, "new": new}
    # Renaming alone is not a new version.
    rule = rule_services.update_rule(rule=rule, name="Members and supporters", actor=organiser)
    assert rule.version == 2 and rule.name == "Members and supporters"


def test_update_with_a_bad_definition_changes_nothing(branch, organiser):
    rule = Rule.objects.get(branch=branch, name="Everyone")
    with pytest.raises(InvalidInput, match="age.max"):
        rule_services.update_rule(rule=rule, definition={"age": {"max": -1}}, actor=organiser)
    rule.refresh_from_db()
    assert rule.version == 1 and rule.definition == {"everyone": True}


def test_delete_refused_when_a_meeting_uses_the_rule(branch, organiser):
    rule = Rule.objects.get(branch=branch, name="Party members only")
    for title in ("AGM", "Selection"):
        Meeting.objects.create(branch=branch, title=title, starts_at="2016-04-14T19:30Z", voting_rule=rule)
    with pytest.raises(Conflict) as caught:
        rule_services.delete_rule(rule=rule, actor=organiser)
    assert caught.value.message == "Used by 2 meetings — edit it instead."
    # Still editable: a new version.
    rule = rule_services.update_rule(rule=rule, definition={"membership": {}}, actor=organiser)
    assert rule.version == 2


def test_delete_unused_rule_audits_its_definition(branch, organiser):
    rule = Rule.objects.get(branch=branch, name="Everyone")
    rule_services.delete_rule(rule=rule, actor=organiser)
    assert not Rule.objects.filter(pk=rule.pk).exists()
    event = AuditEvent.objects.get(action="rule.delete")
    assert event.changes["definition"] == {"old": {"everyone": True}, "new": None}


def test_rule_summary_uses_the_branch_category_names(branch):
    rule = Rule.objects.get(branch=branch, name="Youth: party members under 27")
    assert rule_summary(rule) == "Party members with an active membership, aged 26 or under"


# --------------------------------------------------------------------------
# Editor: presets through the form, add/remove without JavaScript, errors

PRESET_FORMS = {
    "Everyone": {"count": "1", "c0-kind": "everyone"},
    "Party members only": {"count": "1", "c0-kind": "membership", "c0-categories": ["party-member"]},
    "Party members of six months or more": {
        "count": "1",
        "c0-kind": "membership",
        "c0-categories": ["party-member"],
        "c0-statuses": ["active"],
        "c0-since_amount": "6",
        "c0-since_unit": "months",
    },
    "Youth: party members under 27": {
        "count": "2",
        "combine": "all",
        "c0-kind": "membership",
        "c0-categories": ["party-member"],
        "c1-kind": "age",
        "c1-max_age": "26",
    },
}


@pytest.mark.parametrize("name, description, definition", PRESET_RULES)
def test_each_preset_can_be_built_through_the_form(branch, organiser, client_for, name, description, definition):
    client = client_for(organiser)
    data = {"name": f"{name} (copy)", "action": "save", **PRESET_FORMS[name]}
    response = client.post(reverse("rule_new", args=[branch.slug]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Rule.objects.get(branch=branch, name=f"{name} (copy)").definition == definition


@pytest.mark.parametrize("name, description, definition", PRESET_RULES)
def test_each_preset_reads_back_into_the_form_unchanged(branch, name, description, definition):
    draft = Draft.from_definition(definition, name=name)
    assert draft.editable
    slugs = set(Category.objects.filter(branch=branch).values_list("slug", flat=True))
    assert draft.definition(slugs) == definition


def test_months_and_days():
    assert months_to_days(6) == 183 and months_to_days(3) == 91
    assert days_to_amount(183) == (6, "months") and days_to_amount(730) == (2, "years")
    assert days_to_amount(100) == (100, "days")


def test_edit_page_shows_the_rule_as_conditions_without_json(branch, organiser, client_for):
    rule = Rule.objects.get(branch=branch, name="Youth: party members under 27")
    page = client_for(organiser).get(reverse("rule_edit", args=[branch.slug, rule.pk])).content.decode()
    assert 'name="c0-kind" value="membership"' in page and 'name="c1-kind" value="age"' in page
    assert 'name="c1-max_age" value="26"' in page
    assert "{&quot;" not in page and '{"' not in page.split("<main", 1)[1]


def test_add_and_remove_conditions_without_javascript(branch, organiser, client_for):
    client = client_for(organiser)
    url = reverse("rule_new", args=[branch.slug])
    base = {"name": "Draft", "count": "1", "c0-kind": "age", "c0-min_age": "18"}
    response = client.post(url, {**base, "action": "add", "add_kind": "area"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="c1-kind" value="area"' in page and 'name="c0-min_age" value="18"' in page
    assert 'name="count" value="2"' in page
    response = client.post(url, {**base, "count": "2", "c1-kind": "area", "action": "remove-0"})
    page = response.content.decode()
    assert 'name="c0-kind" value="area"' in page and "c0-min_age" not in page
    assert not Rule.objects.filter(name="Draft").exists()


def test_negated_conditions_and_any_of(branch, organiser, client_for):
    data = {
        "name": "Not youth or Tottenham",
        "action": "save",
        "combine": "any",
        "count": "2",
        "c0-kind": "age",
        "c0-negate": "1",
        "c0-max_age": "26",
        "c1-kind": "area",
        "c1-wards": "Tottenham Green, Seven Sisters",
        "c1-postcodes": "n15\nN17 6",
    }
    response = client_for(organiser).post(reverse("rule_new", args=[branch.slug]), data)
    assert response.status_code == 302
    assert Rule.objects.get(name="Not youth or Tottenham").definition == {
        "any": [
            {"not": {"age": {"max": 26}}},
            {"area": {"wards": ["Tottenham Green", "Seven Sisters"], "postcodes": ["N15", "N17 6"]}},
        ]
    }


def test_invalid_input_keeps_what_was_typed_and_shows_the_error_summary(branch, organiser, client_for):
    data = {
        "name": "",
        "action": "save",
        "count": "3",
        "c0-kind": "age",
        "c0-min_age": "30",
        "c0-max_age": "20",
        "c1-kind": "area",
        "c1-postcodes": "N15, banana",
        "c2-kind": "attended",
        "c2-min": "two",
        "c2-of_last": "3",
    }
    response = client_for(organiser).post(reverse("rule_new", args=[branch.slug]), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page
    assert "Give the rule a name." in page
    assert "Condition 1 (age, youngest age): Must not be more than max (20), got 30." in page
    assert "Condition 2 (area (wards or postcodes), postcode areas): Must be an outward code" in page
    assert "Condition 3 (attendance at recent meetings, meetings attended): Enter the number" in page
    assert 'value="30"' in page and "N15, banana" in page and 'value="two"' in page
    assert not Rule.objects.filter(branch=branch).exclude(name__in=[p[0] for p in PRESET_RULES]).exists()


def test_no_conditions_is_an_error(branch, organiser, client_for):
    response = client_for(organiser).post(
        reverse("rule_new", args=[branch.slug]), {"name": "Empty", "count": "0", "action": "save"}
    )
    assert response.status_code == 400
    assert "Add at least one condition" in response.content.decode()


def test_duplicate_name_from_the_form(branch, organiser, client_for):
    response = client_for(organiser).post(
        reverse("rule_new", args=[branch.slug]),
        {"name": "Everyone", "count": "1", "c0-kind": "everyone", "action": "save"},
    )
    assert response.status_code == 400
    assert "There is already a rule called" in response.content.decode()


def test_saving_an_edit_makes_a_new_version_shown_in_history(branch, organiser, client_for):
    client = client_for(organiser)
    rule = Rule.objects.get(branch=branch, name="Party members only")
    data = {
        "name": rule.name,
        "action": "save",
        "count": "1",
        "c0-kind": "membership",
        "c0-categories": ["party-member", "registered-supporter"],
    }
    response = client.post(reverse("rule_edit", args=[branch.slug, rule.pk]), data)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "saved as version 2" in page
    assert "Version 2" in page and "Version 1" in page
    assert "Party members or Registered supporters with an active membership" in page
    assert "organiser@example.org" in page


def test_deeply_nested_rules_are_shown_read_only(branch, organiser, client_for):
    rule = rule_services.create_rule(
        branch=branch,
        name="Nested",
        definition={"all": [{"any": [{"age": {"min": 18}}, {"everyone": True}]}]},
        actor=organiser,
    )
    page = client_for(organiser).get(reverse("rule_edit", args=[branch.slug, rule.pk])).content.decode()
    assert "cannot be changed here" in page and "aged 18 or over" in page


def test_delete_from_the_page(branch, organiser, client_for):
    client = client_for(organiser)
    used = Rule.objects.get(branch=branch, name="Party members only")
    Meeting.objects.create(branch=branch, title="AGM", starts_at="2016-04-14T19:30Z", attendance_rule=used)
    response = client.post(reverse("rule_delete", args=[branch.slug, used.pk]), follow=True)
    assert "Used by 1 meeting — edit it instead." in response.content.decode()
    assert Rule.objects.filter(pk=used.pk).exists()
    unused = Rule.objects.get(branch=branch, name="Everyone")
    client.post(reverse("rule_delete", args=[branch.slug, unused.pk]))
    assert not Rule.objects.filter(pk=unused.pk).exists()


# --------------------------------------------------------------------------
# Preview, what-if, compare


@pytest.fixture
def crowd(branch, cats):
    long_ago = TODAY - timedelta(days=800)
    recent = TODAY - timedelta(days=30)

    def make(n):
        made = []
        for i in range(n):
            kind = i % 3
            if kind == 0:
                made.append(person(branch, cats, f"Ada{i}", "Party", ("party-member", long_ago, "active")))
            elif kind == 1:
                made.append(person(branch, cats, f"Bo{i}", "Newer", ("party-member", recent, "active")))
            else:
                made.append(person(branch, cats, f"Cy{i}", "Supporter", ("registered-supporter", long_ago, "active")))
        return made

    return make


def test_preview_counts_by_category(branch, organiser, client_for, crowd):
    crowd(6)
    Person.objects.create(branch=branch, first_name="No", last_name="Membership")
    rule = Rule.objects.get(branch=branch, name="Party members of six months or more")
    response = client_for(organiser).get(reverse("rule_detail", args=[branch.slug, rule.pk]))
    counts = response.context["counts"]
    assert (counts["eligible"], counts["not_eligible"], counts["total"]) == (2, 5, 7)
    by_name = {row["name"]: (row["eligible"], row["not_eligible"]) for row in counts["categories"]}
    assert by_name["Party member"] == (2, 2)
    assert by_name["Registered supporter"] == (0, 2)
    assert by_name["No membership"] == (0, 1)


def test_preview_list_shows_decisions_and_searches(branch, organiser, client_for, crowd):
    crowd(3)
    rule = Rule.objects.get(branch=branch, name="Party members of six months or more")
    client = client_for(organiser)
    url = reverse("rule_detail", args=[branch.slug, rule.pk])
    page = client.get(url).content.decode()
    assert "✓ Eligible" in page and "✕ Not eligible" in page
    assert "less than 6 months by" in page
    page = client.get(url, {"q": "supporter"}).content.decode()
    assert "Cy2" in page and "Ada0" not in page
    response = client.get(url, {"show": "eligible"})
    assert [p.first_name for p, _ in response.context["rows"]] == ["Ada0"]
    response = client.get(url, {"as_of": "not-a-date"})
    assert "Enter the date as a real date" in response.content.decode()


def test_preview_search_is_the_people_lists_search(branch, organiser, client_for, cats):
    """By the start of a name or postcode, or a whole membership number — as on the people page."""
    ada = person(branch, cats, "Ada", "Lovelace", ("party-member", TODAY - timedelta(days=800), "active"))
    ada.postcode = "N15 4AB"
    ada.save()
    Membership.objects.filter(person=ada).update(number="PM-0042")
    person(branch, cats, "Bo", "Canada", ("party-member", TODAY - timedelta(days=800), "active"))
    rule = Rule.objects.get(branch=branch, name="Party members only")
    client = client_for(organiser)
    url = reverse("rule_detail", args=[branch.slug, rule.pk])

    def found(q):
        return [p.first_name for p, _ in client.get(url, {"q": q}).context["rows"]]

    assert found("pm-0042") == ["Ada"]
    assert found("N15 4AB") == ["Ada"]
    assert found("ada") == ["Ada"]  # the start of a name, not Bo Canada's "ada" inside one
    assert found("lace") == []


def test_as_of_changes_the_answer(branch, organiser, client_for, cats):
    person(branch, cats, "Joined", "Recently", ("party-member", date(2016, 1, 1), "active"))
    rule = Rule.objects.get(branch=branch, name="Party members of six months or more")
    url = reverse("rule_detail", args=[branch.slug, rule.pk])
    client = client_for(organiser)
    assert client.get(url, {"as_of": "2016-04-14"}).context["counts"]["eligible"] == 0
    assert client.get(url, {"as_of": "2016-08-01"}).context["counts"]["eligible"] == 1


def test_preview_runs_a_fixed_number_of_queries(branch, organiser, client_for, crowd, django_assert_num_queries):
    rule = Rule.objects.get(branch=branch, name="Youth: party members under 27")
    client = client_for(organiser)
    url = reverse("rule_detail", args=[branch.slug, rule.pk])
    crowd(3)
    client.get(url)  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    crowd(27)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["rows"]) == 25


def test_compare_two_rules_gain_and_lose(branch, organiser, client_for, crowd):
    crowd(6)
    old = Rule.objects.get(branch=branch, name="Party members of six months or more")
    new = rule_services.create_rule(
        branch=branch,
        name="Members and supporters",
        definition={"membership": {"categories": ["party-member", "registered-supporter"]}},
        actor=organiser,
    )
    response = client_for(organiser).get(reverse("rule_compare", args=[branch.slug, old.pk]), {"other": new.pk})
    compare = response.context["compare"]
    assert compare["gains"]["count"] == 4
    assert dict(compare["gains"]["categories"]) == {"Party member": 2, "Registered supporter": 2}
    assert compare["loses"]["count"] == 0
    page = response.content.decode()
    assert "+4 people gain eligibility" in page and "Nobody loses eligibility" in page
    assert "Cy2 Supporter" in page


def test_preview_changes_from_the_editor(branch, organiser, client_for, crowd):
    crowd(3)
    rule = Rule.objects.get(branch=branch, name="Party members only")
    data = {
        "name": rule.name,
        "action": "preview",
        "count": "1",
        "c0-kind": "membership",
        "c0-categories": ["registered-supporter"],
    }
    response = client_for(organiser).post(reverse("rule_edit", args=[branch.slug, rule.pk]), data)
    page = response.content.decode()
    assert "+1 person gains eligibility" in page and "−2 people lose eligibility" in page
    assert "Nothing is saved yet." in page
    rule.refresh_from_db()
    assert rule.version == 1


def test_compare_caps_names_with_and_n_more(branch, organiser, crowd):
    from groups.queries.rules import compare_rules

    crowd(9)
    result = compare_rules(branch, {"not": {"everyone": True}}, {"everyone": True}, TODAY, limit=5)
    assert result["gains"]["count"] == 9 and len(result["gains"]["people"]) == 5 and result["gains"]["more"] == 4


def test_person_decisions_under_each_rule(branch, cats, django_assert_max_num_queries):
    p = person(
        branch,
        cats,
        "Young",
        "Member",
        ("party-member", TODAY - timedelta(days=30), "active"),
        dob=TODAY.replace(year=TODAY.year - 20) if not (TODAY.month == 2 and TODAY.day == 29) else date(2000, 1, 1),
    )
    p = Person.objects.select_related("branch").get(pk=p.pk)
    with django_assert_max_num_queries(5):
        decisions = dict((r.name, d) for r, d in person_decisions(p, TODAY))
    assert decisions["Everyone"].eligible
    assert decisions["Party members only"].eligible
    assert not decisions["Party members of six months or more"].eligible
    assert decisions["Youth: party members under 27"].eligible
