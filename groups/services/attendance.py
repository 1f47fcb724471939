"""Check-ins: the only way into a meeting.

`check_in` is idempotent (a second check-in of the same person returns the
first row), row-locked (the person's attendance row, or the unique constraint
when there is none yet), decides with the attendance rule at the meeting's
eligibility date and records that Decision with the rule version that made it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import cache

from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import normalise
from ..cleaning import clean_person
from ..eligibility.decisions import decide, meeting_voting_definition
from ..eligibility.loading import category_names, facts_from_rows, load_facts, needs_declared, needs_history
from ..errors import Conflict, InvalidInput, NotAllowed
from ..models import Attendance, AuditAction, Meeting, MeetingStatus, Person, RuleVersion
from ..models.attendance import CheckInMethod
from ..permissions import can
from ..sql import as_id
from ..sql.checkin import check_in_reads, insert_attendance
from . import audit, people_version, votes

MAX_REASON = 500


def _fresh_meeting(meeting: Meeting) -> Meeting:
    # Re-read: the status may have changed since the page was drawn.
    return Meeting.objects.select_related("branch", "attendance_rule", "voting_rule").get(pk=meeting.pk)


def _rule_version_id(rule) -> int | None:
    if rule is None:
        return None
    return RuleVersion.objects.filter(rule=rule, version=rule.version).values_list("id", flat=True).first()


def _current(meeting: Meeting, person: Person | None) -> tuple[Meeting, int | None, list | None]:
    """The meeting as it stands now, inside the check-in's transaction, the id
    of the attendance rule version that decides, and the person's membership
    rows — in one light query (groups.sql.checkin.check_in_reads).

    The caller's meeting (usually read a moment ago in the same request, with
    its rules) is kept when its rules and their versions are still the ones in
    the database; only its status is refreshed. Otherwise it is read again in
    full, so a check-in always decides with the rules as they are now."""
    state, memberships = check_in_reads(meeting.pk, person.pk if person is not None else None)

    def held(rule_id, rule):
        return (rule_id, rule.version if rule_id is not None and rule is not None else None)

    if state is None or (
        state.attendance_rule_id,
        state.attendance_version,
        state.voting_rule_id,
        state.voting_version,
    ) != (
        *held(meeting.attendance_rule_id, meeting.attendance_rule),
        *held(meeting.voting_rule_id, meeting.voting_rule),
    ):
        # Rules changed (or the meeting is gone: DoesNotExist, as before).
        fresh = _fresh_meeting(meeting)
        return fresh, _rule_version_id(fresh.attendance_rule), memberships
    meeting.status = state.status
    meeting.closed_at = state.closed_at
    return meeting, state.attendance_version_id, memberships


def _refuse_if_closed(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.CANCELLED:
        raise NotAllowed("This meeting was cancelled, so nobody can be checked in.", code="meeting_cancelled")
    _refuse_if_record_frozen(meeting)


def _refuse_if_record_frozen(meeting: Meeting) -> None:
    if meeting.closed_at is not None:
        raise NotAllowed(
            "This meeting is closed: its record is history. An organiser can reopen it, giving a reason.",
            code="meeting_closed",
        )


def _assess(meeting: Meeting, person: Person, memberships: list):
    """(attendance Decision, may_vote) for one person at this meeting, from
    their membership rows as groups.sql.checkin.check_in_reads gives them."""
    as_of = meeting.effective_eligibility_date

    # Category names only when a Decision must name a category the person does not hold (read once).
    names = cache(lambda: category_names(meeting.branch_id))
    declared = needs_declared(meeting.attendance_rule, meeting.voting_rule)
    if needs_history(meeting.attendance_rule, meeting.voting_rule) or declared:
        # Attendance history or declared facts: the one loader (the person is passed in, not read again).
        facts = load_facts([person], branch=meeting.branch, as_of=as_of, declared=declared).facts[person.pk]
    else:
        facts = facts_from_rows(person, memberships)
    decision = decide(meeting.attendance_rule, as_of, facts=facts, names=names)
    # Attendance rule AND voting rule: someone let in by override never votes.
    may_vote = decide(meeting_voting_definition(meeting), as_of, facts=facts, names=names).eligible
    return decision, may_vote


def _admit(meeting: Meeting, decision, override_reason: str | None, actor) -> str:
    """The override reason to store ("" when the rule admits them), or a refusal."""
    reason = (override_reason or "").strip()
    if decision.eligible:
        return ""
    if not reason:
        raise NotAllowed(
            "Not eligible: " + "; ".join(decision.reasons) + ". To let them in anyway, give a reason.",
            code="not_eligible",
            decision=decision.as_dict(),
        )
    if not can(actor, meeting.branch, "override"):
        raise NotAllowed(
            "Only an organiser can let in someone the rule does not admit. Ask an organiser.",
            code="override_not_allowed",
            decision=decision.as_dict(),
        )
    if len(reason) > MAX_REASON:
        raise InvalidInput(f"Keep the reason under {MAX_REASON} characters.", code="reason_too_long")
    return reason


@transaction.atomic(durable=True)
def check_in(
    *,
    meeting: Meeting,
    person: Person | None = None,
    guest_name: str = "",
    guest_email: str = "",
    actor,
    method: str = CheckInMethod.DOOR,
    override_reason: str | None = None,
    at: datetime | None = None,
) -> tuple[Attendance, bool]:
    """Check a person (or a guest) in. Returns (attendance, created).

    A second check-in of someone already in returns their first row with
    created=False. Someone whose check-in was undone gets that row re-opened.
    """
    at = at or timezone.now()
    if person is None:
        meeting, _, _ = _current(meeting, None)
        _check_open(meeting, method)
        return _check_in_guest(meeting, guest_name, guest_email, actor, method, at), True
    return check_in_within(
        meeting=meeting, person=person, actor=actor, method=method, override_reason=override_reason, at=at
    )


def _check_open(meeting: Meeting, method: str) -> None:
    _refuse_if_closed(meeting)
    if method not in CheckInMethod.values:
        raise InvalidInput("Unknown check-in method.", code="bad_method")


def check_in_within(
    *, meeting: Meeting, person: Person, actor, method: str, override_reason: str | None, at: datetime
) -> tuple[Attendance, bool]:
    """check_in for a person, inside the caller's transaction: check_in's own,
    or that of a service that checks people in as part of a bigger write
    (bulk_check_in, create_person_at_door, approving an override request).
    Raises before it writes anything, so bulk_check_in can go on to the next
    person after a refusal."""
    meeting, rule_version_id, memberships = _current(meeting, person)
    _check_open(meeting, method)
    if person.branch_id != meeting.branch_id:
        raise NotAllowed("This person is not in this branch.", code="wrong_branch")

    decision, may_vote = _assess(meeting, person, memberships)
    try:
        reason = _admit(meeting, decision, override_reason, actor)
    except (NotAllowed, InvalidInput):
        # Already in (perhaps let in by override a moment ago): that stands.
        existing = Attendance.objects.filter(meeting=meeting, person=person, undone_at__isnull=True).first()
        if existing is not None:
            return existing, False
        raise
    values = {
        "checked_in_at": at,
        "checked_in_by": actor if getattr(actor, "is_authenticated", False) else None,
        "method": method,
        "decision": decision.as_dict(),
        "rule_version_id": rule_version_id,
        "may_vote": may_vote,
        "override_reason": reason,
        "left_at": None,
    }
    changes = {"person": person.pk, "eligible": decision.eligible, "method": method, "override": bool(reason)}

    # Insert first: the unique (meeting, person) constraint is the lock when
    # there is no row yet (the usual case, so no SELECT before it). A clash
    # means a row exists: lock it, and return it or re-open it.
    # ON CONFLICT DO NOTHING rather than catching IntegrityError: no savepoint
    # round trips (groups/sql/checkin.py); on PostgreSQL it waits for a concurrent
    # insert of the same person to commit, then finds that row below.
    attendance = Attendance(meeting=meeting, person=person, **values)
    if not insert_attendance(attendance):
        existing = Attendance.objects.select_for_update().filter(meeting=meeting, person=person).first()
        if existing is None:
            raise IntegrityError("The attendance row that blocked this check-in has gone.")
        if existing.undone_at is None:
            # Already in, or someone else checked them in a moment ago: theirs is the check-in.
            return existing, False
        for field, value in values.items():  # undone before: re-open the same row
            setattr(existing, field, value)
        existing.undone_at = None
        existing.undone_by = None
        existing.undo_reason = ""
        existing.save()
        if may_vote:
            restored = votes.restore_entitlements(meeting_id=meeting.pk, person_id=person.pk)
            if restored:
                changes["open_votes_restored"] = restored
        audit.record(
            actor=actor,
            branch=meeting.branch,
            action=AuditAction.ATTENDANCE_REOPEN,
            obj=existing,
            person_id=person.pk,
            summary=f"Checked in again at {meeting.title}",
            changes=changes,
            at=at,
        )
        return existing, True
    audit.record(
        actor=actor,
        branch=meeting.branch,
        action=AuditAction.ATTENDANCE_CHECK_IN,
        obj=attendance,
        person_id=person.pk,
        summary=f"Checked in at {meeting.title}" + (" by override" if reason else ""),
        changes=changes,
        at=at,
    )
    return attendance, True


def _check_in_guest(meeting, guest_name, guest_email, actor, method, at) -> Attendance:
    name = " ".join((guest_name or "").split())
    if not name:
        raise InvalidInput("Give the guest's name.", code="guest_name_required")
    if len(name) > 200:
        raise InvalidInput("Keep the guest's name under 200 characters.", code="guest_name_too_long")
    try:
        email = normalise.email_address(guest_email)
    except normalise.NormaliseError:
        raise InvalidInput(
            "Enter the guest's email like name@example.org, or leave it empty.", code="guest_email_invalid"
        ) from None
    attendance = Attendance.objects.create(
        meeting=meeting,
        guest_name=name,
        guest_email=email,
        checked_in_at=at,
        checked_in_by=actor if getattr(actor, "is_authenticated", False) else None,
        method=method,
        decision={},
        may_vote=False,
    )
    audit.record(
        actor=actor,
        branch=meeting.branch,
        action=AuditAction.ATTENDANCE_GUEST,
        obj=attendance,
        summary=f"Guest added at {meeting.title}",
        changes={"guest": True},
        at=at,
    )
    return attendance


def _withdraw(attendance: Attendance, at: datetime) -> int:
    """No more ballots from them in this meeting's open votes (the same
    transaction as the leave or the undo: a ballot never sees one without the other)."""
    if attendance.person_id is None:
        return 0
    return votes.withdraw_entitlements(meeting_id=attendance.meeting_id, person_id=attendance.person_id, at=at)


@transaction.atomic(durable=True)
def undo_check_in(*, attendance: Attendance, actor, reason: str, at: datetime | None = None) -> Attendance:
    """Undo a check-in: the row stays, with who undid it, when and why."""
    return undo_within(attendance=attendance, actor=actor, reason=reason, at=at)


def undo_within(*, attendance: Attendance, actor, reason: str, at: datetime | None = None) -> Attendance:
    """undo_check_in inside the caller's transaction (groups.services.door_sync
    undoes a device's check-in by its nonce)."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Say why you are undoing this check-in.", code="reason_required")
    if len(reason) > MAX_REASON:
        raise InvalidInput(f"Keep the reason under {MAX_REASON} characters.", code="reason_too_long")
    attendance = Attendance.objects.select_for_update().select_related("meeting__branch").get(pk=attendance.pk)
    _refuse_if_record_frozen(attendance.meeting)
    if attendance.undone_at is not None:
        raise Conflict("This check-in was already undone.", code="already_undone")
    attendance.undone_at = at or timezone.now()
    attendance.undone_by = actor if getattr(actor, "is_authenticated", False) else None
    attendance.undo_reason = reason
    attendance.save(update_fields=["undone_at", "undone_by", "undo_reason"])
    _gone(attendance, actor, attendance.undone_at, left=False)
    return attendance


