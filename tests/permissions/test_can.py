"""groups.permissions asked directly: what each person may do in a branch.

The expected answers are written out here by hand (from DESIGN.md's roles:
organisers manage everything; stewards check people in and read the door list;
members see only their own record and meetings), never read back from
CAPABILITIES, so a change to the capability table shows up here as a failure to
look at, not as a new truth.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from groups.models import MeetingStatus, Person, RoleName
from groups.permissions import (
    CAPABILITIES,
    access_branch,
    access_meeting,
    branches_for,
    cached_branches,
    called_meetings_for,
    can,
    capabilities,
    get_in_branch,
    role_in,
    scoped,
)

from ..factories import BranchFactory, MeetingFactory, PersonFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db

#                   anonymous outsider member steward organiser
_TABLE = """
view_branch         no        no       yes    yes     yes
view_own            no        no       yes    yes     yes
door                no        no       no     yes     yes
view_people         no        no       no     yes     yes
view_meetings       no        no       no     yes     yes
view_person_full    no        no       no     no      yes
manage_people       no        no       no     no      yes
export_people       no        no       no     no      yes
view_person_data    no        no       no     no      yes
erase_people        no        no       no     no      yes
manage_privacy      no        no       no     no      yes
import_people       no        no       no     no      yes
manage_categories   no        no       no     no      yes
manage_rules        no        no       no     no      yes
manage_meetings     no        no       no     no      yes
manage_roles        no        no       no     no      yes
view_audit          no        no       no     no      yes
view_reports        no        no       no     no      yes
override            no        no       no     no      yes
count_ballots       no        no       no     no      yes
chair               no        no       no     no      yes
manage_standing_orders no     no       no     no      yes
manage_minutes      no        no       no     no      yes
vote                no        no       yes    yes     yes
speak               no        no       yes    yes     yes
view_positions      no        no       no     yes     yes
manage_positions    no        no       no     no      yes
manage_attributes   no        no       no     no      yes
view_attributes     no        no       no     no      yes
manage_elections    no        no       no     no      yes
nominate            no        no       yes    yes     yes
tell_ballots        no        no       no     yes     yes
view_delegates      no        no       no     no      yes
"""
ACTORS = ("anonymous", "outsider", "member", "steward", "organiser")
EXPECTED = {
    (need, actor): answer == "yes"
    for need, *answers in (line.split() for line in _TABLE.strip().splitlines())
    for actor, answer in zip(ACTORS, answers, strict=True)
}
# With the branch's "stewards may override" setting on, only this answer changes.
OVERRIDE_ON = {**EXPECTED, ("override", "steward"): True}


@pytest.fixture
def people(branch, outsider, member, steward, organiser):
    return {
        "anonymous": AnonymousUser(),
        "outsider": outsider,
        "member": member,
        "steward": steward,
        "organiser": organiser,
    }


def test_the_table_names_every_capability_once():
    # A new capability must be added to the table above, with its answers.
    assert sorted({need for need, _ in EXPECTED}) == sorted(CAPABILITIES)


@pytest.mark.parametrize("override", [False, True], ids=["stewards-may-not-override", "stewards-may-override"])
@pytest.mark.parametrize("actor", ACTORS)
def test_can_answers_as_the_table_says(branch, people, actor, override):
    branch.stewards_may_override = override
    branch.save(update_fields=["stewards_may_override"])
    table = OVERRIDE_ON if override else EXPECTED
    user = people[actor]
    answers = {need: can(user, branch, need) for need, who in table if who == actor}
    assert answers == {need: allowed for (need, who), allowed in table.items() if who == actor}
    assert capabilities(user, branch) == {need for (need, who), allowed in table.items() if who == actor and allowed}


def test_a_signed_in_user_with_no_role_anywhere_may_do_nothing(branch):
    nobody = UserFactory(email="nobody@example.org")
    branch.stewards_may_override = True
    branch.save(update_fields=["stewards_may_override"])
    assert role_in(nobody, branch) is None
    assert not any(can(nobody, branch, need) for need, _ in EXPECTED)
    assert capabilities(nobody, branch) == set()
    assert list(branches_for(nobody)) == []
    with pytest.raises(Http404):
        access_branch(nobody, branch.slug)


def test_an_unknown_capability_is_a_programming_error_not_a_yes(branch, organiser):
    with pytest.raises(KeyError):
        can(organiser, branch, "launch_rockets")


def test_role_in_names_the_role_in_that_branch_only(branch, other_branch, steward, outsider):
    assert role_in(steward, branch) == "steward"
    assert role_in(steward, other_branch) is None
    assert role_in(outsider, other_branch) == "organiser"
    assert role_in(outsider, branch) is None
    assert role_in(AnonymousUser(), branch) is None


def test_role_in_asks_the_database_once_per_branch(branch, steward, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert role_in(steward, branch) == "steward"
        assert role_in(steward, branch) == "steward"
        assert can(steward, branch, "door") and not can(steward, branch, "manage_people")


def test_branches_for_lists_the_branches_where_the_user_may(branch, other_branch, steward):
    third = BranchFactory(name="Another Branch", slug="another")
    RoleFactory(branch=third, user=steward, role=RoleName.MEMBER)
    RoleFactory(branch=other_branch, user=steward, role=RoleName.ORGANISER)
    # Sorted by name: Another, Elsewhere, Green Lanes.
    assert [b.slug for b in branches_for(steward)] == ["another", "elsewhere", "green-lanes"]
    assert [b.slug for b in branches_for(steward, "door")] == ["elsewhere", "green-lanes"]
    assert [b.slug for b in branches_for(steward, "manage_people")] == ["elsewhere"]
    assert list(branches_for(AnonymousUser())) == []


@pytest.mark.parametrize(
    "actor, need, outcome",
    [
        ("anonymous", "view_branch", Http404),
        ("outsider", "view_branch", Http404),
        ("member", "view_branch", None),
        ("member", "door", PermissionDenied),
        ("steward", "door", None),
        ("steward", "manage_people", PermissionDenied),
        ("organiser", "manage_people", None),
        ("organiser", "override", None),
    ],
)
def test_access_branch_is_404_without_a_role_and_403_with_too_low_a_role(branch, people, actor, need, outcome):
    if outcome is None:
        assert access_branch(people[actor], branch.slug, need) == branch
    else:
        with pytest.raises(outcome):
            access_branch(people[actor], branch.slug, need)


def test_access_branch_for_a_branch_that_does_not_exist_is_404(organiser):
    with pytest.raises(Http404):
        access_branch(organiser, "no-such-branch")


def test_access_branch_reads_role_and_branches_in_one_query(branch, other_branch, steward, django_assert_num_queries):
    RoleFactory(branch=other_branch, user=steward, role=RoleName.MEMBER)
    with django_assert_num_queries(1):
        assert access_branch(steward, branch.slug, "door") == branch
        assert access_branch(steward, other_branch.slug) == other_branch
        assert role_in(steward, branch) == "steward" and role_in(steward, other_branch) == "member"
        assert [b.slug for b in cached_branches(steward)] == ["elsewhere", "green-lanes"]
    loaded = access_branch(steward, branch.slug)
    assert (loaded.name, loaded.slug, loaded.pk) == (branch.name, branch.slug, branch.pk)


def test_cached_branches_is_none_until_a_branch_page_loaded_them(steward):
    assert cached_branches(steward) is None


def test_get_in_branch_never_returns_another_branchs_object(branch, other_branch):
    ours = PersonFactory(branch=branch)
    theirs = PersonFactory(branch=other_branch)
    assert get_in_branch(Person.objects.all(), branch, pk=ours.pk) == ours
    assert list(scoped(Person.objects.all(), branch)) == [ours]
    for bad in (theirs.pk, 10**9, "abc", None):
        with pytest.raises(Http404):
            get_in_branch(Person.objects.all(), branch, pk=bad)


def test_get_in_branch_follows_the_branch_through_the_field_it_is_given(branch, other_branch):
    from groups.models import Attendance

    from ..factories import AttendanceFactory, MeetingFactory

    ours = AttendanceFactory(meeting=MeetingFactory(branch=branch))
    theirs = AttendanceFactory(meeting=MeetingFactory(branch=other_branch))
    assert get_in_branch(Attendance.objects.all(), branch, "meeting__branch", pk=ours.pk) == ours
    with pytest.raises(Http404):
        get_in_branch(Attendance.objects.all(), branch, "meeting__branch", pk=theirs.pk)


def test_no_user_at_all_may_do_nothing(branch):
    # None (no request user: a background job, a management command) is not signed in.
    assert role_in(None, branch) is None
    assert can(None, branch, "view_branch") is False
    assert list(branches_for(None)) == []
    assert list(called_meetings_for(None)) == []
    with pytest.raises(Http404):
        access_branch(None, branch.slug)


def test_access_meeting_hides_a_draft_from_a_member_and_another_branchs_meeting_from_everyone(
    branch, other_branch, member, organiser
):
    # Without a queryset of its own, access_meeting reads the meeting itself.
    draft = MeetingFactory(branch=branch, status=MeetingStatus.DRAFT)
    published = MeetingFactory(branch=branch)
    theirs = MeetingFactory(branch=other_branch)
    assert access_meeting(member, branch, published.pk) == published
    assert access_meeting(organiser, branch, draft.pk) == draft
    with pytest.raises(Http404):
        access_meeting(member, branch, draft.pk)
    with pytest.raises(Http404):
        access_meeting(organiser, branch, theirs.pk)
