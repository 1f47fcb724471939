"""The door's eligible count from the cache (issue 14): every write that can
change who a rule admits raises the branch's people_version, so the next
poll counts afresh; the count is never cached for attendance-based rules
nor inside a transaction (groups/eligibility/count_cache.py).

Each writer's test warms the cache first and checks the warm poll is served
from it: a writer that forgot to bump would leave the old figure showing."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from groups.models import Branch, Category, Meeting, Membership, Person, Rule
from groups.queries.attendance import quorum
from groups.services import (
    attendance,
    attributes,
    categories,
    erasure,
    imports,
    people,
    people_version,
    positions,
    rules,
)
from groups.sql import door as statements

from ..factories import MeetingFactory, person_with_membership

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 6, 1)
PARTY = {"membership": {"categories": ["party-member"]}}


def meeting_for(branch, definition=PARTY, **fields) -> Meeting:
    rule = Rule.objects.create(branch=branch, name=f"Rule {Rule.objects.count()}", definition=definition)
    values = {"eligibility_date": AS_OF, "quorum_percent": 50, **fields}
    return MeetingFactory(branch=branch, attendance_rule=rule, voting_rule=rule, **values)


def eligible(meeting: Meeting) -> int:
    """What the door's poll shows as eligible: the meeting read afresh, as each poll reads it."""
    return quorum(Meeting.objects.select_related("branch", "attendance_rule", "voting_rule").get(pk=meeting.pk))[
        "eligible"
    ]


def warmed(meeting: Meeting, expected: int) -> None:
    """The count is `expected`, and the next poll takes it from the cache (its one statement is the check-ins')."""
    assert eligible(meeting) == expected
    fresh = Meeting.objects.select_related("branch", "attendance_rule", "voting_rule").get(pk=meeting.pk)
    with CaptureQueriesContext(connection) as ctx:
        assert quorum(fresh)["eligible"] == expected
    assert len(ctx.captured_queries) == 1, [q["sql"] for q in ctx.captured_queries]


@pytest.fixture
def party(branch):
    return [person_with_membership(branch, "party-member", first_name=f"P{i}", last_name="Member") for i in range(3)]


# --- each writer ---------------------------------------------------------------


def test_a_person_added_is_counted_at_once(branch, organiser, party):
    meeting = meeting_for(branch)
    warmed(meeting, 3)
    people.create_person(
        branch=branch,
        actor=organiser,
        data={"first_name": "New", "last_name": "Member"},
        memberships=[{"category": "party-member", "started_on": "2016-01-01"}],
    )
    assert eligible(meeting) == 4


def change_membership(person, organiser, **fields) -> None:
    """The person's one membership changed through the people service, as the person page does."""
    membership = person.memberships.get()
    row = {"id": membership.pk, "category": "party-member", "started_on": "2015-01-01", **fields}
    people.update_person(person=person, actor=organiser, data={}, memberships=[row])


@pytest.mark.parametrize("change", [{"status": "lapsed"}, {"category": "supporter"}], ids=["lapsed", "category"])
def test_a_membership_lapsed_or_moved_to_another_category_is_no_longer_counted(branch, organiser, party, change):
    meeting = meeting_for(branch)
    warmed(meeting, 3)
    change_membership(party[0], organiser, **change)
    assert eligible(meeting) == 2


def test_many_people_changed_at_once_are_counted_at_once(branch, organiser, party):
    meeting = meeting_for(branch)
    warmed(meeting, 3)
    changed = people.bulk_update_people(
        branch=branch, actor=organiser, person_ids=[p.pk for p in party[:2]], action="set_status", value="lapsed"
    )
    assert changed == 2 and eligible(meeting) == 1


def test_a_person_deleted_or_erased_is_no_longer_counted(branch, organiser, party):
    meeting = meeting_for(branch)
    warmed(meeting, 3)
    people.delete_person(person=party[0], actor=organiser)
    assert eligible(meeting) == 2
    warmed(meeting, 2)
    erasure.erase_person(person=party[1], actor=organiser, reason="Asked to be forgotten")
    assert eligible(meeting) == 1


