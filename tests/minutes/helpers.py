"""A meeting held and closed, for the minutes' tests: an agenda, a motion
moved and seconded, an amendment carried by a named vote, the motion as
amended carried by secret ballot, a point of order and the chair's ruling, one
apology and a guest. `held` returns what a test checks the minutes against."""

from dataclasses import dataclass
from datetime import timedelta

from groups.models import Attendance, Invitation, Reply
from groups.services.agenda import add_agenda_item, set_current_item
from groups.services.motions import move_motion, second_motion, submit_amendment, submit_motion
from groups.services.points_of_order import raise_point, rule_on_point
from groups.services.records import close_meeting
from groups.services.votes import cast_ballot, close_vote, create_vote, open_vote

from ..factories import MeetingFactory, person_with_membership
from ..votes.helpers import hall

TEXT = "That this branch meets monthly in the library."
AMENDED = "That this branch meets monthly in the central library."


@dataclass
class Held:
    meeting: object
    voters: list
    supporter: object
    sorry: object
    motion: object
    amendment: object


def held(branch, organiser, **meeting) -> Held:
    meeting, voters, others = hall(branch, organiser, members=5, supporters=1, quorum=3, **meeting)
    sorry = person_with_membership(branch, first_name="Sunita", last_name="Apologetic")
    Invitation.objects.create(meeting=meeting, person=sorry, reply=Reply.NO)
    Attendance.objects.create(meeting=meeting, guest_name="A visitor", checked_in_at=meeting.starts_at)
    add_agenda_item(meeting=meeting, actor=organiser, title="Apologies")
    item = add_agenda_item(meeting=meeting, actor=organiser, title="Motions", kind="motions")
    set_current_item(meeting=meeting, actor=organiser, item=item)
    motion = submit_motion(meeting=meeting, actor=organiser, text=TEXT, agenda_item=item)
    move_motion(motion=motion, actor=organiser, mover=voters[0])
    second_motion(motion=motion, actor=organiser, seconder=voters[1])
    amendment = submit_amendment(
        motion=motion, actor=organiser, action="replace", words="the library", with_words="the central library"
    )
    move_motion(motion=amendment, actor=organiser, mover=voters[2])
    second_motion(motion=amendment, actor=organiser, seconder=voters[3])
    vote = open_vote(
        vote=create_vote(meeting=meeting, actor=organiser, method="named", motion=amendment), actor=organiser
    )
    for p in voters[:4]:
        cast_ballot(vote=vote, person=p, choice="for", actor=None)
    cast_ballot(vote=vote, person=voters[4], choice="against", actor=None)
    close_vote(vote=vote, actor=organiser)
    point = raise_point(
        meeting=meeting,
        actor=organiser,
        raised_by=others[0],
        point="The amendment was not circulated in advance.",
        standing_order="7.2",
    )
    rule_on_point(
        point=point,
        actor=organiser,
        ruling="The amendment is in order",
        reason="Standing order 7.2 allows amendments from the floor.",
    )
    motion.refresh_from_db()
    vote = open_vote(
        vote=create_vote(meeting=meeting, actor=organiser, method="secret", motion=motion), actor=organiser
    )
    for p, choice in zip(voters, ("for", "for", "for", "against", "abstain"), strict=True):
        cast_ballot(vote=vote, person=p, choice=choice, actor=None)
    close_vote(vote=vote, actor=organiser)
    close_meeting(meeting=meeting, actor=organiser, at=meeting.starts_at + timedelta(hours=2))
    meeting.refresh_from_db()
    motion.refresh_from_db()
    return Held(meeting, voters, others[0], sorry, motion, amendment)


def later_meeting(branch, held_meeting, title="April branch meeting"):
    later = MeetingFactory(branch=branch, title=title, starts_at=held_meeting.starts_at + timedelta(days=28))
    return later
