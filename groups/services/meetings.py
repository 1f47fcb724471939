"""Calling meetings: create, change, duplicate, publish, cancel; the kinds'
default attendance rules; people registering interest from a public page;
private calendar feeds."""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.mail import get_connection, send_mail
from django.db import transaction
from django.utils import timezone

from .. import normalise
from ..errors import Conflict, InvalidInput
from ..models import (
    Branch,
    CalendarFeed,
    Category,
    Invitation,
    KindDefault,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Membership,
    Person,
    QuorumCombine,
    Rule,
)
from . import audit

logger = logging.getLogger(__name__)

# Which preset rule each kind of meeting starts with (by the preset's name;
# see groups/services/rules.py). Kinds not listed start with no rule (anyone).
DEFAULT_RULE_NAMES = {
    MeetingKind.OPEN: "Everyone",
    MeetingKind.SOCIAL: "Everyone",
    MeetingKind.ORGANISATIONAL: "Party members only",
    MeetingKind.AGM: "Party members only",
    MeetingKind.SELECTION: "Party members only",
    MeetingKind.OTHER: "Everyone",
}

# Fields a meeting's form and API may set, in the order audit diffs list them.
EDITABLE = [
    "title",
    "kind",
    "agenda",
    "description",
    "starts_at",
    "ends_at",
    "location",
    "online_link",
    "attendance_rule",
    "voting_rule",
    "eligibility_date",
    "quorum",
    "quorum_percent",
    "quorum_combine",
    "capacity",
]
_USE_KIND_DEFAULT = object()


# --- kinds' default attendance rules ---


def create_kind_defaults(*, branch: Branch) -> None:
    """Called inside create_branch's transaction, after the preset rules."""
    rules = {r.name: r for r in Rule.objects.filter(branch=branch, name__in=set(DEFAULT_RULE_NAMES.values()))}
    KindDefault.objects.bulk_create(
        KindDefault(branch=branch, kind=kind, attendance_rule=rules.get(DEFAULT_RULE_NAMES.get(kind, "")))
        for kind in MeetingKind.values
    )


def kind_defaults(branch: Branch) -> dict[str, Rule | None]:
    """{kind: rule or None} for every kind (kinds without a row: no rule)."""
    out: dict[str, Rule | None] = dict.fromkeys(MeetingKind.values)
    for d in KindDefault.objects.filter(branch=branch).select_related("attendance_rule"):
        out[d.kind] = d.attendance_rule
    return out


@transaction.atomic
def set_kind_defaults(*, branch: Branch, defaults: dict[str, Rule | None], actor) -> None:
    current = kind_defaults(branch)
    changes = {}
    for kind, rule in defaults.items():
        if kind not in MeetingKind.values:
            raise InvalidInput("Choose one of the kinds of meeting.", code="bad_kind")
        _check_rule(branch, rule, "attendance rule")
        if current.get(kind) != rule:
            KindDefault.objects.update_or_create(branch=branch, kind=kind, defaults={"attendance_rule": rule})
            changes[kind] = {"old": getattr(current.get(kind), "pk", None), "new": getattr(rule, "pk", None)}
    if changes:
        audit.record(
            actor=actor,
            branch=branch,
            action="meeting.kind_defaults",
            object_type="branch",
            object_id=branch.pk,
            summary="Changed the usual attendance rules for kinds of meeting",
            changes=changes,
        )


# --- validation ---


def _check_rule(branch: Branch, rule: Rule | None, what: str) -> None:
    if rule is not None and rule.branch_id != branch.pk:
        raise InvalidInput(f"The {what} must be one of this branch's rules.", code="rule_other_branch")


# Quorum and capacity: people, so far below what the integer columns hold
# (PostgreSQL's integer stops at 2,147,483,647; a larger number was a 500).
MAX_COUNT = 1_000_000


