"""Another branch full of real objects, and a snapshot of every table: what the
cross-branch tests (tests/test_url_fuzz.py, tests/permissions/) use to show
that another branch's ids answer 404 and that nothing at all was written."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps

from groups.models import Attendance, Invitation, Meeting, Person, RoleName, Rule
from groups.services import roles as role_services
from groups.services.branches import create_branch
from groups.services.rules import create_rule

from .factories import AttendanceFactory, MeetingFactory, RoleFactory, UserFactory, person_with_membership


@dataclass
class FarBranch:
    branch: object
    organiser: object
    person: Person
    rule: Rule
    meeting: Meeting
    attendance: Attendance
    invitation: Invitation


def make_far_branch() -> FarBranch:
    """A branch made the way organisers make one (create_branch: categories and
    preset rules) with a steward, a pending role invitation, a rule of its own, a
    person with a membership, a meeting, a check-in and an invitation."""
    organiser = UserFactory(email="far-organiser@example.org")
    branch = create_branch(name="Far Away Branch", slug="far-away", actor=organiser)
    RoleFactory(branch=branch, role=RoleName.STEWARD)
    role_services.invite_to_role(branch=branch, email="far-steward@example.org", role="steward", actor=organiser)
    rule = create_rule(branch=branch, name="Far rule", definition={"everyone": True}, actor=organiser)
    person = person_with_membership(branch, "party-member", first_name="Farah", last_name="Away")
    meeting = MeetingFactory(branch=branch, title="Far meeting", attendance_rule=rule)
    attendance = AttendanceFactory(meeting=meeting, person=person)
    invitation = Invitation.objects.create(meeting=meeting, person=person)
    return FarBranch(branch, organiser, person, rule, meeting, attendance, invitation)


def snapshot() -> dict[str, list[dict]]:
    """Every row of every Rollcall table: what a refused request must leave as it was
    (but the API's rate-limit counts and its tokens' "last used", which every
    request moves, refused or not)."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for model in apps.get_app_config("groups").get_models()
        if model._meta.label not in ("groups.RateCount", "groups.ApiToken")
    }
