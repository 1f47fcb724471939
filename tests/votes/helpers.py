"""A meeting with a hall of checked-in members, for the votes' tests."""

from groups.models import Rule
from groups.services import attendance
from groups.services.votes import create_vote, open_vote

from ..factories import MeetingFactory, person_with_membership


def hall(branch, organiser, *, members=4, supporters=1, quorum=3, **meeting):
    """(meeting, checked-in party members, checked-in registered supporters):
    the voting rule is "Party members only", so the supporters may not vote."""
    party = Rule.objects.get(branch=branch, name="Party members only")
    meeting = MeetingFactory(branch=branch, quorum=quorum, **{"attendance_rule": None, "voting_rule": party, **meeting})
    voters = [person_with_membership(branch) for _ in range(members)]
    others = [person_with_membership(branch, "registered-supporter") for _ in range(supporters)]
    for p in voters + others:
        attendance.check_in(meeting=meeting, person=p, actor=organiser)
    return meeting, voters, others


def open_one(meeting, organiser, method="secret", **kw):
    vote = create_vote(
        meeting=meeting, actor=organiser, question="That this branch supports the motion", method=method, **kw
    )
    return open_vote(vote=vote, actor=organiser)
