"""The pages, as plain forms (no JavaScript): an organiser builds the agenda,
the chair moves through it, a motion is submitted, moved, seconded, amended
and put to the vote; a member reads the agenda from My meetings; another
branch's ids answer 404; the query counts of the pages are pinned."""

import pytest
from django.db import reset_queries
from django.urls import reverse

from groups.models import AgendaItem, Motion, MotionState, Person, Vote
from groups.services.agenda import add_agenda_item
from groups.services.motions import submit_amendment, submit_motion

from ..cross_branch import make_far_branch
from .helpers import hall, seconded

pytestmark = pytest.mark.django_db


def _u(name, meeting, **kw):
    return reverse(name, kwargs={"slug": meeting.branch.slug, "meeting_id": meeting.pk, **kw})


def test_a_meeting_run_through_the_forms(branch, organiser, client_for):
    meeting, voters, others = hall(branch, organiser, members=3, supporters=1)
    client = client_for(organiser)
    for title, kind in (("Apologies", "business"), ("Motions", "motions"), ("Any other business", "other")):
        r = client.post(_u("agenda_item_add", meeting), {"title": title, "kind": kind, "minutes_allowed": "10"})
        assert r.status_code == 302
    motions_item = AgendaItem.objects.get(title="Motions")
    client.post(_u("agenda_item_move", meeting, item_id=motions_item.pk), {"direction": "up"})
    page = client.get(_u("meeting_agenda", meeting)).content.decode()
    assert "1.</span> Motions" in page and "2.</span> Apologies" in page and "3.</span> Any other business" in page
    # an empty title comes back with what to fix
    bad = client.post(_u("agenda_item_add", meeting), {"title": "", "kind": "business"})
    assert bad.status_code == 400 and "Title" in bad.content.decode()
    # the chair starts on the first item from the panel, then moves to the next
    r = client.post(_u("agenda_current", meeting), {"item": motions_item.pk, "back": "panel"})
    assert r.status_code == 302 and r["Location"] == _u("meeting_votes", meeting)
    panel = client.get(_u("meeting_votes", meeting)).content.decode()
    assert "Item 1: <strong>Motions</strong>" in panel and "Next: item 2" in panel

    r = client.post(
        _u("motion_submit", meeting),
        {"text": "That this branch meets monthly in the library.", "kind": "motion", "agenda_item": motions_item.pk},
    )
    assert r.status_code == 302
    motion = Motion.objects.get()

    def act(action, data=None):
        return client.post(_u("motion_action", meeting, motion_id=motion.pk, action=action), data or {})

    # a registered supporter may not move it: the page says why
    r = act("move", {"person": others[0].pk})
    shown = client.get(r["Location"]).content.decode()
    assert "may not move this" in shown and "Party member" in shown
    act("move", {"person": voters[0].pk})
    act("second", {"person": voters[1].pk})
    motion.refresh_from_db()
    assert motion.state == MotionState.SECONDED
    # an amendment, shown as a word diff
    act("amend", {"action": "replace", "words": "monthly", "with_words": "weekly"})
    paper = client.get(_u("meeting_motions", meeting)).content.decode()
    assert '<del><span class="visually-hidden">[delete: </span>monthly' in paper
    assert '<ins><span class="visually-hidden">[insert: </span>weekly' in paper
    # an amendment not yet moved does not hold the motion up: only one being dealt with does
    r = act("put", {"method": "show_of_hands"})
    assert r["Location"] == _u("meeting_votes", meeting)
    vote = Vote.objects.get()
    assert vote.motion == motion and vote.question == motion.text
    panel = client.get(_u("meeting_votes", meeting)).content.decode()
    assert "Before the meeting:</strong> That this branch meets monthly" in panel
    projector = client.get(_u("vote_projector", meeting)).content.decode()
    assert "Item 1: Motions" in projector


