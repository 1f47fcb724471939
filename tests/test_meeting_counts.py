"""The meeting page says how many people its rules admit and shows the live quorum."""

import re
from datetime import date

from django.urls import reverse

from groups.models import Category, Rule
from groups.services.attendance import check_in

from .factories import MeetingFactory, MembershipFactory, PersonFactory


def _holder(branch, slug):
    person = PersonFactory(branch=branch)
    MembershipFactory(
        person=person, category=Category.objects.get(branch=branch, slug=slug), started_on=date(2015, 1, 1)
    )
    return person


def _stat(html, label):
    match = re.search(rf"<dt>{label}</dt><dd>([\d,]+)</dd>", html)
    assert match, f"no {label} figure on the page"
    return int(match.group(1).replace(",", ""))


def test_meeting_page_counts_who_may_attend_and_vote(client_for, organiser, branch):
    members = [_holder(branch, "party-member") for _ in range(3)]
    for _ in range(2):
        _holder(branch, "registered-supporter")
    meeting = MeetingFactory(
        branch=branch,
        attendance_rule=Rule.objects.get(branch=branch, name="Everyone"),
        voting_rule=Rule.objects.get(branch=branch, name="Party members only"),
        quorum=2,
    )
    html = client_for(organiser).get(reverse("meeting_detail", args=[branch.slug, meeting.pk])).content.decode()
    assert _stat(html, "May attend") == 5
    assert _stat(html, "May vote") == 3
    assert "Not quorate — 0 of 2 needed" in html

    for person in members[:2]:
        check_in(meeting=meeting, person=person, actor=organiser)
    html = client_for(organiser).get(reverse("meeting_detail", args=[branch.slug, meeting.pk])).content.decode()
    assert "Quorate — 2 of 2 needed" in html
