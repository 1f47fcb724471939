"""Agenda items and motions: submitted → moved → seconded → put to the vote →
carried / lost; falling for want of a seconder; withdrawal; amendments to
amendments only where the standing orders allow; movers and seconders
entitled at that moment."""

import pytest

from groups.errors import Conflict, InvalidInput, NotAllowed
from groups.models import AuditAction, AuditEvent, MotionState
from groups.services.agenda import add_agenda_item
from groups.services.motions import (
    fall_motion,
    move_motion,
    second_motion,
    submit_amendment,
    submit_motion,
    withdraw_motion,
)
from groups.services.standing_orders import set_standing_orders
from groups.services.votes import cast_ballot, close_vote, create_vote, open_vote

from .helpers import hall

pytestmark = pytest.mark.django_db


def test_the_agenda_numbers_its_items_in_order(branch, organiser):
    meeting, _, _ = hall(branch, organiser, members=0, supporters=0)
    first = add_agenda_item(meeting=meeting, actor=organiser, title="Apologies", minutes_allowed=5)
    second = add_agenda_item(meeting=meeting, actor=organiser, title="Motions", kind="motions")
    assert (first.order, second.order) == (1, 2)
    with pytest.raises(InvalidInput):
        add_agenda_item(meeting=meeting, actor=organiser, title="", minutes_allowed=0)


def test_a_motion_from_submission_to_carried(branch, organiser):
    meeting, voters, _ = hall(branch, organiser, members=3)
    motion = submit_motion(meeting=meeting, actor=organiser, text="That this branch meets monthly.")
    move_motion(motion=motion, actor=organiser, mover=voters[0])
    with pytest.raises(NotAllowed, match="cannot second their own"):
        second_motion(motion=motion, actor=organiser, seconder=voters[0])
    second_motion(motion=motion, actor=organiser, seconder=voters[1])
    vote = create_vote(meeting=meeting, actor=organiser, method="named", motion=motion)
    motion.refresh_from_db()
    assert motion.state == MotionState.PUT and vote.question == "That this branch meets monthly."
    vote = open_vote(vote=vote, actor=organiser)
    for p in voters[:2]:
        cast_ballot(vote=vote, person=p, choice="for", actor=None)
    close_vote(vote=vote, actor=organiser)
    motion.refresh_from_db()
    assert motion.state == MotionState.CARRIED
    assert AuditEvent.objects.filter(action=AuditAction.MOTION_SECOND, object_id=str(motion.pk)).exists()


def test_only_a_seconded_motion_is_put_and_a_motion_falls_without_a_seconder(branch, organiser):
    meeting, voters, _ = hall(branch, organiser, members=2)
    motion = submit_motion(meeting=meeting, actor=organiser, text="That we buy a banner.")
    with pytest.raises(Conflict, match="Only a seconded motion"):
        create_vote(meeting=meeting, actor=organiser, method="named", motion=motion)
    move_motion(motion=motion, actor=organiser, mover=voters[0])
    fall_motion(motion=motion, actor=organiser)
    motion.refresh_from_db()
    assert motion.state == MotionState.FALLEN
    with pytest.raises(Conflict, match="fell for want of a seconder"):
        second_motion(motion=motion, actor=organiser, seconder=voters[1])


def test_a_mover_must_be_entitled_at_that_moment(branch, organiser):
    meeting, _, others = hall(branch, organiser, members=1, supporters=1)
    motion = submit_motion(meeting=meeting, actor=organiser, text="That we welcome supporters.")
    with pytest.raises(NotAllowed) as exc:
        move_motion(motion=motion, actor=organiser, mover=others[0])
    assert exc.value.code == "not_entitled" and exc.value.details["decision"]["eligible"] is False
    withdraw_motion(motion=motion, actor=organiser)
    motion.refresh_from_db()
    assert motion.state == MotionState.WITHDRAWN


def test_an_amendment_to_an_amendment_needs_the_standing_orders(branch, organiser):
    meeting, _, _ = hall(branch, organiser, members=1, supporters=0)
    motion = submit_motion(meeting=meeting, actor=organiser, text="That we meet monthly.")
    amendment = submit_amendment(motion=motion, actor=organiser, action="replace", words="monthly", with_words="weekly")
    assert amendment.kind == "amendment"
    with pytest.raises(NotAllowed, match="amendment to an amendment"):
        submit_amendment(motion=amendment, actor=organiser, action="replace", words="weekly", with_words="fortnightly")
    set_standing_orders(branch=branch, actor=organiser, amendment_to_amendment=True)
    deeper = submit_amendment(
        motion=amendment, actor=organiser, action="replace", words="weekly", with_words="fortnightly"
    )
    assert deeper.amends == amendment


def test_the_api_puts_a_motion_to_the_vote(api, branch, organiser):
    meeting, voters, _ = hall(branch, organiser, members=2)
    motion = submit_motion(meeting=meeting, actor=organiser, text="That we affiliate.")
    move_motion(motion=motion, actor=organiser, mover=voters[0])
    second_motion(motion=motion, actor=organiser, seconder=voters[1])
    url = f"/api/v1/branches/{branch.slug}/meetings/{meeting.pk}/votes/"
    made = api(organiser).post(url, {"method": "secret", "motion": motion.pk}, format="json")
    assert made.status_code == 201 and made.json()["motion"] == motion.pk
    assert made.json()["question"] == "That we affiliate."
    other, _, _ = hall(branch, organiser, members=0, supporters=0)
    elsewhere = api(organiser).post(
        f"/api/v1/branches/{branch.slug}/meetings/{other.pk}/votes/",
        {"method": "secret", "motion": motion.pk},
        format="json",
    )
    assert elsewhere.status_code == 400 and "no such motion" in elsewhere.content.decode()
