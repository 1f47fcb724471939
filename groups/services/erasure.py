"""Erasure (UK GDPR Art. 17): one service removes a person's personal data
everywhere the branch holds it, in one transaction.

What stays, and why:
- the Person row, as a tombstone (`erased_at` set, every personal field
  blank): attendance points at it, so past turnout, quorum and closed
  meetings' frozen records stay true. `Person.objects` never returns it
  (groups/models/people.py), so lists, searches, counts and invitations do
  not see it; pages that show an attendance name it "Erased person".
- their attendance rows, without the Decision's reasons (which quote ages
  and postcodes) and with any override or undo reason replaced by "erased";
  whether they were admitted and might vote stays, for the counts.
- their memberships' categories, statuses and dates, without numbers (the
  tombstone is counted nowhere, but a report by category of a past meeting
  still adds up).
- the audit events about them: the events stay, every value in them becomes
  "erased". This service is the one way audit rows change
  (groups/sql/audit.py); its own event holds counts only.

What goes: contact details, date of birth, notes, consent records, the link
to a user account, invitations and their replies, self-declared attributes,
role invitations sent to their email, guest rows that name them, and stored
import uploads that mention them (deleted once the transaction commits: a
rolled-back erasure must not lose an organiser's file).

Their requests to speak: waiting ones are deleted; those they made stay,
anonymised (no person, no chair's reason), so who spoke on an item still
adds up. Positions (issue 13): their terms stay as history without the words
about them (the Decision's reasons, the reason a term ended); a current term
ends on the day of the erasure; the re-check's alerts about them go.

Nominations (issue 13): an open one (nominations still taken) is withdrawn,
audited as any withdrawal is, so the organisers see why it went; every one
of theirs stays as history (a ballot paper that listed them still adds up)
without the words about them: the consent note goes, and the holder rules'
reasons become "erased" (whether they were eligible stays). Those they made
of others stay: the nominee's, not theirs (another's consent note loses
their name). A declared count they stood in
keeps its figures with their name as the paper now gives it ("Erased
person"). Secret ballots never point at
anyone.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import DateField, F, Q, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from .. import normalise
from ..errors import Conflict, InvalidInput
from ..imports.jobs import forget_upload, uploads_mentioning
from ..models import (
    Attendance,
    AuditAction,
    AuditEvent,
    ConsentRecord,
    DoorRefusal,
    DoorScan,
    Election,
    ElectionStatus,
    Invitation,
    Membership,
    Nomination,
    NominationStatus,
    OverrideRequest,
    Person,
    PositionAlert,
    PositionHolder,
    RoleInvitation,
    SelfDeclaredAttribute,
    SpeakerRequest,
    SpeakerStatus,
)
from ..queries import elections as election_queries
from ..sql.audit import rewrite_events
from . import audit, people_version

ERASED = "erased"
ERASED_GUEST = "Erased guest"
MAX_REASON = 500


@dataclass(frozen=True)
class Identifiers:
    """What would identify the person in text: `strong` patterns name them
    on their own (email, full name, phone in any format, membership number,
    notes), `all_` adds the values only meaningful beside them (a first name,
    a postcode, a date of birth). `search` are plain strings for a database's
    first pass (icontains), as written and as JSON escapes them."""

    strong: re.Pattern | None
    all_: re.Pattern | None
    search: tuple[str, ...]


def _loose(text: str) -> str:
    """A pattern for `text` with any run of spaces matching any other."""
    return r"\s+".join(re.escape(word) for word in text.split())


def _digits(text: str) -> str:
    """A pattern for a run of digits written with or without separators (07700 900-154)."""
    return r"[\s\-().]*".join(text)


def identifiers(person: Person, numbers: list[str]) -> Identifiers:
    strong: list[str] = []
    weak: list[str] = []
    search: list[str] = []
    full = f"{person.first_name} {person.last_name}".strip()
    if person.first_name and person.last_name:
        strong.append(_loose(full))
        search.append(full)
    for name in (person.first_name, person.last_name):
        if len(name.strip()) >= 2:
            (weak if person.first_name and person.last_name else strong).append(_loose(name))
    if person.email:
        strong.append(re.escape(person.email))
        search.append(person.email)
    if person.phone:
        national = re.sub(r"\D", "", normalise.phone_display(person.phone))
        core = re.sub(r"\D", "", person.phone)
        if core.startswith("44"):
            core = core[2:]
        for digits in {core, national.lstrip("0")}:
            if len(digits) >= 6:
                # With its country code or trunk 0 when written with one (+44 7700…, 07700…).
                strong.append(r"(?:\+?44[\s\-().]*(?:\(0\)[\s]*)?|0)?" + _digits(digits))
        search.append(person.phone)
    for number in numbers:
        if len(number) >= 3:
            strong.append(re.escape(number))
            search.append(number)
    if len(person.notes.strip()) >= 8:
        strong.append(_loose(person.notes))
    if person.postcode:
        weak.append(_digits(person.postcode.replace(" ", "")))
    if person.date_of_birth:
        dob = person.date_of_birth
        weak += [re.escape(dob.isoformat()), rf"0?{dob.day}/0?{dob.month}/{dob.year}"]
    if person.ward:
        weak.append(_loose(person.ward))
    search += [json.dumps(s)[1:-1] for s in search if not s.isascii()]

    def compile_(parts: list[str]) -> re.Pattern | None:
        # Longest first, so a full name is replaced whole rather than word by word.
        # Whole words only: a first name "Ed" must not eat the "ed" of "Changed".
        parts = sorted(set(parts), key=len, reverse=True)
        return re.compile(rf"(?<!\w)(?:{'|'.join(parts)})(?!\w)", re.IGNORECASE) if parts else None

    return Identifiers(strong=compile_(strong), all_=compile_(strong + weak), search=tuple(dict.fromkeys(search)))


def scrub_text(text: str, pattern: re.Pattern | None) -> str:
    return pattern.sub(ERASED, text) if pattern is not None and text else text


def _erase_values(value: Any) -> Any:
    """Every value in an event's changes replaced by "erased" (keys stay: the
    history still says which fields changed, never to what)."""
    if isinstance(value, dict):
        return {k: _erase_values(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_erase_values(v) for v in value]
    return None if value is None else ERASED


def _erase_matches(value: Any, pattern: re.Pattern | None) -> Any:
    """Only the values that mention them (an event about someone else)."""
    if isinstance(value, dict):
        return {k: _erase_matches(v, pattern) for k, v in value.items()}
    if isinstance(value, list):
        return [_erase_matches(v, pattern) for v in value]
    if isinstance(value, str) and pattern is not None and pattern.search(value):
        return ERASED
    return value


def _scrub_audit(person: Person, ids: Identifiers) -> int:
    """Rewrite the events about them, and any other event of the branch (or
    of no branch) whose words or values mention them."""
    about = Q(person_id=person.pk) | Q(object_type="person", object_id=str(person.pk))
    mentions = Q()
    for text in ids.search:
        mentions |= Q(summary__icontains=text) | Q(changes__icontains=text)
    where = about | mentions if ids.search else about
    rows = []
    events = AuditEvent.objects.filter(Q(branch_id=person.branch_id) | Q(branch__isnull=True)).filter(where)
    for pk, person_id, object_type, object_id, summary, changes in events.values_list(
        "pk", "person_id", "object_type", "object_id", "summary", "changes"
    ).iterator(chunk_size=500):
        if person_id == person.pk or (object_type == "person" and object_id == str(person.pk)):
            new = (scrub_text(summary, ids.all_), _erase_values(changes))
        else:
            new = (scrub_text(summary, ids.strong), _erase_matches(changes, ids.strong))
        if new != (summary, changes):
            rows.append((pk, *new))
    return rewrite_events(rows)


def _scrub_attendance(person: Person, ids: Identifiers) -> tuple[int, int]:
    """Their check-ins without reasons that could name them; guest rows
    that named them (someone who came as a guest before joining)."""
    mine = 0
    for attendance in Attendance.objects.filter(person=person):
        decision = attendance.decision if isinstance(attendance.decision, dict) else {}
        attendance.decision = {"eligible": bool(decision.get("eligible")), "reasons": [ERASED]}
        if attendance.override_reason:
            attendance.override_reason = ERASED
        if attendance.undo_reason:
            attendance.undo_reason = ERASED
        attendance.save(update_fields=["decision", "override_reason", "undo_reason"])
        mine += 1
    guests = Q()
    if person.email:
        guests |= Q(guest_email__iexact=person.email)
    if person.first_name and person.last_name:
        guests |= Q(guest_name__iexact=f"{person.first_name} {person.last_name}")
    named = 0
    if guests:
        named = Attendance.objects.filter(guests, person__isnull=True, meeting__branch_id=person.branch_id).update(
            guest_name=ERASED_GUEST, guest_email=""
        )
    return mine, named


def _scrub_nominations(person: Person, ids: Identifiers, counts: dict[str, int], now: datetime) -> list[Nomination]:
    """Their nominations without the words about them; those still open are
    withdrawn now; others' consent notes without their name. Returns the
    withdrawn, for their audit rows."""
    # The elections still taking their nominations are locked first, as a
    # withdrawal locks them, so that a close at the same moment waits for us.
    taking = Election.objects.filter(nominations__person=person, nominations__status=NominationStatus.NOMINATED)
    list(taking.select_for_update(of=("self",)).order_by("pk").values_list("pk", flat=True))
    theirs = list(Nomination.objects.filter(person=person).select_for_update(of=("self",)).select_related("election"))
    open_ = []
    for nomination in theirs:
        decision = nomination.decision if isinstance(nomination.decision, dict) else {}
        if decision:
            nomination.decision = {"eligible": bool(decision.get("eligible")), "reasons": [ERASED]}
        nomination.consent_note = ""
        fields = ["decision", "consent_note"]
        if nomination.status == NominationStatus.NOMINATED:
            nomination.status, nomination.withdrawn_at = NominationStatus.WITHDRAWN, now
            fields += ["status", "withdrawn_at"]
            open_.append(nomination)
        nomination.save(update_fields=fields)
    counts["nominations"] = len(theirs)
    counts["nominations_withdrawn"] = len(open_)
    # Someone else's note of how they agreed to stand may name them ("told Ann Lee at the meeting").
    mentions = Q()
    for text in ids.search:
        mentions |= Q(consent_note__icontains=text)
    others = Nomination.objects.filter(election__branch_id=person.branch_id).exclude(person=person)
    for nomination in others.filter(mentions) if ids.search else []:
        note = scrub_text(nomination.consent_note, ids.strong)
        if note != nomination.consent_note:
            nomination.consent_note = note
            nomination.save(update_fields=["consent_note"])
    return open_


def _scrub_results(person: Person, now: datetime) -> int:
    """The declared counts they stood in, with their name as the paper gave
    it (and any other name its "(n)" told apart from theirs) rewritten to
    the names the paper gives after the erasure (queries.elections
    candidate_names: ERASED_NAME): the count stays, their name goes (CONTRACT
    §8: no table holds it). The ballots' SHA-256 stays as it was declared."""
    stood = Nomination.objects.filter(person=person, status=NominationStatus.STANDING).values("election_id")
    declared = Election.objects.filter(status=ElectionStatus.DECLARED, result__isnull=False, pk__in=stood)
    done = 0
    for election in declared.select_for_update(of=("self",)).order_by("pk"):
        candidates = election_queries.standing(election)
        before = election_queries.candidate_names(candidates)
        for nomination in candidates:
            if nomination.person_id == person.pk:
                nomination.person.erased_at = now  # in memory: as the paper will read
        renamed = {old: new for old, new in zip(before, election_queries.candidate_names(candidates), strict=True)}
        renamed = {old: new for old, new in renamed.items() if old != new}
        if not renamed:
            continue
        # Longest first, in one pass: "Ann Lee (2)" is not "Ann Lee" with " (2)" after it.
        pattern = re.compile("|".join(re.escape(old) for old in sorted(renamed, key=len, reverse=True)))
        result = _renamed(election.result, pattern, renamed)
        if result != election.result:
            Election.objects.filter(pk=election.pk).update(result=result)
            done += 1
    return done


