"""The speakers' list: ask to speak, withdraw, call the next speaker, mark
them done, move someone (with a reason), and the list's settings. Each write
is one durable transaction with its audit row.

Speaking is not voting: anyone checked in (not left, not undone) may ask,
supporters too; the voting rule does not enter into it. A closed or
cancelled meeting takes no requests and no changes to its list."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from ..errors import Conflict, InvalidInput, NotAllowed
from ..models import (
    AgendaItem,
    AttributeDefinition,
    AuditAction,
    Branch,
    Meeting,
    MeetingStatus,
    Person,
    SpeakerRequest,
    SpeakersListSettings,
    SpeakerStatus,
    SpeakingKind,
)
from ..queries.speakers import current_agenda_item, has_right_of_reply, is_present, speaker_name, speakers_list
from . import audit

MAX_REASON = 500
MAX_SPEECH_SECONDS = 3600


def _refuse_if_closed(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.CANCELLED:
        raise Conflict("This meeting was cancelled, so it has no speakers' list.", code="meeting_cancelled")
    if meeting.closed_at is not None:
        raise Conflict(
            "This meeting is closed: its record is history. An organiser can reopen it, giving a reason.",
            code="meeting_closed",
        )


def _locked_meeting(meeting: Meeting) -> Meeting:
    """The meeting row locked until the transaction ends: changes to one
    meeting's list happen one at a time."""
    return Meeting.objects.select_for_update(of=("self",)).select_related("branch").get(pk=meeting.pk)


def _reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput("Say why, in a few words.", code="invalid", errors={"reason": ["Say why."]})
    if len(reason) > MAX_REASON:
        raise InvalidInput(
            f"Keep the reason under {MAX_REASON} characters.", code="invalid", errors={"reason": ["Too long."]}
        )
    return reason


@transaction.atomic(durable=True)
def ask_to_speak(
    *,
    meeting: Meeting,
    person: Person | None,
    kind: str,
    actor,
    agenda_item: AgendaItem | None = None,
    at: datetime | None = None,
) -> SpeakerRequest:
    """The person's own request to speak. Refused with a plain reason when
    they are not checked in, already waiting (one request each, plus one
    point of order), or asking for a right of reply they do not have."""
    if kind not in SpeakingKind.values:
        raise InvalidInput("Choose what you want to speak for.", code="invalid", errors={"kind": ["Choose one."]})
    meeting = _locked_meeting(meeting)
    _refuse_if_closed(meeting)
    if person is None:
        raise NotAllowed(
            "Your account is not linked to a member of this branch, so you cannot ask to speak.", code="not_linked"
        )
    if not is_present(meeting, person):
        raise NotAllowed(
            "You are not checked in at this meeting (or you have been marked as having left). "
            "Check in at the door first, then ask to speak.",
            code="not_checked_in",
        )
    item = agenda_item if agenda_item is not None else current_agenda_item(meeting)
    if item is not None and item.meeting_id != meeting.pk:
        raise InvalidInput(
            "This meeting has no such agenda item.", code="invalid", errors={"agenda_item": ["No such item."]}
        )
    if kind == SpeakingKind.REPLY and not has_right_of_reply(meeting, person, item):
        raise NotAllowed("Only the mover of the motion has a right of reply.", code="not_the_mover")
    now = at or timezone.now()
    try:
        with transaction.atomic():
            request = SpeakerRequest.objects.create(
                meeting=meeting, agenda_item=item, person=person, kind=kind, asked_at=now
            )
    except IntegrityError:
        if kind == SpeakingKind.POINT_OF_ORDER:
            message = "You already have a point of order waiting."
        else:
            message = "You are already on the speakers' list. Withdraw that request first to ask for something else."
        raise Conflict(message, code="already_waiting") from None
    audit.record(
        actor=actor,
        branch=meeting.branch,
        action=AuditAction.SPEAKER_ASK,
        obj=request,
        person_id=person.pk,
        at=now,
        summary=f"Asked to speak: {request.get_kind_display()}",
        changes={"meeting": meeting.pk, "kind": kind, "agenda_item": item.pk if item else None},
    )
    return request


def _locked_request(request: SpeakerRequest) -> SpeakerRequest:
    return SpeakerRequest.objects.select_for_update(of=("self",)).select_related("person").get(pk=request.pk)