def _clean(branch: Branch, data: dict[str, Any]) -> dict[str, Any]:
    """Check a complete set of meeting fields; returns them tidied."""
    data = dict(data)
    data["title"] = (data.get("title") or "").strip()
    if not data["title"]:
        raise InvalidInput("Give the meeting a title.", code="title_required")
    if data.get("kind") not in MeetingKind.values:
        raise InvalidInput("Choose what kind of meeting this is.", code="bad_kind")
    starts, ends = data.get("starts_at"), data.get("ends_at")
    if not isinstance(starts, datetime):
        raise InvalidInput("Say when the meeting starts.", code="starts_required")
    for value in (starts, ends):
        if value is not None and timezone.is_naive(value):
            raise InvalidInput("Meeting times must include a time zone.", code="naive_datetime")
    if ends is not None and ends < starts:
        raise InvalidInput("The meeting cannot end before it starts.", code="ends_before_starts")
    for value in (starts, ends):
        # Before 1970 time zones carry historical offsets (London's was -00:01:15);
        # no branch meets then, and such a date is a typing mistake.
        if value is not None and not (1970 <= value.year <= 2200):
            raise InvalidInput("Check the meeting's dates: the year looks wrong.", code="bad_year")
    frozen = data.get("eligibility_date")
    if frozen is not None and not (1900 <= frozen.year <= 2200):
        raise InvalidInput("Check the eligibility date: the year looks wrong.", code="bad_year")
    pct = data.get("quorum_percent")
    if pct is not None:
        try:
            pct = Decimal(str(pct))
        except InvalidOperation:
            raise InvalidInput(
                "The quorum percentage must be a number from 0 to 100.", code="bad_quorum_percent"
            ) from None
        if not Decimal(0) <= pct <= Decimal(100):
            raise InvalidInput("The quorum percentage must be between 0 and 100.", code="bad_quorum_percent")
        data["quorum_percent"] = pct
    for field, label in (("quorum", "quorum"), ("capacity", "capacity")):
        value = data.get(field)
        if value is not None and (not isinstance(value, int) or not 0 <= value <= MAX_COUNT):
            raise InvalidInput(
                f"The {label} must be a whole number, 0 or more (at most {MAX_COUNT:,}).", code=f"bad_{field}"
            )
    if data.get("quorum_combine", QuorumCombine.GREATER) not in QuorumCombine.values:
        raise InvalidInput("Choose “the greater” or “the lesser” of the two quorums.", code="bad_quorum_combine")
    _check_rule(branch, data.get("attendance_rule"), "attendance rule")
    _check_rule(branch, data.get("voting_rule"), "voting rule")
    for text in ("location", "online_link", "agenda", "description"):
        data[text] = (data.get(text) or "").strip()
    if data["online_link"] and not data["online_link"].startswith(("https://", "http://")):
        raise InvalidInput("The online link must start with https://.", code="bad_online_link")
    return data


# --- meetings ---


@transaction.atomic
def create_meeting(
    *,
    branch: Branch,
    actor,
    title: str,
    kind: str,
    starts_at: datetime,
    ends_at: datetime | None = None,
    location: str = "",
    online_link: str = "",
    agenda: str = "",
    description: str = "",
    attendance_rule: Any = _USE_KIND_DEFAULT,
    voting_rule: Rule | None = None,
    eligibility_date: date | None = None,
    quorum: int | None = None,
    quorum_percent: Decimal | None = None,
    quorum_combine: str = QuorumCombine.GREATER,
    capacity: int | None = None,
    status: str = MeetingStatus.DRAFT,
) -> Meeting:
    """A new meeting (a draft unless `status` says otherwise). Without an
    attendance rule it takes the branch's usual rule for its kind; an empty
    eligibility date means the meeting's own date (Meeting.effective_eligibility_date)."""
    if attendance_rule is _USE_KIND_DEFAULT:
        attendance_rule = kind_defaults(branch).get(kind)
    if status not in MeetingStatus.values:
        raise InvalidInput("Unknown meeting status.", code="bad_status")
    data = _clean(branch, {k: v for k, v in locals().items() if k in EDITABLE})
    meeting = Meeting.objects.create(branch=branch, status=status, created_by=_user(actor), **data)
    audit.record(
        actor=actor,
        branch=branch,
        action="meeting.create",
        obj=meeting,
        summary=f"Created the meeting “{meeting.title}”",
        changes={
            f: {"old": None, "new": audit._plain(getattr(meeting, f))} for f in ("title", "kind", "starts_at", "status")
        },
    )
    return meeting


@transaction.atomic
def update_meeting(*, meeting: Meeting, actor, **changes) -> Meeting:
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InvalidInput(f"These cannot be changed here: {', '.join(sorted(unknown))}.", code="bad_field")
    meeting = Meeting.objects.select_for_update().select_related("branch").get(pk=meeting.pk)
    if meeting.status == MeetingStatus.CANCELLED:
        raise Conflict("This meeting has been cancelled; duplicate it to call a new one.", code="cancelled")
    current = {f: getattr(meeting, f) for f in EDITABLE}
    data = _clean(meeting.branch, {**current, **changes})
    diff = audit.diff(meeting, {f: data[f] for f in changes})
    if not diff:
        return meeting
    for field in diff:
        setattr(meeting, field, data[field])
    meeting.save()
    audit.record(
        actor=actor,
        branch=meeting.branch,
        action="meeting.update",
        obj=meeting,
        summary=f"Changed the meeting “{meeting.title}”",
        changes=diff,
    )
    return meeting


