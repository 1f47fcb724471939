"""Telling a nominee that someone else nominated them and that the
nomination stands only once they accept it (issue 13): an email, through the
task queue once the nomination has committed, to a nominee who agreed to
service email (services/consent.py may_contact, asked at send time on the row
read then); My elections shows the same with Accept and Decline either way."""

from __future__ import annotations

import logging

from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from ..models import Channel, Nomination, Purpose
from ..normalise import one_line
from .consent import may_contact
from .invitations import site_url

logger = logging.getLogger(__name__)


def tell_nominee_on_commit(nomination: Nomination) -> None:
    """Inside the nomination's write: queue the email for after its commit."""
    pk, base = nomination.pk, site_url()
    transaction.on_commit(lambda: tell_nominee.enqueue(nomination_id=pk, base_url=base))


def notice_text(nomination: Nomination, *, base_url: str) -> tuple[str, str]:
    """The email's subject and body (plain text: names, the election, the
    closing time in the branch's zone, and where to answer)."""
    election, person = nomination.election, nomination.person
    branch = election.branch
    nominators = ", ".join(str(p) for p in nomination.nominators.order_by("last_name", "first_name")) or "A member"
    closes = ""
    if election.nominations_close_at:
        local = timezone.localtime(election.nominations_close_at, branch.zone)
        closes = f" before nominations close on {local:%a %-d %b %Y, %H:%M}"
    url = site_url(base_url) + reverse("my_elections", args=[branch.slug])
    body = (
        f"Dear {person.first_name or 'member'},\n\n"
        f"{nominators} nominated you in “{election.title}” ({branch.name}).\n\n"
        f"The nomination stands only if you accept it{closes}. If you do not, it lapses.\n\n"
        f"Accept or decline it on My elections: {url}\n\n"
        "You are receiving this because you agreed to be contacted by email about the branch's business.\n"
        f"Privacy notice: {site_url(base_url) + reverse('privacy_notice', args=[branch.slug])}"
    )
    return one_line(f"You have been nominated: {election.title}"), body


@task()
def tell_nominee(*, nomination_id: int, base_url: str) -> bool:
    """Send the notice if the nomination still awaits the nominee and they
    may be emailed now. True when sent."""
    nomination = Nomination.objects.select_related("person", "election__branch").filter(pk=nomination_id).first()
    if nomination is None or not nomination.awaiting_consent:
        return False
    if not may_contact(nomination.person, Channel.EMAIL, Purpose.SERVICE):
        return False
    subject, body = notice_text(nomination, base_url=base_url)
    try:
        send_mail(subject=subject, message=body, from_email=None, recipient_list=[nomination.person.email])
    except Exception as exc:  # a transport failure is logged (never the address); the page still shows it
        logger.warning("A nomination notice for nomination %s failed: %s", nomination_id, type(exc).__name__)
        return False
    return True