def _renamed(value: Any, pattern: re.Pattern, names: dict[str, str]) -> Any:
    """The stored count with every name `pattern` finds in its texts (values,
    the stages' totals' keys, the stages' descriptions) swapped as `names` says."""
    if isinstance(value, str):
        return pattern.sub(lambda m: names[m.group(0)], value)
    if isinstance(value, list):
        return [_renamed(v, pattern, names) for v in value]
    if isinstance(value, dict):
        return {_renamed(k, pattern, names): _renamed(v, pattern, names) for k, v in value.items()}
    return value


def _withdraw_nominations(nominations: list[Nomination], *, branch, actor, at: datetime) -> None:
    for nomination in nominations:
        audit.record(
            actor=actor, branch=branch, action=AuditAction.ELECTION_WITHDRAW, obj=nomination,
            person_id=nomination.person_id, at=at,
            summary=f"{nomination.election.title}: person {nomination.person_id} withdrawn (their data was erased)",
            changes={"election": nomination.election_id, "erased": True},
        )  # fmt: skip


def _clean_reason(reason: str, ids: Identifiers) -> str:
    text = " ".join(str(reason or "").split())
    if not text:
        raise InvalidInput(
            "Say why their data is being erased (for example: “They asked us to, by email on 3 March”).",
            code="reason_required",
            errors={"reason": ["Say why their data is being erased."]},
        )
    if len(text) > MAX_REASON:
        raise InvalidInput(
            f"Use at most {MAX_REASON} characters for the reason.",
            code="reason_too_long",
            errors={"reason": [f"Use at most {MAX_REASON} characters."]},
        )
    # The reason is kept; their name in it would undo the erasure.
    return scrub_text(text, ids.all_)


