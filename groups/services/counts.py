"""Counting an uploaded BLT file (a paper ballot counted elsewhere, a recount):
the organisers' count page and `POST /branches/{slug}/counts/` both come here.
Nothing of the count is kept — neither the ballots nor the result; the audit
row says that a count was run and which (method, seats, papers, the ballots'
SHA-256), never a candidate's name or the title."""

from __future__ import annotations

import secrets

from django.db import transaction

from .. import counting
from ..models import AuditAction, Branch
from . import audit


def count_upload(
    *,
    branch: Branch,
    actor,
    content: bytes | str,
    method: str,
    seed: str | None = None,
    constraints: list | None = None,
    if_unmet: str = "vacant",
    pdf: bool = False,
) -> counting.CountResult:
    """Count `content` (BLT) by `method`. `constraints`: the CONTRACT §7 list
    (names as in the file). Raises BLTError (with every bad line), ConstraintError,
    BallotsError or CountError, all InvalidInput. `pdf`: the organiser asked for
    the printable copy (its own audit code)."""
    ballots = counting.read_blt(content)
    parsed = counting.parse_constraints(constraints, ballots)
    seed = seed or secrets.token_hex(8)
    result = counting.count(ballots, method, seed=seed, constraints=parsed, if_unmet=if_unmet)
    _record(branch=branch, actor=actor, result=result, pdf=pdf)
    return result


@transaction.atomic(durable=True)
def _record(*, branch: Branch, actor, result: counting.CountResult, pdf: bool) -> None:
    audit.record(
        actor=actor,
        branch=branch,
        action=AuditAction.COUNT_PDF if pdf else AuditAction.COUNT_UPLOADED,
        object_type="count",
        summary=f"Counted {result.valid_ballots:,} ballot paper{'s' if result.valid_ballots != 1 else ''} "
        f"by {result.method} for {result.seats} seat{'s' if result.seats != 1 else ''}",
        changes={
            "method": result.method,
            "seats": result.seats,
            "candidates": len(result.candidates),
            "valid_ballots": result.valid_ballots,
            "constraints": len(result.constraints),
            "ballots_sha256": result.ballots_sha256,
            "seed": result.seed,
        },
    )
