from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from groups.models import Attendance, Branch, Meeting, Person


@pytest.mark.django_db
def test_demo_recreates_itself_on_a_second_run(settings):
    settings.DEBUG = True
    call_command("demo", people=40)
    first = Branch.objects.get(slug="demo")
    call_command("demo", people=40)
    branch = Branch.objects.get(slug="demo")
    assert branch.pk != first.pk
    assert Branch.objects.filter(slug="demo").count() == 1
    assert Person.objects.filter(branch=branch).count() >= 40
    assert Meeting.objects.filter(branch=branch).exists()
    # Nothing of the first demo is left behind.
    assert not Person.objects.filter(branch_id=first.pk).exists()
    assert not Attendance.objects.filter(meeting__branch_id=first.pk).exists()


@pytest.mark.django_db
def test_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo")


@pytest.mark.django_db
def test_a_demo_that_fails_part_way_leaves_no_half_demo(monkeypatch):
    from groups import demo

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(demo, "DEMO_STEPS", [*demo.DEMO_STEPS[:2], broken])
    with pytest.raises(RuntimeError):
        demo.build_demo(people=10)
    assert not Branch.objects.filter(slug="demo").exists()
    assert not Person.objects.exists() and not Meeting.objects.exists()


# --- tonight's meeting, under way (groups/demo/tonight.py) -----------------


def _story(branch) -> dict:
    """What a visitor reads about tonight's meeting, by name rather than id."""
    from groups.demo.tonight import tonights_meeting
    from groups.queries.speakers import speakers_list

    meeting = tonights_meeting(branch)
    name = lambda p: f"{p.first_name} {p.last_name}"  # noqa: E731
    closed = meeting.votes.get(status="closed")
    return {
        "room": sorted(name(a.person) for a in Attendance.objects.filter(meeting=meeting).select_related("person")),
        "agenda": [(i.order, i.title, i.kind, i.minutes_allowed) for i in meeting.agenda_items.order_by("order")],
        "current": meeting.current_item.order,
        "motions": [(m.kind, m.state, m.text, name(m.mover), name(m.seconder)) for m in meeting.motions.order_by("id")],
        "closed": (closed.votes_for, closed.votes_against, closed.abstain, closed.voted, closed.entitled),
        "queue": [(name(p.request.person), p.request.kind, p.reason) for p in speakers_list(meeting).queue],
    }


@pytest.mark.django_db
def test_the_demos_latest_organisational_meeting_is_under_way_with_its_business():
    from groups import demo
    from groups.amendments import word_diff
    from groups.demo.tonight import tonights_meeting
    from groups.models import AuditAction, AuditEvent, MotionRevision, SelfDeclaredAttribute, SpeakerRequest
    from groups.queries.attendance import quorum
    from groups.queries.me import my_meetings
    from groups.queries.speakers import speakers_list

    branch = demo.build_demo(people=40)
    now = timezone.now()
    meeting = tonights_meeting(branch)
    latest = Meeting.objects.filter(branch=branch, kind="organisational").order_by("-starts_at").first()
    assert meeting == latest and meeting.closed_at is None
    assert meeting.starts_at <= now - timedelta(minutes=30) and meeting.ends_at >= now + timedelta(hours=2)
    # Every past meeting is closed, its record frozen.
    assert not Meeting.objects.filter(branch=branch, ends_at__lt=now, closed_at=None).exists()

    # The agenda: five items with their times, the chair on the motion.
    items = list(meeting.agenda_items.order_by("order"))
    assert len(items) == 5 and all(i.minutes_allowed for i in items)
    assert meeting.current_item == items[2] and items[2].kind == "motions"

    # The motion, amended by a carried amendment whose word diff shows the change; its history kept.
    motion, amendment = meeting.motions.order_by("id")
    assert amendment.amends == motion and amendment.state == "carried"
    assert motion.state == "put" and "£250" in motion.text and "£100" not in motion.text
    ops = {op for op, _ in word_diff(amendment.base_text, amendment.text)}
    assert {"del", "ins"} <= ops
    assert MotionRevision.objects.get(motion=motion).text_before == amendment.base_text

    # One secret ballot closed with a result (not everyone voted); the next set up for the visitor to open.
    closed = meeting.votes.get(status="closed")
    assert closed.method == "secret" and closed.result == "carried" and closed.motion == amendment
    assert 0 < closed.voted < closed.entitled
    draft = meeting.votes.get(status="draft")
    assert draft.method == "secret" and draft.motion == motion

    # The speakers' list: balanced by an answer people consented to give; the balance puts a woman first.
    listing = speakers_list(meeting)
    assert listing.settings.balance and listing.settings.attribute.key == "gender"
    assert len(listing.queue) == 4 and listing.speaking is None
    assert listing.queue[0].in_group and "below its target" in listing.queue[0].reason
    declared = SelfDeclaredAttribute.objects.filter(definition=listing.settings.attribute)
    assert declared.exists() and not declared.filter(consent_given_at=None).exists()
    assert set(declared.values_list("source", flat=True)) == {"organiser"}

    # The room is quorate; the demo member is not in it yet (the walk-through starts at the door).
    assert quorum(meeting)["quorate"]
    member = Person.objects.get(branch=branch, email="member@example.org")
    assert not Attendance.objects.filter(meeting=meeting, person=member).exists()
    row = next(r for r in my_meetings(branch, member, now=now) if r["meeting"] == meeting)
    assert row["under_way"] and row["decision"].eligible and not row["checked_in"]

    # Built through the services: their audit rows are there, and none is dated later than now.
    actions = set(AuditEvent.objects.filter(branch=branch).values_list("action", flat=True))
    assert {
        AuditAction.ATTENDANCE_CHECK_IN,
        AuditAction.AGENDA_CURRENT,
        AuditAction.MOTION_MOVE,
        AuditAction.MOTION_AMENDED,
        AuditAction.VOTE_BALLOT,
        AuditAction.VOTE_CLOSE,
        AuditAction.SPEAKER_ASK,
        AuditAction.ATTRIBUTE_RECORD,
        AuditAction.SPEAKERS_SETTINGS,
    } <= actions
    assert not AuditEvent.objects.filter(branch=branch, at__gt=timezone.now()).exists()
    assert not SpeakerRequest.objects.filter(meeting=meeting, asked_at__gt=now).exists()