@transaction.atomic(durable=True)
def mark_left(*, attendance: Attendance, actor, at: datetime | None = None) -> Attendance:
    """Record that someone left: they stop counting as present (and for quorum)."""
    attendance = Attendance.objects.select_for_update().select_related("meeting__branch").get(pk=attendance.pk)
    _refuse_if_record_frozen(attendance.meeting)
    if attendance.undone_at is not None:
        raise Conflict("This check-in was undone, so they cannot leave.", code="undone")
    if attendance.left_at is not None:
        return attendance
    attendance.left_at = at or timezone.now()
    attendance.save(update_fields=["left_at"])
    _gone(attendance, actor, attendance.left_at, left=True)
    return attendance


def _gone(attendance: Attendance, actor, at: datetime, *, left: bool) -> None:
    """Someone no longer present (they left, or their check-in was undone), inside the caller's
    transaction: their open votes' entitlements withdrawn, and the audit row saying so."""
    changes = {"person": attendance.person_id}
    withdrawn = _withdraw(attendance, at)
    if withdrawn:
        changes["open_votes_withdrawn"] = withdrawn
    audit.record(
        actor=actor,
        branch=attendance.meeting.branch,
        action=AuditAction.ATTENDANCE_LEFT if left else AuditAction.ATTENDANCE_UNDO,
        obj=attendance,
        person_id=attendance.person_id,
        summary=f"Left {attendance.meeting.title}" if left else f"Check-in undone at {attendance.meeting.title}",
        changes=changes,
        at=at,
    )


