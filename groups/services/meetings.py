"""Calling meetings: create, change, duplicate and publish. Cancelling is in
services/cancellations.py, each kind's usual rule in services/kind_defaults.py,
registrations of interest in services/registrations.py and private calendar
feeds in services/calendar_feeds.py."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from ..errors import Conflict, InvalidInput
from ..models import AuditAction, Branch, Meeting, MeetingKind, MeetingStatus, QuorumCombine, Rule
from . import audit
from .kind_defaults import check_rule, kind_defaults

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
    check_rule(branch, data.get("attendance_rule"), "attendance rule")
    check_rule(branch, data.get("voting_rule"), "voting rule")
    for text in ("location", "online_link", "agenda", "description"):
        data[text] = (data.get(text) or "").strip()
    if data["online_link"] and not data["online_link"].startswith(("https://", "http://")):
        raise InvalidInput("The online link must start with https://.", code="bad_online_link")
    return data


# --- meetings ---


@transaction.atomic(durable=True)
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
    return _create_meeting(
        branch=branch, actor=actor, values={k: v for k, v in locals().items() if k in EDITABLE}, status=status
    )


def _create_meeting(*, branch: Branch, actor, values: dict[str, Any], status: str) -> Meeting:
    """create_meeting with every EDITABLE value given, inside the caller's
    transaction (create_meeting's, or duplicate_meeting's)."""
    if status not in MeetingStatus.values:
        raise InvalidInput("Unknown meeting status.", code="bad_status")
    data = _clean(branch, values)
    meeting = Meeting.objects.create(branch=branch, status=status, created_by=_user(actor), **data)
    audit.record(
        actor=actor,
        branch=branch,
        action=AuditAction.MEETING_CREATE,
        obj=meeting,
        summary=f"Created the meeting “{meeting.title}”",
        changes={
            f: {"old": None, "new": audit._plain(getattr(meeting, f))} for f in ("title", "kind", "starts_at", "status")
        },
    )
    return meeting


@transaction.atomic(durable=True)
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
        action=AuditAction.MEETING_UPDATE,
        obj=meeting,
        summary=f"Changed the meeting “{meeting.title}”",
        changes=diff,
    )
    return meeting


@transaction.atomic(durable=True)
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
    copy = _create_meeting(branch=meeting.branch, actor=actor, values=values, status=MeetingStatus.DRAFT)
    audit.record(
        actor=actor,
        branch=meeting.branch,
        action=AuditAction.MEETING_DUPLICATE,
        obj=copy,
        summary=f"Duplicated “{meeting.title}” to a new date",
        changes={"copied_from": {"old": None, "new": meeting.pk}},
    )
    return copy


@transaction.atomic(durable=True)
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
        action=AuditAction.MEETING_PUBLISH,
        obj=meeting,
        summary=f"Published the meeting “{meeting.title}”",
        changes={"status": {"old": MeetingStatus.DRAFT, "new": MeetingStatus.PUBLISHED}},
    )
    return meeting


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None