@transaction.atomic
def duplicate_meeting(*, meeting: Meeting, actor, starts_at: datetime) -> Meeting:
    """The same meeting on a new date, as a draft: for a regular meeting. The
    end moves with the start; a set eligibility date moves by the same amount."""
    if not isinstance(starts_at, datetime) or timezone.is_naive(starts_at):
        raise InvalidInput("Say when the new meeting starts.", code="starts_required")
    shift = starts_at - meeting.starts_at
    values = {f: getattr(meeting, f) for f in EDITABLE}
    values["starts_at"] = starts_at
    if meeting.ends_at:
        values["ends_at"] = meeting.ends_at + shift
    if meeting.eligibility_date:
        old_local = meeting.branch.local_date(meeting.starts_at)
        new_local = meeting.branch.local_date(starts_at)
        values["eligibility_date"] = meeting.eligibility_date + (new_local - old_local)
    copy = create_meeting(branch=meeting.branch, actor=actor, **values)
    audit.record(
        actor=actor,
        branch=meeting.branch,
        action="meeting.duplicate",
        obj=copy,
        summary=f"Duplicated “{meeting.title}” to a new date",
        changes={"copied_from": {"old": None, "new": meeting.pk}},
    )
    return copy


@transaction.atomic
def publish_meeting(*, meeting: Meeting, actor) -> Meeting:
    meeting = Meeting.objects.select_for_update().select_related("branch").get(pk=meeting.pk)
    if meeting.status == MeetingStatus.PUBLISHED:
        return meeting
    if meeting.status != MeetingStatus.DRAFT:
        raise Conflict(
            f"Only a draft can be published; this meeting is {meeting.get_status_display().lower()}.",
            code="not_draft",
        )
    meeting.status = MeetingStatus.PUBLISHED
    meeting.save(update_fields=["status", "updated_at"])
    audit.record(
        actor=actor,
        branch=meeting.branch,
        action="meeting.publish",
        obj=meeting,
        summary=f"Published the meeting “{meeting.title}”",
        changes={"status": {"old": MeetingStatus.DRAFT, "new": MeetingStatus.PUBLISHED}},
    )
    return meeting