def test_ruling_out_of_order_and_points_of_order_through_the_forms(branch, organiser, client_for):
    meeting, voters, _ = hall(branch, organiser, members=2, supporters=0)
    client = client_for(organiser)
    motion = submit_motion(meeting=meeting, actor=organiser, text="That the chair resigns.")
    client.post(_u("motion_action", meeting, motion_id=motion.pk, action="rule-out"), {"reason": "Not notified."})
    motion.refresh_from_db()
    assert motion.state == MotionState.RULED_OUT
    assert "Ruled out of order: Not notified." in client.get(_u("meeting_motions", meeting)).content.decode()
    r = client.post(
        _u("point_raise", meeting), {"raised_by": voters[0].pk, "standing_order": "12", "point": "Was notice given?"}
    )
    assert r.status_code == 302
    point = meeting.points_of_order.get()
    client.post(
        _u("point_rule", meeting, point_id=point.pk), {"ruling": "No notice.", "reason": "Rule 12 needs 7 days."}
    )
    page = client.get(_u("meeting_points", meeting)).content.decode()
    assert "Ruling:</strong> No notice." in page and "Chair ruled on a point of order" in page  # the meeting's log
    assert "Motion ruled out of order" in page


def test_a_member_reads_the_agenda_from_my_meetings(branch, organiser, member, client_for):
    meeting, _, _ = hall(branch, organiser, members=0, supporters=0, status="published")
    add_agenda_item(meeting=meeting, actor=organiser, title="Election of delegates", kind="election")
    submit_motion(meeting=meeting, actor=organiser, text="That we support the strike.")
    Person.objects.create(branch=branch, first_name="Mo", email="member@example.org", user=member)
    client = client_for(member)
    mine = client.get(reverse("my_meetings", kwargs={"slug": branch.slug})).content.decode()
    assert _u("meeting_agenda", meeting) in mine
    page = client.get(_u("meeting_agenda", meeting)).content.decode()
    assert "Election of delegates" in page and "That we support the strike." in page
    assert "Add an item" not in page and "Make current" not in page  # no organiser controls
    assert client.post(_u("agenda_item_add", meeting), {"title": "Mine", "kind": "other"}).status_code == 403


def test_another_branchs_meeting_motion_and_item_answer_404(branch, organiser, client_for):
    far = make_far_branch()
    item = AgendaItem.objects.create(meeting=far.meeting, order=1, title="Theirs")
    motion = Motion.objects.create(meeting=far.meeting, text="Theirs.")
    client = client_for(organiser)
    ours = {"slug": branch.slug, "meeting_id": far.meeting.pk}
    assert client.get(reverse("meeting_agenda", kwargs=ours)).status_code == 404
    assert client.get(reverse("meeting_motions", kwargs=ours)).status_code == 404
    meeting, _, _ = hall(branch, organiser, members=0, supporters=0)
    mine = {"slug": branch.slug, "meeting_id": meeting.pk}
    assert client.post(reverse("agenda_item_remove", kwargs={**mine, "item_id": item.pk})).status_code == 404
    r = client.post(reverse("motion_action", kwargs={**mine, "motion_id": motion.pk, "action": "withdraw"}))
    assert r.status_code == 404
    assert client.post(reverse("agenda_current", kwargs=mine), {"item": item.pk}).status_code == 404
    motion.refresh_from_db()
    assert motion.state == MotionState.SUBMITTED and AgendaItem.objects.filter(pk=item.pk).exists()


def _busy(meeting, organiser, voters, n):
    for k in range(n):
        add_agenda_item(meeting=meeting, actor=organiser, title=f"Item {k}")
        m = seconded(meeting, organiser, voters, text=f"That we do thing {k} monthly.")
        submit_amendment(motion=m, actor=organiser, action="replace", words="monthly", with_words="weekly")


@pytest.mark.parametrize("name", ["meeting_agenda", "meeting_motions", "meeting_points", "meeting_votes"])
def test_the_pages_query_count_does_not_grow_with_the_business(
    name, branch, organiser, client_for, django_assert_max_num_queries
):
    meeting, voters, _ = hall(branch, organiser, members=3, supporters=0)
    client = client_for(organiser)
    _busy(meeting, organiser, voters, 1)
    client.get(_u(name, meeting))
    reset_queries()  # each request empties the query log: start from empty so the counts are whole
    with django_assert_max_num_queries(30) as small:
        client.get(_u(name, meeting))
    once = len(small)  # now: the query log moves on
    _busy(meeting, organiser, voters, 6)
    reset_queries()
    with django_assert_max_num_queries(once) as big:
        assert client.get(_u(name, meeting)).status_code == 200
    assert len(big) == once
