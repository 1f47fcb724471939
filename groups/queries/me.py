"""A member's own view: their linked person and My meetings."""

from __future__ import annotations

from datetime import datetime

from ..eligibility.decisions import decide, unreadable
from ..eligibility.engine import Decision, RuleError
from ..eligibility.loading import load_facts, needs_history
from ..models import Branch, Invitation, Meeting, MeetingStatus, Person, Rule


def linked_person(user, branch: Branch) -> Person | None:
    """The Person of this branch linked to the user (never looked up by an id
    from the URL)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Person.objects.filter(branch=branch, user=user).select_related("branch").first()


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
    """Upcoming published meetings of the branch with, for this person, the
    Decision of each meeting's attendance rule, their invitation and reply,
    and a plain-English reason when they may not come. A fixed number of
    queries whatever the number of meetings."""
    meetings = list(
        Meeting.objects.filter(branch=branch, status=MeetingStatus.PUBLISHED, starts_at__gte=now)
        .select_related("attendance_rule")
        .order_by("starts_at", "id")
    )
    if not meetings:
        return []
    history = needs_history(*(m.attendance_rule for m in meetings))
    loaded = load_facts([person], branch=branch, history=history, names=True)
    facts = loaded.facts[person.pk]
    invitations = {
        i.meeting_id: i for i in Invitation.objects.filter(person=person, meeting__in=[m.pk for m in meetings])
    }
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
            }
        )
    if limit is not None:
        rows = [r for r in rows if r["decision"].eligible][:limit]
    return rows
