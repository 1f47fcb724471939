"""The demo branch's people: a realistic mix, and the demo member's own record."""

from datetime import timedelta

from django.utils import timezone

from groups.demo import build_demo
from groups.models import Membership, Person


def test_demo_people_have_a_realistic_mix(db):
    branch = build_demo(people=120)
    people = Person.objects.filter(branch=branch)
    assert people.count() == 120
    memberships = Membership.objects.filter(branch=branch)
    slugs = set(memberships.values_list("category__slug", flat=True))
    assert slugs == {"party-member", "registered-supporter", "affiliated-supporter", "supporter"}
    today = timezone.localdate()
    assert memberships.filter(status="lapsed").exists()
    assert memberships.filter(started_on__gte=today - timedelta(days=60), category__slug="party-member").exists()
    assert memberships.filter(continuous_since__isnull=False).exists()
    assert people.filter(date_of_birth__isnull=True).exists()
    assert people.filter(email="").exists()
    assert people.filter(date_of_birth__gt=today - timedelta(days=27 * 365)).exists()
    assert set(people.exclude(ward="").values_list("ward", flat=True)) <= {
        "Tottenham Green",
        "Harringay",
        "St Ann's",
        "Seven Sisters",
    }
    assert people.filter(consent_email=True).count() > people.count() / 2


def test_demo_member_has_their_own_party_membership(db):
    branch = build_demo(people=10)
    person = Person.objects.get(branch=branch, email="member@example.org")
    assert person.user.email == "member@example.org"
    assert person.memberships.get().category.slug == "party-member"
