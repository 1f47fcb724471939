"""Paper ballots entered by two tellers (issue 13 item 3).

Each teller types the papers independently, one paper a line: the numbers of
the candidates on the paper (1 = the first on it) in order of preference
(ranked methods) or the ones marked (fptp, block); a line "-" is a paper with
no valid mark. `enter_papers` keeps one entry per teller (a teller may enter
again); `queries.elections.mismatches` lists every paper on which two entries differ, and a
different number of papers; `accept_papers` copies the papers into the
election's ballots only when at least two tellers' entries agree exactly."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from ..errors import Conflict, InvalidInput
from ..models import AuditAction, BallotMode, Election, ElectionBallot, ElectionStatus, TellerEntry
from ..queries import elections as queries
from ..queries.elections import mismatches
from . import audit
from .elections import _locked

MAX_PAPERS = 20000
MAX_ERRORS = 20


def papers_as_text(papers) -> str:
    """The API's papers (a list of lists of candidate numbers; [] a blank
    paper) as the lines a teller types, so both are read by parse_papers."""
    if not isinstance(papers, list) or not all(
        isinstance(p, list) and all(isinstance(m, int) and not isinstance(m, bool) for m in p) for p in papers
    ):
        raise InvalidInput(
            "Give the papers as a list of lists of the candidates' numbers, [] for a blank paper.",
            code="bad_papers", field="papers",
        )  # fmt: skip
    return "\n".join(" ".join(str(m) for m in p) if p else "-" for p in papers)


def parse_papers(text: str, *, candidates: int, ranked: bool, most: int, word: str = "line") -> list[list[int]]:
    """One paper a line → candidate numbers; InvalidInput naming every bad
    line (`word` "paper" for the API's list, where paper n is line n)."""
    papers, errors = [], []
    for number, raw in enumerate(str(text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line == "-":
            papers.append([])
            continue
        parts = line.replace(",", " ").split()
        if not all(p.isdigit() for p in parts):
            errors.append(f"{word} {number}: give the candidates' numbers, separated by spaces, or - for a blank paper")
            continue
        marks = [int(p) for p in parts]
        if any(not 1 <= m <= candidates for m in marks):
            errors.append(f"{word} {number}: the candidates are numbered 1 to {candidates}")
        elif len(set(marks)) != len(marks):
            errors.append(f"{word} {number}: a candidate appears twice")
        elif not ranked and len(marks) > most:
            errors.append(f"{word} {number}: more than {most} mark{'s' if most > 1 else ''}")
        else:
            papers.append(marks if ranked else sorted(marks))
    if errors:
        shown = errors[:MAX_ERRORS] + ([f"and {len(errors) - MAX_ERRORS} more"] if len(errors) > MAX_ERRORS else [])
        raise InvalidInput("Some papers cannot be read: " + "; ".join(shown) + ".", code="bad_papers", field="papers")
    if not papers:
        raise InvalidInput("Enter the papers, one a line.", code="no_papers", field="papers")
    if len(papers) > MAX_PAPERS:
        raise InvalidInput(f"At most {MAX_PAPERS} papers.", code="too_many_papers", field="papers")
    return papers


def _paper_election(election: Election) -> Election:
    election = _locked(election)
    if election.ballot_mode != BallotMode.PAPER:
        raise Conflict("This election is not by paper ballot.", code="not_paper")
    if election.status != ElectionStatus.BALLOT:
        raise Conflict("This election is not taking ballots.", code="ballot_closed")
    if election.papers_accepted_at is not None:
        raise Conflict("The papers have already been accepted.", code="papers_accepted")
    return election


@transaction.atomic(durable=True)
def enter_papers(
    *, election: Election, actor, text: str | None = None, papers=None, at: datetime | None = None
) -> TellerEntry:
    """The signed-in teller's entry of the papers (replacing their earlier
    one): typed, one paper a line (the page), or as a list (the API)."""
    election = _paper_election(election)
    most = 1 if election.method == "fptp" else election.seats
    word = "line" if papers is None else "paper"
    if papers is not None:
        text = papers_as_text(papers)
    papers = parse_papers(
        text, candidates=len(queries.standing(election)), ranked=election.ranked, most=most, word=word
    )
    at = at or timezone.now()
    entry, _ = TellerEntry.objects.update_or_create(
        election=election, teller=actor, defaults={"papers": papers, "entered_at": at}
    )
    audit.record(
        actor=actor, branch=election.branch, action=AuditAction.ELECTION_PAPERS_ENTER, obj=election, at=at,
        summary=f"{election.title}: a teller entered {len(papers)} papers", changes={"papers": len(papers)},
    )  # fmt: skip
    return entry


@transaction.atomic(durable=True)
def accept_papers(*, election: Election, actor, at: datetime | None = None) -> int:
    """Copy the agreed papers into the election's ballots (then close_ballot counts them)."""
    election = _paper_election(election)
    entries, differences = mismatches(election)
    if len(entries) < 2:
        raise Conflict("Two tellers must each enter the papers first.", code="needs_two_tellers")
    if differences:
        raise Conflict(
            f"The tellers' entries differ on {len(differences)} paper{'s' if len(differences) != 1 else ''}: "
            "check those papers and enter them again.",
            code="tellers_disagree",
        )
    candidates = queries.standing(election)
    papers = entries[0].papers
    ElectionBallot.objects.bulk_create(
        [ElectionBallot(election=election, ranking=[candidates[m - 1].pk for m in paper]) for paper in papers]
    )
    election.papers_accepted_at = at or timezone.now()
    election.save(update_fields=["papers_accepted_at"])
    audit.record(
        actor=actor, branch=election.branch, action=AuditAction.ELECTION_PAPERS_ACCEPT, obj=election,
        at=election.papers_accepted_at, summary=f"{election.title}: {len(papers)} papers accepted",
        changes={"papers": len(papers), "tellers": [e.teller_id for e in entries]},
    )  # fmt: skip
    return len(papers)
