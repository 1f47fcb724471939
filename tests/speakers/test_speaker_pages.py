"""The speakers' list pages without JavaScript: a member asks and withdraws
on their phone, the chair sees the queue with its reasons, calls, marks
done and moves; the projector shows names only; other branches get 404."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.models import AuditEvent, SpeakerRequest
from groups.services import attendance
from groups.services import speakers as services

from ..factories import MeetingFactory, person_with_membership
from .helpers import ask_in_order, balance_on, gender, worked_hall

pytestmark = pytest.mark.django_db


def url(meeting, name, *ids):
    return reverse(name, args=[meeting.branch.slug, meeting.pk, *ids])


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_a_member_asks_to_speak_and_withdraws_from_their_phone(client_for, member, organiser, branch):
    meeting, people = worked_hall(branch, organiser)
    w1 = people["W1"]
    w1.user = member
    w1.save(update_fields=["user"])
    ask_in_order(meeting, people, ["M1"])
    client = client_for(member)
    page = client.get(url(meeting, "speak"))
    assert page.status_code == 200
    assert "Ask to speak" in text(page) and 'value="point_of_order"' in text(page)
    assert 'value="reply"' not in text(page)  # not the mover
    asked = client.post(url(meeting, "speak_ask"), {"kind": "against"}, follow=True)
    assert "The chair will call you" in text(asked) and "You are on the list" in text(asked)
    assert "Against the motion — number 2 in the queue" in text(asked)
    # Waiting: only a point of order is left to ask for; the place in the queue follows the chair by itself.
    assert 'value="point_of_order"' in text(asked) and 'value="contribution"' not in text(asked)
    assert 'hx-select="#my-requests"' in text(asked)
    request = SpeakerRequest.objects.get(person=w1)
    again = client.post(url(meeting, "speak_ask"), {"kind": "for"}, follow=True)
    assert "You are already on the speakers" in text(again) and "Withdraw that request first" in text(again)
    gone = client.post(url(meeting, "speak_withdraw", request.pk), follow=True)
    assert "Your request to speak is withdrawn" in text(gone)
    assert SpeakerRequest.objects.get(pk=request.pk).status == "withdrawn"


def test_a_member_not_checked_in_is_told_to_check_in_first(client_for, member, organiser, branch):
    meeting, _ = worked_hall(branch, organiser)
    person_with_membership(branch, user=member)
    client = client_for(member)
    page = client.get(url(meeting, "speak"))
    assert "Check in at the door first" in text(page) and "speak_ask" not in text(page)
    assert 'hx-select="#speak-page"' in text(page)  # the form appears by itself once they are in
    refused = client.post(url(meeting, "speak_ask"), {"kind": "contribution"}, follow=True)
    assert "You are not checked in at this meeting" in text(refused)
    assert not SpeakerRequest.objects.exists()


def test_a_supporter_asks_to_speak_from_the_page(client_for, member, organiser, branch):
    meeting, _ = worked_hall(branch, organiser)
    supporter = person_with_membership(branch, "registered-supporter", user=member)
    attendance.check_in(meeting=meeting, person=supporter, actor=organiser)
    client_for(member).post(url(meeting, "speak_ask"), {"kind": "contribution"})
    assert SpeakerRequest.objects.get(person=supporter).status == "waiting"


def test_the_chair_sees_the_queue_with_reasons_and_the_group_only_as_a_group(client_for, organiser, branch):
    meeting, people = worked_hall(branch, organiser)
    balance_on(meeting, organiser)
    ask_in_order(meeting, people, ["M1", "M2", "W1", "W2"])
    page = text(client_for(organiser).get(url(meeting, "meeting_speakers")))
    order = [m for m in re.findall(r"<strong>\d\. (\w+) Speaker</strong>", page)]
    assert order == ["M1", "W1", "M2", "W2"]
    assert "the next speaker comes from women and non-binary speakers" in page
    assert page.count("In the group") == 2
    # The declared answers themselves are never on the chair's list.
    assert "Non-binary" not in page and "Woman" not in page
    assert "Call next: M1 Speaker" in page


def test_the_chair_calls_marks_done_and_moves_without_javascript(client_for, organiser, branch):
    meeting, people = worked_hall(branch, organiser)
    requests = ask_in_order(meeting, people, ["M1", "M2", "W1"])
    client = client_for(organiser)
    called = client.post(url(meeting, "speakers_call"), follow=True)
    page = text(called)
    assert "Called: M1 Speaker" in page and "Speaking: M1 Speaker" in page
    assert "1 speech on this item so far" in page
    assert "data-speaking-since=" in page and "of 2:00 allowed" not in page and "of 3:00 allowed" in page
    assert re.search(r"Started <time datetime=\"[^\"]+\">\d\d:\d\d:\d\d</time>", page)
    moved = client.post(
        url(meeting, "speakers_move", requests[2].pk), {"position": "1", "reason": "Must leave"}, follow=True
    )
    assert "Moved to position 1" in text(moved)
    assert re.findall(r"<strong>\d\. (\w+) Speaker</strong>", text(moved)) == ["W1", "M2"]
    assert "Moved here by the chair: Must leave" in text(moved)
    no_reason = client.post(url(meeting, "speakers_move", requests[1].pk), {"position": "1"}, follow=True)
    assert "Not moved" in text(no_reason)
    done = client.post(url(meeting, "speakers_done", requests[0].pk), follow=True)
    assert "M1 Speaker spoke for 0:0" in text(done) and "Nobody is speaking" in text(done)
    assert AuditEvent.objects.filter(action="speaker.done").count() == 1


def test_the_votes_page_includes_the_speakers_panel_and_returns_to_itself(client_for, organiser, branch):
    meeting, people = worked_hall(branch, organiser)
    ask_in_order(meeting, people, ["M1"])
    client = client_for(organiser)
    page = text(client.get(url(meeting, "meeting_votes")))
    assert "Speakers’ list" in page and "Call next: M1 Speaker" in page
    back = client.post(url(meeting, "speakers_call"), {"back": "votes"})
    assert back.status_code == 302 and back["Location"] == url(meeting, "meeting_votes")


def test_the_projector_shows_who_is_speaking_and_the_next_names_only(client_for, organiser, branch):
    meeting, people = worked_hall(branch, organiser)
    balance_on(meeting, organiser)
    ask_in_order(meeting, people, ["M1", "M2", "W1", "W2"])
    services.call_next(meeting=meeting, actor=organiser, at=timezone.now() - timedelta(seconds=75))
    client = client_for(organiser)
    page = text(client.get(url(meeting, "vote_projector")))
    assert 'hx-trigger="every 3s"' in page
    assert 'Speaking: M1 Speaker <span class="projector-clock">1:15</span>' in page
    assert "Next: W1 Speaker, M2 Speaker, W2 Speaker" in page
    assert "In the group" not in page and "women" not in page.lower() and "Woman" not in page
    fragment = client.get(url(meeting, "vote_projector"), HTTP_HX_REQUEST="true")
    assert "Speaking: M1 Speaker" in text(fragment) and "<html" not in text(fragment)


def test_settings_page_saves_the_balance_and_shows_errors_beside_fields(client_for, organiser, branch):
    meeting, _ = worked_hall(branch, organiser)
    definition = gender(branch)
    client = client_for(organiser)
    assert client.get(url(meeting, "speakers_settings")).status_code == 200
    bad = client.post(
        url(meeting, "speakers_settings"), {"balance": "on", "target_percent": "50", "speech_minutes": "3"}
    )
    assert bad.status_code == 400 and "choose a question" in text(bad)
    ok = client.post(
        url(meeting, "speakers_settings"),
        {
            "balance": "on",
            "attribute": definition.pk,
            "balance_values": ["woman", "non-binary"],
            "group_name": "women and non-binary speakers",
            "target_percent": "50",
            "speech_minutes": "2.5",
            "for_branch": "on",
        },
    )
    assert ok.status_code == 302
    saved = meeting.speakers_list_settings
    assert saved.balance and saved.balance_values == ["woman", "non-binary"] and saved.speech_seconds == 150
    assert branch.speakers_list_settings.filter(meeting__isnull=True).get().speech_seconds == 150


def test_another_branchs_meeting_or_request_answers_404(client_for, organiser, outsider, branch, other_branch):
    meeting, people = worked_hall(branch, organiser)
    (request,) = ask_in_order(meeting, people, ["M1"])
    theirs = MeetingFactory(branch=other_branch)
    client = client_for(outsider)
    # The outsider's own branch, with our meeting's id and our request's id: 404.
    for name, args in [
        ("meeting_speakers", []),
        ("speak", []),
        ("speakers_done", [request.pk]),
        ("speak_withdraw", [request.pk]),
    ]:
        path = reverse(name, args=[other_branch.slug, meeting.pk, *args])
        answer = client.post(path) if args else client.get(path)
        assert answer.status_code == 404, name
    # Our request under their meeting: 404 too.
    path = reverse("speakers_done", args=[other_branch.slug, theirs.pk, request.pk])
    assert client.post(path).status_code == 404
    assert SpeakerRequest.objects.get(pk=request.pk).status == "waiting"


@pytest.mark.parametrize("waiting", [1, 4])
def test_the_queue_page_runs_a_fixed_number_of_queries(
    client_for, organiser, branch, waiting, django_assert_num_queries
):
    meeting, people = worked_hall(branch, organiser)
    balance_on(meeting, organiser)
    ask_in_order(meeting, people, ["M1", "M2", "W1", "W2"][:waiting])
    services.call_next(meeting=meeting, actor=organiser)
    client = client_for(organiser)
    client.get(url(meeting, "meeting_speakers"))  # warm the session
    # Session, user, branch and role, meeting, quorum (2: its eligible count from the cache the first visit
    # filled; 4 with the COUNT and its category lookup); then the list: settings, requests, history, groups.
    with django_assert_num_queries(10):
        assert client.get(url(meeting, "meeting_speakers")).status_code == 200


def test_a_closed_meeting_offers_no_form_and_refuses_a_request(client_for, member, organiser, branch):
    meeting, people = worked_hall(branch, organiser)
    people["W1"].user = member
    people["W1"].save(update_fields=["user"])
    type(meeting).objects.filter(pk=meeting.pk).update(closed_at=timezone.now())
    client = client_for(member)
    page = text(client.get(url(meeting, "speak")))
    assert "This meeting is closed" in page and 'name="kind"' not in page
    refused = client.post(url(meeting, "speak_ask"), {"kind": "contribution"}, follow=True)
    assert "This meeting is closed: its record is history" in text(refused)
    assert not SpeakerRequest.objects.exists()
