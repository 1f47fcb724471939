"""Inviting people to a meeting and hearing back (issue 5, item 3).

- send_invitations: invite everyone the attendance rule admits, or a chosen
  few (people the rule refuses are turned away, each with the reason).
  Invitation rows are unique per meeting and person, so sending again only
  adds the newly admitted and retries emails that never went.
- The emails go through a django-tasks background task (`deliver`), which
  emails only people who agreed to email and have an address, and records
  on each invitation what happened (send_status, sent_at, send_error).
- send_reminders: one more email to those who have not answered, never
  twice within REMINDER_GAP.
- Signed links: answering yes / no / maybe without signing in, and
  unsubscribing (honoured: consent_email goes off, with a timestamp).

Unlike most services, send_invitations and send_reminders commit their
rows first and enqueue the task after, so a database-backed worker finds
the rows it is asked to send.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from email.mime.image import MIMEImage
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from ..eligibility.decisions import decide, decisions_for, eligible_people
from ..errors import Conflict, InvalidInput
from ..exports.qr import door_token
from ..models import AuditAction, Invitation, Meeting, MeetingStatus, Person, Reply, SendStatus
from ..normalise import one_line
from ..queries.invitations import STALE_QUEUE
from ..sql import as_id
from . import audit, consent

RSVP_SALT = "rollcall.invitation.rsvp"
UNSUBSCRIBE_SALT = "rollcall.invitation.unsubscribe"
RSVP_MAX_AGE = timedelta(days=60)
REMINDER_GAP = timedelta(hours=24)
BATCH = 200  # invitations per background task
# An answer link keeps working until this long after the meeting ends.
AFTER_MEETING = timedelta(hours=6)


def _now(at: datetime | None) -> datetime:
    return at or timezone.now()


def site_url(base_url: str | None = None) -> str:
    return (base_url or getattr(settings, "SITE_URL", "") or "http://localhost:8000").rstrip("/")


# --- signed links -------------------------------------------------------------


def rsvp_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk}, salt=RSVP_SALT, compress=False)


def read_rsvp_token(token: str, *, now: datetime | None = None) -> Invitation | None:
    """The invitation a link names, or None when the link was tampered with,
    is older than RSVP_MAX_AGE, or its meeting is over."""
    try:
        value = signing.loads(token, salt=RSVP_SALT, max_age=RSVP_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    pk = value.get("i") if isinstance(value, dict) else None
    if not isinstance(pk, int):
        return None
    invitation = (
        Invitation.objects.select_related("meeting__branch", "meeting__attendance_rule", "person").filter(pk=pk).first()
    )
    if invitation is None:
        return None
    meeting = invitation.meeting
    end = meeting.ends_at or meeting.starts_at
    if _now(now) > end + AFTER_MEETING:
        return None
    return invitation


def unsubscribe_token(person: Person) -> str:
    return signing.dumps({"p": person.pk}, salt=UNSUBSCRIBE_SALT, compress=False)


def read_unsubscribe_token(token: str) -> Person | None:
    """The person an unsubscribe link names (these links do not expire)."""
    try:
        value = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    pk = value.get("p") if isinstance(value, dict) else None
    if not isinstance(pk, int):
        return None
    return Person.objects.select_related("branch").filter(pk=pk).first()


# --- who may be invited -------------------------------------------------------


def _check_sendable(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.DRAFT:
        raise Conflict("Publish the meeting before inviting people.", code="draft")
    if meeting.status == MeetingStatus.CANCELLED:
        raise Conflict("This meeting is cancelled; no one can be invited.", code="cancelled")
    if meeting.status == MeetingStatus.HELD or meeting.starts_at < timezone.now():
        raise Conflict("This meeting has already taken place.", code="held")


def admitted_people(meeting: Meeting):
    """Everyone the attendance rule admits on the eligibility date (people
    waiting for an organiser's review are left out)."""
    people = eligible_people(meeting.branch, meeting.attendance_rule, meeting.effective_eligibility_date)
    return people.filter(pending_review=False)


def plan(*, meeting: Meeting, person_ids=None) -> dict[str, Any]:
    """Who an invitation would go to: {"ids": [...], "refused": [(person, reason)]}.
    With person_ids, each chosen person is checked against the rule."""
    if person_ids is None:
        return {"ids": list(admitted_people(meeting).values_list("pk", flat=True)), "refused": []}
    try:
        wanted = set(map(as_id, person_ids))
    except TypeError:
        raise InvalidInput("The selection is not a list of people.", code="bad_selection") from None
    if not wanted:
        raise InvalidInput("Choose at least one person to invite.", code="nothing_selected")
    people = list(Person.objects.filter(branch=meeting.branch, pk__in=[i for i in wanted if i]))
    if len(people) != len(wanted):
        # Not an id (None), a stale page (someone deleted since) or another branch's id: say so, invite nobody.
        raise InvalidInput(
            "Some of the chosen people are not in this branch (any more). Reload the list and choose again.",
            code="unknown_people",
        )
    ids, refused = [], []
    as_of = meeting.effective_eligibility_date
    for person, decision in decisions_for(people, meeting.attendance_rule, branch=meeting.branch, as_of=as_of):
        if person.pending_review:
            refused.append((person, "Waiting for an organiser’s review."))
        elif decision.eligible:
            ids.append(person.pk)
        else:
            refused.append((person, "; ".join(decision.reasons) or "The attendance rule does not admit them."))
    return {"ids": ids, "refused": refused}


# --- sending ------------------------------------------------------------------


def send_invitations(
    *, meeting: Meeting, actor, person_ids=None, base_url: str | None = None, at: datetime | None = None
) -> dict[str, Any]:
    """Invite everyone the rule admits (person_ids=None) or the chosen people.
    Returns {"invited": new rows, "already": already invited, "queued": emails
    queued, "refused": [(person, reason)]}."""
    now = _now(at)
    with transaction.atomic(durable=True):
        meeting = (
            Meeting.objects.select_for_update(of=("self",))
            .select_related("branch", "attendance_rule")
            .get(pk=meeting.pk)
        )
        _check_sendable(meeting)
        chosen = plan(meeting=meeting, person_ids=person_ids)
        ids = chosen["ids"]
        existing = set(
            Invitation.objects.filter(meeting=meeting, person_id__in=ids).values_list("person_id", flat=True)
        )
        new = [pk for pk in ids if pk not in existing]
        Invitation.objects.bulk_create(
            [Invitation(meeting=meeting, person_id=pk) for pk in new], ignore_conflicts=True, batch_size=1000
        )
        # Emails that never went: new rows, failures, and people skipped
        # earlier (they may have agreed to email since). Never a second copy.
        to_send = Invitation.objects.filter(meeting=meeting, person_id__in=ids, sent_at__isnull=True).exclude(
            _queued_recently(now)
        )
        queue = list(to_send.values_list("pk", flat=True))
        Invitation.objects.filter(pk__in=queue).update(send_status=SendStatus.QUEUED, send_error="", queued_at=now)
        audit.record(
            actor=actor,
            branch=meeting.branch,
            action=AuditAction.MEETING_INVITE,
            obj=meeting,
            summary=(
                f"Invited {len(new):,} {'person' if len(new) == 1 else 'people'} to “{meeting.title}”"
                f" ({len(queue):,} to email, {len(chosen['refused']):,} refused)"
            ),
            changes={
                "chosen": "everyone admitted" if person_ids is None else "selected",
                "invited": len(new),
                "already_invited": len(existing),
                "queued": len(queue),
                "refused": len(chosen["refused"]),
            },
            at=now,
        )
        plan_reminder(meeting, now=now, base_url=base_url)
    _enqueue(queue, base_url=site_url(base_url), reminder=False, meeting_id=meeting.pk)
    return {"invited": len(new), "already": len(existing), "queued": len(queue), "refused": chosen["refused"]}


def _queued_recently(now: datetime) -> Q:
    """Queued and not yet given up on (see STALE_QUEUE); rows queued before
    queued_at existed count as recent."""
    return Q(send_status=SendStatus.QUEUED) & (Q(queued_at__isnull=True) | Q(queued_at__gte=now - STALE_QUEUE))


def reminder_candidates(meeting: Meeting, *, now: datetime):
    return Invitation.objects.filter(meeting=meeting, reply=Reply.NONE, sent_at__isnull=False).filter(
        Q(reminded_at__isnull=True) | Q(reminded_at__lt=now - REMINDER_GAP)
    )


def send_reminders(*, meeting: Meeting, actor, base_url: str | None = None, at: datetime | None = None) -> int:
    """Queue a reminder to each emailed invitee who has not answered and was
    not reminded in the last REMINDER_GAP. Returns how many were queued."""
    now = _now(at)
    with transaction.atomic(durable=True):
        meeting = Meeting.objects.select_for_update().select_related("branch").get(pk=meeting.pk)
        _check_sendable(meeting)
        ids = list(reminder_candidates(meeting, now=now).values_list("pk", flat=True))
        audit.record(
            actor=actor,
            branch=meeting.branch,
            action=AuditAction.MEETING_REMIND,
            obj=meeting,
            summary=f"Sent reminders about “{meeting.title}” to {len(ids):,} who have not answered",
            changes={"queued": len(ids)},
            at=now,
        )
    _enqueue(ids, base_url=site_url(base_url), reminder=True, meeting_id=meeting.pk)
    return len(ids)


# --- the automatic reminder -----------------------------------------------------
# Planned when invitations go out, at meeting.remind_days_before days before the
# start, as a task with run_after. The meeting remembers the time planned
# (reminder_planned_for); a task finding another time there (the meeting moved,
# the setting changed, or it already ran) sends nothing, and a new task waits
# for the new time. Backends that cannot wait (the inline one in development)
# leave it to `manage.py send_due_reminders`, run from cron.


def reminder_due(meeting: Meeting) -> datetime | None:
    if not meeting.remind_days_before:
        return None
    return meeting.starts_at - timedelta(days=meeting.remind_days_before)


def plan_reminder(meeting: Meeting, *, now: datetime | None = None, base_url: str | None = None) -> datetime | None:
    """(Re)plan the automatic reminder, inside the caller's transaction on a
    locked meeting: when it is due, or None when none will go (off, not
    published, nobody invited, or too late)."""
    now = _now(now)
    due = reminder_due(meeting)
    if (
        due is None
        or due <= now
        or meeting.status != MeetingStatus.PUBLISHED
        or not Invitation.objects.filter(meeting=meeting).exists()
    ):
        due = None
    if meeting.reminder_planned_for != due:
        Meeting.objects.filter(pk=meeting.pk).update(reminder_planned_for=due)
        meeting.reminder_planned_for = due
        if due is not None and remind.get_backend().supports_defer:
            kwargs = {"meeting_id": meeting.pk, "due": due.isoformat(), "base_url": site_url(base_url)}
            transaction.on_commit(lambda: remind.using(run_after=due).enqueue(**kwargs))
    return due


@task()
def remind(*, meeting_id: int, due: str, base_url: str) -> dict[str, int]:
    """The automatic reminder planned for `due` (an ISO time)."""
    return send_automatic_reminders(meeting_id=meeting_id, due=datetime.fromisoformat(due), base_url=base_url)


def automatic_reminder_candidates(meeting: Meeting, *, now: datetime):
    """Emailed at least a day ago, not answered, never automatically reminded,
    not reminded by hand in the last day, and still happy to get email."""
    return reminder_candidates(meeting, now=now).filter(
        auto_reminded_at__isnull=True,
        sent_at__lte=now - REMINDER_GAP,
        person__consent_email=True,
    )


def send_automatic_reminders(
    *, meeting_id: int, due: datetime, base_url: str | None = None, now: datetime | None = None
) -> dict[str, int]:
    """Send the reminder planned for `due`, if that is still the plan and its
    time has come; nothing for a cancelled, held, past or moved meeting."""
    now = _now(now)
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    with transaction.atomic(durable=True):
        meeting = Meeting.objects.select_for_update().select_related("branch").filter(pk=meeting_id).first()
        if meeting is None or meeting.reminder_planned_for != due or reminder_due(meeting) != due or due > now:
            return counts  # stale, already done, or early: the task planned for the right time will do it
        Meeting.objects.filter(pk=meeting.pk).update(reminder_planned_for=None)
        if meeting.status != MeetingStatus.PUBLISHED or meeting.starts_at <= now:
            return counts
        ids = list(automatic_reminder_candidates(meeting, now=now).values_list("pk", flat=True))
        audit.record(
            actor=None,
            branch=meeting.branch,
            action=AuditAction.MEETING_REMIND,
            obj=meeting,
            summary=f"Automatic reminders about “{meeting.title}” to {len(ids):,} who have not answered",
            changes={"queued": len(ids), "automatic": True, "days_before": meeting.remind_days_before},
            at=now,
        )
    return deliver_now(ids, base_url=site_url(base_url), reminder=True, auto=True)


def _enqueue(ids: list[int], *, base_url: str, reminder: bool, meeting_id: int | None = None) -> None:
    for start in range(0, len(ids), BATCH):
        deliver.enqueue(
            invitation_ids=ids[start : start + BATCH], base_url=base_url, reminder=reminder, meeting_id=meeting_id
        )


@task()
def deliver(
    *, invitation_ids: list[int], base_url: str, reminder: bool = False, meeting_id: int | None = None
) -> dict[str, int]:
    """Email each invitation (or reminder). Runs in the background; each
    invitation is settled in its own small transaction. `meeting_id` names the
    page a stopped batch is shown on (groups/services/task_runs.py)."""
    return deliver_now(invitation_ids, base_url=base_url, reminder=reminder)


def resume_automatic_reminders(*, meeting_id: int, base_url: str, now: datetime | None = None) -> dict[str, int]:
    """The automatic reminder again, after its task stopped part-way (it had
    claimed its planned time, so it cannot simply run again): to those still
    not automatically reminded, while the meeting is published and ahead."""
    now = _now(now)
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None or meeting.status != MeetingStatus.PUBLISHED or meeting.starts_at <= now:
        return {"sent": 0, "failed": 0, "skipped": 0}
    ids = list(automatic_reminder_candidates(meeting, now=now).values_list("pk", flat=True))
    return deliver_now(ids, base_url=site_url(base_url), reminder=True, auto=True)


def deliver_now(invitation_ids: list[int], *, base_url: str, reminder: bool, auto: bool = False) -> dict[str, int]:
    """deliver's work, for a task already running (the automatic reminder's)."""
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    for pk in invitation_ids:
        counts[_deliver_one(pk, base_url=base_url, reminder=reminder, auto=auto)] += 1
    return counts


def _deliver_one(pk: int, *, base_url: str, reminder: bool, auto: bool = False) -> str:
    with transaction.atomic(durable=True):
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("person", "meeting__branch")
            .filter(pk=pk)
            .first()
        )
        if invitation is None:
            return "skipped"
        person, now = invitation.person, timezone.now()
        if reminder:
            recent = invitation.reminded_at and invitation.reminded_at > now - REMINDER_GAP
            # Re-checked under the lock: the meeting may have been cancelled or
            # the person may have answered or unsubscribed since it was queued.
            meeting = invitation.meeting
            over = meeting.status != MeetingStatus.PUBLISHED or meeting.starts_at <= now
            if (
                invitation.reply
                or recent
                or over
                or (auto and invitation.auto_reminded_at)
                or not consent.may_contact(person, consent.Channel.EMAIL, consent.Purpose.SERVICE)
            ):
                return "skipped"
        elif invitation.sent_at is not None:
            return "skipped"
        elif not consent.may_contact(person, consent.Channel.EMAIL, consent.Purpose.SERVICE):
            # Asked at send time, on the row just locked: a withdrawal since it was queued stops it.
            status = SendStatus.NO_CONSENT if not person.consent_email else SendStatus.NO_EMAIL
            Invitation.objects.filter(pk=pk).update(send_status=status, send_error="")
            return "skipped"
        try:
            invitation_email(invitation, base_url=base_url, reminder=reminder).send()
        except Exception as exc:  # any transport failure is recorded, not raised
            if not reminder:
                Invitation.objects.filter(pk=pk).update(
                    send_status=SendStatus.FAILED, send_error=(str(exc) or type(exc).__name__)[:200]
                )
            return "failed"
        if reminder:
            Invitation.objects.filter(pk=pk).update(reminded_at=now, **({"auto_reminded_at": now} if auto else {}))
        else:
            Invitation.objects.filter(pk=pk).update(sent_at=now, send_status=SendStatus.SENT, send_error="")
        return "sent"


