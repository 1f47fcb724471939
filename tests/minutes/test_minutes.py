"""Minutes drafted from a closed meeting's records: the figures a member would
check are in the draft; the secretary's edits are never overwritten unless
asked; approval at a later meeting locks them; the record is never touched."""

import pytest

from groups.errors import Conflict, InvalidInput
from groups.models import AgendaItem, AuditEvent, MeetingRecord, Minutes, MinutesStatus
from groups.services.agenda import add_agenda_item
from groups.services.minutes import approve_minutes, draft_minutes, edit_minutes

from ..factories import MeetingFactory
from ..votes.helpers import hall
from .helpers import AMENDED, TEXT, held, later_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def h(branch, organiser):
    return held(branch, organiser, title="March branch meeting", location="Library hall")


def test_the_draft_holds_what_a_member_would_check(h, organiser):
    text = draft_minutes(meeting=h.meeting, actor=organiser).text
    v = [p.full_name for p in h.voters]
    assert "# Minutes: March branch meeting" in text and "Library hall" in text
    # attendance: the five members and the supporter by name, the guest counted, the apology named
    assert "**Present (6):**" in text and all(name in text for name in v) and h.supporter.full_name in text
    assert "Also present: 1 guest." in text
    assert "**Apologies (1):** Sunita Apologetic." in text
    # quorum at the start (everyone checked in beforehand) and at each vote
    assert "6 members were entitled to vote; the quorum was 3" in text  # Sunita too, who sent apologies
    assert "At the start (" in text and "5 present and entitled to vote, 3 needed: quorate" in text
    assert text.count("Quorum when the vote opened: 5 present and entitled to vote, 3 needed: quorate") == 2
    # the motion as moved, who moved and seconded it, and as amended
    assert f"> {TEXT}" in text and f"> {AMENDED}" in text
    assert f"Moved by {v[0]}, seconded by {v[1]}." in text
    # the amendment, its mover and seconder, its named vote
    assert "Amendment: delete “the library” and insert “the central library”" in text
    assert f"moved by {v[2]}, seconded by {v[3]}" in text
    assert "**Carried** (named vote): 4 for, 1 against, 0 abstaining; 5 of 5 entitled voted" in text
    # the substantive motion's secret ballot and result
    assert "**Carried** (secret ballot): 3 for, 1 against, 1 abstaining; 5 of 5 entitled voted" in text
    assert "needed: a simple majority of those voting (3 needed)" in text
    assert "**Result: Carried.**" in text
    # the point of order and the chair's ruling, under the item it was raised on
    assert f"Point of order from {h.supporter.full_name} (standing order 7.2)" in text
    assert "The chair ruled: The amendment is in order. Reason: Standing order 7.2 allows amendments" in text
    assert text.index("## 2. Motions") < text.index("Point of order from")
    assert text.index("## 1. Apologies") < text.index("## 2. Motions")


def test_a_lost_motion_and_one_that_fell_say_so(branch, organiser):
    from datetime import timedelta

    from groups.services.motions import fall_motion, move_motion, submit_motion
    from groups.services.records import close_meeting

    from ..motions.helpers import decide, seconded

    meeting, voters, _ = hall(branch, organiser, members=4, supporters=0)
    lost = seconded(meeting, organiser, voters, text="That we buy a minibus.")
    decide(meeting, organiser, lost, voters, yes=1, no=3)
    fell = submit_motion(meeting=meeting, actor=organiser, text="That we meet on Sundays.")
    move_motion(motion=fell, actor=organiser, mover=voters[2])
    fall_motion(motion=fell, actor=organiser)
    close_meeting(meeting=meeting, actor=organiser, at=meeting.starts_at + timedelta(hours=1))
    text = draft_minutes(meeting=meeting, actor=organiser).text
    assert "**Lost** (named vote): 1 for, 3 against" in text and "**Result: Lost.**" in text
    assert f"Moved by {voters[2].full_name}; no seconder." in text
    assert "**Result: Fell for want of a seconder.**" in text
    assert "## Other business" in text  # motions filed under no item still appear


def test_minutes_wait_for_the_meeting_to_close(branch, organiser):
    meeting, _, _ = hall(branch, organiser)
    with pytest.raises(Conflict) as refused:
        draft_minutes(meeting=meeting, actor=organiser)
    assert refused.value.code == "meeting_not_closed"
    assert not Minutes.objects.exists()


def test_edits_are_kept_until_a_new_draft_is_asked_for(h, organiser):
    minutes = draft_minutes(meeting=h.meeting, actor=organiser)
    edited = edit_minutes(minutes=minutes, actor=organiser, text="# Minutes\n\nThe secretary's words.", version=1)
    assert edited.version == 2 and edited.text == "# Minutes\n\nThe secretary's words.\n"
    with pytest.raises(Conflict) as refused:
        draft_minutes(meeting=h.meeting, actor=organiser)
    assert refused.value.code == "minutes_exist"
    assert Minutes.objects.get().text == edited.text
    again = draft_minutes(meeting=h.meeting, actor=organiser, replace=True)
    assert again.version == 3 and "The secretary's words." not in again.text and TEXT in again.text
    actions = list(
        AuditEvent.objects.filter(action__startswith="minutes.").order_by("id").values_list("action", flat=True)
    )
    assert actions == ["minutes.draft", "minutes.edit", "minutes.regenerate"]