@transaction.atomic(durable=True)
def withdraw_request(
    *, request: SpeakerRequest, actor, person: Person | None, as_chair: bool = False
) -> SpeakerRequest:
    """Withdraw a waiting request: the person's own, or any (the chair)."""
    meeting = _locked_meeting(request.meeting)
    _refuse_if_closed(meeting)
    request = _locked_request(request)
    if not as_chair and (person is None or request.person_id != person.pk):
        raise NotAllowed("You can only withdraw your own request to speak.", code="not_yours")
    if request.status != SpeakerStatus.WAITING:
        raise Conflict(
            f"This request is no longer waiting (it is {request.get_status_display().lower()}).", code="not_waiting"
        )
    request.status = SpeakerStatus.WITHDRAWN
    request.save(update_fields=["status"])
    audit.record(
        actor=actor,
        branch=meeting.branch,
        action=AuditAction.SPEAKER_WITHDRAW,
        obj=request,
        person_id=request.person_id,
        summary="Request to speak withdrawn" + (" by the chair" if as_chair else ""),
        changes={"meeting": meeting.pk, "kind": request.kind},
    )
    return request


def _finish(request: SpeakerRequest, now: datetime) -> SpeakerRequest:
    request.status = SpeakerStatus.DONE
    request.finished_at = now
    request.seconds_spoken = max(0, int((now - request.called_at).total_seconds())) if request.called_at else 0
    request.save(update_fields=["status", "finished_at", "seconds_spoken"])
    return request


def _record_done(actor, meeting: Meeting, request: SpeakerRequest) -> None:
    audit.record(
        actor=actor,
        branch=meeting.branch,
        action=AuditAction.SPEAKER_DONE,
        obj=request,
        person_id=request.person_id,
        at=request.finished_at,
        summary=f"{speaker_name(request.person)} spoke for {request.seconds_spoken} seconds"[:300],
        changes={"meeting": meeting.pk, "kind": request.kind, "seconds": request.seconds_spoken},
    )


@transaction.atomic(durable=True)
def call_next(*, meeting: Meeting, actor, at: datetime | None = None) -> SpeakerRequest:
    """Call the first in the order (groups.speaking.order). Whoever is
    speaking is marked done first, with how long they spoke. With nobody
    waiting, refused (nobody_waiting) and the speaker goes on."""
    meeting = _locked_meeting(meeting)
    _refuse_if_closed(meeting)
    now = at or timezone.now()
    current = speakers_list(meeting)
    if not current.queue:
        raise Conflict("Nobody is waiting to speak.", code="nobody_waiting")
    if current.speaking is not None:
        _record_done(actor, meeting, _finish(_locked_request(current.speaking), now))
        current = speakers_list(meeting)  # their speech now counts towards the order
    first = current.queue[0]
    request = _locked_request(first.request)
    request.status = SpeakerStatus.SPEAKING
    request.called_at = now
    request.called_by = actor if getattr(actor, "is_authenticated", False) else None
    request.moved_to = None
    request.save(update_fields=["status", "called_at", "called_by", "moved_to"])
    # Those the chair moved keep their place counted from the top: one nearer now.
    for placed in current.queue[1:]:
        if placed.request.moved_to is not None and placed.request.moved_to > 1:
            SpeakerRequest.objects.filter(pk=placed.request.pk).update(moved_to=placed.request.moved_to - 1)
    audit.record(
        actor=actor,
        branch=meeting.branch,
        action=AuditAction.SPEAKER_CALL,
        obj=request,
        person_id=request.person_id,
        at=now,
        summary=f"Called to speak: {speaker_name(request.person)}"[:300],
        # Not the order's reason: it can say which balance group they are in, and the log keeps no such thing.
        changes={"meeting": meeting.pk, "kind": request.kind, "position": first.position},
    )
    return request


@transaction.atomic(durable=True)
def finish_speaking(*, request: SpeakerRequest, actor, at: datetime | None = None) -> SpeakerRequest:
    """Mark the speaker done: records that they spoke on this item, and for how long."""
    meeting = _locked_meeting(request.meeting)
    _refuse_if_closed(meeting)
    request = _locked_request(request)
    if request.status != SpeakerStatus.SPEAKING:
        raise Conflict("This person is not speaking now.", code="not_speaking")
    _record_done(actor, meeting, _finish(request, at or timezone.now()))
    return request


