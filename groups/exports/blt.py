"""An election's ballots as a BLT file to download, for an independent recount: the organisers'
page (`views/elections.py` `election_blt`) and the API (`…/elections/{id}/ballots.blt`) answer
this one response, so the file, its name and its headers cannot drift apart."""

from __future__ import annotations

from django.http import HttpResponse

from ..models import Election, ElectionStatus
from ..queries import elections as queries

NO_BALLOTS = "There are no ballots before nominations close."


def has_ballots(election: Election) -> bool:
    """Whether there is a ballot paper yet: nominations closed with someone standing."""
    if election.status in (ElectionStatus.DRAFT, ElectionStatus.NOMINATIONS):
        return False
    return bool(queries.standing_ids(election))


def blt_download(election: Election) -> HttpResponse:
    """The canonical BLT (the text whose SHA-256 the result states) as an attachment. Never
    kept by a cache: the ballots so far change while the ballot is open, and are secret."""
    response = HttpResponse(queries.blt(election), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="election-{election.pk}.blt"'
    response["Cache-Control"] = "private, no-store"
    return response