def test_a_rule_edited_counts_by_its_new_definition(branch, organiser, party):
    person_with_membership(branch, "supporter", first_name="Sam", last_name="Supporter")
    meeting = meeting_for(branch)
    warmed(meeting, 3)
    either = {"membership": {"categories": ["party-member", "supporter"]}}
    rules.update_rule(rule=meeting.voting_rule, actor=organiser, definition=either)
    assert eligible(meeting) == 4


def test_a_category_removed_under_no_rule_still_changes_the_version(branch, organiser):
    before = Branch.objects.get(pk=branch.pk).people_version
    made = categories.create_category(branch=branch, actor=organiser, name="Youth wing")
    categories.delete_category(category=made, actor=organiser)
    assert Branch.objects.get(pk=branch.pk).people_version == before + 2


def test_an_attribute_declared_or_withdrawn_is_counted_at_once(branch, organiser, party):
    question = attributes.define_attribute(
        branch=branch,
        key="gender",
        name="Gender",
        purpose="Our women's places on the slate.",
        options=[{"value": "woman", "label": "Woman"}, {"value": "man", "label": "Man"}],
        actor=organiser,
    )
    meeting = meeting_for(branch, {"attribute": {"key": "gender", "any": ["woman"]}})
    warmed(meeting, 0)
    attributes.record_with_consent(person=party[0], definition=question, value="woman", consent=True, actor=organiser)
    assert eligible(meeting) == 1
    warmed(meeting, 1)
    attributes.withdraw(person=party[0], definition=question, actor=organiser)
    assert eligible(meeting) == 0


def test_an_import_is_counted_at_once(branch, organiser, party, tmp_path):
    meeting = meeting_for(branch)
    warmed(meeting, 3)
    source = tmp_path / "members.csv"
    source.write_text(
        "First name,Last name,Email,Category,Start date\n"
        "Ann,Lee,ann@example.org,Party member,2015-01-01\n"
        "Bo,Lee,bo@example.org,Party member,2015-01-01\n",
        encoding="utf-8",
    )
    report = imports.import_members(branch=branch, source=source, actor=organiser)
    assert report.applied and report.created == 2, report.as_dict()
    assert eligible(meeting) == 5


def test_an_office_holder_appointed_or_ended_is_counted_at_once(branch, organiser, party):
    chair = positions.create_position(branch=branch, slug="chair", name="Chair", actor=organiser)
    meeting = meeting_for(branch, {"office": {"positions": ["chair"]}})
    warmed(meeting, 0)
    holder = positions.appoint(position=chair, person=party[0], started_on=date(2026, 1, 1), actor=organiser)
    assert eligible(meeting) == 1
    warmed(meeting, 1)
    positions.end_term(holder=holder, ended_on=date(2026, 3, 1), actor=organiser)
    assert eligible(meeting) == 0


def test_a_person_added_at_the_door_is_counted_by_the_poll_after(client_for, branch, organiser, party):
    meeting = meeting_for(branch, eligibility_date=None, starts_at=timezone.now() + timedelta(hours=1))
    meeting = Meeting.objects.get(pk=meeting.pk)
    everyone = Rule.objects.get(branch=branch, name="Everyone")
    Meeting.objects.filter(pk=meeting.pk).update(voting_rule=everyone, attendance_rule=everyone)
    warmed(meeting, 3)
    attendance.create_person_at_door(meeting=meeting, first_name="Walk", last_name="In", actor=organiser)
    assert eligible(meeting) == 4
    # And over HTTP: the poll shows the new figure (half of 4 needed: 2).
    html = client_for(organiser).get(reverse("door_quorum", args=[branch.slug, meeting.pk])).content.decode()
    assert "1 of 2 needed" in html


# --- what is cached, and what is not ------------------------------------------


