"""Subject access (UK GDPR Art. 15): everything a branch holds about one
person, as plain data (JSON for the API and the download, the same dict for
the readable page). Only their data: the people who checked them in or
edited their record are said to be "someone in the branch", never named.

A fixed number of queries whatever they have done, one fewer for someone
nominated in no election (their elections' positions are not asked for;
pinned in tests/rights/test_subject_access.py). Votes: that they voted, and their
choice only in a named vote; a secret ballot never points at anyone, so how
they voted in one is not held and cannot be part of it. Positions held
(issue 13) with how each term began and ended. Nominations (issue 13): their
own as nominee (status, consent and its note, the holder rules' Decision),
and those they made of others with only the nominee's name and the election
(the others' consent and status are the others' data).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone

from ..models import (
    Attendance,
    AuditEvent,
    ConsentRecord,
    Election,
    Invitation,
    Membership,
    Motion,
    Nomination,
    Person,
    PointOfOrder,
    PositionHolder,
    SelfDeclaredAttribute,
    SpeakerRequest,
    VotedMark,
    VoteMethod,
)
from ..normalise import phone_display

CONSENT_FIELDS = ("consent_email", "consent_phone")


def _when(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _meeting(meeting) -> dict[str, Any]:
    return {"id": meeting.pk, "title": meeting.title, "starts_at": _when(meeting.starts_at), "kind": meeting.kind}


def _by(actor_id: int | None, person: Person) -> str:
    if actor_id is None:
        return "automatically, or through a link"
    if actor_id == person.user_id:
        return "you"
    return "someone in the branch"


def _consent_history(person: Person, events: list[AuditEvent]) -> list[dict[str, Any]]:
    """Each time their consent to be contacted changed, oldest first, from the
    audit events (the record itself keeps only the latest)."""
    history = []
    for event in reversed(events):
        for field in CONSENT_FIELDS:
            change = event.changes.get(field) if isinstance(event.changes, dict) else None
            if isinstance(change, dict) and "new" in change:
                history.append(
                    {
                        "at": _when(event.at),
                        "what": "email" if field == "consent_email" else "phone",
                        "given": bool(change["new"]),
                        "how": event.action_label,
                        "by": _by(event.actor_id, person),
                    }
                )
    return history


def _nominations(person: Person) -> tuple[list[Nomination], list[Nomination], dict[int, list[str]]]:
    """Their own nominations, those they made of others, and each election's
    positions by name (one read for both lists)."""
    own = list(Nomination.objects.filter(person=person).select_related("election").order_by("nominated_at", "id"))
    made = list(
        Nomination.objects.filter(nominators=person)
        .exclude(person=person)
        .select_related("election", "person")
        .order_by("nominated_at", "id")
    )
    positions: dict[int, list[str]] = {}
    elections = {n.election_id for n in own + made}
    through = Election.positions.through.objects.filter(election_id__in=elections).select_related("position")
    for row in through.order_by("position__order", "position__name") if elections else []:
        positions.setdefault(row.election_id, []).append(row.position.name)
    return own, made, positions


def _election(election: Election, positions: dict[int, list[str]]) -> dict[str, Any]:
    return {
        "id": election.pk,
        "title": election.title,
        "election_on": _when(election.election_on),
        "positions": positions.get(election.pk, []),
    }


def subject_access(person: Person, *, now: datetime | None = None) -> dict[str, Any]:
    """Everything about `person` (of their branch, `person.branch` loaded)."""
    branch = person.branch
    memberships = list(Membership.objects.filter(person=person).select_related("category"))
    attributes = list(
        SelfDeclaredAttribute.objects.filter(person=person).select_related("definition").order_by("definition__order")
    )
    invitations = list(
        Invitation.objects.filter(person=person).select_related("meeting").order_by("meeting__starts_at", "id")
    )
    attendances = list(
        Attendance.objects.filter(person=person).select_related("meeting").order_by("checked_in_at", "id")
    )
    events = list(
        AuditEvent.objects.filter(branch=branch)
        .filter(Q(person_id=person.pk) | Q(object_type="person", object_id=str(person.pk)))
        .order_by("-at", "-id")
    )
    terms = list(PositionHolder.objects.filter(person=person).select_related("position").order_by("started_on", "id"))
    marks = list(VotedMark.objects.filter(person=person).select_related("vote__meeting").order_by("cast_at", "id"))
    speeches = list(
        SpeakerRequest.objects.filter(person=person).select_related("meeting", "agenda_item").order_by("asked_at", "id")
    )
    motions = list(Motion.objects.filter(Q(mover=person) | Q(seconder=person)).select_related("meeting").order_by("id"))
    points = list(PointOfOrder.objects.filter(raised_by=person).select_related("meeting").order_by("raised_at", "id"))
    nominated, nominated_others, positions = _nominations(person)
    account = person.user.email if person.user_id and person.user else None
    return {
        "generated_at": _when(now or timezone.now()),
        "branch": {"name": branch.name, "slug": branch.slug},
        "details": {
            "id": person.pk,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": person.email,
            "phone": phone_display(person.phone),
            "postcode": person.postcode,
            "ward": person.ward,
            "date_of_birth": _when(person.date_of_birth),
            "notes": person.notes,
            "linked_account": account,
            "waiting_for_review": person.pending_review,
            "recorded_since": _when(person.created_at),
            "last_changed": _when(person.updated_at),
        },
        "consent": {
            "email": {"given": person.consent_email, "at": _when(person.consent_email_at)},
            "phone": {"given": person.consent_phone, "at": _when(person.consent_phone_at)},
            "campaigning_email": {"given": person.campaign_email},
            "campaigning_phone": {"given": person.campaign_phone},
        },
        "consent_history": _consent_history(person, events),
        # Every consent answer per channel and purpose, with who recorded it and how (issue 15 item 4).
        "consent_records": [
            {
                "at": _when(r.at),
                "channel": r.channel,
                "purpose": r.purpose,
                "given": r.given,
                "how": r.get_method_display(),
                "by": _by(r.recorded_by_id, person),
            }
            for r in ConsentRecord.objects.filter(person=person).order_by("at", "id")
        ],
        "memberships": [
            {
                "category": m.category.name,
                "number": m.number,
                "status": m.get_status_display(),
                "started_on": _when(m.started_on),
                "continuous_since": _when(m.continuous_since),
                "ended_on": _when(m.ended_on),
                "dues_paid_until": _when(m.dues_paid_until),
            }
            for m in memberships
        ],
        "self_declared": [
            {
                "question": a.definition.name,
                "answer": a.definition.label_of(a.value),
                "given": a.get_source_display(),
                "consent_given_at": _when(a.consent_given_at),
            }
            for a in attributes
        ],
        "invitations": [
            {
                "meeting": _meeting(i.meeting),
                "sent_at": _when(i.sent_at),
                "email": i.get_send_status_display() if i.send_status else None,
                "reminded_at": _when(i.reminded_at or i.auto_reminded_at),
                "reply": i.get_reply_display() if i.reply else None,
                "replied_at": _when(i.replied_at),
            }
            for i in invitations
        ],
        "attendance": [
            {
                "meeting": _meeting(a.meeting),
                "checked_in_at": _when(a.checked_in_at),
                "how": a.get_method_display(),
                "decision": a.decision,
                "may_vote": a.may_vote,
                "override_reason": a.override_reason or None,
                "left_at": _when(a.left_at),
                "undone_at": _when(a.undone_at),
                "undo_reason": a.undo_reason or None,
            }
            for a in attendances
        ],
        "positions": [
            {
                "position": t.position.name,
                "started_on": _when(t.started_on),
                "ended_on": _when(t.ended_on),
                "how": t.get_source_display(),
                "end_reason": t.end_reason or None,
                "decision_when_appointed": t.decision or None,
            }
            for t in terms
        ],
        "nominations": [
            {
                "election": _election(n.election, positions),
                "nominated_at": _when(n.nominated_at),
                "status": n.get_status_display(),
                "consent": n.get_consent_display(),
                "consent_at": _when(n.consent_at),
                "consent_note": n.consent_note or None,
                "consent_recorded_by": _by(n.consent_recorded_by_id, person) if n.consent_recorded_by_id else None,
                "withdrawn_at": _when(n.withdrawn_at),
                "decision_at_the_close": n.decision or None,
                "elected": n.elected,
            }
            for n in nominated
        ],
        # Whom they nominated: the nominee's name and the election, nothing of the nominee's own
        # (str(person) falls back to their email: hers, not the nominator's).
        "nominations_made": [
            {"election": _election(n.election, positions), "nominee": n.person.full_name or "someone in the branch"}
            for n in nominated_others
        ],
        "votes": [
            {
                "meeting": _meeting(m.vote.meeting),
                "question": m.vote.question,
                "how": m.vote.get_method_display(),
                "voted_at": _when(m.cast_at),
                # A secret ballot's choice is stored apart from the voter: nobody holds it.
                "choice": m.get_named_choice_display() if m.vote.method == VoteMethod.NAMED else None,
            }
            for m in marks
        ],
        "speaker_requests": [
            {
                "meeting": _meeting(s.meeting),
                "agenda_item": s.agenda_item.title if s.agenda_item else None,
                "kind": s.get_kind_display(),
                "status": s.get_status_display(),
                "asked_at": _when(s.asked_at),
                "called_at": _when(s.called_at),
                "seconds_spoken": s.seconds_spoken,
                "moved_by_the_chair": s.moved_reason or None,
            }
            for s in speeches
        ],
        "motions": [
            {
                "meeting": _meeting(m.meeting),
                "text": m.text,
                "moved": m.mover_id == person.pk,
                "seconded": m.seconder_id == person.pk,
                "state": m.get_state_display(),
            }
            for m in motions
        ],
        "points_of_order": [
            {
                "meeting": _meeting(p.meeting),
                "raised_at": _when(p.raised_at),
                "standing_order": p.standing_order,
                "point": p.point,
                "ruling": p.ruling or None,
                "state": p.get_state_display(),
            }
            for p in points
        ],
        "audit_events": [
            {
                "at": _when(e.at),
                "action": e.action,
                "what": e.action_label,
                "summary": e.summary,
                "changes": e.changes,
                "by": _by(e.actor_id, person),
            }
            for e in events
        ],
    }


def counts(data: dict[str, Any]) -> dict[str, int]:
    """How many of each kind the export holds: what its audit event records."""
    return {key: len(value) for key, value in data.items() if isinstance(value, list)}


__all__ = ["counts", "subject_access"]
