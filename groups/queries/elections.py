"""Reads for elections: lists, nominations, the ballots as counting.Ballots
(and so as BLT), the elections a member may vote in."""

from __future__ import annotations

from django.db.models import Count, F, Prefetch, QuerySet

from .. import counting
from ..models import (
    Branch,
    Election,
    ElectionBallot,
    ElectionStatus,
    ElectionVoterMark,
    Nomination,
    NominationStatus,
    NomineeConsent,
    Person,
    TellerEntry,
)


def elections(branch: Branch) -> QuerySet[Election]:
    return (
        Election.objects.filter(branch=branch)
        .select_related("voting_rule", "meeting")
        .prefetch_related("positions")
        .annotate(nominees=Count("nominations", distinct=True))
        .order_by("-election_on", "-id")
    )


def nominations(election: Election) -> QuerySet[Nomination]:
    return (
        Nomination.objects.filter(election=election)
        .select_related("person")
        .prefetch_related(Prefetch("nominators", queryset=Person.objects.order_by("last_name", "first_name", "id")))
    )


def standing(election: Election) -> list[Nomination]:
    """The candidates on the ballot paper, in the paper's order (by name)."""
    return list(
        Nomination.objects.filter(election=election, status=NominationStatus.STANDING)
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "id")
    )


def standing_ids(election: Election) -> set[int]:
    """The standing nominations' ids: what a ballot is checked against (the
    people's rows are not needed for that, nor the paper's order by name: a
    set, so no join to the people to sort)."""
    standing = Nomination.objects.filter(election=election, status=NominationStatus.STANDING).order_by()
    return set(standing.values_list("pk", flat=True))


def candidate_names(candidates: list[Nomination]) -> list[str]:
    """Each candidate's name on the paper and in the count; two people of the
    same name are told apart by their number on the paper (the count needs
    different names; erasure rewrites a declared result to the names this gives
    after it: services/erasure.py)."""
    names = [" ".join(n.person.full_name.replace('"', "'").split()) for n in candidates]  # an erased one: ERASED_NAME
    repeated = {name for name in names if names.count(name) > 1}
    return [f"{name} ({i})" if name in repeated else name for i, name in enumerate(names, start=1)]


def ballots(election: Election, candidates: list[Nomination] | None = None) -> counting.Ballots:
    """The cast ballots as the pure count reads them (any order: the count and
    the hash use the canonical form)."""
    candidates = standing(election) if candidates is None else candidates
    index = {n.pk: i for i, n in enumerate(candidates)}
    groups: dict[tuple[int, ...], int] = {}
    for ranking in ElectionBallot.objects.filter(election=election).values_list("ranking", flat=True).iterator():
        key = tuple(index[pk] for pk in ranking if pk in index)
        groups[key] = groups.get(key, 0) + 1
    return counting.Ballots(
        candidates=candidate_names(candidates),
        seats=election.seats,
        groups=tuple(counting.BallotGroup(w, r) for r, w in groups.items()),
        title=election.title,
    )


def blt(election: Election) -> str:
    """The ballots in canonical BLT: the text whose SHA-256 the result states."""
    return counting.write_blt(ballots(election).canonical())


def has_voted(election: Election, person: Person | None) -> bool:
    return person is not None and ElectionVoterMark.objects.filter(election=election, person=person).exists()


def open_for(branch: Branch, person: Person | None) -> list[Election]:
    """The branch's elections taking ballots, each marked `.voted` for the person."""
    items = list(
        Election.objects.filter(branch=branch, status=ElectionStatus.BALLOT)
        .select_related("meeting", "voting_rule", "branch")
        .order_by("ballot_closes_at", "id")
    )
    voted = set()
    if person is not None and items:
        voted = set(
            ElectionVoterMark.objects.filter(person=person, election__in=items).values_list("election_id", flat=True)
        )
    for e in items:
        e.voted = e.pk in voted
    return items


def declared(branch: Branch) -> QuerySet[Election]:
    return Election.objects.filter(branch=branch, status=ElectionStatus.DECLARED).order_by("-declared_at", "-id")


