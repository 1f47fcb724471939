"""The invitations page person by person (issue 11, item 3): who was
invited, their reply, what happened to their email and when, filters, and
the call list an organiser phones from (on the page and as CSV)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.models import AuditEvent, Invitation, Reply, SendStatus

from ..invitation_helpers import members_meeting, person

pytestmark = pytest.mark.django_db


def _url(meeting, name="meeting_invitations"):
    return reverse(name, args=[meeting.branch.slug, meeting.pk])


def _invite(meeting, p, **kw):
    return Invitation.objects.create(meeting=meeting, person=p, **kw)


@pytest.fixture
def mixed(branch, organiser):
    """Five invited people, one of each kind an organiser deals with."""
    meeting = members_meeting(branch, organiser)
    now = timezone.now()
    _invite(
        meeting,
        person(branch, "Ana", phone="+447700900001"),
        send_status=SendStatus.SENT,
        sent_at=now,
        reply=Reply.YES,
        replied_at=now,
    )
    _invite(
        meeting, person(branch, "Bo", phone="+447700900002"), send_status=SendStatus.SENT, sent_at=now, reminded_at=now
    )
    _invite(
        meeting,
        person(branch, "Cy", consent=False, phone="+447700900003", consent_phone=True),
        send_status=SendStatus.NO_CONSENT,
    )
    _invite(meeting, person(branch, "Di", email=""), send_status=SendStatus.NO_EMAIL)
    _invite(meeting, person(branch, "Ed"), send_status=SendStatus.FAILED, send_error="Mailbox full")
    return meeting


def _names(html):
    import re

    return re.findall(r'class="person-name">([^<]+)</a>', html)


def test_everyone_invited_is_listed_with_reply_email_and_reminder(mixed, organiser, client_for):
    html = client_for(organiser).get(_url(mixed)).content.decode()
    assert _names(html) == ["Ana Test", "Bo Test", "Cy Test", "Di Test", "Ed Test"]
    assert "✓ </span>Yes</span>" in html
    assert "No reply yet" in html
    assert "No consent to email" in html and "No email address" in html and "Mailbox full" in html
    assert html.count("Reminded ") == 1
    # Email could not reach Cy, Di and Ed, and none has answered: three calls.
    assert "3 people need a phone call" in html
    assert html.count("Call: ") == 3
    assert 'href="tel:+447700900003"' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"reply": "yes"}, ["Ana Test"]),
        ({"reply": "none"}, ["Bo Test", "Cy Test", "Di Test", "Ed Test"]),
        ({"delivery": "failed"}, ["Ed Test"]),
        ({"delivery": "emailed", "reply": "none"}, ["Bo Test"]),
        ({"show": "calls"}, ["Cy Test", "Di Test", "Ed Test"]),
    ],
)
def test_filters(mixed, organiser, client_for, query, expected):
    html = client_for(organiser).get(_url(mixed), query).content.decode()
    assert _names(html) == expected


def test_a_filter_it_does_not_know_is_said_and_ignored(mixed, organiser, client_for):
    response = client_for(organiser).get(_url(mixed), {"reply": "<script>", "delivery": "failed"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "This filter was not understood" in html
    assert _names(html) == ["Ed Test"]


def test_two_days_before_everyone_who_has_not_answered_needs_a_call(branch, organiser, client_for):
    meeting = members_meeting(branch, organiser, starts_at=timezone.now() + timedelta(days=1))
    now = timezone.now()
    _invite(meeting, person(branch, "Ana"), send_status=SendStatus.SENT, sent_at=now, reply=Reply.NO)
    _invite(meeting, person(branch, "Bo"), send_status=SendStatus.SENT, sent_at=now)
    html = client_for(organiser).get(_url(meeting), {"show": "calls"}).content.decode()
    assert _names(html) == ["Bo Test"]
    assert "Call: No reply yet" in html and "the meeting is less than 2 days away" in html


QUERIES = 17  # session, user, roles, meeting, progress, replies, rule, categories, list, calls, stopped tasks
# … never one per row


@pytest.mark.parametrize("total", [3, 60])
def test_the_page_is_paginated_and_its_query_count_does_not_grow(
    branch, organiser, client_for, django_assert_num_queries, total
):
    meeting = members_meeting(branch, organiser)
    for i in range(total):
        p = person(branch, f"P{i:03d}", phone="+447700900100", consent=i % 2 == 0)
        _invite(
            meeting, p, send_status=SendStatus.SENT if i % 2 == 0 else SendStatus.NO_CONSENT, reminded_at=timezone.now()
        )
    client = client_for(organiser)
    client.get(_url(meeting))  # warm the session
    with django_assert_num_queries(QUERIES):
        response = client.get(_url(meeting), {"reply": "none"})
    assert len(_names(response.content.decode())) == min(total, 50)
    if total > 50:
        html = client.get(_url(meeting), {"reply": "none", "page": 2}).content.decode()
        assert len(_names(html)) == total - 50 and "Page 2 of 2" in html


def test_the_call_list_downloads_as_safe_csv_and_is_audited(mixed, branch, organiser, client_for):
    evil = person(branch, '=HYPERLINK("http://x")', phone="+447700900009")
    _invite(mixed, evil, send_status=SendStatus.NO_CONSENT)
    response = client_for(organiser).get(_url(mixed, "meeting_invitations_call_list"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Name", "Phone", "Agreed to phone calls", "Why to call", "Reply"]
    # By name: "=" sorts first, and is neutralised so a spreadsheet shows it as text.
    assert [r[0] for r in rows[1:]] == ['\'=HYPERLINK("http://x") Test', "Cy Test", "Di Test", "Ed Test"]
    # A leading "+" could start a formula too: phones are escaped like every other cell.
    assert rows[2] == ["Cy Test", "'+447700900003", "yes", "No consent to email", "No reply yet"]
    assert rows[3][1:4] == ["", "no", "No email address"]
    assert rows[4][3] == "Email failed"
    event = AuditEvent.objects.get(action="invitations.export_call_list")
    assert event.actor == organiser and event.changes == {"rows": 4}
    assert "Cy" not in event.summary and "7700" not in str(event.changes)


def test_stewards_and_other_branches_cannot_see_the_list_or_the_call_list(mixed, steward, outsider, client_for):
    for user, status in ((steward, 403), (outsider, 404)):
        client = client_for(user)
        assert client.get(_url(mixed)).status_code == status
        assert client.get(_url(mixed, "meeting_invitations_call_list")).status_code == status
    assert not AuditEvent.objects.filter(action="invitations.export_call_list").exists()