@transaction.atomic(durable=True)
def create_person_at_door(
    *,
    meeting: Meeting,
    first_name: str,
    last_name: str = "",
    email: str = "",
    postcode: str = "",
    actor,
    override_reason: str | None = None,
    at: datetime | None = None,
) -> tuple[Person, Attendance]:
    """An organiser adds someone the branch did not know and checks them in,
    all or nothing: if the check-in is refused, no person is created."""
    at = at or timezone.now()
    meeting = _fresh_meeting(meeting)
    if not can(actor, meeting.branch, "manage_people"):
        raise NotAllowed("Only an organiser can add a new person at the door.", code="not_organiser")
    values, errors = clean_person(
        {"first_name": first_name, "last_name": last_name, "email": email, "postcode": postcode},
        today=timezone.localdate(at),
    )
    errors.raise_if_any()
    if values["email"] and Person.objects.filter(branch=meeting.branch, email__iexact=values["email"]).exists():
        raise Conflict("Someone in this branch already has that email: search for them instead.", code="email_taken")
    person = Person.objects.create(branch=meeting.branch, **values)
    audit.record(
        actor=actor,
        branch=meeting.branch,
        action=AuditAction.PERSON_CREATE,
        obj=person,
        person_id=person.pk,
        summary=f"Added at the door of {meeting.title}",
        changes={"person": person.pk},
        at=at,
    )
    attendance, _ = check_in_within(
        meeting=meeting, person=person, actor=actor, method=CheckInMethod.DOOR, override_reason=override_reason, at=at
    )
    people_version.bump(meeting.branch_id)  # last: the branch row stays locked until commit
    return person, attendance


