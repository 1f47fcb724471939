"""Person.member_since, the stored column the people list sorts "joined" by,
always equals the value derived from the person's memberships (the earliest
continuous_since, else started_on), whichever service wrote them."""

import io
from datetime import date

from groups.models import Category, Membership, Person
from groups.services import member_since
from groups.services.imports import import_members
from groups.services.people import bulk_update_people, create_person, update_person


def assert_stored_is_derived(branch):
    rows = (
        Person.objects.filter(branch=branch)
        .annotate(derived=member_since.derived())
        .values_list("first_name", "member_since", "derived")
    )
    assert [(name, stored) for name, stored, _ in rows] == [(name, derived) for name, _, derived in rows]


def test_every_membership_writer_keeps_it_right(branch, organiser):
    party = Category.objects.get(branch=branch, slug="party-member")
    ana = create_person(
        branch=branch,
        actor=organiser,
        data={"first_name": "Ana"},
        memberships=[
            {"category": "party-member", "started_on": date(2015, 3, 1), "continuous_since": date(2010, 1, 1)},
            {"category": "supporter", "started_on": date(2012, 6, 1)},
        ],
    )
    assert Person.objects.get(pk=ana.pk).member_since == date(2010, 1, 1)
    assert_stored_is_derived(branch)

    # Dropping the membership that gave the earliest date moves it.
    keep = Membership.objects.get(person=ana, category__slug="supporter")
    update_person(
        person=Person.objects.get(pk=ana.pk),
        actor=organiser,
        data={},
        memberships=[{"id": keep.pk, "category": "supporter", "started_on": date(2012, 6, 1)}],
    )
    assert Person.objects.get(pk=ana.pk).member_since == date(2012, 6, 1)

    # A later edit of the person alone does not put an old value back.
    update_person(person=Person.objects.get(pk=ana.pk), actor=organiser, data={"notes": "Chair"})
    assert Person.objects.get(pk=ana.pk).member_since == date(2012, 6, 1)

    ben = create_person(branch=branch, actor=organiser, data={"first_name": "Ben"})
    assert Person.objects.get(pk=ben.pk).member_since is None
    bulk_update_people(branch=branch, actor=organiser, person_ids=[ben.pk], action="add_category", value=party)
    assert Person.objects.get(pk=ben.pk).member_since is not None
    assert_stored_is_derived(branch)

    text = (
        "First name,Email,Category,Membership number,Joined,Continuous since\n"
        "Cai,cai@example.org,Party member,M1,2019-01-01,\n"
        "Dee,dee@example.org,Party member,M2,2020-01-01,2001-05-05\n"
    )
    assert import_members(branch=branch, source=io.BytesIO(text.encode()), actor=organiser).applied
    assert Person.objects.get(first_name="Dee").member_since == date(2001, 5, 5)
    again = text.replace("2019-01-01,", "2019-01-01,1999-09-09")  # an update of an existing membership
    assert import_members(branch=branch, source=io.BytesIO(again.encode()), actor=organiser).applied
    assert Person.objects.get(first_name="Cai").member_since == date(1999, 9, 9)
    assert_stored_is_derived(branch)


def test_sorting_by_joined_reads_the_stored_column(client_for, organiser, branch):
    for name, started in (("Old", date(2001, 1, 1)), ("New", date(2021, 1, 1)), ("Mid", date(2011, 1, 1))):
        create_person(
            branch=branch,
            actor=organiser,
            data={"first_name": name, "last_name": "X"},
            memberships=[{"category": "party-member", "started_on": started}],
        )
    create_person(branch=branch, actor=organiser, data={"first_name": "None", "last_name": "X"})
    response = client_for(organiser).get(f"/api/v1/branches/{branch.slug}/people/", {"sort": "joined"})
    assert [p["first_name"] for p in response.json()["results"]] == ["Old", "Mid", "New", "None"]
    response = client_for(organiser).get(f"/api/v1/branches/{branch.slug}/people/", {"sort": "-joined"})
    assert [p["first_name"] for p in response.json()["results"]] == ["New", "Mid", "Old", "None"]
