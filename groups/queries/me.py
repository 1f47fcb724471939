"""A member's own view: their linked person and My meetings."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q

from ..eligibility.decisions import decide, unreadable
from ..eligibility.engine import Decision, RuleError
from ..eligibility.loading import load_facts, needs_declared, needs_history
from ..models import Attendance, AuditAction, AuditEvent, Branch, Invitation, Meeting, MeetingStatus, Person, Rule
from ..permissions import can
from .meetings import under_way


def linked_person(user, branch: Branch) -> Person | None:
    """The Person of this branch linked to the user (never looked up by an id
    from the URL). Its ``branch`` is the one given (the same row: no join,
    no second Branch built on every ballot)."""
    if not getattr(user, "is_authenticated", False):
        return None
    person = Person.objects.filter(branch=branch, user=user).first()
    if person is not None:
        person.branch = branch
    return person


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def why_not(rule: Rule, decision: Decision, memberships) -> str:
    """Plain English for a refusal: "This meeting is for party members only —
    you are a registered supporter." (Decision.reasons add the detail.)"""
    audience = rule.name[:1].lower() + rule.name[1:]
    active = [m.category_name for m in memberships if m.status == "active"]
    if active:
        names = [n.lower() for n in dict.fromkeys(active)]
        you = f"you are {_article(names[0])} " + " and ".join(names)
    elif memberships:
        m = memberships[0]
        you = f"your {m.category_name.lower()} membership is {m.status}"
    else:
        you = "we have no membership recorded for you"
    return f"This meeting is for {audience} — {you}."


def my_meetings(branch: Branch, person: Person, *, now: datetime, limit: int | None = None) -> list[dict]:
    """Published meetings of the branch that are happening now or coming up
    with, for this person, the Decision of each meeting's attendance rule,
    their invitation and reply, a plain-English reason when they may not come,
    and for a meeting under way whether they are checked in (a member in the
    room finds the vote from here). A fixed number of queries whatever the
    number of meetings."""
    meetings = list(
        Meeting.objects.filter(branch=branch, status=MeetingStatus.PUBLISHED)
        .filter(Q(starts_at__gt=now) | under_way(now))
        .select_related("attendance_rule")
        .order_by("starts_at", "id")
    )
    if not meetings:
        return []
    history = needs_history(*(m.attendance_rule for m in meetings))
    declared = needs_declared(*(m.attendance_rule for m in meetings))
    loaded = load_facts([person], branch=branch, history=history, names=True, declared=declared)
    facts = loaded.facts[person.pk]
    invitations = {
        i.meeting_id: i for i in Invitation.objects.filter(person=person, meeting__in=[m.pk for m in meetings])
    }
    started = [m.pk for m in meetings if m.starts_at <= now]
    checked_in = (
        set(
            Attendance.objects.filter(
                person=person, meeting__in=started, undone_at__isnull=True, left_at__isnull=True
            ).values_list("meeting_id", flat=True)
        )
        if started
        else set()
    )
    rows = []
    for meeting in meetings:
        meeting.branch = branch
        rule = meeting.attendance_rule
        try:
            decision = decide(rule, meeting.effective_eligibility_date, facts=facts, names=loaded.names)
        except RuleError as exc:
            decision = unreadable(exc, "meeting's rule")
        rows.append(
            {
                "meeting": meeting,
                "decision": decision,
                "invitation": invitations.get(meeting.pk),
                "why": "" if decision.eligible else why_not(rule, decision, facts.memberships),
                "under_way": meeting.starts_at <= now,
                "checked_in": meeting.pk in checked_in,
            }
        )
    if limit is not None:
        rows = [r for r in rows if r["decision"].eligible][:limit]
    return rows


def meetings_to_join_online(user, meetings) -> set[int]:
    """Ids of the meetings (with an online link) whose link the user may be
    given: organisers and stewards of the meeting's branch, who run it; anyone
    else only when the meeting's attendance rule admits their linked person.
    The link is the way in to an online meeting, so it goes where the door
    would let someone in. Per branch: one query for the person, one or three
    for their facts."""
    wanted = [m for m in meetings if m.online_link]
    allowed: set[int] = set()
    by_branch: dict[int, list[Meeting]] = {}
    for meeting in wanted:
        by_branch.setdefault(meeting.branch_id, []).append(meeting)
    for group in by_branch.values():
        branch = group[0].branch
        if can(user, branch, "view_meetings"):
            allowed.update(m.pk for m in group)
            continue
        person = linked_person(user, branch)
        if person is None:
            continue
        rules = [m.attendance_rule for m in group]
        loaded = load_facts([person], branch=branch, history=needs_history(*rules), declared=needs_declared(*rules))
        for meeting in group:
            try:
                decision = decide(
                    meeting.attendance_rule, meeting.effective_eligibility_date, facts=loaded.facts[person.pk]
                )
            except RuleError:
                continue  # an unreadable rule admits nobody
            if decision.eligible:
                allowed.add(meeting.pk)
    return allowed


# Reads of a person's record that the person is shown ("who looked at my record").
LOOKED = {
    AuditAction.PERSON_VIEW: "Read your full record",
    AuditAction.PERSON_EXPORT: "Exported your record as CSV",
    AuditAction.PERSON_SUBJECT_ACCESS: "Downloaded all the data held about you",
}


def who_looked(person: Person, *, limit: int = 20) -> list[dict]:
    """Who read this person's full record, exported it or downloaded their
    data, newest first (from the audit log; one query): what the member sees
    on My details."""
    events = (
        AuditEvent.objects.filter(branch_id=person.branch_id, person_id=person.pk, action__in=list(LOOKED))
        .select_related("actor")
        .order_by("-at", "-id")[:limit]
    )
    rows = []
    for e in events:
        if e.actor_id is not None and e.actor_id == person.user_id:
            who = None  # themselves
        else:
            who = e.actor.email if e.actor else "System"
        what = LOOKED[e.action] + (" through the API" if e.changes.get("via") == "api" else "")
        rows.append({"at": e.at, "who": who, "what": what})
    return rows
