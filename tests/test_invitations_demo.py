"""The demo's invitations: everyone the upcoming meetings' rules admit, with a
mix of replies, and a registered supporter who can see why they are shut out."""

from django.core import mail

from groups.demo import build_demo
from groups.models import Invitation, Meeting, MeetingKind, Person
from groups.queries.me import my_meetings
from groups.services.invitations import admitted_people


def test_demo_invites_exactly_those_admitted_with_a_mix_of_replies(db):
    branch = build_demo(people=120)
    assert mail.outbox == []  # the demo never emails anyone
    for kind in (MeetingKind.ORGANISATIONAL, MeetingKind.OPEN):
        meeting = Meeting.objects.filter(branch=branch, kind=kind, status="published").select_related("branch").get()
        invited = set(Invitation.objects.filter(meeting=meeting).values_list("person_id", flat=True))
        assert invited == set(admitted_people(meeting).values_list("pk", flat=True))
        replies = set(Invitation.objects.filter(meeting=meeting).values_list("reply", flat=True))
        assert replies == {"", "yes", "no", "maybe"}
    riya = Person.objects.get(branch=branch, email="supporter@example.org")
    rows = my_meetings(branch, riya, now=meeting.starts_at.replace(year=2000))
    why = {r["meeting"].kind: r["why"] for r in rows}
    assert why[MeetingKind.ORGANISATIONAL] == "This meeting is for party members only — you are a registered supporter."
    assert why[MeetingKind.OPEN] == ""
