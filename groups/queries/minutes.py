"""Reads for minutes (issue 12, item 8): the facts a closed meeting's draft
minutes are written from — its frozen record, who came and who sent
apologies, quorum at the start and at each vote, the order paper with
amendments, movers and seconders, votes and the chair's rulings — and the
branch's decisions register (every carried motion, across meetings).

The facts come from the records as they stand; the draft is a separate
document (models.minutes), so nothing here writes."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import Q, QuerySet

from ..minutes_text import ItemFacts, MinutesFacts, MotionFacts, PointFacts, VoteFacts
from ..models import (
    Attendance,
    Branch,
    Meeting,
    MeetingRecord,
    MeetingStatus,
    Minutes,
    Motion,
    MotionState,
    QuestionKind,
    Vote,
    VoteResult,
    VoteStatus,
)
from ..models.points_of_order import PointState
from .attendance import apologies
from .motions import agenda_items, order_paper, points_of_order

WHEN = "%a %-d %b %Y, %H:%M"


def _local(branch: Branch, when: datetime | None, fmt: str = WHEN) -> str:
    return when.astimezone(branch.zone).strftime(fmt) if when else ""


def minutes_of(meeting: Meeting) -> Minutes | None:
    return Minutes.objects.select_related("approved_at_meeting", "approved_item").filter(meeting=meeting).first()


def _vote_facts(vote: Vote) -> VoteFacts:
    q = vote.quorum_at_open or {}
    closed = vote.status == VoteStatus.CLOSED
    return VoteFacts(
        method=vote.get_method_display(),
        votes_for=vote.votes_for or 0,
        against=vote.votes_against or 0,
        abstain=vote.abstain or 0,
        entitled=vote.entitled or 0,
        voted=vote.voted or 0,
        threshold=vote.get_threshold_display(),
        needed=vote.needed,
        result=vote.get_result_display() if closed and vote.result else "",
        explanation=vote.explanation,
        casting_vote=vote.casting_vote,
        present_eligible=q.get("present_eligible"),
        quorum=q.get("quorum"),
        quorate=q.get("quorate"),
        override_reason=vote.override_reason,
    )


def _motion_facts(m: Motion, votes_by_motion: dict[int, list[Vote]]) -> MotionFacts:
    if m.procedure:
        label = f"Procedural motion: {m.get_procedure_display().lower()}"
    elif m.is_amendment:
        label = "Amendment"
    else:
        label = "Motion on standing orders" if m.kind == QuestionKind.STANDING_ORDERS else "Motion"
    facts = MotionFacts(
        label=label,
        text=m.summary if m.is_amendment else m.text,
        state=m.get_state_display(),
        mover=m.mover.full_name if m.mover_id else "",
        seconder=m.seconder.full_name if m.seconder_id else "",
        original_text=getattr(m, "original_text", "") if not m.is_amendment else "",
        ruling_reason=m.ruling_reason if m.state == MotionState.RULED_OUT else "",
        votes=[_vote_facts(v) for v in votes_by_motion.get(m.pk, [])],
    )
    facts.amendments = [_motion_facts(a, votes_by_motion) for a in getattr(m, "amendments_list", [])]
    return facts


def _present_at(meeting: Meeting, when: datetime) -> int:
    """Present and entitled to vote at a moment: checked in by then (never
    undone), not yet left. Attendance of a closed meeting never changes."""
    return Attendance.objects.filter(
        Q(left_at__isnull=True) | Q(left_at__gt=when),
        meeting=meeting,
        person__isnull=False,
        may_vote=True,
        undone_at__isnull=True,
        checked_in_at__lte=when,
    ).count()


def minutes_facts(meeting: Meeting) -> MinutesFacts:
    """Everything the draft says, from the records. The meeting must be closed
    (its record frozen); a fixed number of queries whatever its size."""
    branch = meeting.branch
    record = MeetingRecord.objects.get(meeting=meeting)
    came = (
        Attendance.objects.filter(meeting=meeting, undone_at__isnull=True, person__isnull=False)
        .select_related("person")
        .order_by("person__last_name", "person__first_name", "person_id")
    )
    present = [a.person.full_name for a in came]
    sorry = [p.full_name for p in apologies(meeting)]
    votes = list(Vote.objects.filter(meeting=meeting).order_by("created_at", "id"))
    votes_by_motion: dict[int, list[Vote]] = {}
    for v in votes:
        if v.motion_id:
            votes_by_motion.setdefault(v.motion_id, []).append(v)
    paper = order_paper(meeting)
    points = list(points_of_order(meeting))
    challenge_ids = {p.challenge_id for p in points if p.challenge_id}
    substantive = [m for m in paper if not m.procedure]
    # Procedural motions sit under the motion they are about (challenges under their point).
    by_concern: dict[int | None, list[Motion]] = {}
    for m in paper:
        if m.procedure and m.pk not in challenge_ids:
            by_concern.setdefault(m.concerns_id, []).append(m)
    flat = {m.pk: m for m in paper}
    for m in substantive:
        flat.update({a.pk: a for a in m.amendments_list})

    def facts_of(m: Motion) -> MotionFacts:
        f = _motion_facts(m, votes_by_motion)
        f.procedural = [_motion_facts(p, votes_by_motion) for p in by_concern.get(m.pk, [])]
        for a, af in zip(m.amendments_list, f.amendments, strict=True):
            af.procedural = [_motion_facts(p, votes_by_motion) for p in by_concern.get(a.pk, [])]
        return f

    agenda = agenda_items(meeting)
    items = [ItemFacts(number=f"{i.order}.", title=i.title) for i in agenda]
    by_item = {i.pk: f for i, f in zip(agenda, items, strict=True)}
    elsewhere = ItemFacts(number="", title="Other business")

    def home(item_id) -> ItemFacts:
        return by_item.get(item_id, elsewhere)

    for m in substantive:
        home(m.agenda_item_id).motions.append(facts_of(m))
    for m in by_concern.get(None, []):
        home(m.agenda_item_id).motions.append(facts_of(m))
    for p in points:
        challenge = None
        if p.challenge_id and p.challenge_id in flat:
            challenge = _motion_facts(flat[p.challenge_id], votes_by_motion)
        state = p.get_state_display() if p.state in (PointState.UPHELD, PointState.OVERTURNED) else ""
        home(p.agenda_item_id).points.append(
            PointFacts(
                raised_by=p.raised_by.full_name,
                point=p.point,
                standing_order=p.standing_order,
                ruling=p.ruling,
                ruling_reason=p.ruling_reason,
                state=state or p.get_state_display(),
                challenge=challenge,
            )
        )
    for v in votes:
        if not v.motion_id:
            elsewhere.votes.append(_vote_facts(v))
            elsewhere.questions.append(v.question)
    if elsewhere.motions or elsewhere.points or elsewhere.votes:
        items.append(elsewhere)
    return MinutesFacts(
        branch=branch.name,
        title=meeting.title,
        when=_local(branch, meeting.starts_at),
        location=meeting.location,
        closed_at=_local(branch, record.closed_at, "%H:%M"),
        present=present,
        guests=Attendance.objects.filter(meeting=meeting, undone_at__isnull=True, person__isnull=True).count(),
        apologies=sorry,
        eligible_to_vote=record.eligible_to_vote,
        quorum=record.quorum,
        present_eligible_at_start=_present_at(meeting, meeting.starts_at),
        start_time=_local(branch, meeting.starts_at, "%H:%M"),
        present_eligible_at_close=record.present_eligible,
        items=items,
    )


def approval_items(meeting: Meeting):
    """Where the minutes of `meeting` can be approved: agenda items of the
    branch's later meetings that are neither closed nor cancelled, the items
    about minutes first. One query."""
    from ..models import AgendaItem

    rows = (
        AgendaItem.objects.filter(
            meeting__branch_id=meeting.branch_id,
            meeting__starts_at__gt=meeting.starts_at,
            meeting__closed_at__isnull=True,
        )
        .exclude(meeting__status__in=(MeetingStatus.CANCELLED, MeetingStatus.DRAFT))
        .select_related("meeting")
        .order_by("meeting__starts_at", "meeting_id", "order")
    )
    rows = list(rows[:200])
    return sorted(rows, key=lambda i: ("minute" not in i.title.lower(), i.meeting.starts_at, i.order))


# --- the decisions register ----------------------------------------------------


def decisions(
    branch: Branch, *, words: str = "", since: date | None = None, until: date | None = None
) -> QuerySet[Motion]:
    """Every carried motion of the branch (substantive motions and changes to
    standing orders; amendments live on in the motion they changed, procedural
    motions decide no policy), newest first, each with `carried_vote` the vote
    that carried it. `words`: every word must appear in the motion as carried;
    `since`/`until`: the meeting's date, where the branch meets. Two queries
    for a page whatever its length (the page's rows and their votes)."""
    from django.db.models import Prefetch

    rows = Motion.objects.filter(
        meeting__branch=branch,
        state=MotionState.CARRIED,
        amends__isnull=True,
        procedure="",
    ).exclude(meeting__status=MeetingStatus.DRAFT)
    for word in words.split()[:10]:
        rows = rows.filter(text__icontains=word)
    zone = branch.zone
    if since is not None:
        rows = rows.filter(meeting__starts_at__gte=datetime.combine(since, datetime.min.time(), zone))
    if until is not None:
        rows = rows.filter(
            meeting__starts_at__lt=datetime.combine(until + timedelta(days=1), datetime.min.time(), zone)
        )
    carried = Vote.objects.filter(status=VoteStatus.CLOSED, result=VoteResult.CARRIED).order_by("-closed_at", "-id")
    return (
        rows.select_related("meeting", "mover", "seconder")
        .prefetch_related(Prefetch("votes", queryset=carried, to_attr="carried_votes"))
        .order_by("-meeting__starts_at", "-meeting_id", "id")
    )


def carried_vote(motion: Motion) -> Vote | None:
    votes = getattr(motion, "carried_votes", None)
    return votes[0] if votes else None


def minutes_status_for(meetings: list[Meeting]) -> dict[int, str]:
    """meeting id → "draft" / "approved" for those with minutes (one query)."""
    return dict(Minutes.objects.filter(meeting__in=meetings).values_list("meeting_id", "status"))
