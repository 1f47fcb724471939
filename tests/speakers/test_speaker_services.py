"""The speakers' list through its services and the database: the worked
examples, who may ask (checked in, not left; supporters too), one waiting
request each, call / done / move, closed meetings, erasure and subject access."""

from datetime import timedelta

import pytest
from django.utils import timezone

from groups.errors import Conflict, InvalidInput, NotAllowed
from groups.models import Attendance, AuditEvent, Motion, SpeakerRequest
from groups.queries.speakers import speakers_list
from groups.queries.subject_access import subject_access
from groups.services import attendance
from groups.services import speakers as services
from groups.services.erasure import erase_person

from ..factories import person_with_membership
from ..votes.helpers import hall
from .helpers import ask_in_order, balance_on, worked_hall

pytestmark = pytest.mark.django_db


def queue_names(meeting):
    return [p.request.person.first_name for p in speakers_list(meeting).queue]


def test_worked_example_nobody_has_spoken(branch, organiser):
    meeting, people = worked_hall(branch, organiser)
    balance_on(meeting, organiser)
    ask_in_order(meeting, people, ["M1", "M2", "W1", "W2"])
    assert queue_names(meeting) == ["M1", "W1", "M2", "W2"]
    reasons = [p.reason for p in speakers_list(meeting).queue]
    assert "women and non-binary speakers" in reasons[1]


def test_worked_example_m1_has_already_spoken_on_this_item(branch, organiser):
    meeting, people = worked_hall(branch, organiser)
    balance_on(meeting, organiser)
    now = timezone.now()
    (first,) = ask_in_order(meeting, people, ["M1"], start=now - timedelta(minutes=30))
    services.call_next(meeting=meeting, actor=organiser, at=now - timedelta(minutes=29))
    services.finish_speaking(request=first, actor=organiser, at=now - timedelta(minutes=27))
    ask_in_order(meeting, people, ["M1", "M2", "W1", "W2"], start=now - timedelta(minutes=5))
    assert queue_names(meeting) == ["W1", "M2", "W2", "M1"]


def test_calling_through_the_list_follows_the_order_and_records_durations(branch, organiser):
    meeting, people = worked_hall(branch, organiser)
    balance_on(meeting, organiser)
    ask_in_order(meeting, people, ["M1", "M2", "W1", "W2"])
    start = timezone.now()
    called = []
    for i in range(4):
        called.append(services.call_next(meeting=meeting, actor=organiser, at=start + timedelta(minutes=2 * i)))
    assert [r.person.first_name for r in called] == ["M1", "W1", "M2", "W2"]
    # The log says who was called, never the balance group that put them there.
    calls = AuditEvent.objects.filter(action="speaker.call")
    assert calls.count() == 4 and not any("women" in str(e.changes) + e.summary for e in calls)
    done = SpeakerRequest.objects.filter(meeting=meeting, status="done").order_by("called_at")
    # Calling the next speaker finished the one before, with how long they spoke.
    assert [r.seconds_spoken for r in done] == [120, 120, 120]
    with pytest.raises(Conflict) as refused:
        services.call_next(meeting=meeting, actor=organiser, at=start + timedelta(minutes=9))
    assert refused.value.code == "nobody_waiting"
    # The last speaker goes on until the chair marks them done.
    assert speakers_list(meeting).speaking == called[-1]
    services.finish_speaking(request=called[-1], actor=organiser, at=start + timedelta(minutes=9))
    assert SpeakerRequest.objects.get(pk=called[-1].pk).seconds_spoken == 180


def test_people_with_no_declared_value_are_in_no_group(branch, organiser):
    meeting, people = worked_hall(branch, organiser)
    balance_on(meeting, organiser)
    ask_in_order(meeting, people, ["M2", "W1"])
    placed = speakers_list(meeting).queue
    assert [(p.request.person.first_name, p.in_group) for p in placed] == [("M2", False), ("W1", True)]


def test_a_withdrawn_consent_takes_them_out_of_the_group(branch, organiser):
    meeting, people = worked_hall(branch, organiser)
    balance_on(meeting, organiser)
    people["W1"].declared_attributes.all().delete()
    ask_in_order(meeting, people, ["W1"])
    assert speakers_list(meeting).queue[0].in_group is False


def test_someone_not_checked_in_is_refused_with_a_plain_reason(branch, organiser):
    meeting, _ = worked_hall(branch, organiser)
    stranger = person_with_membership(branch)
    with pytest.raises(NotAllowed) as refused:
        services.ask_to_speak(meeting=meeting, person=stranger, kind="contribution", actor=None)
    assert refused.value.code == "not_checked_in"
    assert "Check in at the door first" in refused.value.message