def test_an_edit_from_an_older_copy_is_refused(h, organiser):
    minutes = draft_minutes(meeting=h.meeting, actor=organiser)
    edit_minutes(minutes=minutes, actor=organiser, text="First secretary.", version=1)
    with pytest.raises(Conflict) as refused:
        edit_minutes(minutes=minutes, actor=organiser, text="Second secretary.", version=1)
    assert refused.value.code == "minutes_stale"
    assert Minutes.objects.get().text == "First secretary.\n"
    with pytest.raises(InvalidInput):
        edit_minutes(minutes=minutes, actor=organiser, text="   ", version=2)


def test_approved_at_the_next_meeting_they_are_locked(h, branch, organiser):
    minutes = draft_minutes(meeting=h.meeting, actor=organiser)
    later = later_meeting(branch, h.meeting)
    item = add_agenda_item(meeting=later, actor=organiser, title="Minutes of the last meeting")
    approved = approve_minutes(minutes=minutes, actor=organiser, item=item)
    assert approved.status == MinutesStatus.APPROVED and approved.approved_at_meeting == later
    assert approved.approved_item == item
    for attempt in (
        lambda: edit_minutes(minutes=minutes, actor=organiser, text="Changed afterwards.", version=approved.version),
        lambda: draft_minutes(meeting=h.meeting, actor=organiser, replace=True),
        lambda: approve_minutes(minutes=minutes, actor=organiser, item=item),
    ):
        with pytest.raises(Conflict) as refused:
            attempt()
        assert refused.value.code == "minutes_approved"
    assert Minutes.objects.get().text == minutes.text
    event = AuditEvent.objects.get(action="minutes.approve")
    assert event.changes["approved_at_meeting"] == later.pk and event.changes["item"] == item.pk


def test_only_a_later_open_meeting_of_the_branch_approves(h, branch, other_branch, organiser):
    minutes = draft_minutes(meeting=h.meeting, actor=organiser)
    earlier = MeetingFactory(branch=branch, starts_at=h.meeting.starts_at.replace(year=h.meeting.starts_at.year - 1))
    far = MeetingFactory(branch=other_branch, starts_at=h.meeting.starts_at.replace(year=h.meeting.starts_at.year + 1))
    for meeting in (earlier, far, h.meeting):
        item = AgendaItem.objects.create(meeting=meeting, order=9, title="Minutes of the last meeting")
        with pytest.raises(InvalidInput) as refused:
            approve_minutes(minutes=minutes, actor=organiser, item=item)
        assert refused.value.code == "invalid_item"
    assert Minutes.objects.get().status == MinutesStatus.DRAFT


def test_the_closed_meetings_record_is_never_rewritten(h, branch, organiser):
    before = list(MeetingRecord.objects.values())
    minutes = draft_minutes(meeting=h.meeting, actor=organiser)
    edit_minutes(minutes=minutes, actor=organiser, text="Different words entirely.", version=1)
    item = add_agenda_item(meeting=later_meeting(branch, h.meeting), actor=organiser, title="Minutes")
    approve_minutes(minutes=Minutes.objects.get(), actor=organiser, item=item)
    assert list(MeetingRecord.objects.values()) == before


def test_a_challenged_ruling_and_its_vote_are_in_the_minutes(branch, organiser):
    from datetime import timedelta

    from groups.models import StandingOrders
    from groups.services.points_of_order import challenge_ruling, raise_point, rule_on_point
    from groups.services.records import close_meeting

    from ..motions.helpers import decide

    meeting, voters, _ = hall(branch, organiser, members=5, supporters=0)
    StandingOrders.objects.filter(branch=branch).update(challenge_support=2)
    point = raise_point(meeting=meeting, actor=organiser, raised_by=voters[0], point="We are not quorate.")
    point = rule_on_point(point=point, actor=organiser, ruling="We are quorate", reason="The door count says 5.")
    point = challenge_ruling(point=point, actor=organiser, supporters=[voters[1], voters[2]])
    decide(meeting, organiser, point.challenge, voters, yes=1, no=4)
    close_meeting(meeting=meeting, actor=organiser, at=meeting.starts_at + timedelta(hours=1))
    text = draft_minutes(meeting=meeting, actor=organiser).text
    assert f"Point of order from {voters[0].full_name}: We are not quorate." in text
    assert "The chair ruled: We are quorate. Reason: The door count says 5." in text
    challenged = f"The ruling was challenged (moved by {voters[1].full_name}, seconded by {voters[2].full_name})"
    assert challenged + ". Ruling upheld." in text
    assert "**Lost** (named vote): 1 for, 4 against" in text
    # the challenge is told with its point, not again as a motion of its own
    assert "ruling be challenged" not in text.lower()
