"""Pages about the signed-in user: API tokens (not branch-scoped), and a
member's own pages (issue 5: every role may open them, capability view_own;
each finds the Person through the signed-in user)."""

from groups.models import Person

from ..meetings_helpers import make_meeting
from . import Entry


def _published(w):
    meeting = make_meeting(w.branch, w.organiser, status="published", kind="open")
    return {"slug": w.branch.slug, "meeting_id": meeting.pk}


def _linked_person(w):
    person = Person.objects.create(branch=w.branch, first_name="Lin", email="lin@example.org", user=w.organiser)
    return {"slug": w.branch.slug, "person_id": person.pk}


ENTRIES = {
    "api_tokens": Entry(kwargs=lambda w: {}),
    "api_token_revoke": Entry(kwargs=lambda w: {"token_id": 1}, method="post"),
    "sign_out_everywhere": Entry(kwargs=lambda w: {}, method="post"),
    "my_meetings": Entry(need="view_own"),
    "my_details": Entry(need="view_own"),
    "my_data": Entry(need="view_own"),
    # None of the matrix's users is linked to a person: sent back to My details.
    "my_data_json": Entry(need="view_own"),
    "my_meeting_reply": Entry(kwargs=_published, need="view_own", method="post", data=lambda w: {"reply": "yes"}),
    "person_unlink_user": Entry(kwargs=_linked_person, need="manage_people", method="post"),
}
