"""Members' own nominations (issue 13 item 3): from their own view, while
nominations are open, a member nominates themselves — or another member where
every position of the election allows it (`Position.others_may_nominate`) —
and a nominee withdraws their own nomination. The nominator must be an eligible
voter in the election (services/elections.py voter_decision), refused with the
Decision's reasons (errors.refused, code not_eligible_nominator); the nominee is
decided against the positions' holder rules at the close, as every nomination is
(services/elections.py close_nominations), and sees the reasons on My elections.

A member nominating someone already nominated adds their name to the
nominators; nobody but the nominee may put a withdrawn (or declined)
nomination back. Someone else's nomination awaits the nominee's consent: they
are told (services/nominee_notices.py) and `accept_nomination` or
`decline_nomination` it on their own account; one still awaiting at the close
lapses (services/elections.py close_within). Nominating yourself is consent."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from ..errors import Conflict, InvalidInput, NotAllowed, refused
from ..models import AuditAction, Election, Membership, Nomination, NominationStatus, NomineeConsent, Person
from . import audit
from .elections import _locked, check_nominations_open, renomination_refused, voter_decision, withdraw_within


def others_may_nominate(election: Election) -> bool:
    """May a member nominate someone other than themselves? Only where the
    election is for positions and every one of them allows it."""
    positions = list(election.positions.all())
    return bool(positions) and all(p.others_may_nominate for p in positions)


def _not_linked() -> NotAllowed:
    return NotAllowed("Your account is not linked to a member of this branch.", code="not_linked")


def find_member(election: Election, *, number, last_name) -> Person:
    """The member a nominator names by their membership number and surname (a
    member cannot browse the branch's people): both must match."""
    number, last_name = " ".join(str(number or "").split()), " ".join(str(last_name or "").split())
    if not number or not last_name:
        raise InvalidInput(
            "Give the member's membership number and surname.", code="invalid", field="number",
            errors={"number": ["Give the member's membership number and surname."]},
        )  # fmt: skip
    found = (
        Person.objects.filter(
            branch_id=election.branch_id,
            last_name__iexact=last_name[:100],
            pk__in=Membership.objects.filter(number__iexact=number[:40]).values("person_id"),
        )
        .order_by("pk")
        .first()
    )
    if found is None:
        message = "No member of this branch has that membership number and surname."
        raise InvalidInput(message, code="no_such_member", field="number", errors={"number": [message]})
    return found


@transaction.atomic(durable=True)
def nominate_as_member(
    *, election: Election, nominator: Person | None, nominee: Person | None = None, actor, at: datetime | None = None
) -> Nomination:
    """The member `nominator` (the person linked to the account) nominates
    `nominee` (themselves when None). Refusals: not_linked, nominations_closed,
    self_only, not_eligible_nominator (with the Decision), already_nominated,
    withdrawn (someone else withdrew: only they may stand again)."""
    if nominator is None:
        raise _not_linked()
    election = _locked(election)
    at = at or timezone.now()
    check_nominations_open(election, at)
    nominee = nominee or nominator
    if nominator.branch_id != election.branch_id or nominee.branch_id != election.branch_id:
        raise _not_linked()
    if nominee.pk != nominator.pk and not others_may_nominate(election):
        raise NotAllowed("In this election members may nominate only themselves.", code="self_only")
    decision = voter_decision(election, nominator)
    if not decision.eligible:
        raise refused(decision.reasons, doing="nominate in this election", code="not_eligible_nominator")
    nomination = Nomination.objects.select_for_update().filter(election=election, person=nominee).first()
    own = nominee.pk == nominator.pk
    who = "yourself" if own else str(nominee)
    consent_before = nomination.consent if nomination is not None else None
    if nomination is not None and nomination.status == NominationStatus.WITHDRAWN:
        if not own:
            raise renomination_refused(nominee, nomination, "Only they may stand again.")
        nomination.status, nomination.withdrawn_at, nomination.nominated_at = NominationStatus.NOMINATED, None, at
        nomination.consent, nomination.consent_at, nomination.consent_note = NomineeConsent.SELF, at, ""
        nomination.save()
    elif nomination is not None:
        if nomination.nominators.filter(pk=nominator.pk).exists():
            raise Conflict(f"You have already nominated {who}.", code="already_nominated")
        if own and nomination.consent == NomineeConsent.AWAITING:  # standing yourself is agreeing to stand
            nomination.consent, nomination.consent_at = NomineeConsent.ACCEPTED, at
            nomination.save(update_fields=["consent", "consent_at"])
    else:
        consent = NomineeConsent.SELF if own else NomineeConsent.AWAITING
        nomination = Nomination.objects.create(
            election=election, person=nominee, nominated_at=at, consent=consent, consent_at=at if own else None
        )
    nomination.nominators.add(nominator)
    audit.record(
        actor=actor, branch=election.branch, action=AuditAction.ELECTION_NOMINATE, obj=nomination,
        person_id=nominee.pk, at=at,
        summary=f"{election.title}: person {nominee.pk} nominated by "
        + ("themselves" if own else f"person {nominator.pk}"),
        changes={"election": election.pk, "nominators": [nominator.pk], "by_member": True,
                 "consent": nomination.consent},
    )  # fmt: skip
    if nomination.consent == NomineeConsent.AWAITING and consent_before != NomineeConsent.AWAITING:
        from .nominee_notices import tell_nominee_on_commit

        tell_nominee_on_commit(nomination)
    return nomination


def _answer(*, nomination: Nomination, person: Person | None, at: datetime | None):
    """The nominee's own nomination, locked, still awaiting their answer while
    nominations are open (refusals: not_linked, not_yours, nominations_closed,
    not_awaiting)."""
    if person is None:
        raise _not_linked()
    if nomination.person_id != person.pk:
        raise NotAllowed("Only the nominee may answer their nomination.", code="not_yours")
    election = _locked(nomination.election)
    at = at or timezone.now()
    check_nominations_open(election, at)
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if not nomination.awaiting_consent:
        withdrawn = nomination.status == NominationStatus.WITHDRAWN and nomination.consent != NomineeConsent.DECLINED
        message = "That nomination is withdrawn." if withdrawn else "You have already answered that nomination."
        raise Conflict(message, code="not_awaiting")
    return election, nomination, at


@transaction.atomic(durable=True)
def accept_nomination(*, nomination: Nomination, person: Person | None, actor, at: datetime | None = None):
    """The nominee agrees to stand: from now the nomination counts at the close."""
    election, nomination, at = _answer(nomination=nomination, person=person, at=at)
    nomination.consent, nomination.consent_at = NomineeConsent.ACCEPTED, at
    nomination.save(update_fields=["consent", "consent_at"])
    audit.record(
        actor=actor, branch=election.branch, action=AuditAction.ELECTION_NOMINATION_ACCEPT, obj=nomination,
        person_id=nomination.person_id, at=at,
        summary=f"{election.title}: person {nomination.person_id} agreed to stand",
        changes={"election": election.pk, "consent": NomineeConsent.ACCEPTED},
    )  # fmt: skip
    return nomination


@transaction.atomic(durable=True)
def decline_nomination(*, nomination: Nomination, person: Person | None, actor, at: datetime | None = None):
    """The nominee declines: the nomination is withdrawn (only they may stand again)."""
    election, nomination, at = _answer(nomination=nomination, person=person, at=at)
    nomination.consent, nomination.consent_at = NomineeConsent.DECLINED, at
    nomination.status, nomination.withdrawn_at = NominationStatus.WITHDRAWN, at
    nomination.save(update_fields=["consent", "consent_at", "status", "withdrawn_at"])
    audit.record(
        actor=actor, branch=election.branch, action=AuditAction.ELECTION_NOMINATION_DECLINE, obj=nomination,
        person_id=nomination.person_id, at=at, summary=f"{election.title}: person {nomination.person_id} declined",
        changes={"election": election.pk, "consent": NomineeConsent.DECLINED},
    )  # fmt: skip
    return nomination


@transaction.atomic(durable=True)
def record_consent(*, nomination: Nomination, actor, note: str, at: datetime | None = None) -> Nomination:
    """An organiser records that the nominee agreed to stand, saying how (the
    note), for a nomination awaiting them (as for self-declared attributes)."""
    from .elections import organiser_consent

    election = _locked(nomination.election)
    at = at or timezone.now()
    check_nominations_open(election, at)
    nomination = Nomination.objects.select_for_update().select_related("person").get(pk=nomination.pk)
    if not nomination.awaiting_consent:
        raise Conflict("That nomination is not awaiting the nominee's consent.", code="not_awaiting")
    _, note = organiser_consent(nomination.person, [], True, note)
    nomination.consent, nomination.consent_at, nomination.consent_note = NomineeConsent.RECORDED, at, note
    nomination.consent_recorded_by = actor if getattr(actor, "is_authenticated", False) else None
    nomination.save(update_fields=["consent", "consent_at", "consent_note", "consent_recorded_by"])
    audit.record(
        actor=actor, branch=election.branch, action=AuditAction.ELECTION_NOMINATION_CONSENT, obj=nomination,
        person_id=nomination.person_id, at=at,
        summary=f"{election.title}: person {nomination.person_id}'s consent recorded",
        changes={"election": election.pk, "consent": NomineeConsent.RECORDED, "consent_note": note},
    )  # fmt: skip
    return nomination


@transaction.atomic(durable=True)
def withdraw_own_nomination(
    *, nomination: Nomination, person: Person | None, actor, at: datetime | None = None
) -> Nomination:
    """The nominee withdraws their own nomination (until nominations close)."""
    if person is None:
        raise _not_linked()
    if nomination.person_id != person.pk:
        raise NotAllowed("Only the nominee may withdraw their nomination.", code="not_yours")
    return withdraw_within(nomination=nomination, actor=actor, at=at)