@transaction.atomic(durable=True)
def bulk_check_in(
    *,
    meeting: Meeting,
    person_ids: Iterable[int | str],
    actor,
    override_reasons: dict[int, str] | None = None,
    at: datetime | None = None,
) -> list[tuple[Attendance, bool]]:
    """Check in many people from a paper list, after the meeting: the same rules
    and overrides as the door, all or nothing. Every refusal is reported at once.
    `person_ids` as given (ids, or text from a form): anything that is not one
    of the branch's people refuses the whole list."""
    override_reasons = override_reasons or {}
    at = at or timezone.now()  # one paper list, one moment
    meeting = _fresh_meeting(meeting)
    _refuse_if_closed(meeting)
    ids = list(dict.fromkeys(as_id(i) for i in person_ids))
    if not ids:
        raise InvalidInput("Tick at least one person.", code="nobody_ticked")
    people = {p.pk: p for p in Person.objects.filter(branch=meeting.branch, pk__in=[i for i in ids if i])}
    if any(i not in people for i in ids):  # not an id (None), or not one of the branch's people
        raise InvalidInput("Some of the ticked people are not in this branch.", code="unknown_people")
    results, errors = [], {}
    for pid in ids:
        try:
            results.append(
                check_in_within(
                    meeting=meeting,
                    person=people[pid],
                    actor=actor,
                    method=CheckInMethod.BULK,
                    override_reason=override_reasons.get(pid),
                    at=at,
                )
            )
        except (NotAllowed, InvalidInput) as exc:
            errors[pid] = f"{people[pid]}: {exc.message}"
    if errors:
        raise InvalidInput(
            f"Nobody was checked in: {len(errors)} of the ticked people could not be. " + " ".join(errors.values()),
            code="bulk_refused",
            errors=errors,
        )
    return results


def preview_check_in(*, meeting: Meeting, person: Person, actor, override_reason: str | None = None) -> dict:
    """What check_in would answer for this person now, writing nothing (no
    attendance, no audit row, no refusal): the API's ``simulate``. The same
    reads and the same decisions as check_in_within, in the same order.

    ``outcome``: "check_in" (would be let in), "already_in", or "refused" with
    the refusal's ``code`` and ``detail``; ``decision`` whenever one was made."""
    meeting, _, memberships = _current(meeting, person)
    decision = None
    try:
        _check_open(meeting, CheckInMethod.API)
        if person.branch_id != meeting.branch_id:
            raise NotAllowed("This person is not in this branch.", code="wrong_branch")
        decision, may_vote = _assess(meeting, person, memberships)
        existing = Attendance.objects.filter(meeting=meeting, person=person, undone_at__isnull=True).first()
        if existing is not None:
            return {"outcome": "already_in", "decision": decision.as_dict(), "may_vote": existing.may_vote}
        reason = _admit(meeting, decision, override_reason, actor)
    except (NotAllowed, InvalidInput) as exc:
        return {
            "outcome": "refused",
            "code": exc.code,
            "detail": exc.message,
            "decision": decision.as_dict() if decision is not None else None,
            "may_vote": False,
        }
    return {"outcome": "check_in", "decision": decision.as_dict(), "may_vote": may_vote, "override": bool(reason)}