def test_someone_who_has_left_or_was_undone_may_not_ask(branch, organiser):
    meeting, people = worked_hall(branch, organiser)
    attendance.mark_left(attendance=Attendance.objects.get(meeting=meeting, person=people["M1"]), actor=organiser)
    attendance.undo_check_in(
        attendance=Attendance.objects.get(meeting=meeting, person=people["M2"]), actor=organiser, reason="Wrong person"
    )
    for name in ("M1", "M2"):
        with pytest.raises(NotAllowed) as refused:
            services.ask_to_speak(meeting=meeting, person=people[name], kind="contribution", actor=None)
        assert refused.value.code == "not_checked_in"


def test_a_supporter_may_speak_though_the_voting_rule_shuts_them_out(branch, organiser):
    meeting, _, (supporter,) = hall(branch, organiser, members=1, supporters=1)
    asked = services.ask_to_speak(meeting=meeting, person=supporter, kind="against", actor=None)
    assert asked.status == "waiting" and speakers_list(meeting).queue[0].request == asked


def test_one_waiting_request_each_plus_a_point_of_order(branch, organiser):
    meeting, people = worked_hall(branch, organiser)
    m1 = people["M1"]
    first = services.ask_to_speak(meeting=meeting, person=m1, kind="for", actor=None)
    with pytest.raises(Conflict) as again:
        services.ask_to_speak(meeting=meeting, person=m1, kind="against", actor=None)
    assert again.value.code == "already_waiting"
    services.ask_to_speak(meeting=meeting, person=m1, kind="point_of_order", actor=None)
    with pytest.raises(Conflict):
        services.ask_to_speak(meeting=meeting, person=m1, kind="point_of_order", actor=None)
    # The point of order goes first.
    assert [p.request.kind for p in speakers_list(meeting).queue] == ["point_of_order", "for"]
    services.withdraw_request(request=first, actor=None, person=m1)
    services.ask_to_speak(meeting=meeting, person=m1, kind="against", actor=None)


def test_only_your_own_request_can_be_withdrawn_but_the_chair_can_take_anyone_off(branch, organiser):
    meeting, people = worked_hall(branch, organiser)
    (request,) = ask_in_order(meeting, people, ["M1"])
    with pytest.raises(NotAllowed):
        services.withdraw_request(request=request, actor=None, person=people["W1"])
    services.withdraw_request(request=request, actor=organiser, person=None, as_chair=True)
    assert SpeakerRequest.objects.get(pk=request.pk).status == "withdrawn"
    with pytest.raises(Conflict):
        services.withdraw_request(request=request, actor=None, person=people["M1"])


def test_the_right_of_reply_is_the_movers_and_comes_last(branch, organiser):
    meeting, people = worked_hall(branch, organiser)
    Motion.objects.create(meeting=meeting, text="That we meet monthly", state="seconded", mover=people["W2"])
    with pytest.raises(NotAllowed) as refused:
        services.ask_to_speak(meeting=meeting, person=people["M1"], kind="reply", actor=None)
    assert refused.value.code == "not_the_mover"
    services.ask_to_speak(meeting=meeting, person=people["W2"], kind="reply", actor=None)
    ask_in_order(meeting, people, ["M1", "M2"])
    placed = speakers_list(meeting).queue
    assert [p.request.person.first_name for p in placed] == ["M1", "M2", "W2"]
    assert "right of reply" in placed[-1].reason


def test_the_chair_moves_someone_with_a_reason_that_is_logged(branch, organiser):
    meeting, people = worked_hall(branch, organiser)
    requests = ask_in_order(meeting, people, ["M1", "M2", "W1"])
    with pytest.raises(InvalidInput):
        services.move_request(request=requests[2], position=1, reason="  ", actor=organiser)
    services.move_request(request=requests[2], position=1, reason="Has to leave early", actor=organiser)
    placed = speakers_list(meeting).queue
    assert [p.request.person.first_name for p in placed] == ["W1", "M1", "M2"]
    assert placed[0].reason == "Moved here by the chair: Has to leave early"
    event = AuditEvent.objects.get(action="speaker.move")
    assert event.changes["reason"] == "Has to leave early" and event.changes["position"] == {"old": 3, "new": 1}
    # Moved to 2, then one speaker called: they are next.
    services.move_request(request=requests[1], position=3, reason="Asked to go later", actor=organiser)
    services.call_next(meeting=meeting, actor=organiser)
    assert [p.request.person.first_name for p in speakers_list(meeting).queue] == ["M1", "M2"]


