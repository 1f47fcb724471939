"""The person page shows how each of the branch's rules decides for them
today, and the meetings they came to."""

from datetime import date

from django.urls import reverse

from groups.models import Category
from groups.services.attendance import check_in

from .factories import MeetingFactory, MembershipFactory, PersonFactory


def _person(branch, slug, **kwargs):
    person = PersonFactory(branch=branch, **kwargs)
    MembershipFactory(
        person=person, category=Category.objects.get(branch=branch, slug=slug), started_on=date(2015, 3, 1)
    )
    return person


def test_person_page_explains_each_rule(client_for, organiser, branch):
    supporter = _person(branch, "registered-supporter", first_name="Sam", last_name="Reg")
    html = client_for(organiser).get(reverse("person_detail", args=[branch.slug, supporter.pk])).content.decode()
    assert "Eligibility on" in html
    # "Everyone" admits them; "Party members only" does not, and says why.
    assert "✓ Eligible" in html and "✕ Not eligible" in html
    assert "No active Party member membership (holds: Registered supporter)" in html


def test_person_page_lists_meetings_attended(client_for, organiser, branch):
    member = _person(branch, "party-member", first_name="Ana", last_name="Silva")
    meeting = MeetingFactory(branch=branch, title="March branch meeting")
    check_in(meeting=meeting, person=member, actor=organiser)
    html = client_for(organiser).get(reverse("person_detail", args=[branch.slug, member.pk])).content.decode()
    assert "March branch meeting" in html
    assert "Not checked in at any meeting yet." not in html


def test_person_page_says_when_they_have_not_come_yet(client_for, organiser, branch):
    person = _person(branch, "supporter")
    html = client_for(organiser).get(reverse("person_detail", args=[branch.slug, person.pk])).content.decode()
    assert "Not checked in at any meeting yet." in html