@pytest.mark.django_db
def test_the_demo_member_checked_in_asks_to_speak_and_votes_on_the_prepared_ballot():
    from groups import demo
    from groups.demo.tonight import tonights_meeting
    from groups.queries.speakers import speakers_list
    from groups.services import attendance, speakers, votes

    branch = demo.build_demo(people=40)
    meeting = tonights_meeting(branch)
    steward = branch.roles.get(role="steward").user
    organiser = branch.roles.get(role="organiser").user
    member = Person.objects.get(branch=branch, email="member@example.org")
    attendance.check_in(meeting=meeting, person=member, actor=steward)
    request = speakers.ask_to_speak(meeting=meeting, person=member, kind="for", actor=member.user)
    # After three waiting who have not spoken on the item, before the one who has (the amendment's mover).
    assert speakers_list(meeting).position_of(request.pk) == 4
    vote = votes.open_vote(vote=meeting.votes.get(status="draft"), actor=organiser)
    votes.cast_ballot(vote=vote, person=member, choice="for", actor=member.user)
    closed = votes.close_vote(vote=vote, actor=organiser)
    assert (closed.votes_for, closed.voted, closed.result) == (1, 1, "carried")
    assert closed.entitled == Attendance.objects.filter(meeting=meeting, may_vote=True).count()


@pytest.mark.django_db
def test_two_builds_of_the_demo_tell_the_same_story():
    from groups import demo

    first = _story(demo.build_demo(people=40)), _agm_story(Branch.objects.get(slug="demo"))
    assert (_story(demo.build_demo(people=40)), _agm_story(Branch.objects.get(slug="demo"))) == first


@pytest.mark.django_db
def test_the_demo_builds_within_its_query_budget(django_assert_max_num_queries):
    """Through the services, one write at a time: about 1,310 queries at 40 people, of which the AGM
    (groups/demo/agm.py: 14 voters in each of two ballots at about 10 queries a ballot, nominations, positions) 530."""
    from groups import demo

    with django_assert_max_num_queries(1400):
        demo.build_demo(people=40)


@pytest.mark.django_db
def test_the_projector_keeps_the_motion_first_and_the_last_result_smaller(client):
    from groups import demo
    from groups.demo.tonight import tonights_meeting

    branch = demo.build_demo(people=0)
    meeting = tonights_meeting(branch)
    client.force_login(branch.roles.get(role="organiser").user)
    page = client.get(f"/b/{branch.slug}/meetings/{meeting.pk}/votes/projector/").content.decode()
    assert "Item 3: Motion: support the library campaign" in page
    assert 'projector-question projector-question-long">That this branch supports' in page  # the motion as amended
    assert "Last vote: Amendment: delete" in page and "projector-figure-small" in page
    assert "Next: " in page


# --- the AGM and its elections (groups/demo/agm.py) -------------------------


def _agm_story(branch) -> dict:
    """The AGM's elections as a visitor reads them: titles, who stood, who won, the stages."""
    from groups.models import Election

    return {
        e.title: (
            e.status,
            e.ballots_cast,
            sorted(str(n.person) for n in e.nominations.all()),
            (e.result or {}).get("elected"),
            [(s["action"], s["description"]) for s in (e.result or {}).get("stages", [])],
        )
        for e in Election.objects.filter(branch=branch).prefetch_related("nominations__person")
    }


