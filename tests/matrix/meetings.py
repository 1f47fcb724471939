from groups.models import Person

from ..meetings_helpers import make_meeting
from . import Entry


def _meeting(w, **kw):
    return {"slug": w.branch.slug, "meeting_id": make_meeting(w.branch, w.organiser, **kw).pk}


def _published(w):
    return _meeting(w, status="published")


def _pending(w):
    person = Person.objects.create(branch=w.branch, first_name="Pat", email="pat@example.org", pending_review=True)
    return {"slug": w.branch.slug, "person_id": person.pk}


ENTRIES = {
    "meeting_list": Entry(need="view_meetings"),
    "meeting_calendar": Entry(need="view_meetings"),
    "meeting_create": Entry(need="manage_meetings"),
    "meeting_kind_defaults": Entry(need="manage_meetings"),
    "meeting_pending": Entry(need="manage_meetings"),
    "meeting_pending_approve": Entry(kwargs=_pending, need="manage_meetings", method="post"),
    "meeting_pending_reject": Entry(kwargs=_pending, need="manage_meetings", method="post"),
    "meeting_detail": Entry(kwargs=_meeting, need="view_meetings"),
    "meeting_edit": Entry(kwargs=_meeting, need="manage_meetings"),
    "meeting_duplicate": Entry(kwargs=_meeting, need="manage_meetings"),
    "meeting_cancel": Entry(kwargs=_meeting, need="manage_meetings"),
    "meeting_publish": Entry(kwargs=_meeting, need="manage_meetings", method="post"),
    "meeting_close": Entry(kwargs=_meeting, need="manage_meetings", method="post"),
    "meeting_reopen": Entry(kwargs=_meeting, need="manage_meetings", method="post"),
    # Members may download the .ics of a published meeting (not of a draft).
    "meeting_ics": Entry(kwargs=_published, need="view_branch"),
    "meeting_invitations": Entry(kwargs=_published, need="manage_meetings"),
    "meeting_invitations_progress": Entry(kwargs=_published, need="manage_meetings"),
    "meeting_invitations_preview": Entry(kwargs=_published, need="manage_meetings"),
    "meeting_invitations_reminder": Entry(
        kwargs=_published, need="manage_meetings", method="post", data=lambda w: {"remind_days_before": "3"}
    ),
    # The call list holds names and phone numbers: an export of member data.
    "meeting_invitations_call_list": Entry(kwargs=_published, need="export_people"),
    "calendar_feed_settings": Entry(kwargs=lambda w: {}),
}
