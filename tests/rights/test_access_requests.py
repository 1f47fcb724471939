"""Subject-access requests logged by organisers (issue 15 item 2): the day one
arrived, the deadline one calendar month later, answered; audited; another
branch's request is a 404."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.errors import Conflict, InvalidInput
from groups.models import AuditEvent, SubjectAccessRequest
from groups.services.access_requests import log_request, mark_answered, one_month_after

from ..factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "received, due",
    [
        (date(2026, 3, 3), date(2026, 4, 3)),
        (date(2026, 1, 31), date(2026, 2, 28)),  # no 31 February: the month's last day
        (date(2028, 1, 31), date(2028, 2, 29)),  # a leap year
        (date(2026, 12, 15), date(2027, 1, 15)),  # across the year
    ],
)
def test_the_answer_is_due_one_calendar_month_after_it_arrived(received, due):
    assert one_month_after(received) == due


def test_logging_a_request_shows_its_deadline_on_their_data_page(client_for, organiser, branch):
    person = PersonFactory(branch=branch, first_name="Ana", last_name="Silva")
    client = client_for(organiser)
    received = timezone.localdate() - timedelta(days=3)
    response = client.post(
        reverse("access_request_log", args=[branch.slug, person.pk]), {"received_on": received.isoformat()}
    )
    assert response.status_code == 302
    logged = SubjectAccessRequest.objects.get(person=person)
    assert (logged.received_on, logged.due_on, logged.logged_by) == (received, one_month_after(received), organiser)
    event = AuditEvent.objects.get(action="person.access_request")
    assert event.person_id == person.pk and event.actor == organiser
    html = client.get(reverse("person_data", args=[branch.slug, person.pk])).content.decode()
    assert "Requests for their data" in html and f"{logged.due_on:%-d %b %Y}" in html and "Due in" in html
    assert reverse("access_request_answered", args=[branch.slug, person.pk, logged.pk]) in html


def test_an_overdue_request_says_so_and_answering_it_is_recorded(client_for, organiser, branch):
    person = PersonFactory(branch=branch)
    logged = log_request(person=person, actor=organiser, received_on=timezone.localdate() - timedelta(days=40))
    client = client_for(organiser)
    assert "Overdue" in client.get(reverse("person_data", args=[branch.slug, person.pk])).content.decode()
    client.post(reverse("access_request_answered", args=[branch.slug, person.pk, logged.pk]))
    logged.refresh_from_db()
    assert logged.answered_on == branch.today()
    assert AuditEvent.objects.filter(action="person.access_answered", person_id=person.pk).count() == 1
    with pytest.raises(Conflict):
        mark_answered(request=logged, actor=organiser)


def test_a_date_in_the_future_or_not_a_date_is_refused_and_nothing_is_written(client_for, organiser, branch):
    person = PersonFactory(branch=branch)
    with pytest.raises(InvalidInput):
        log_request(person=person, actor=organiser, received_on=timezone.localdate() + timedelta(days=2))
    response = client_for(organiser).post(
        reverse("access_request_log", args=[branch.slug, person.pk]), {"received_on": "yesterday"}, follow=True
    )
    assert "Give the day the request arrived" in response.content.decode()
    assert not SubjectAccessRequest.objects.exists()


def test_another_branchs_request_is_a_404_and_stays_unanswered(client_for, organiser, branch, other_branch):
    theirs = PersonFactory(branch=other_branch)
    logged = SubjectAccessRequest.objects.create(
        person=theirs, received_on=date(2026, 11, 1), due_on=date(2026, 12, 1), logged_at=timezone.now()
    )
    ours = PersonFactory(branch=branch)
    client = client_for(organiser)
    assert client.post(reverse("access_request_answered", args=[branch.slug, ours.pk, logged.pk])).status_code == 404
    assert client.post(reverse("access_request_answered", args=[branch.slug, theirs.pk, logged.pk])).status_code == 404
    logged.refresh_from_db()
    assert logged.answered_on is None