@transaction.atomic(durable=True)
def move_request(*, request: SpeakerRequest, position: int, reason: str, actor) -> SpeakerRequest:
    """The chair puts a waiting request at a position (1 = next), with a reason (logged)."""
    meeting = _locked_meeting(request.meeting)
    _refuse_if_closed(meeting)
    request = _locked_request(request)
    if request.status != SpeakerStatus.WAITING:
        raise Conflict("Only a waiting request can be moved.", code="not_waiting")
    if isinstance(position, bool) or not isinstance(position, int) or position < 1:
        raise InvalidInput("Give a position: 1 is next.", code="invalid", errors={"position": ["1 or more."]})
    reason = _reason(reason)
    was = speakers_list(meeting).position_of(request.pk)
    request.moved_to = position
    request.moved_reason = reason
    request.save(update_fields=["moved_to", "moved_reason"])
    audit.record(
        actor=actor,
        branch=meeting.branch,
        action=AuditAction.SPEAKER_MOVE,
        obj=request,
        person_id=request.person_id,
        summary=f"Moved from position {was} to {position}: {reason}"[:300],
        changes={"meeting": meeting.pk, "position": {"old": was, "new": position}, "reason": reason},
    )
    return request


SETTINGS_FIELDS = (
    "balance",
    "attribute",
    "balance_values",
    "group_name",
    "target_percent",
    "alternate",
    "speech_seconds",
)


@transaction.atomic(durable=True)
def set_speakers_settings(
    *,
    branch: Branch,
    actor,
    meeting: Meeting | None = None,
    balance: bool,
    attribute: AttributeDefinition | None,
    balance_values: list[str],
    group_name: str = "",
    target_percent: int,
    alternate: bool,
    speech_seconds: int,
) -> SpeakersListSettings:
    """A meeting's own settings, or (meeting None) the branch's default."""
    if meeting is not None:
        meeting = _locked_meeting(meeting)
        if meeting.branch_id != branch.pk:
            raise InvalidInput("No such meeting in this branch.", code="invalid")
        _refuse_if_closed(meeting)
    errors: dict[str, list[str]] = {}
    if attribute is not None and attribute.branch_id != branch.pk:
        errors["attribute"] = ["Choose one of this branch's questions."]
    offered = {o.get("value") for o in (attribute.options if attribute is not None else [])}
    values = [v for v in dict.fromkeys(balance_values or []) if isinstance(v, str)]
    if any(v not in offered for v in values):
        errors["balance_values"] = ["Choose answers the question offers."]
    if balance and (attribute is None or not values):
        errors.setdefault("attribute", ["To balance the list, choose a question and the answers that make the group."])
    if isinstance(target_percent, bool) or not isinstance(target_percent, int) or not 1 <= target_percent <= 100:
        errors["target_percent"] = ["Give a share from 1 to 100 per cent."]
    if isinstance(speech_seconds, bool) or not isinstance(speech_seconds, int):
        errors["speech_seconds"] = ["Give the time allowed in seconds."]
    elif not 10 <= speech_seconds <= MAX_SPEECH_SECONDS:
        errors["speech_seconds"] = ["Allow between 10 seconds and an hour."]
    group_name = " ".join((group_name or "").split())[:100]
    if errors:
        raise InvalidInput(next(iter(errors.values()))[0], code="invalid", errors=errors)
    found = SpeakersListSettings.objects.select_for_update().filter(branch=branch, meeting=meeting).first()
    new = {
        "balance": balance,
        "attribute": attribute,
        "balance_values": values,
        "group_name": group_name,
        "target_percent": target_percent,
        "alternate": alternate,
        "speech_seconds": speech_seconds,
    }
    settings = found or SpeakersListSettings(branch=branch, meeting=meeting)
    changes = audit.diff(settings, new)
    for key, value in new.items():
        setattr(settings, key, value)
    settings.save()
    audit.record(
        actor=actor,
        branch=branch,
        action=AuditAction.SPEAKERS_SETTINGS,
        obj=settings,
        summary="Speakers' list settings " + (f"for meeting {meeting.pk}" if meeting else "for the branch") + " saved",
        changes=changes,
    )
    return settings