def test_alternation_for_and_against(branch, organiser):
    meeting, people = worked_hall(branch, organiser)
    services.set_speakers_settings(
        branch=branch,
        meeting=meeting,
        actor=organiser,
        balance=False,
        attribute=None,
        balance_values=[],
        target_percent=50,
        alternate=True,
        speech_seconds=180,
    )
    start = timezone.now() - timedelta(minutes=5)
    for i, (name, kind) in enumerate([("M1", "for"), ("M2", "for"), ("W1", "against")]):
        services.ask_to_speak(
            meeting=meeting, person=people[name], kind=kind, actor=None, at=start + timedelta(seconds=i)
        )
    assert queue_names(meeting) == ["M1", "W1", "M2"]


def test_a_closed_meeting_refuses_every_change_to_its_list(branch, organiser):
    meeting, people = worked_hall(branch, organiser)
    (request,) = ask_in_order(meeting, people, ["M1"])
    type(meeting).objects.filter(pk=meeting.pk).update(closed_at=timezone.now())
    meeting.refresh_from_db()
    attempts = [
        lambda: services.ask_to_speak(meeting=meeting, person=people["M2"], kind="contribution", actor=None),
        lambda: services.call_next(meeting=meeting, actor=organiser),
        lambda: services.withdraw_request(request=request, actor=None, person=people["M1"]),
        lambda: services.move_request(request=request, position=1, reason="x", actor=organiser),
    ]
    for attempt in attempts:
        with pytest.raises(Conflict) as refused:
            attempt()
        assert refused.value.code == "meeting_closed"


def test_settings_refuse_a_balance_without_a_question_or_with_a_bad_share(branch, organiser):
    meeting, _ = worked_hall(branch, organiser)
    base = dict(branch=branch, meeting=meeting, actor=organiser, alternate=False, speech_seconds=180)
    with pytest.raises(InvalidInput) as no_question:
        services.set_speakers_settings(**base, balance=True, attribute=None, balance_values=[], target_percent=50)
    assert "attribute" in no_question.value.details["errors"]
    from .helpers import gender

    with pytest.raises(InvalidInput) as bad:
        services.set_speakers_settings(
            **base, balance=True, attribute=gender(branch), balance_values=["woman"], target_percent=150
        )
    assert "target_percent" in bad.value.details["errors"]


def test_the_branch_default_applies_until_a_meeting_has_its_own(branch, organiser):
    meeting, people = worked_hall(branch, organiser)
    from .helpers import gender

    services.set_speakers_settings(
        branch=branch,
        actor=organiser,
        balance=True,
        attribute=gender(branch),
        balance_values=["woman", "non-binary"],
        target_percent=50,
        alternate=False,
        speech_seconds=60,
    )
    ask_in_order(meeting, people, ["M1", "M2", "W1", "W2"])
    assert queue_names(meeting) == ["M1", "W1", "M2", "W2"]
    assert speakers_list(meeting).settings.speech_seconds == 60


def test_erasure_removes_a_waiting_request_and_anonymises_speeches(branch, organiser):
    meeting, people = worked_hall(branch, organiser)
    m1 = people["M1"]
    (spoke,) = ask_in_order(meeting, people, ["M1"])
    services.call_next(meeting=meeting, actor=organiser)
    services.finish_speaking(request=spoke, actor=organiser)
    waiting = services.ask_to_speak(meeting=meeting, person=m1, kind="point_of_order", actor=None)
    services.move_request(request=waiting, position=1, reason="M1 Speaker asked", actor=organiser)
    counts = erase_person(person=m1, actor=organiser, reason="Asked to be forgotten")
    assert counts["speaker_requests"] == 2
    assert not SpeakerRequest.objects.filter(pk=waiting.pk).exists()
    kept = SpeakerRequest.objects.get(pk=spoke.pk)
    assert kept.person_id is None and kept.status == "done" and kept.seconds_spoken is not None
    assert not SpeakerRequest.objects.filter(person=m1).exists()


def test_subject_access_lists_their_requests_to_speak(branch, organiser):
    meeting, people = worked_hall(branch, organiser)
    ask_in_order(meeting, people, ["W1"])
    data = subject_access(type(people["W1"]).objects.select_related("branch").get(pk=people["W1"].pk))
    (row,) = data["speaker_requests"]
    assert row["kind"] == "To speak in the debate" and row["status"] == "Waiting"
    assert row["meeting"]["title"] == meeting.title
