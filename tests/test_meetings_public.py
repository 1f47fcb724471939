import pytest
from django.core.cache import cache
from django.urls import reverse

from groups.models import AuditEvent, Membership, Person

from .factories import PersonFactory
from .meetings_helpers import at, make_meeting

pytestmark = pytest.mark.django_db
THANKS = "Thank you — the organisers will be in touch"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def open_meeting(branch, organiser):
    return make_meeting(
        branch, organiser, kind="open", status="published", title="Save the library", starts_at=at(2030, 10, 27),
        location="St Ann's Library",
    )  # fmt: skip


def _url(meeting):
    return reverse("public_meeting", args=[meeting.branch.slug, meeting.pk])


def _post(client, meeting, ip="203.0.113.7", **data):
    body = {"name": "Sam Jones", "email": "sam@example.org", "consent_email": "on", "website": ""}
    body.update(data)
    return client.post(_url(meeting), body, REMOTE_ADDR=ip)


def test_public_page_needs_no_sign_in_and_shows_local_time(client, open_meeting):
    response = client.get(_url(open_meeting))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Save the library" in body and "Sun 27 Oct 2030, 19:30" in body and "St Ann&#x27;s Library" in body
    assert "Register your interest" in body


@pytest.mark.parametrize(
    "changes", [{"status": "draft"}, {"kind": "organisational", "status": "published"}, {"status": "cancelled"}]
)
def test_only_published_open_meetings_have_a_public_page(client, branch, organiser, changes):
    values = {"kind": "open", "status": "published", **changes}
    meeting = make_meeting(branch, organiser, **values)
    assert client.get(_url(meeting)).status_code == 404
    assert _post(client, meeting).status_code == 404
    assert not Person.objects.exists()


def test_wrong_branch_slug_is_404(client, open_meeting, other_branch):
    assert client.get(reverse("public_meeting", args=[other_branch.slug, open_meeting.pk])).status_code == 404


def test_registration_creates_one_pending_supporter(client, branch, open_meeting):
    response = _post(client, open_meeting, email="Sam@Example.org")
    assert THANKS in response.content.decode()
    person = Person.objects.get()
    assert (person.first_name, person.last_name, person.email) == ("Sam", "Jones", "sam@example.org")
    # The consent ticked counts only once they follow the link sent to the address (tests/rights/test_consent.py).
    assert person.pending_review and not person.consent_email
    membership = Membership.objects.get(person=person)
    assert membership.category.slug == "supporter" and membership.status == "active"
    event = AuditEvent.objects.get(action="person.register_interest")
    assert event.actor is None and event.person_id == person.pk
    assert "sam@example.org" not in str(event.changes)


def test_known_email_creates_nothing_and_gets_the_same_response(client, branch, open_meeting):
    PersonFactory(branch=branch, email="known@example.org", first_name="Kim")
    fresh = _post(client, open_meeting, email="new@example.org", ip="198.51.100.1")
    known = _post(client, open_meeting, email="KNOWN@example.org", ip="198.51.100.2")
    assert fresh.status_code == known.status_code == 200
    strip = lambda r: r.content.decode().replace(r.wsgi_request.META.get("CSRF_COOKIE", ""), "")  # noqa: E731
    assert strip(fresh) == strip(known)
    assert Person.objects.filter(email__iexact="known@example.org").count() == 1
    assert Person.objects.get(email__iexact="known@example.org").first_name == "Kim"
    assert Person.objects.count() == 2
    assert AuditEvent.objects.filter(action="person.interest_known").count() == 1


def test_honeypot_filled_creates_nothing_with_the_same_response(client, open_meeting):
    response = _post(client, open_meeting, website="http://spam.example")
    assert THANKS in response.content.decode()
    assert not Person.objects.exists()


def test_honeypot_is_hidden_by_a_class_not_inline_style(client, open_meeting):
    body = client.get(_url(open_meeting)).content.decode()
    assert 'class="hp-field"' in body and "style=" not in body


def test_invalid_form_shows_errors_and_creates_nothing(client, open_meeting):
    response = _post(client, open_meeting, email="not-an-email", consent_email="")
    body = response.content.decode()
    assert "There is a problem" in body and THANKS not in body
    assert not Person.objects.exists()


def test_rate_limit_per_ip_after_five_posts(client, open_meeting):
    for i in range(5):
        assert _post(client, open_meeting, email=f"p{i}@example.org").status_code == 200
    blocked = _post(client, open_meeting, email="p6@example.org")
    assert blocked.status_code == 429
    assert "try again in an hour" in blocked.content.decode()
    assert Person.objects.count() == 5
    # Another address is not affected.
    assert _post(client, open_meeting, email="other@example.org", ip="192.0.2.9").status_code == 200
    assert Person.objects.count() == 6


def test_organiser_approves_and_rejects_pending_supporters(client_for, branch, organiser, open_meeting, client):
    _post(client, open_meeting, email="a@example.org", name="Ann Able")
    _post(client, open_meeting, email="b@example.org", name="Bob Bell")
    a, b = Person.objects.get(email="a@example.org"), Person.objects.get(email="b@example.org")
    org = client_for(organiser)
    page = org.get(reverse("meeting_pending", args=[branch.slug])).content.decode()
    assert "Ann Able" in page and "Bob Bell" in page
    org.post(reverse("meeting_pending_approve", args=[branch.slug, a.pk]))
    org.post(reverse("meeting_pending_reject", args=[branch.slug, b.pk]))
    a.refresh_from_db()
    assert not a.pending_review
    assert not Person.objects.filter(pk=b.pk).exists()
    assert AuditEvent.objects.filter(action="person.approve", actor=organiser, person_id=a.pk).exists()
    assert AuditEvent.objects.filter(action="person.reject", actor=organiser, person_id=b.pk).exists()
    # An approved person is no longer "pending": rejecting them now is a 404, not a deletion.
    assert org.post(reverse("meeting_pending_reject", args=[branch.slug, a.pk])).status_code == 404
    assert Person.objects.filter(pk=a.pk).exists()