def test_the_warm_poll_reads_neither_the_people_nor_the_categories(
    client_for, steward, branch, party, django_assert_num_queries
):
    meeting = meeting_for(branch)
    client = client_for(steward)
    poll = reverse("door_quorum", args=[branch.slug, meeting.pk])
    # Cold: session (from Redis, when there is one), user, branches with roles, the meeting, the check-ins
    # with the people version, the rule's categories and the COUNT over the branch's people.
    session = 0 if "redis" in settings.CACHES["default"]["BACKEND"].lower() else 1
    with django_assert_num_queries(6 + session) as cold:
        assert "0 of 2 needed" in client.get(poll).content.decode()
    assert any("COUNT(" in q["sql"] and "groups_membership" in q["sql"] for q in cold.captured_queries)
    # Warm: the count comes from the cache (in memory, or Redis: no statement either way).
    with django_assert_num_queries(4 + session) as warm:
        assert "0 of 2 needed" in client.get(poll).content.decode()
    assert not any("groups_membership" in q["sql"] for q in warm.captured_queries)


def test_an_attendance_rule_is_never_cached(branch, organiser, party):
    earlier = MeetingFactory(branch=branch, starts_at=timezone.make_aware(timezone.datetime(2026, 3, 1, 19)))
    meeting = meeting_for(branch, {"attended": {"min": 1, "of_last": 1}})
    assert eligible(meeting) == 0
    # A check-in raises no version; the next count sees it all the same.
    attendance.check_in(meeting=earlier, person=party[0], actor=organiser)
    assert eligible(meeting) == 1
    attendance.check_in(meeting=earlier, person=party[1], actor=organiser)
    assert eligible(meeting) == 2


def test_the_rule_hash_keeps_two_meetings_apart(branch, party):
    person_with_membership(branch, "supporter", first_name="Sam", last_name="Supporter")
    members = meeting_for(branch)
    supporters = meeting_for(branch, {"membership": {"categories": ["supporter"]}})
    warmed(members, 3)
    warmed(supporters, 1)
    assert eligible(members) == 3  # the same branch, version and date: only the rule tells them apart


def test_the_as_of_date_keeps_two_meetings_apart(branch, party):
    late = person_with_membership(
        branch, "party-member", first_name="Late", last_name="Joiner", membership={"started_on": date(2026, 7, 1)}
    )
    assert late.pk
    june, august = meeting_for(branch), meeting_for(branch, eligibility_date=date(2026, 8, 1))
    warmed(june, 3)
    warmed(august, 4)


def test_inside_a_transaction_the_count_is_never_the_cached_one(branch, party):
    meeting = meeting_for(branch)
    warmed(meeting, 3)
    party_member = Category.objects.get(branch=branch, slug="party-member")
    with transaction.atomic():
        # A write that has not bumped (yet): the transaction's own read must still see it.
        extra = Person.objects.create(branch=branch, first_name="Not", last_name="Yet")
        Membership.objects.create(person=extra, branch=branch, category=party_member, started_on=date(2015, 1, 1))
        assert eligible(meeting) == 4
        people_version.bump(branch.pk)
    assert eligible(meeting) == 4


def test_a_stale_branch_saved_never_takes_the_version_back(branch, organiser, party):
    stale = Branch.objects.get(pk=branch.pk)
    people_version.bump(branch.pk)
    stale.name = "Renamed"
    stale.save()  # as the admin or a form holding the old row would
    fresh = Branch.objects.get(pk=branch.pk)
    assert fresh.name == "Renamed" and fresh.people_version == stale.people_version + 1


def test_the_quorum_statement_agrees_with_the_orm(branch, organiser, party):
    meeting = meeting_for(branch)
    attendance.check_in(meeting=meeting, person=party[0], actor=organiser)
    attendance.check_in(meeting=meeting, guest_name="Jo Guest", actor=organiser)
    present, guests, voters, version = statements.quorum_figures(meeting.pk, branch.pk)
    assert (present, guests, voters) == (2, 1, 1)
    assert version == Branch.objects.get(pk=branch.pk).people_version > 0
