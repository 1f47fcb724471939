"""A meeting in session for the motions' tests: party members and a
registered supporter checked in, the voting rule "Party members only"."""

from groups.services.motions import move_motion, second_motion, submit_motion
from groups.services.votes import cast_ballot, close_vote, create_vote, open_vote

from ..votes.helpers import hall

__all__ = ["hall", "seconded", "decide"]


def seconded(meeting, organiser, voters, text="That this branch meets monthly in the library.", **kw):
    motion = submit_motion(meeting=meeting, actor=organiser, text=text, **kw)
    move_motion(motion=motion, actor=organiser, mover=voters[0])
    return second_motion(motion=motion, actor=organiser, seconder=voters[1])


def decide(meeting, organiser, motion, voters, *, yes: int, no: int = 0):
    """Put the motion to a named vote: `yes` of the voters for, `no` against; close it."""
    vote = open_vote(vote=create_vote(meeting=meeting, actor=organiser, method="named", motion=motion), actor=organiser)
    for p in voters[:yes]:
        cast_ballot(vote=vote, person=p, choice="for", actor=None)
    for p in voters[yes : yes + no]:
        cast_ballot(vote=vote, person=p, choice="against", actor=None)
    return close_vote(vote=vote, actor=organiser)