@pytest.mark.django_db
def test_the_demos_agm_is_closed_with_its_officers_and_delegates_declared_and_appointed(client):
    from groups import demo
    from groups.demo.agm import CHAIR_TITLE, DELEGATES_TITLE, SECRETARY_TITLE
    from groups.models import AuditAction, AuditEvent, Election, MeetingKind, NominationStatus, PositionHolder

    branch = demo.build_demo(people=40)
    agm = Meeting.objects.get(branch=branch, kind=MeetingKind.AGM)
    assert agm.closed_at is not None and agm.starts_at < timezone.now() - timedelta(days=30)

    chair = Election.objects.get(branch=branch, title=CHAIR_TITLE)
    assert chair.status == "declared" and chair.method == "scottish_stv" and chair.ballots_cast >= 12
    actions = [s["action"] for s in chair.result["stages"]]
    assert actions[0] == "first" and "exclude" in actions  # nobody had the quota on first preferences
    assert len(chair.result["elected"]) == 1

    delegates = Election.objects.get(branch=branch, title=DELEGATES_TITLE)
    assert delegates.status == "declared" and delegates.seats == 2
    assert delegates.constraints[0]["min"] == 1
    stages = delegates.result["stages"]
    assert {"guard", "doom"} <= {s["action"] for s in stages}
    guarded = next(s for s in stages if s["action"] == "guard")
    woman = delegates.nominations.get(person__pk__in=delegates.constraints[0]["people"]).person
    assert str(woman) in guarded["guarded"] and str(woman) in delegates.result["elected"]
    # Without the minimum the men had the votes for both seats: two of them were doomed.
    assert sum(s["action"] == "doom" for s in stages) == 2

    holders = PositionHolder.objects.filter(position__branch=branch, ended_on=None).select_related("position")
    assert sorted((h.position.slug, str(h.person)) for h in holders) == sorted(
        [("chair", chair.result["elected"][0])] + [("conference-delegate", n) for n in delegates.result["elected"]]
    )
    assert all(h.started_on == agm.starts_at.date() and h.source == "elected" for h in holders)
    declared = AuditEvent.objects.filter(branch=branch, action=AuditAction.ELECTION_DECLARE)
    assert declared.count() == 2

    # A member reads the delegation's count, stage by stage.
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(email="member@example.org"))
    page = client.get(f"/b/demo/elections/{delegates.pk}/result/")
    assert page.status_code == 200 and "doomed" in page.content.decode()

    upcoming = Election.objects.get(branch=branch, title=SECRETARY_TITLE)
    assert upcoming.status == "nominations" and upcoming.nominations_close_at > timezone.now()
    nominated = upcoming.nominations.filter(status=NominationStatus.NOMINATED).select_related("person")
    assert nominated.count() == 3
    # The demo member was nominated by someone else: it awaits their consent, on their own page.
    (awaiting,) = [n for n in nominated if n.consent == "awaiting"]
    assert awaiting.person.user.email == "member@example.org"
    mine = client.get("/b/demo/me/elections/").content.decode()
    assert "Awaiting your consent" in mine and "Accept the nomination" in mine
    client.force_login(get_user_model().objects.get(email="organiser@example.org"))  # the organiser's page
    page = client.get(f"/b/demo/elections/{upcoming.pk}/").content.decode()
    assert all(str(n.person) in page for n in nominated)
    assert "Awaiting the nominee&#x27;s consent" in page or "Awaiting the nominee's consent" in page
    _lapsed_member_refused_for_chair_with_the_reason(branch, client)


def _lapsed_member_refused_for_chair_with_the_reason(branch, client):
    """The demo's Chair election shows a nominee the holder rule refused, with the reason."""
    from django.contrib.auth import get_user_model

    from groups.demo.agm import CHAIR_TITLE
    from groups.models import Election, NominationStatus

    chair = Election.objects.get(branch=branch, title=CHAIR_TITLE)
    (refused,) = chair.nominations.filter(status=NominationStatus.REFUSED).select_related("person")
    assert refused.person.memberships.filter(status="lapsed").exists()
    assert refused.consent == "recorded" and refused.consent_note
    reasons = " ".join(refused.decision["reasons"])
    assert "lapsed" in reasons.lower()
    client.force_login(get_user_model().objects.get(email="organiser@example.org"))
    page = client.get(f"/b/demo/elections/{chair.pk}/").content.decode()
    assert str(refused.person) in page and "Not eligible" in page and refused.decision["reasons"][0][:30] in page
