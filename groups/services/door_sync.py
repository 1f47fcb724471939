"""Check-ins sent by door devices, often offline and sent later (CONTRACT §9).

Each carries a nonce (a UUID the device made), the real time and the device's
name, and is kept as a DoorScan:

- the same nonce twice is one check-in: the second answer is the first's;
- two devices checking in the same person give one attendance, at the
  earlier time; the other scan is kept as a duplicate (and audited);
- the server decides again: a person the rule now refuses is not let in
  silently and not dropped — the scan is kept for an organiser to review;
- an undo names one scan (its nonce): undoing a duplicate leaves the
  attendance of the other device standing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..errors import Conflict, InvalidInput, NotAllowed
from ..models import Attendance, AuditAction, DoorScan, Meeting, Person, ScanOutcome
from ..models.attendance import CheckInMethod
from ..permissions import can
from . import attendance as attendance_services
from . import audit

# A device's clock may run a little fast; beyond this a time "from the future" is refused.
CLOCK_SKEW = timedelta(minutes=5)
MAX_DEVICE = 100
# Refusals the server may change its mind about once an organiser looks: kept for review.
REVIEWABLE = {"not_eligible", "override_not_allowed"}


@dataclass
class SyncResult:
    scan: DoorScan
    attendance: Attendance | None
    created: bool  # a new scan (False: this nonce was sent before)
    new_attendance: bool = False  # this scan let the person in (201)


def meeting_day(meeting: Meeting) -> tuple[datetime, datetime]:
    """[start, end) of the meeting's day(s) in the branch's time: from midnight
    of the day it starts to midnight after the day it ends."""
    zone = meeting.branch.zone
    first = timezone.localtime(meeting.starts_at, zone).date()
    last = timezone.localtime(meeting.ends_at or meeting.starts_at, zone).date()
    start = datetime.combine(first, datetime.min.time(), tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    return start, end


def check_time(meeting: Meeting, at: datetime, *, now: datetime | None = None) -> None:
    """Refuse a device's time that is not on the meeting's day, or is still to come."""
    start, end = meeting_day(meeting)
    zone = meeting.branch.zone
    local = timezone.localtime(at, zone)
    day = f"{start:%a} {start.day} {start:%b %Y}"
    if not (start <= at < end):
        raise InvalidInput(
            f"checked_in_at ({local:%d %b %Y %H:%M}) is not on the meeting's day ({day}, the branch's time): "
            "send the time the check-in happened on the device.",
            code="outside_meeting_day",
        )
    if at > (now or timezone.now()) + CLOCK_SKEW:
        raise InvalidInput(
            f"checked_in_at ({local:%H:%M}) is still to come: check the device's clock.", code="time_in_future"
        )


def _device(device: str) -> str:
    name = " ".join((device or "").split())
    if len(name) > MAX_DEVICE:
        raise InvalidInput(f"Keep the device's name under {MAX_DEVICE} characters.", code="device_too_long")
    return name


def _same_scan(scan: DoorScan, meeting: Meeting, person: Person) -> SyncResult:
    if scan.meeting_id != meeting.pk or scan.person_id != person.pk:
        raise Conflict(
            "This nonce was already used for another check-in: make a new one for each check-in.", code="nonce_reused"
        )
    # Sent again: the first answer, as it stands now ("in" may have become "duplicate").
    return SyncResult(scan, scan.attendance, False)


@transaction.atomic(durable=True)
def sync_check_in(
    *,
    meeting: Meeting,
    person: Person,
    nonce: uuid.UUID,
    checked_in_at: datetime,
    device: str = "",
    actor,
    override_reason: str | None = None,
    now: datetime | None = None,
) -> SyncResult:
    """One check-in from a door device. See the module docstring."""
    now = now or timezone.now()
    device = _device(device)
    existing = DoorScan.objects.select_related("attendance").filter(nonce=nonce).first()
    if existing is not None:
        return _same_scan(existing, meeting, person)
    check_time(meeting, checked_in_at, now=now)
    try:
        attendance, created = attendance_services.check_in_within(
            meeting=meeting,
            person=person,
            actor=actor,
            method=CheckInMethod.OFFLINE,
            override_reason=override_reason,
            at=checked_in_at,
        )
    except NotAllowed as refusal:
        if refusal.code not in REVIEWABLE:
            raise  # a cancelled or closed meeting, another branch's person: nothing to review
        return _keep_for_review(meeting, person, nonce, checked_in_at, device, actor, refusal, now)

    scan = DoorScan(
        nonce=nonce,
        meeting=meeting,
        person=person,
        attendance=attendance,
        scanned_at=checked_in_at,
        received_at=now,
        device=device,
        sent_by=_user(actor),
        outcome=ScanOutcome.CHECKED_IN,
        decision=attendance.decision,
    )
    if not created:
        _one_attendance(scan, attendance, actor)
    _save(scan)
    return SyncResult(scan, attendance, True, created)


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _save(scan: DoorScan) -> None:
    # Two sends of one nonce at the same moment: the unique nonce decides; the loser is told to resend.
    try:
        with transaction.atomic():
            scan.save()
    except IntegrityError:
        raise Conflict("This check-in is being sent twice at once: send it again.", code="nonce_in_flight") from None


def _one_attendance(scan: DoorScan, attendance: Attendance, actor) -> None:
    """The person was in already (another device, or the door page): one
    attendance at the earlier time; the later scan is the duplicate."""
    earlier = scan.scanned_at < attendance.checked_in_at
    if earlier:
        # This device saw them first: the attendance takes its time, the scan that held it becomes the duplicate.
        later = DoorScan.objects.filter(attendance=attendance, outcome=ScanOutcome.CHECKED_IN, undone_at__isnull=True)
        later.update(outcome=ScanOutcome.DUPLICATE)
        was = attendance.checked_in_at
        attendance.checked_in_at = scan.scanned_at
        attendance.checked_in_by = _user(actor)
        attendance.save(update_fields=["checked_in_at", "checked_in_by"])
    else:
        scan.outcome = ScanOutcome.DUPLICATE
        was = scan.scanned_at
    audit.record(
        actor=actor,
        branch=scan.meeting.branch,
        action=AuditAction.ATTENDANCE_DUPLICATE_SCAN,
        obj=attendance,
        person_id=scan.person_id,
        summary=f"Checked in twice at {scan.meeting.title}: the earlier time kept",
        changes={
            "person": scan.person_id,
            "kept": attendance.checked_in_at.isoformat(),
            "duplicate": was.isoformat(),
            "device": scan.device,
        },
        at=scan.received_at,
    )


def _keep_for_review(meeting, person, nonce, at, device, actor, refusal: NotAllowed, now) -> SyncResult:
    scan = DoorScan(
        nonce=nonce,
        meeting=meeting,
        person=person,
        attendance=None,
        scanned_at=at,
        received_at=now,
        device=device,
        sent_by=_user(actor),
        outcome=ScanOutcome.REVIEW,
        decision=refusal.details.get("decision") or {},
        message=refusal.message,
    )
    _save(scan)
    audit.record(
        actor=actor,
        branch=meeting.branch,
        action=AuditAction.ATTENDANCE_REVIEW,
        obj=scan,
        person_id=person.pk,
        summary=f"Checked in on a door device at {meeting.title}, now refused: kept for an organiser to review",
        changes={"person": person.pk, "code": refusal.code, "device": device},
        at=now,
    )
    return SyncResult(scan, None, True)


@transaction.atomic(durable=True)
def undo_scan(*, meeting: Meeting, nonce: uuid.UUID, actor, reason: str, at: datetime | None = None) -> DoorScan:
    """Undo the one check-in a device made (by its nonce). The attendance it
    holds is undone; a duplicate or a scan kept for review is only withdrawn,
    so the other device's check-in stands."""
    at = at or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Say why you are undoing this check-in.", code="reason_required")
    scan = DoorScan.objects.select_for_update().filter(nonce=nonce, meeting=meeting).first()
    if scan is None:
        raise InvalidInput("No check-in with this nonce at this meeting.", code="unknown_nonce")
    if scan.undone_at is not None:
        raise Conflict("This check-in was already undone.", code="already_undone")
    if scan.outcome == ScanOutcome.CHECKED_IN and scan.attendance_id is not None:
        attendance_services.undo_within(attendance=scan.attendance, actor=actor, reason=reason, at=at)
    else:
        audit.record(
            actor=actor,
            branch=meeting.branch,
            action=AuditAction.ATTENDANCE_SCAN_UNDO,
            obj=scan,
            person_id=scan.person_id,
            summary=f"A device's check-in withdrawn at {meeting.title}",
            changes={"person": scan.person_id, "outcome": scan.outcome},
            at=at,
        )
    scan.undone_at = at
    scan.undone_by = _user(actor)
    scan.undo_reason = reason[: attendance_services.MAX_REASON]
    scan.save(update_fields=["undone_at", "undone_by", "undo_reason"])
    return scan


