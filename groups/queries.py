"""Read helpers shared by views and the API. Each returns a queryset with what
its pages need joined in, so list pages run a fixed number of queries."""

from __future__ import annotations

import math
from datetime import date, datetime, time
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Collate, Lower, Upper
from django.utils import timezone

from .eligibility import normalise_postcode
from .models import Attendance, AuditEvent, Branch, Meeting, Membership, Person, Reply
from .models.meetings import QuorumCombine


def audit_events(
    branch: Branch,
    *,
    action: str = "",
    person: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.filter(branch=branch).select_related("actor")
    if action:
        qs = qs.filter(action=action)
    if person:
        qs = qs.filter(person_id=person)
    tz = timezone.get_current_timezone()
    if date_from:
        qs = qs.filter(at__gte=datetime.combine(date_from, time.min, tzinfo=tz))
    if date_to:
        qs = qs.filter(at__lte=datetime.combine(date_to, time.max, tzinfo=tz))
    return qs


# --- meetings ---


def meeting_rule_summary(rule) -> str:
    """A meeting's rule in plain English. The one place the eligibility engine's
    summarise(definition, category_names=...) will be switched in; until then,
    the rule's own description. None means no rule: anyone."""
    if rule is None:
        return "Anyone may come."
    return rule.description or rule.name


def quorum_description(meeting) -> str:
    """How many must be present, in words (CONTRACT.md §4)."""
    number, pct = meeting.quorum, meeting.quorum_percent
    if pct is not None:
        pct_text = f"{pct.normalize():f}% of those eligible to vote"
    if number is not None and pct is not None:
        which = "greater" if meeting.quorum_combine == "greater" else "lesser"
        return f"The {which} of {number:,} people and {pct_text}."
    if number is not None:
        return f"{number:,} {'person' if number == 1 else 'people'} eligible to vote."
    if pct is not None:
        return f"{pct_text[0].upper()}{pct_text[1:]}."
    return "No quorum set."


def meeting_reply_counts(meeting) -> dict[str, int]:
    """Invited and replies from Invitation rows (all 0 when none)."""
    from django.db.models import Count, Q

    from .models import Reply

    counts = meeting.invitations.aggregate(
        invited=Count("id"),
        yes=Count("id", filter=Q(reply=Reply.YES)),
        no=Count("id", filter=Q(reply=Reply.NO)),
        maybe=Count("id", filter=Q(reply=Reply.MAYBE)),
    )
    counts["no_reply"] = counts["invited"] - counts["yes"] - counts["no"] - counts["maybe"]
    counts["capacity_left"] = None if meeting.capacity is None else max(meeting.capacity - counts["yes"], 0)
    return counts


def upcoming_meetings(branch: Branch, *, now: datetime, include_drafts: bool = True):
    from .models import Meeting, MeetingStatus

    qs = Meeting.objects.filter(branch=branch, starts_at__gte=now).select_related("attendance_rule")
    if not include_drafts:
        qs = qs.exclude(status=MeetingStatus.DRAFT)
    return qs.order_by("starts_at", "id")


def past_meetings(branch: Branch, *, now: datetime, include_drafts: bool = True):
    from .models import Meeting, MeetingStatus

    qs = Meeting.objects.filter(branch=branch, starts_at__lt=now).select_related("attendance_rule")
    if not include_drafts:
        qs = qs.exclude(status=MeetingStatus.DRAFT)
    return qs.order_by("-starts_at", "-id")


# --------------------------------------------------------------------------
# Door: search, eligible counts, quorum

DOOR_RESULTS = 10
_ELIGIBLE_CHUNK = 1000


def eligible_person_ids(branch: Branch, rule, as_of: date) -> list[int]:
    """Ids of the branch's people the rule admits on as_of (null rule = everyone).

    For now this evaluates facts in Python, in chunks: correct but slow on big
    branches. The lead will switch it to the SQL rule compiler."""
    from .door import category_names, decide, door_facts

    people = Person.objects.filter(branch=branch).order_by("last_name", "first_name", "id")
    ids = list(people.values_list("id", flat=True))
    if rule is None:
        return ids
    names = category_names(branch)
    admitted = []
    for start in range(0, len(ids), _ELIGIBLE_CHUNK):
        chunk = ids[start : start + _ELIGIBLE_CHUNK]
        facts = door_facts(chunk, branch=branch, as_of=as_of)
        admitted += [pid for pid in chunk if decide(rule, facts[pid], as_of, names=names).eligible]
    return admitted


def count_eligible(branch: Branch, rule, as_of: date) -> int:
    """How many of the branch's people the rule admits on as_of: the ONE place
    quorum gets "eligible to vote in total" from (see eligible_person_ids)."""
    if rule is None:
        return Person.objects.filter(branch=branch).count()
    return len(eligible_person_ids(branch, rule, as_of))


def quorum_needed(meeting: Meeting, eligible: int) -> int:
    """The number needed: meeting.quorum and/or ceil(quorum_percent% of eligible);
    with both, the greater (default) or the lesser. 0 when no quorum is set."""
    options = []
    if meeting.quorum is not None:
        options.append(meeting.quorum)
    if meeting.quorum_percent is not None:
        options.append(math.ceil(Decimal(meeting.quorum_percent) * eligible / 100))
    if not options:
        return 0
    return min(options) if meeting.quorum_combine == QuorumCombine.LESSER else max(options)


def quorum(meeting: Meeting) -> dict:
    """CONTRACT.md §4's quorum, plus `guests`.

    present: checked in, not undone and not marked as left (guests included);
    present_eligible: present people the voting rule admitted at check-in
    (never guests, never override entrants the voting rule refuses);
    eligible: the branch's people the voting rule admits at the eligibility date.
    With no quorum set, quorum is 0 and the meeting is quorate."""
    from .door import eligibility_date

    here = Attendance.objects.filter(meeting=meeting, undone_at__isnull=True, left_at__isnull=True)
    counts = here.aggregate(
        present=Count("id"),
        guests=Count("id", filter=Q(person__isnull=True)),
        present_eligible=Count("id", filter=Q(person__isnull=False, may_vote=True)),
    )
    eligible = count_eligible(meeting.branch, meeting.voting_rule, eligibility_date(meeting))
    needed = quorum_needed(meeting, eligible)
    return {
        "eligible": eligible,
        "present": counts["present"],
        "present_eligible": counts["present_eligible"],
        "quorum": needed,
        "quorate": counts["present_eligible"] >= needed,
        "guests": counts["guests"],
    }


def _door_order(*columns: str) -> list:
    """Case-insensitive order by these name columns, then id. On SQLite as the
    NOCASE indexes of migration 0003 store them, so a prefix shared by
    thousands of people reads only the first few rows; ordering by the plain
    (branch, last_name, first_name) index instead would tempt SQLite's planner
    (it keeps no statistics) into walking the whole branch."""
    if connection.vendor == "sqlite":
        return [Collate(c, "NOCASE") for c in columns] + ["id"]
    return [Upper(c) for c in columns] + ["id"]


def door_search(branch: Branch, q: str, *, limit: int = DOOR_RESULTS) -> list[Person]:
    """People matching what the steward typed: name prefixes ("ana", "ana sil",
    "silva"), an exact membership number, email or postcode. At most `limit`,
    sorted by last name then first name.

    One small indexed query per way of matching (2–4 queries), never an OR
    across columns: neither SQLite nor PostgreSQL can answer such an OR from
    indexes, and a branch of 100,000 people would be scanned on every
    keystroke. Each way contributes its first `limit` people in its own index
    order (a first-name match by first name), so with more matches than fit,
    the ten shown are a sample the steward narrows by typing more."""
    q = " ".join((q or "").split())
    if not q:
        return []
    people = Person.objects.filter(branch=branch)
    # Exact matches are few: sort them by an order no index gives, so the
    # planner looks them up by their own index (not by walking names in order).
    exact = [Upper("last_name"), Upper("first_name"), "id"]
    terms = [(people.filter(pk__in=Membership.objects.filter(branch=branch, number=q).values("person_id")), exact)]
    if "@" in q:
        # Repeats the unique index's condition (email <> ''), so that partial index answers it.
        terms.append((people.alias(email_key=Lower("email")).filter(email_key=q.lower()).exclude(email=""), exact))
    elif any(ch.isdigit() for ch in q):
        pc = normalise_postcode(q)
        if pc:
            terms.append((people.filter(postcode=pc), exact))
    else:
        words = q.split(" ")
        by_name, by_first = _door_order("last_name", "first_name"), _door_order("first_name", "last_name")
        terms.append((people.filter(last_name__istartswith=q), by_name))
        terms.append((people.filter(first_name__istartswith=q), by_first))
        if len(words) > 1:
            rest = " ".join(words[1:])
            terms.append((people.filter(first_name__istartswith=words[0], last_name__istartswith=rest), by_first))
    found: dict[int, Person] = {}
    for qs, order in terms:
        for person in qs.order_by(*order)[:limit]:
            found.setdefault(person.pk, person)
    return sorted(found.values(), key=lambda p: (p.last_name.upper(), p.first_name.upper(), p.pk))[:limit]


def attendance_rows(meeting: Meeting) -> QuerySet[Attendance]:
    """Everyone checked in (undone ones too), with who did what, for lists and exports."""
    return (
        Attendance.objects.filter(meeting=meeting)
        .select_related("person", "checked_in_by", "undone_by")
        .order_by("checked_in_at", "id")
    )


def apologies(meeting: Meeting) -> QuerySet[Person]:
    """People who replied "no" to their invitation."""
    return Person.objects.filter(invitations__meeting=meeting, invitations__reply=Reply.NO).order_by(
        "last_name", "first_name", "id"
    )
