"""Minutes and the decisions register through the API (docs/API.md): the
secretary drafts, edits (with the version), approves; members read approved
minutes only; the register searches, filters by date, pages, with a fixed
number of queries."""

import pytest
from django.urls import reverse

from groups.models import Minutes
from groups.services.agenda import add_agenda_item

from .helpers import AMENDED, held, later_meeting
from .test_pages import _carried

pytestmark = pytest.mark.django_db


def _u(name, meeting):
    return reverse(name, kwargs={"branch_slug": meeting.branch.slug, "meeting_id": meeting.pk})


def test_draft_edit_approve_and_read(branch, organiser, member, steward, api):
    h = held(branch, organiser, title="March branch meeting")
    secretary, reader = api(organiser), api(member)
    assert secretary.get(_u("api-minutes-minutes", h.meeting)).status_code == 404  # none yet
    r = secretary.post(_u("api-minutes-draft", h.meeting), {}, format="json")
    assert r.status_code == 201 and r.json()["status"] == "draft" and r.json()["version"] == 1
    assert f"Moved by {h.voters[0].full_name}" in r.json()["text"] and AMENDED in r.json()["html"]
    again = secretary.post(_u("api-minutes-draft", h.meeting), {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "minutes_exist"
    assert secretary.post(_u("api-minutes-draft", h.meeting), {"replace": True}, format="json").status_code == 200
    # drafts are the organisers'
    assert reader.get(_u("api-minutes-minutes", h.meeting)).status_code == 404
    assert api(steward).get(_u("api-minutes-minutes", h.meeting)).status_code == 404
    assert (
        reader.patch(_u("api-minutes-minutes", h.meeting), {"text": "x", "version": 2}, format="json").status_code
        == 403
    )

    r = secretary.patch(
        _u("api-minutes-minutes", h.meeting), {"text": "# Minutes\n\nAgreed.", "version": 2}, format="json"
    )
    assert r.status_code == 200 and r.json()["version"] == 3 and "<p>Agreed.</p>" in r.json()["html"]
    stale = secretary.patch(_u("api-minutes-minutes", h.meeting), {"text": "Old copy", "version": 2}, format="json")
    assert stale.status_code == 409 and stale.json()["code"] == "minutes_stale"
    assert secretary.patch(_u("api-minutes-minutes", h.meeting), {"version": 3}, format="json").status_code == 400

    later = later_meeting(branch, h.meeting)
    item = add_agenda_item(meeting=later, actor=organiser, title="Minutes of the last meeting")
    bad = secretary.post(_u("api-minutes-approve", h.meeting), {"item": 999999}, format="json")
    assert bad.status_code == 400 and "item" in bad.json()
    r = secretary.post(_u("api-minutes-approve", h.meeting), {"item": item.pk}, format="json")
    assert r.status_code == 200 and r.json()["status"] == "approved"
    assert r.json()["approved_at_meeting"] == {"meeting": later.pk, "title": later.title, "item": item.pk}
    locked = secretary.patch(_u("api-minutes-minutes", h.meeting), {"text": "Changed", "version": 3}, format="json")
    assert locked.status_code == 409 and locked.json()["code"] == "minutes_approved"
    shown = reader.get(_u("api-minutes-minutes", h.meeting))
    assert shown.status_code == 200 and shown.json()["text"] == Minutes.objects.get().text


def test_drafting_an_open_meeting_is_refused(branch, organiser, api):
    from ..factories import MeetingFactory

    meeting = MeetingFactory(branch=branch)
    r = api(organiser).post(_u("api-minutes-draft", meeting), {}, format="json")
    assert r.status_code == 409 and r.json()["code"] == "meeting_not_closed"


def test_the_register(branch, member, outsider, api, django_assert_max_num_queries):
    _carried(branch, 2, text="That we support the bus campaign", days_ago=40)
    _carried(branch, 1, text="That we oppose the library closure", days_ago=3)
    url = reverse("api-decision-list", kwargs={"branch_slug": branch.slug})
    client = api(member)
    body = client.get(url).json()
    assert body["count"] == 3 and body["results"][0]["text"] == "That we oppose the library closure number 0."
    assert body["results"][0]["vote"]["votes_for"] == 10 and body["results"][0]["vote"]["against"] == 2
    assert client.get(url, {"q": "bus campaign"}).json()["count"] == 2
    newest = body["results"][0]["date"]
    assert client.get(url, {"since": newest}).json()["count"] == 1
    assert client.get(url, {"until": newest}).json()["count"] == 3
    bad = client.get(url, {"since": "2026-05-02", "until": "2026-05-01"})
    assert bad.status_code == 400 and "until" in bad.json()
    assert client.get(url, {"since": "yesterday"}).status_code == 400
    assert api(outsider).get(url).status_code == 404
    client.get(url)
    with django_assert_max_num_queries(8) as few:
        client.get(url)
    _carried(branch, 30, days_ago=5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        r = client.get(url, {"page_size": 30})
    assert len(r.json()["results"]) == 30 and r.json()["next"]