def taking_nominations(branch: Branch, person: Person | None) -> list[Election]:
    """The branch's elections taking nominations, each with `.mine` (the
    person's own nomination or None, with its nominators: one awaiting their
    consent names who nominated them) and `.by_me` (those they nominated)."""
    items = list(
        Election.objects.filter(branch=branch, status=ElectionStatus.NOMINATIONS)
        .select_related("branch", "voting_rule", "meeting__attendance_rule", "meeting__voting_rule", "meeting__branch")
        .prefetch_related("positions")
        .order_by("nominations_close_at", "id")
    )
    mine: dict[int, Nomination] = {}
    by_me: dict[int, list[Nomination]] = {}
    if person is not None and items:
        ordered = Person.objects.order_by("last_name", "first_name", "id")
        for n in Nomination.objects.filter(election__in=items, person=person).prefetch_related(
            Prefetch("nominators", queryset=ordered)
        ):
            mine[n.election_id] = n
        for n in (
            Nomination.objects.filter(election__in=items, nominators=person)
            .exclude(person=person)
            .select_related("person")
        ):
            by_me.setdefault(n.election_id, []).append(n)
    for e in items:
        e.mine, e.by_me = mine.get(e.pk), by_me.get(e.pk, [])
    return items


def own_nominations(branch: Branch, person: Person | None, *, limit: int = 10) -> list[Nomination]:
    """The person's own nominations in the branch's elections whose
    nominations have closed: standing or refused, with the holder rules' reasons."""
    if person is None:
        return []
    return list(
        Nomination.objects.filter(election__branch=branch, person=person, election__nominations_closed_at__isnull=False)
        .select_related("election")
        .order_by("-election__nominations_closed_at", "-id")[:limit]
    )


def awaiting_consent(branch: Branch, *, limit: int = 10) -> list[Nomination]:
    """The branch's nominations still awaiting the nominee's consent while
    nominations are open (for the organisers' dashboard), the soonest to
    close first: each lapses at the close without it. One more than `limit`
    tells the page there are others."""
    return list(
        Nomination.objects.filter(
            election__branch=branch, election__status=ElectionStatus.NOMINATIONS,
            status=NominationStatus.NOMINATED, consent=NomineeConsent.AWAITING,
        )
        .select_related("person", "election")
        .order_by(F("election__nominations_close_at").asc(nulls_last=True), "election_id", "person__last_name",
                  "person__first_name", "id")[: limit + 1]
    )  # fmt: skip


def awaiting_my_consent(person: Person | None) -> list[Nomination]:
    """The person's own nominations awaiting their answer (accept or decline,
    on My elections) while nominations are open, the soonest to close first."""
    if person is None:
        return []
    return list(
        Nomination.objects.filter(
            person=person, election__status=ElectionStatus.NOMINATIONS,
            status=NominationStatus.NOMINATED, consent=NomineeConsent.AWAITING,
        )
        .select_related("election")
        .order_by(F("election__nominations_close_at").asc(nulls_last=True), "election_id")
    )  # fmt: skip


def compare(first: list[list[int]], second: list[list[int]]) -> list[dict]:
    """Every paper (numbered from 1) on which two entries differ; a paper one
    entry has and the other lacks counts as a difference."""
    out = []
    for i in range(max(len(first), len(second))):
        a = first[i] if i < len(first) else None
        b = second[i] if i < len(second) else None
        if a != b:
            out.append({"paper": i + 1, "first": a, "second": b})
    return out


def mismatches(election: Election) -> tuple[list[TellerEntry], list[dict]]:
    """The entries (first two by time) and where they differ."""
    entries = list(TellerEntry.objects.filter(election=election).select_related("teller")[:2])
    if len(entries) < 2:
        return entries, []
    return entries, compare(entries[0].papers, entries[1].papers)


def tellers(election: Election, user) -> dict:
    """What the tellers see, on the page and in `…/tellers/` alike: the first
    two entries, the user's own, every mismatch, whether they agree (None
    until two have entered) and the candidates' names in the paper's order."""
    entries, differences = mismatches(election)
    agree = None if len(entries) < 2 else not differences
    return {
        "entries": entries,
        "mine": next((e for e in entries if e.teller_id == user.pk), None),
        "differences": differences,
        "agree": agree,
        "papers": entries[0].papers if agree else None,
        "candidates": candidate_names(standing(election)),
    }
