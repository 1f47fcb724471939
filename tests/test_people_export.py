"""CSV export: columns, spreadsheet-formula escaping, filters, audit."""

import csv
import io

import pytest
from django.urls import reverse

from groups.models import AuditEvent

from .factories import MembershipFactory, PersonFactory


def _rows(response):
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def _export(client, branch, **query):
    response = client.get(reverse("people_export", args=[branch.slug]), query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return _rows(response)


def test_columns_and_values_are_in_plain_words(branch, organiser, client_for):
    person = PersonFactory(branch=branch, first_name="Ada", phone="+447700900154", postcode="N15 4AB")
    MembershipFactory(person=person, category=branch.categories.get(slug="party-member"), number="L1", status="lapsed")
    rows = _export(client_for(organiser), branch)
    assert list(rows[0]) == [
        "First name",
        "Last name",
        "Email",
        "Phone",
        "Postcode",
        "Ward",
        "Date of birth",
        "Membership category",
        "Membership number",
        "Membership status",
        "Joined on",
        "Continuous membership since",
        "Dues paid until",
        "Notes",
    ]
    assert rows[0]["First name"] == "Ada"
    assert rows[0]["Phone"] == "07700 900154"  # national format: no leading "+" to escape
    assert rows[0]["Membership category"] == "Party member"  # the name, never the slug
    assert rows[0]["Membership status"] == "Lapsed"
    assert rows[0]["Membership number"] == "L1"


def test_an_export_imports_again_into_another_branch_unchanged(branch, organiser, client_for):
    from datetime import date

    from groups.services.branches import create_branch
    from groups.services.imports import import_members

    other_branch = create_branch(name="Elsewhere Branch", slug="elsewhere", actor=organiser)
    ada = PersonFactory(
        branch=branch,
        first_name="Ada",
        last_name="Lovelace",
        email="ada@example.org",
        postcode="N15 4AB",
        date_of_birth=date(1990, 3, 2),
        notes="Prefers evenings",
    )
    MembershipFactory(
        person=ada,
        category=branch.categories.get(slug="party-member"),
        number="L1",
        status="lapsed",
        started_on=date(2020, 1, 5),
        dues_paid_until=date(2026, 6, 30),
    )
    MembershipFactory(
        person__branch=branch,
        person__first_name="Sam",
        person__last_name="Supporter",
        category=branch.categories.get(slug="supporter"),
        number="",
    )
    response = client_for(organiser).get(reverse("people_export", args=[branch.slug]))
    data = b"".join(response.streaming_content)

    report = import_members(branch=other_branch, source=io.BytesIO(data), actor=organiser)
    assert report.ok and report.applied, (report.file_error, report.errors)
    again = other_branch.people.get(last_name="Lovelace")
    assert (again.first_name, again.email, again.postcode, again.date_of_birth, again.notes) == (
        "Ada",
        "ada@example.org",
        "N15 4AB",
        date(1990, 3, 2),
        "Prefers evenings",
    )
    membership = again.memberships.get()
    assert (membership.category.slug, membership.number, membership.status) == ("party-member", "L1", "lapsed")
    assert (membership.started_on, membership.dues_paid_until) == (date(2020, 1, 5), date(2026, 6, 30))
    assert other_branch.people.get(last_name="Supporter").memberships.get().category.slug == "supporter"


def test_one_row_per_membership_and_one_for_people_without(branch, organiser, client_for):
    two = PersonFactory(branch=branch, last_name="Two")
    MembershipFactory(person=two, category=branch.categories.get(slug="party-member"))
    MembershipFactory(person=two, category=branch.categories.get(slug="supporter"))
    PersonFactory(branch=branch, last_name="None")
    rows = _export(client_for(organiser), branch)
    assert sorted(r["Last name"] for r in rows) == ["None", "Two", "Two"]
    event = AuditEvent.objects.get(action="person.export")
    assert event.changes == {"rows": 3, "people": 2, "filters": []}
    assert event.actor == organiser


@pytest.mark.parametrize("dangerous", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR"])
def test_dangerous_cells_are_escaped(branch, organiser, client_for, dangerous):
    PersonFactory(branch=branch, first_name=dangerous, last_name="X", notes=dangerous)
    row = _export(client_for(organiser), branch)[0]
    assert row["First name"] == "'" + dangerous
    assert row["Notes"] == "'" + dangerous


def test_export_respects_the_filters_and_audits_names_not_values(branch, organiser, client_for):
    for i in range(3):
        MembershipFactory(
            person__branch=branch, person__last_name=f"Party{i}", category=branch.categories.get(slug="party-member")
        )
    MembershipFactory(person__branch=branch, person__last_name="Sup", category=branch.categories.get(slug="supporter"))
    rows = _export(client_for(organiser), branch, category="supporter", q="Sup")
    assert [r["Last name"] for r in rows] == ["Sup"]
    event = AuditEvent.objects.get(action="person.export")
    assert event.changes == {"rows": 1, "people": 1, "filters": ["category", "q"]}
    assert "Sup" not in str(event.changes) and "Sup" not in event.summary


def test_one_persons_record(branch, organiser, client_for):
    person = PersonFactory(branch=branch, first_name="=HYPERLINK()")
    MembershipFactory(person=person, category=branch.categories.get(slug="party-member"))
    response = client_for(organiser).get(reverse("person_export", args=[branch.slug, person.pk]))
    rows = _rows(response)
    assert len(rows) == 1
    assert rows[0]["First name"] == "'=HYPERLINK()"
    event = AuditEvent.objects.get(action="person.export")
    assert (event.person_id, event.changes["rows"]) == (person.pk, 1)


def test_stewards_may_not_export(branch, steward, client_for):
    assert client_for(steward).get(reverse("people_export", args=[branch.slug])).status_code == 403
    assert not AuditEvent.objects.filter(action="person.export").exists()