@transaction.atomic
def cancel_meeting(*, meeting: Meeting, actor, reason: str, at: datetime | None = None) -> Meeting:
    """Cancel, with a reason invitees are told (by email, once the change is
    committed, to those who agreed to email)."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Say why the meeting is cancelled; invitees are told.", code="reason_required")
    meeting = Meeting.objects.select_for_update().select_related("branch").get(pk=meeting.pk)
    if meeting.status == MeetingStatus.CANCELLED:
        raise Conflict("This meeting is already cancelled.", code="already_cancelled")
    if meeting.status == MeetingStatus.HELD:
        raise Conflict("This meeting has already been held; it cannot be cancelled.", code="held")
    old = meeting.status
    meeting.status = MeetingStatus.CANCELLED
    meeting.cancel_reason = reason
    meeting.cancelled_at = at or timezone.now()
    meeting.save(update_fields=["status", "cancel_reason", "cancelled_at", "updated_at"])
    audit.record(
        actor=actor,
        branch=meeting.branch,
        action="meeting.cancel",
        obj=meeting,
        summary=f"Cancelled the meeting “{meeting.title}”",
        changes={"status": {"old": old, "new": MeetingStatus.CANCELLED}, "cancel_reason": {"old": "", "new": reason}},
    )
    transaction.on_commit(lambda: notify_cancellation(meeting))
    return meeting


def notify_cancellation(meeting: Meeting) -> int:
    """Email the meeting's invitees who agreed to email that it is cancelled.
    Returns how many were sent; nothing happens when no one is invited."""
    invitees = (
        Invitation.objects.filter(meeting=meeting, person__consent_email=True)
        .exclude(person__email="")
        .select_related("person")
    )
    when = timezone.localtime(meeting.starts_at, meeting.branch.zone).strftime("%a %-d %b %Y, %H:%M")
    sent = 0
    # One connection for them all; a failure for one invitee does not stop the
    # rest (this runs after the cancellation committed: there is no undoing it).
    connection = get_connection()
    for invitation in invitees:
        person = invitation.person
        try:
            _send_cancellation(meeting, person, when, connection)
        except Exception as exc:  # any transport failure: counted and logged (never the address)
            logger.warning("A cancellation email for meeting %s failed: %s", meeting.pk, type(exc).__name__)
        else:
            sent += 1
    return sent


def _send_cancellation(meeting: Meeting, person, when: str, connection) -> None:
    send_mail(
        subject=f"Cancelled: {meeting.title} ({when})",
        message=(
            f"Dear {person.first_name or person.full_name or 'member'},\n\n"
            f"{meeting.branch.name} has cancelled “{meeting.title}”, which was to be held on {when}"
            f"{' at ' + meeting.location if meeting.location else ''}.\n\n"
            f"Reason: {meeting.cancel_reason}\n\n"
            "You are receiving this because you were invited and agreed to be contacted by email."
        ),
        from_email=None,
        recipient_list=[person.email],
        connection=connection,
    )


# --- interest registered from a public page ---


@transaction.atomic
def register_interest(
    *, meeting: Meeting, name: str, email: str, consent_email: bool, at: datetime | None = None
) -> Person | None:
    """Someone not yet known asks to hear about meetings. Creates a Supporter
    pending an organiser's review, or — when the email is already known —
    records only that they asked (never a duplicate, and the caller answers
    the same either way). Returns the new person, or None."""
    now = at or timezone.now()
    branch = meeting.branch
    if not meeting.is_open_and_published:
        raise InvalidInput("This meeting is not open for registration.", code="not_open")
    name = " ".join((name or "").split())
    if not name:
        raise InvalidInput("Enter your name.", code="name_required")
    try:
        email = normalise.email_address(email)
    except normalise.NormaliseError:
        email = ""
    if not email:
        raise InvalidInput("Enter your email address.", code="email_required")
    known = Person.objects.filter(branch=branch, email__iexact=email).first()
    if known is not None:
        audit.record(
            actor=None,
            branch=branch,
            action="person.interest_known",
            obj=meeting,
            person_id=known.pk,
            summary=f"Someone already known registered interest in “{meeting.title}”",
            at=now,
        )
        return None
    first, _, last = name.partition(" ")
    person = Person.objects.create(
        branch=branch,
        first_name=first[:100],
        last_name=last[:100],
        email=email.lower(),
        consent_email=bool(consent_email),
        consent_email_at=now if consent_email else None,
        pending_review=True,
    )
    category = Category.objects.filter(branch=branch, slug="supporter").first()
    if category is not None:
        Membership.objects.create(person=person, branch=branch, category=category, started_on=now.date())
    audit.record(
        actor=None,
        branch=branch,
        action="person.register_interest",
        obj=person,
        person_id=person.pk,
        summary=f"Registered interest through the page of “{meeting.title}”",
        changes={"pending_review": {"old": None, "new": True}, "meeting": {"old": None, "new": meeting.pk}},
        at=now,
    )
    return person


@transaction.atomic
def approve_supporter(*, person: Person, actor) -> Person:
    person = Person.objects.select_for_update().select_related("branch").get(pk=person.pk)
    if not person.pending_review:
        return person
    person.pending_review = False
    person.save(update_fields=["pending_review", "updated_at"])
    audit.record(
        actor=actor,
        branch=person.branch,
        action="person.approve",
        obj=person,
        person_id=person.pk,
        summary="Approved a supporter who registered interest",
        changes={"pending_review": {"old": True, "new": False}},
    )
    return person


@transaction.atomic
def reject_supporter(*, person: Person, actor) -> None:
    person = Person.objects.select_for_update().select_related("branch").get(pk=person.pk)
    if not person.pending_review:
        raise Conflict("Only people waiting for review can be rejected here.", code="not_pending")
    if person.attendances.exists():
        # Attendance records stay (as people.delete_person says): someone who came is approved instead.
        raise Conflict(
            "This person was checked in at a meeting, and attendance records stay: approve them instead.",
            code="person_has_attendance",
        )
    audit.record(
        actor=actor,
        branch=person.branch,
        action="person.reject",
        obj=person,
        person_id=person.pk,
        summary="Rejected and deleted a registration of interest",
    )
    person.delete()


# --- private calendar feeds ---


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def create_calendar_feed(*, user, at: datetime | None = None) -> tuple[CalendarFeed, str]:
    """A new private feed; any earlier one stops working. Returns the feed and
    the raw token (stored only hashed, so shown once)."""
    now = at or timezone.now()
    CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(user=user, token_hash=_hash(token), created_at=now)
    audit.record(actor=user, branch=None, action="calendar_feed.create", obj=feed, at=now)
    return feed, token


@transaction.atomic
def revoke_calendar_feed(*, user, at: datetime | None = None) -> int:
    now = at or timezone.now()
    count = CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    if count:
        audit.record(actor=user, branch=None, action="calendar_feed.revoke", object_type="calendarfeed", at=now)
    return count


def find_calendar_feed(token: str) -> CalendarFeed | None:
    return (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=_hash(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None