@transaction.atomic(durable=True)
def erase_person(*, person: Person, actor, reason: str, at: datetime | None = None) -> dict[str, int]:
    """Erase the person's personal data everywhere; returns what was erased,
    as counts. Raises InvalidInput without a reason, Conflict when already erased."""
    now = at or timezone.now()
    person = Person.everyone.select_for_update().select_related("branch").get(pk=person.pk)
    if person.erased_at is not None:
        raise Conflict("This person's data has already been erased.", code="already_erased")
    memberships = Membership.objects.filter(person=person)
    numbers = [n for n in memberships.values_list("number", flat=True) if n]
    ids = identifiers(person, numbers)
    reason = _clean_reason(reason, ids)

    counts: dict[str, int] = {}
    counts["memberships"] = memberships.count()
    memberships.exclude(number="").update(number="")
    counts["invitations"] = Invitation.objects.filter(person=person).delete()[0]
    counts["attributes"] = SelfDeclaredAttribute.objects.filter(person=person).delete()[0]
    counts["consent_records"] = ConsentRecord.objects.filter(person=person).delete()[0]
    # The door's refusals and override requests are about them (the steward's
    # typed reason, the Decision's dates): they go; the audit rows stay, scrubbed.
    counts["door_refusals"] = DoorRefusal.objects.filter(person=person).delete()[0]
    counts["override_requests"] = OverrideRequest.objects.filter(person=person).delete()[0]
    # And the door devices' check-ins of them (times, the Decision): the attendance row stays, scrubbed.
    counts["door_scans"] = DoorScan.objects.filter(person=person).delete()[0]
    counts["attendances"], counts["guest_rows"] = _scrub_attendance(person, ids)
    # Requests to speak: a waiting one goes; a speech made stays counted (that
    # someone spoke on the item, for how long) but no longer points at them,
    # and a chair's reason for moving them goes with the link.
    theirs = SpeakerRequest.objects.filter(person=person)
    counts["speaker_requests"] = theirs.filter(status=SpeakerStatus.WAITING).delete()[0]
    counts["speaker_requests"] += theirs.update(person=None, moved_reason="")
    counts["position_alerts"] = PositionAlert.objects.filter(holder__person=person).delete()[0]
    terms = PositionHolder.objects.filter(person=person)
    counts["positions"] = terms.count()
    today = Value(person.branch.today(now), output_field=DateField())
    terms.filter(ended_on__isnull=True).update(ended_on=Greatest(F("started_on"), today))
    terms.update(decision={}, end_reason=ERASED)
    counts["role_invitations"] = (
        RoleInvitation.objects.filter(branch_id=person.branch_id, email__iexact=person.email).update(email="")
        if person.email
        else 0
    )
    open_nominations = _scrub_nominations(person, ids, counts, now)
    counts["election_results"] = _scrub_results(person, now)
    counts["audit_events"] = _scrub_audit(person, ids)
    # After the scrub, which would blank these rows' values: they name no one.
    _withdraw_nominations(open_nominations, branch=person.branch, actor=actor, at=now)
    uploads = uploads_mentioning(person.branch_id, ids.strong) if ids.strong is not None else []
    counts["uploads"] = len(uploads)
    counts["linked_account"] = int(person.user_id is not None)

    Person.everyone.filter(pk=person.pk).update(
        first_name="",
        last_name="",
        email="",
        phone="",
        postcode="",
        ward="",
        date_of_birth=None,
        notes="",
        consent_email=False,
        consent_email_at=None,
        consent_phone=False,
        consent_phone_at=None,
        campaign_email=False,
        campaign_phone=False,
        user=None,
        unlinked_user=None,
        pending_review=False,
        erased_at=now,
        updated_at=now,
    )
    people_version.bump(person.branch_id)  # a tombstone is nobody's: no rule admits it
    audit.record(
        actor=actor,
        branch=person.branch,
        action=AuditAction.PERSON_ERASE,
        object_type="person",
        object_id=person.pk,
        person_id=person.pk,
        summary=f"Erased the personal data of person {person.pk}",
        changes={"reason": reason, **counts},
        at=now,
    )
    for token in uploads:
        transaction.on_commit(lambda token=token: forget_upload(token))
    return counts


__all__ = ["ERASED", "erase_person", "identifiers", "scrub_text"]
