"""Amendments as insert / delete / replace words, their word diff, one at a
time against the motion as it now reads, and a carried amendment making the
substantive motion with its history kept."""

import pytest

from groups.amendments import AmendmentError, apply, word_diff
from groups.errors import Conflict, InvalidInput
from groups.models import AuditAction, AuditEvent, MotionState
from groups.services.motions import move_motion, second_motion, submit_amendment

from .helpers import decide, hall, seconded

TEXT = "That this branch meets monthly in the library."


def test_insert_delete_and_replace_words():
    assert apply(TEXT, "replace", "monthly", "every week") == "That this branch meets every week in the library."
    assert apply(TEXT, "delete", "in the library") == "That this branch meets monthly."
    assert apply(TEXT, "insert", "meets", "on Tuesdays") == "That this branch meets on Tuesdays monthly in the library."
    assert apply(TEXT, "insert", "", "It keeps minutes.") == TEXT + " It keeps minutes."


def test_words_must_name_one_place_in_the_motion():
    with pytest.raises(AmendmentError, match="not in the motion"):
        apply(TEXT, "delete", "weekly")
    with pytest.raises(AmendmentError, match="appear 2 times"):
        apply("That the branch thanks the secretary.", "delete", "the")
    with pytest.raises(AmendmentError, match="whole motion"):
        apply("Yes.", "delete", "Yes.")


def test_the_word_diff_shows_struck_and_inserted_words():
    after = apply(TEXT, "replace", "monthly in the library", "weekly online")
    assert word_diff(TEXT, after) == [
        ("same", "That this branch meets"),
        ("del", "monthly in the library."),
        ("ins", "weekly online."),
    ]


@pytest.mark.django_db
def test_a_carried_amendment_makes_the_substantive_motion_and_keeps_its_history(branch, organiser):
    meeting, voters, _ = hall(branch, organiser, members=4)
    motion = seconded(meeting, organiser, voters)
    amendment = submit_amendment(motion=motion, actor=organiser, action="replace", words="monthly", with_words="weekly")
    assert amendment.text == "That this branch meets weekly in the library."
    assert amendment.summary == "Amendment: delete “monthly” and insert “weekly”"
    move_motion(motion=amendment, actor=organiser, mover=voters[2])
    second_motion(motion=amendment, actor=organiser, seconder=voters[3])
    vote = decide(meeting, organiser, amendment, voters, yes=3, no=1)
    assert vote.result == "carried" and vote.question == amendment.summary
    motion.refresh_from_db()
    amendment.refresh_from_db()
    assert amendment.state == MotionState.CARRIED
    assert motion.state == MotionState.SECONDED  # the substantive motion is still to be decided
    assert motion.text == "That this branch meets weekly in the library."
    (revision,) = motion.revisions.all()
    assert (revision.text_before, revision.text_after, revision.amendment) == (TEXT, motion.text, amendment)
    assert AuditEvent.objects.filter(action=AuditAction.MOTION_AMENDED, object_id=str(motion.pk)).exists()
    # and then the substantive motion, as amended, is put
    final = decide(meeting, organiser, motion, voters, yes=4)
    assert final.question == "That this branch meets weekly in the library." and final.result == "carried"


@pytest.mark.django_db
def test_a_lost_amendment_leaves_the_motion_as_it_was(branch, organiser):
    meeting, voters, _ = hall(branch, organiser, members=4)
    motion = seconded(meeting, organiser, voters)
    amendment = submit_amendment(motion=motion, actor=organiser, action="delete", words="in the library")
    move_motion(motion=amendment, actor=organiser, mover=voters[2])
    second_motion(motion=amendment, actor=organiser, seconder=voters[3])
    decide(meeting, organiser, amendment, voters, yes=1, no=3)
    motion.refresh_from_db()
    assert motion.text == TEXT and not motion.revisions.exists()


@pytest.mark.django_db
def test_amendments_are_taken_one_at_a_time_against_the_motion_as_it_now_reads(branch, organiser):
    meeting, voters, _ = hall(branch, organiser, members=4)
    motion = seconded(meeting, organiser, voters)
    first = submit_amendment(motion=motion, actor=organiser, action="replace", words="monthly", with_words="weekly")
    later = submit_amendment(
        motion=motion, actor=organiser, action="insert", words="library.", with_words="Guests are welcome."
    )
    stale = submit_amendment(motion=motion, actor=organiser, action="delete", words="monthly")
    move_motion(motion=first, actor=organiser, mover=voters[2])
    with pytest.raises(Conflict, match="one at a time"):
        move_motion(motion=later, actor=organiser, mover=voters[3])
    from groups.services.votes import create_vote

    with pytest.raises(Conflict, match="Deal with the amendment"):
        create_vote(meeting=meeting, actor=organiser, method="named", motion=motion)
    second_motion(motion=first, actor=organiser, seconder=voters[3])
    decide(meeting, organiser, first, voters, yes=4)
    # the next amendment is applied to the amended words
    move_motion(motion=later, actor=organiser, mover=voters[3])
    later.refresh_from_db()
    assert later.text == "That this branch meets weekly in the library. Guests are welcome."
    assert later.base_text == "That this branch meets weekly in the library."
    # one written against words that are gone is refused, with a reason
    second_motion(motion=later, actor=organiser, seconder=voters[0])
    decide(meeting, organiser, later, voters, yes=0, no=4)
    with pytest.raises(Conflict, match="amended since this was written"):
        move_motion(motion=stale, actor=organiser, mover=voters[2])


@pytest.mark.django_db
def test_an_amendment_that_cannot_apply_or_changes_nothing_is_refused(branch, organiser):
    meeting, voters, _ = hall(branch, organiser, members=2)
    motion = seconded(meeting, organiser, voters)
    with pytest.raises(InvalidInput, match="not in the motion"):
        submit_amendment(motion=motion, actor=organiser, action="delete", words="weekly")
    with pytest.raises(InvalidInput, match="change nothing"):
        submit_amendment(motion=motion, actor=organiser, action="replace", words="monthly", with_words="monthly")
