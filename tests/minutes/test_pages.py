"""The minutes pages and the decisions register as people use them: the
secretary drafts, previews, edits and approves; members read approved minutes
only; downloads are a real PDF and Markdown; unsafe Markdown is made harmless;
the register searches, filters by date, pages, and runs a fixed number of
queries."""

import re
import zlib
from datetime import timedelta

import pytest
from django.urls import reverse

from groups.models import AuditEvent, Minutes, MinutesStatus, Motion, MotionState, Vote
from groups.services.agenda import add_agenda_item
from groups.services.minutes import approve_minutes, draft_minutes

from ..factories import MeetingFactory
from .helpers import AMENDED, held, later_meeting

pytestmark = pytest.mark.django_db


def _u(name, meeting):
    return reverse(name, kwargs={"slug": meeting.branch.slug, "meeting_id": meeting.pk})


def pdf_text(data: bytes) -> str:
    """The words an fpdf2 PDF draws: each content stream inflated, its strings joined."""
    out = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            body = zlib.decompress(stream).decode("latin-1")
        except zlib.error:
            continue
        out.append("".join(re.findall(r"\(((?:\\.|[^\\)])*)\)\s*Tj", body)))
    return " ".join(out).replace("\\(", "(").replace("\\)", ")")


@pytest.fixture
def client_for(db):
    """A client of its own per user: the secretary and a member side by side."""
    from django.test import Client

    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def h(branch, organiser):
    return held(branch, organiser, title="March branch meeting")


def test_the_secretary_drafts_previews_edits_and_approves(h, branch, organiser, member, client_for):
    secretary, reader = client_for(organiser), client_for(member)
    page = secretary.get(_u("meeting_minutes", h.meeting)).content.decode()
    assert "Draft the minutes" in page
    assert secretary.post(_u("minutes_draft", h.meeting)).status_code == 302
    page = secretary.get(_u("meeting_minutes", h.meeting)).content.decode()
    assert "<h2>Minutes: March branch meeting</h2>" in page  # the document's title, under the page's h1
    assert f"Moved by {h.voters[0].full_name}" in page and "Draft: only organisers see it" in page
    # a member sees no draft, and cannot download one
    shown = reader.get(_u("meeting_minutes", h.meeting)).content.decode()
    assert "No approved minutes yet" in shown and h.voters[0].full_name not in shown
    assert reader.get(_u("minutes_pdf", h.meeting)).status_code == 404
    assert reader.get(_u("minutes_markdown", h.meeting)).status_code == 404
    assert reader.get(_u("minutes_edit", h.meeting)).status_code == 403

    minutes = Minutes.objects.get()
    form = secretary.get(_u("minutes_edit", h.meeting)).content.decode()
    assert "<textarea" in form and "That this branch meets monthly in the library." in form
    words = minutes.text + "\nThe chair thanked the librarians.\n"
    preview = secretary.post(_u("minutes_edit", h.meeting), {"text": words, "version": 1, "preview": "1"})
    assert preview.status_code == 200 and "Preview (not saved yet)" in preview.content.decode()
    assert "The chair thanked the librarians." in preview.content.decode()
    assert Minutes.objects.get().version == 1  # a preview saves nothing
    saved = secretary.post(_u("minutes_edit", h.meeting), {"text": words, "version": 1, "save": "1"})
    assert saved.status_code == 302 and "The chair thanked the librarians." in Minutes.objects.get().text
    stale = secretary.post(_u("minutes_edit", h.meeting), {"text": "Older copy.", "version": 1})
    assert stale.status_code == 409 and "Someone saved these minutes" in stale.content.decode()

    later = later_meeting(branch, h.meeting)
    add_agenda_item(meeting=later, actor=organiser, title="Apologies")
    item = add_agenda_item(meeting=later, actor=organiser, title="Minutes of the last meeting")
    choices = secretary.get(_u("meeting_minutes", h.meeting)).content.decode().split('id="approve-item"')[1]
    # the item about minutes is offered first
    assert choices.index("2. Minutes of the last meeting") < choices.index("1. Apologies")
    assert secretary.post(_u("minutes_approve", h.meeting), {"item": item.pk}).status_code == 302
    assert Minutes.objects.get().status == MinutesStatus.APPROVED
    # approved: read by members, no longer editable
    shown = reader.get(_u("meeting_minutes", h.meeting)).content.decode()
    assert "Approved at April branch meeting" in shown and "The chair thanked the librarians." in shown
    assert "Edit the minutes" not in secretary.get(_u("meeting_minutes", h.meeting)).content.decode()
    r = secretary.post(_u("minutes_edit", h.meeting), {"text": "Rewritten.", "version": 2})
    assert r.status_code == 302 and "Rewritten." not in Minutes.objects.get().text


def test_downloads_are_a_pdf_and_markdown_with_the_minutes_in_them(h, branch, organiser, member, client_for):
    minutes = draft_minutes(meeting=h.meeting, actor=organiser)
    item = add_agenda_item(meeting=later_meeting(branch, h.meeting), actor=organiser, title="Minutes")
    approve_minutes(minutes=minutes, actor=organiser, item=item)
    reader = client_for(member)
    r = reader.get(_u("minutes_pdf", h.meeting))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    text = pdf_text(r.content)
    assert "Minutes: March branch meeting" in text and f"Moved by {h.voters[0].full_name}" in text
    assert "3 for, 1 against, 1 abstaining" in text and "Approved at April branch meeting" in text
    assert '"the central library"' in text  # typographic quotes as plain ones in the PDF's fonts
    md = reader.get(_u("minutes_markdown", h.meeting))
    assert md.status_code == 200 and md["Content-Type"].startswith("text/markdown")
    assert md.content.decode() == minutes.text
    # the file name carries the meeting's id and date, never a person's name
    assert re.fullmatch(r'attachment; filename="minutes-\d+-\d{4}-\d\d-\d\d\.md"', md["Content-Disposition"])
    exports = AuditEvent.objects.filter(action="minutes.export").values_list("changes__format", flat=True)
    assert sorted(exports) == ["markdown", "pdf"]


