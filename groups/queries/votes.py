"""Votes of a meeting, their live progress ("N of M have voted"), a named
vote's roll, and whether one person has voted."""

from __future__ import annotations

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from ..models import Meeting, Person, Vote, VotedMark, VoteEntitlement, VoteMethod, VoteStatus
from ..sql import as_id
from ..sql import votes as statements


def meeting_votes(meeting: Meeting) -> QuerySet[Vote]:
    """The meeting's votes in the order they were set up, each with how many
    are entitled and how many have voted (two counts in the same query, as
    subqueries: joining both tables would count entitled × voted rows,
    four million for 2,000 voters, on every look at the projector)."""
    return (
        Vote.objects.filter(meeting=meeting)
        .annotate(n_entitled=_count(VoteEntitlement), n_voted=_count(VotedMark))
        .order_by("created_at", "id")
    )


def _count(model):
    rows = model.objects.filter(vote=OuterRef("pk")).order_by().values("vote").annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def _roll_marks():
    return VotedMark.objects.select_related("person").order_by("person__last_name", "person__first_name", "person_id")


def meeting_votes_with_rolls(meeting: Meeting) -> QuerySet[Vote]:
    """meeting_votes with each vote's voted marks and their people, for the
    chair's page: one more query whatever the number of votes."""
    return meeting_votes(meeting).prefetch_related(
        Prefetch("marks", queryset=_roll_marks().filter(vote__method=VoteMethod.NAMED), to_attr="roll_marks")
    )


def vote_in_meeting(meeting: Meeting, vote_id) -> Vote | None:
    try:
        return meeting_votes(meeting).select_related("meeting").get(pk=vote_id)
    except (Vote.DoesNotExist, ValueError, TypeError):
        return None


def plain_vote(meeting: Meeting, vote_id) -> Vote | None:
    """The vote of this meeting without its counts (a ballot needs only its id)."""
    pk = as_id(vote_id)
    return Vote.objects.filter(meeting=meeting, pk=pk).first() if pk is not None else None


def live_progress(vote_id: int) -> dict:
    """progress() of a secret or named vote, read fresh in one statement."""
    voted, entitled = statements.progress_counts(vote_id)
    return {"voted": voted, "entitled": entitled, "text": f"{voted:,} of {entitled:,} have voted"}


def progress(vote: Vote) -> dict:
    """{"voted": n, "entitled": m, "text": "N of M have voted"} — a show of
    hands counts the hands the chair entered."""
    entitled = getattr(vote, "n_entitled", None)
    if entitled is None:
        entitled = vote.entitlements.count()
    if vote.method == VoteMethod.SHOW_OF_HANDS:
        voted = sum(v or 0 for v in (vote.tally_for, vote.tally_against, vote.tally_abstain))
    else:
        voted = getattr(vote, "n_voted", None)
        if voted is None:
            voted = vote.marks.count()
    return {"voted": voted, "entitled": entitled, "text": f"{voted:,} of {entitled:,} have voted"}


def named_roll(vote: Vote) -> list[tuple[Person, str]]:
    """A named vote: each voter and their choice, by name. Empty for any other
    method: a secret vote has no such list to give."""
    if vote.method != VoteMethod.NAMED:
        return []
    marks = getattr(vote, "roll_marks", None)
    if marks is None:
        marks = _roll_marks().filter(vote=vote)
    return [(m.person, m.named_choice) for m in marks]


def open_votes_for(meeting: Meeting, person: Person | None) -> list[Vote]:
    """The meeting's open votes, each marked `has_voted` for this person (the phone page)."""
    votes = Vote.objects.filter(meeting=meeting, status=VoteStatus.OPEN).order_by("opened_at", "id")
    if person is None:
        return [setattr(v, "has_voted", False) or v for v in votes]
    return list(votes.annotate(has_voted=Exists(VotedMark.objects.filter(vote=OuterRef("pk"), person=person))))


def closed_votes(meeting: Meeting, *, few: int = 3) -> list[Vote]:
    """The meeting's last few results, the latest first (the phone page shows them)."""
    return list(Vote.objects.filter(meeting=meeting, status=VoteStatus.CLOSED).order_by("-closed_at", "-id")[:few])


def has_voted(vote: Vote, person: Person | None) -> bool:
    return person is not None and VotedMark.objects.filter(vote=vote, person=person).exists()
