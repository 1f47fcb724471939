"""Pages anyone can open without signing in."""

from groups.services import calendar_feeds

from ..meetings_helpers import make_meeting
from . import Entry


def _open_meeting(w):
    meeting = make_meeting(w.branch, w.organiser, kind="open", status="published")
    return {"slug": w.branch.slug, "meeting_id": meeting.pk}


def _invitation(w):
    from groups.models import Invitation, Person

    meeting = make_meeting(w.branch, w.organiser, status="published")
    person = Person.objects.create(branch=w.branch, first_name="Ria", email="ria@example.org", consent_email=True)
    return Invitation.objects.create(meeting=meeting, person=person)


def _rsvp(w):
    from groups.services.invitations import rsvp_token

    return {"token": rsvp_token(_invitation(w))}


def _unsubscribe(w):
    from groups.services.invitations import unsubscribe_token

    return {"token": unsubscribe_token(_invitation(w).person)}


def _confirm(w):
    from groups.models import Person
    from groups.services.consent import confirm_token

    person = Person.objects.create(branch=w.branch, first_name="Kit", email="kit@example.org", pending_review=True)
    return {"token": confirm_token(person)}


def _feed(w):
    _, token = calendar_feeds.create_calendar_feed(user=w.organiser)
    return {"token": token}


ENTRIES = {
    "public_meeting": Entry(kwargs=_open_meeting),
    "public_feed": Entry(kwargs=lambda w: {"slug": w.branch.slug}),
    "private_feed": Entry(kwargs=_feed),
    # Signed links from invitation emails: the token is the key, no sign-in.
    "rsvp": Entry(kwargs=_rsvp),
    "unsubscribe": Entry(kwargs=_unsubscribe),
    # The register-interest form's double opt-in link, and the branch's privacy notice.
    "confirm_email": Entry(kwargs=_confirm),
    "privacy_notice": Entry(kwargs=lambda w: {"slug": w.branch.slug}),
    # Where the links of a test email lead: records nothing.
    "rsvp_test": Entry(kwargs=lambda w: {}),
}