@transaction.atomic(durable=True)
def resolve_review(
    *, meeting: Meeting, scan_id: int, actor, admit: bool, reason: str = "", at: datetime | None = None
) -> DoorScan:
    """An organiser's answer to a device's check-in kept for review: let them
    in (an override with a reason, at the time the device checked them in) or
    leave them out. Either way the scan stays, marked reviewed."""
    at = at or timezone.now()
    scan = (
        DoorScan.objects.select_for_update()
        .select_related("person")
        .filter(meeting=meeting, pk=scan_id, outcome=ScanOutcome.REVIEW)
        .first()
    )
    if scan is None:
        raise InvalidInput("There is no offline check-in to review with this id.", code="unknown_review")
    if not can(actor, meeting.branch, "override"):
        raise NotAllowed("Only an organiser can decide about a check-in kept for review.", code="override_not_allowed")
    if scan.reviewed_at is not None or scan.undone_at is not None:
        raise Conflict("This check-in was decided already.", code="already_reviewed")
    reason = " ".join((reason or "").split())
    if admit:
        if not reason:
            raise InvalidInput("Say why they are let in: it is recorded with your name.", code="reason_required")
        where = f" on {scan.device}" if scan.device else ""
        attendance, _ = attendance_services.check_in_within(
            meeting=meeting,
            person=scan.person,
            actor=actor,
            method=CheckInMethod.OFFLINE,
            override_reason=f"checked in offline{where}, reviewed: {reason}"[: attendance_services.MAX_REASON],
            at=scan.scanned_at,
        )
        scan.attendance = attendance
    scan.reviewed_at = at
    scan.reviewed_by = _user(actor)
    scan.save(update_fields=["attendance", "reviewed_at", "reviewed_by"])
    audit.record(
        actor=actor,
        branch=meeting.branch,
        action=AuditAction.ATTENDANCE_REVIEWED,
        obj=scan,
        person_id=scan.person_id,
        summary=f"Offline check-in at {meeting.title} reviewed: " + ("let in" if admit else "left out"),
        changes={"person": scan.person_id, "admitted": admit},
        at=at,
    )
    return scan