def links(invitation: Invitation, *, base_url: str) -> dict[str, str]:
    meeting = invitation.meeting
    base = site_url(base_url)
    slug = meeting.branch.slug
    token = door_token(meeting.pk, invitation.person_id)
    return {
        "rsvp": base + reverse("rsvp", args=[rsvp_token(invitation)]),
        "unsubscribe": base + reverse("unsubscribe", args=[unsubscribe_token(invitation.person)]),
        "door_qr": base + reverse("door_qr_image", args=[slug, meeting.pk, token]),
        "door_open": base + reverse("door_qr_open", args=[slug, meeting.pk, token]),
        "privacy": base + reverse("privacy_notice", args=[slug]),
    }


def test_links(*, base_url: str) -> dict[str, str]:
    """A test email's links: all to a page saying it was a test, so the
    organiser cannot answer, unsubscribe or check in for the person shown."""
    url = site_url(base_url) + reverse("rsvp_test")
    return {"rsvp": url, "unsubscribe": url, "door_qr": url, "door_open": url, "privacy": url}


def invitation_email(
    invitation: Invitation, *, base_url: str, reminder: bool = False, test_to: str | None = None, inert: bool = False
) -> EmailMultiAlternatives:
    """The email: plain text and simple HTML with the meeting's details (in
    the branch's local time), the personal answer link, the door pass as an
    attached PNG QR code, and an unsubscribe link. With test_to: the same
    email marked as a test, to that address, with links that do nothing
    (inert: those links, unmarked, for the preview on the page)."""
    import segno

    meeting, person = invitation.meeting, invitation.person
    urls = test_links(base_url=base_url) if test_to or inert else links(invitation, base_url=base_url)
    with timezone.override(meeting.branch.zone):
        context = {
            "meeting": meeting,
            "person": person,
            "branch": meeting.branch,
            "reminder": reminder,
            "test": bool(test_to),
            "starts": timezone.localtime(meeting.starts_at),
            "ends": timezone.localtime(meeting.ends_at) if meeting.ends_at else None,
            "zone": meeting.branch.zone.key,
            **{f"{k}_url": v for k, v in urls.items()},
        }
        when = context["starts"].strftime("%a %-d %b %Y, %H:%M")
        text = render_to_string("groups/email/invitation.txt", context)
        html = render_to_string("groups/email/invitation.html", context)
    subject = one_line(f"{'TEST – ' if test_to else ''}{'Reminder: ' if reminder else ''}{meeting.title} – {when}")
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[test_to or person.email],
        # RFC 8058: a mail client's own "unsubscribe" button POSTs to the link, one click.
        headers={"List-Unsubscribe": f"<{urls['unsubscribe']}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
    message.attach_alternative(html, "text/html")
    import io

    png = io.BytesIO()
    segno.make(urls["door_open"], error="m").save(png, kind="png", scale=6, border=2)
    image = MIMEImage(png.getvalue(), "png")
    image.add_header("Content-ID", "<door-pass>")
    image.add_header("Content-Disposition", "inline", filename="door-pass.png")
    message.mixed_subtype = "related"
    message.attach(image)
    return message


# --- answers and unsubscribing -----------------------------------------------


@transaction.atomic(durable=True)
def record_reply(*, invitation: Invitation, reply: str, actor=None, at: datetime | None = None) -> Invitation:
    """Yes / no / maybe, from a signed link (actor None) or My meetings."""
    return _record_reply(invitation=invitation, reply=reply, actor=actor, at=at)


def _record_reply(*, invitation: Invitation, reply: str, actor, at: datetime | None) -> Invitation:
    """record_reply inside the caller's transaction (record_reply's own, or reply_as_member's)."""
    now = _now(at)
    if reply not in (Reply.YES, Reply.NO, Reply.MAYBE):
        raise InvalidInput("Answer yes, no or maybe.", code="bad_reply")
    invitation = (
        Invitation.objects.select_for_update(of=("self",)).select_related("meeting__branch").get(pk=invitation.pk)
    )
    meeting = invitation.meeting
    if meeting.status == MeetingStatus.CANCELLED:
        raise Conflict("This meeting has been cancelled, so there is nothing to answer.", code="cancelled")
    if reply == Reply.YES and invitation.reply != Reply.YES and meeting.capacity is not None:
        # Lock the meeting first: two people answering yes at once must not both
        # take the last place (each locks only their own invitation above).
        list(Meeting.objects.select_for_update().filter(pk=meeting.pk).values_list("pk", flat=True))
        taken = Invitation.objects.filter(meeting=meeting, reply=Reply.YES).count()
        if taken >= meeting.capacity:
            raise Conflict("Sorry — the meeting is full, so a yes cannot be taken.", code="full")
    old = invitation.reply
    if old == reply:
        return invitation
    invitation.reply = reply
    invitation.replied_at = now
    invitation.save(update_fields=["reply", "replied_at"])
    audit.record(
        actor=actor,
        branch=meeting.branch,
        action=AuditAction.INVITATION_REPLY,
        obj=invitation,
        person_id=invitation.person_id,
        summary=f"Answered “{Reply(reply).label}” to “{meeting.title}”",
        changes={"reply": {"old": old, "new": reply}, "meeting": meeting.pk},
        at=now,
    )
    return invitation


@transaction.atomic(durable=True)
def reply_as_member(*, meeting: Meeting, person: Person, reply: str, actor, at: datetime | None = None) -> Invitation:
    """A signed-in member answers from My meetings. They may answer only a
    published, upcoming meeting the attendance rule admits them to; an
    invitation is created when they had none (without an email)."""
    if meeting.branch_id != person.branch_id:
        raise InvalidInput("This meeting is not one of your branch's.", code="other_branch")
    if meeting.status != MeetingStatus.PUBLISHED or meeting.starts_at < _now(at):
        raise Conflict("This meeting is not taking answers.", code="not_open")
    if meeting.attendance_rule is not None:
        decision = decide(meeting.attendance_rule, meeting.effective_eligibility_date, person=person)
        if not decision.eligible:
            raise Conflict("This meeting’s attendance rule does not admit you.", code="not_eligible")
    invitation, _ = Invitation.objects.get_or_create(meeting=meeting, person=person)
    return _record_reply(invitation=invitation, reply=reply, actor=actor, at=at)


@transaction.atomic(durable=True)
def unsubscribe(*, person: Person, at: datetime | None = None) -> bool:
    """Stop email to this person, one click from any email: their consent to
    email for service messages and for campaigning withdrawn, each with its
    history row (method "link"). Returns False when they had already
    withdrawn both."""
    now = _now(at)
    person = Person.objects.select_for_update().select_related("branch").get(pk=person.pk)
    was = {"consent_email": person.consent_email, "campaign_email": person.campaign_email}
    withdrawn = [
        purpose
        for purpose in (consent.Purpose.SERVICE, consent.Purpose.CAMPAIGNING)
        if consent.record_within(
            person=person,
            channel=consent.Channel.EMAIL,
            purpose=purpose,
            given=False,
            method=consent.ConsentMethod.LINK,
            actor=None,
            at=now,
        )
    ]
    if not withdrawn:
        return False
    audit.record(
        actor=None,
        branch=person.branch,
        action=AuditAction.PERSON_UNSUBSCRIBE,
        obj=person,
        person_id=person.pk,
        summary=f"Person {person.pk} unsubscribed from email through a link",
        changes={key: {"old": old, "new": False} for key, old in was.items() if old},
        at=now,
    )
    return True
