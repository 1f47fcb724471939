"""The demo branch from DESIGN.md's story. Each part of the product adds its
own seeding step (a module of this package) to `build_demo`; everything here
is fictional."""

from __future__ import annotations

import random

from django.db import connection, transaction

from ..models import Attendance, AuditEvent, Branch, Meeting, MeetingRecord, Person, Role, RoleName
from ..services.branches import create_branch
from .agm import seed_agm
from .attendance import seed_attendance
from .invitations import seed_invitations
from .meetings import seed_meetings
from .people import seed_people
from .records import close_past_meetings
from .tonight import seed_tonight
from .users import DEMO_PASSWORD, DEMO_USERS, demo_user

DEMO_SLUG = "demo"


@transaction.atomic
def _remove_demo_branch() -> None:
    branch = Branch.objects.filter(slug=DEMO_SLUG).first()
    if branch is None:
        return
    # The audit log is append-only everywhere else; only the demo (DEBUG-only)
    # may wipe its own branch, and it does so explicitly here.
    AuditEvent.objects.filter(branch=branch)._raw_delete(connection.alias)
    # Records protect each other (a check-in keeps its person, a meeting its
    # rule, a membership its category; a vote its motion, an amendment the
    # motion it amends, a ballot's mark and a speech their person), so take
    # them down in that order.
    from ..models import Election, Motion, MotionRevision, PointOfOrder, Position, SpeakerRequest, Vote

    Election.objects.filter(branch=branch).delete()  # its nominations and marks keep their people
    Position.objects.filter(branch=branch).delete()

    Vote.objects.filter(meeting__branch=branch).delete()
    PointOfOrder.objects.filter(meeting__branch=branch).delete()
    MotionRevision.objects.filter(motion__meeting__branch=branch).delete()
    motions = Motion.objects.filter(meeting__branch=branch)
    motions.exclude(amends=None, concerns=None).delete()
    motions.delete()
    SpeakerRequest.objects.filter(meeting__branch=branch).delete()
    Attendance.objects.filter(meeting__branch=branch).delete()
    MeetingRecord.objects.filter(meeting__branch=branch).delete()
    Meeting.objects.filter(branch=branch).delete()
    Person.objects.filter(branch=branch).delete()
    branch.delete()


def build_demo(*, people: int = 300, seed: int = 2016) -> Branch:
    """The demo branch, all or nothing. It is built through the services it
    shows (create_branch, create_meeting), and those run in a transaction of
    their own, never inside another: so each step commits in turn, and a build
    that fails part-way is taken down again — there is never half a demo."""
    _remove_demo_branch()
    try:
        return _build(people=people, seed=seed)
    except BaseException:
        _remove_demo_branch()
        raise


def _build(*, people: int, seed: int) -> Branch:
    with transaction.atomic():
        users = {role: demo_user(email) for email, role in DEMO_USERS}
    branch = create_branch(
        name="Green Lanes Branch",
        slug=DEMO_SLUG,
        description="A fictional ward branch: party members, registered and affiliated supporters, and "
        "supporters who belong to no party.",
        actor=users[RoleName.ORGANISER],
    )
    with transaction.atomic():
        for role, user in users.items():
            Role.objects.update_or_create(user=user, branch=branch, defaults={"role": role})
    rng = random.Random(seed)
    for step in DEMO_STEPS:
        step(branch=branch, users=users, rng=rng, people=people)
    return branch


# Seeding steps: each takes (branch, users, rng, people) and adds its part,
# in one transaction (the steps that write rows directly), or through services
# that each run their own (seed_meetings, seed_agm, seed_tonight).
DEMO_STEPS: list = [
    seed_people,
    seed_meetings,
    seed_invitations,
    seed_attendance,
    seed_agm,  # before close_past_meetings, which closes the AGM like the other past meetings
    close_past_meetings,
    seed_tonight,
]
__all__ = ["DEMO_PASSWORD", "DEMO_SLUG", "DEMO_STEPS", "DEMO_USERS", "build_demo"]
