from django.utils import timezone

from groups.models import Minutes, MinutesStatus

from ..factories import MeetingFactory
from . import Entry


def _m(w):
    return {"slug": w.branch.slug, "meeting_id": MeetingFactory(branch=w.branch).pk}


def _minutes(status):
    def kwargs(w):
        meeting = MeetingFactory(branch=w.branch)
        now = timezone.now()
        approved = {"approved_at": now} if status == MinutesStatus.APPROVED else {}
        Minutes.objects.create(meeting=meeting, text="# Minutes\n", generated_at=now, status=status, **approved)
        return {"slug": w.branch.slug, "meeting_id": meeting.pk}

    return kwargs


ENTRIES = {
    # Anyone with a role reads approved minutes and the decisions register; the
    # secretary (an organiser) drafts, edits and approves. A meeting still open
    # has no minutes yet: drafting sends the organiser back with the reason.
    "meeting_minutes": Entry(kwargs=_m, need="view_branch"),
    "minutes_draft": Entry(kwargs=_m, need="manage_minutes", method="post"),
    "minutes_edit": Entry(kwargs=_minutes(MinutesStatus.DRAFT), need="manage_minutes"),
    # No agenda item chosen: back to the minutes with what to do.
    "minutes_approve": Entry(kwargs=_minutes(MinutesStatus.DRAFT), need="manage_minutes", method="post"),
    "minutes_pdf": Entry(kwargs=_minutes(MinutesStatus.APPROVED), need="view_branch"),
    "minutes_markdown": Entry(kwargs=_minutes(MinutesStatus.APPROVED), need="view_branch"),
    "decisions_register": Entry(need="view_branch"),
}
