"""Members' own nominations (issue 13 item 3): from their own view, while
nominations are open, a member nominates themselves — or another member where
every position of the election allows it (`Position.others_may_nominate`) —
and a nominee withdraws their own nomination. The nominator must be an eligible
voter in the election (services/elections.py voter_decision), refused with the
Decision's reasons (errors.refused, code not_eligible_nominator); the nominee is
decided against the positions' holder rules at the close, as every nomination is
(services/elections.py close_nominations), and sees the reasons on My elections.

A member nominating someone already nominated adds their name to the
nominators; nobody but the nominee may put a withdrawn nomination back."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from ..errors import Conflict, InvalidInput, NotAllowed, refused
from ..models import AuditAction, Election, Membership, Nomination, NominationStatus, Person
from . import audit
from .elections import _locked, check_nominations_open, voter_decision, withdraw_within


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
    who = "yourself" if nominee.pk == nominator.pk else str(nominee)
    if nomination is not None and nomination.status == NominationStatus.WITHDRAWN:
        if nominee.pk != nominator.pk:
            raise Conflict(f"{nominee} has withdrawn: only they may stand again.", code="withdrawn")
        nomination.status, nomination.withdrawn_at, nomination.nominated_at = NominationStatus.NOMINATED, None, at
        nomination.save(update_fields=["status", "withdrawn_at", "nominated_at"])
    elif nomination is not None:
        if nomination.nominators.filter(pk=nominator.pk).exists():
            raise Conflict(f"You have already nominated {who}.", code="already_nominated")
    else:
        nomination = Nomination.objects.create(election=election, person=nominee, nominated_at=at)
    nomination.nominators.add(nominator)
    audit.record(
        actor=actor, branch=election.branch, action=AuditAction.ELECTION_NOMINATE, obj=nomination,
        person_id=nominee.pk, at=at,
        summary=f"{election.title}: person {nominee.pk} nominated by "
        + ("themselves" if nominee.pk == nominator.pk else f"person {nominator.pk}"),
        changes={"election": election.pk, "nominators": [nominator.pk], "by_member": True},
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
