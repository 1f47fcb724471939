"""Before sending (issue 11, item 3): the exact email one person would get,
shown on the page, and sent as a test to the organiser themselves — marked as
a test, with links that answer, unsubscribe and check in no one, and without
an invitation row."""

from __future__ import annotations

from django.db import transaction

from ..errors import Conflict
from ..models import AuditAction, Invitation, Meeting, Person
from . import audit
from .invitations import invitation_email


def _unsaved(meeting: Meeting, person: Person) -> Invitation:
    return Invitation(meeting=meeting, person=person)


def preview(*, meeting: Meeting, person: Person, base_url: str, reminder: bool = False) -> dict[str, str]:
    """The subject and the plain-text body the person would receive (links made harmless)."""
    message = invitation_email(_unsaved(meeting, person), base_url=base_url, reminder=reminder, inert=True)
    return {"subject": message.subject, "body": message.body.strip(), "to": person.email}


def send_test(*, meeting: Meeting, person: Person, actor, base_url: str, reminder: bool = False) -> str:
    """Send the email `person` would get to the signed-in organiser. Returns the address it went to."""
    address = (getattr(actor, "email", "") or "").strip()
    if not address:
        raise Conflict("Your account has no email address to send the test to.", code="no_address")
    message = invitation_email(_unsaved(meeting, person), base_url=base_url, reminder=reminder, test_to=address)
    try:
        message.send()
    except Exception as exc:  # a transport failure is the organiser's message, not a 500
        raise Conflict(f"The test email could not be sent: {str(exc) or type(exc).__name__}", code="failed") from None
    with transaction.atomic(durable=True):
        audit.record(
            actor=actor,
            branch=meeting.branch,
            action=AuditAction.MEETING_INVITE_TEST,
            obj=meeting,
            summary=f"Sent themselves a test {'reminder' if reminder else 'invitation'} for “{meeting.title}”",
            changes={"as_person": person.pk, "reminder": reminder},
        )
    return address