def test_unsafe_markdown_is_rendered_harmless(h, organiser, client_for):
    minutes = draft_minutes(meeting=h.meeting, actor=organiser)
    client = client_for(organiser)
    nasty = (
        "Fine words.\n\n<script>alert(1)</script>\n\n[click me](javascript:alert(2))\n\n"
        '<img src="x" onerror="alert(3)">\n\n<p style="color:red">styled</p>\n'
    )
    client.post(_u("minutes_edit", h.meeting), {"text": nasty, "version": minutes.version})
    page = client.get(_u("meeting_minutes", h.meeting)).content.decode()
    body = page.split('class="prose minutes-document"', 1)[1]
    assert "Fine words." in body
    assert "<script>alert" not in body and "javascript:" not in body and "onerror" not in body
    assert 'style="color' not in body


def test_minutes_of_an_open_meeting_wait_for_it_to_close(branch, organiser, client_for):
    meeting = MeetingFactory(branch=branch)
    client = client_for(organiser)
    page = client.get(_u("meeting_minutes", meeting)).content.decode()
    assert "Close the meeting" in page and "Draft the minutes" not in page
    r = client.post(_u("minutes_draft", meeting))
    assert "close the meeting first" in client.get(r["Location"]).content.decode()


def _carried(branch, n, *, text="That we support the bus campaign", days_ago=0, method="show_of_hands"):
    """`n` carried motions at one meeting, each with its closed vote (as the votes leave them)."""
    from django.utils import timezone

    meeting = MeetingFactory(branch=branch, starts_at=timezone.now() - timedelta(days=days_ago))
    for i in range(n):
        motion = Motion.objects.create(meeting=meeting, text=f"{text} number {i}.", state=MotionState.CARRIED)
        Vote.objects.create(
            meeting=meeting, motion=motion, question=motion.text, method=method, threshold="simple_majority",
            status="closed", result="carried", votes_for=10 + i, votes_against=2, abstain=1, entitled=20, voted=13,
            base=13, needed=7, closed_at=timezone.now(),
        )  # fmt: skip
    return meeting


def test_the_register_searches_filters_by_date_and_pages(branch, member, client_for):
    from django.utils import timezone

    _carried(branch, 2, text="That we support the bus campaign", days_ago=40)
    _carried(branch, 1, text="That we oppose the library closure", days_ago=3)
    lost = _carried(branch, 1, text="That we buy a minibus", days_ago=3)
    Motion.objects.filter(meeting=lost).update(state=MotionState.LOST)
    client = client_for(member)
    url = reverse("decisions_register", args=[branch.slug])
    page = client.get(url).content.decode()
    assert "3 decisions" in page and "minibus" not in page
    assert "10 for, 2 against, 1 abstaining" in page
    assert page.index("library closure") < page.index("bus campaign")  # newest first
    found = client.get(url, {"q": "LIBRARY closure"}).content.decode()
    assert "1 decision" in found and "bus campaign" not in found
    since = (timezone.now() - timedelta(days=10)).date().isoformat()
    recent = client.get(url, {"date_from": since}).content.decode()
    assert "library closure" in recent and "bus campaign" not in recent
    bad = client.get(url, {"date_from": "2026-05-01", "date_to": "2026-04-01"})
    assert bad.status_code == 200 and "on or after the start date" in bad.content.decode()
    none = client.get(url, {"q": "unicorns"}).content.decode()
    assert "No carried motion matches" in none
    _carried(branch, 25, text="That we thank the volunteers")
    first = client.get(url).content.decode()
    assert "Page 1 of 2" in first and "28 decisions" in first
    assert "Page 2 of 2" in client.get(url, {"page": 2}).content.decode()


def test_the_register_runs_a_fixed_number_of_queries(branch, member, client_for, django_assert_max_num_queries):
    client = client_for(member)
    url = reverse("decisions_register", args=[branch.slug])
    _carried(branch, 2)
    client.get(url)
    with django_assert_max_num_queries(9) as few:
        client.get(url)
    _carried(branch, 20, days_ago=5)
    _carried(branch, 5, days_ago=9)
    with django_assert_max_num_queries(len(few.captured_queries)):
        r = client.get(url)
    assert r.content.decode().count('class="card decision"') == 25


def test_members_find_the_register_in_the_navigation(branch, member, client_for):
    page = client_for(member).get(reverse("my_meetings", args=[branch.slug])).content.decode()
    assert f'href="{reverse("decisions_register", args=[branch.slug])}"' in page


def test_another_branchs_minutes_are_a_404(h, organiser, other_branch, outsider, client_for):
    draft_minutes(meeting=h.meeting, actor=organiser)
    client = client_for(outsider)
    for name in ("meeting_minutes", "minutes_pdf", "minutes_markdown", "minutes_edit"):
        assert client.get(_u(name, h.meeting)).status_code == 404
    # the other branch's slug with our meeting's id: 404 too
    url = reverse("meeting_minutes", kwargs={"slug": other_branch.slug, "meeting_id": h.meeting.pk})
    assert client.get(url).status_code == 404
    assert AMENDED not in client.get(url).content.decode()


def test_a_closed_meetings_agenda_leads_members_to_its_minutes(h, member, client_for):
    page = client_for(member).get(_u("meeting_agenda", h.meeting)).content.decode()
    assert f'href="{_u("meeting_minutes", h.meeting)}"' in page
