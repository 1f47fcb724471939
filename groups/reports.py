"""What the reports page computes: turnout per meeting, attendance by
category, and whom to reach out to. A FIXED number of queries whatever the
number of meetings or people:

  1. the meetings in the period (with their attendance rules),
  2. the last N meetings (for "not come"),
  3–6. the branch's people's facts from the one loader (people, memberships
     with the branch's category names, check-ins, the branch's meetings),
  7. their contact details, 8. the counted meetings' dates and guests,
  9. "yes" replies per meeting.

A closed meeting answers from its frozen record (MeetingRecord, read with the
meeting): who might attend, how many, how many came — a membership list
imported since changes none of it. For an open meeting, who was eligible is
decided by groups.eligibility.decisions.decide
over facts loaded once for the whole branch (see `eligible_sets`), so the cost
in queries does not grow with the number of meetings; the CPU cost grows with
people × meetings, which is why a chart shows at most MAX_MEETINGS meetings.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from .eligibility.decisions import EVERYONE, decide, definition_of
from .eligibility.engine import PersonFacts
from .eligibility.loading import load_facts, needs_declared
from .models import Branch, Invitation, Meeting, MeetingRecord, MeetingStatus, Person, Reply

MAX_MEETINGS = 24
DEFAULT_ABSENT = 3
MAX_ABSENT = 12
COUNTED = (MeetingStatus.HELD, MeetingStatus.PUBLISHED)


@dataclass
class Who:
    id: int
    first_name: str
    last_name: str
    email: str
    phone: str
    consent_email: bool
    consent_phone: bool
    categories: list[str] = field(default_factory=list)
    last_came: date | None = None

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.email or f"Person {self.id}"


@dataclass
class TurnoutRow:
    meeting: Meeting
    on: date
    eligible: int
    replied_yes: int
    attended: int
    guests: int

    @property
    def rate(self) -> float | None:
        return self.attended / self.eligible if self.eligible else None


@dataclass
class CategoryRow:
    name: str
    holders: int
    came: int  # holders who came to at least one meeting in the period
    attendances: int  # holders' check-ins over the period's meetings
    meetings: int

    @property
    def share(self) -> float:
        return self.came / self.holders if self.holders else 0.0

    @property
    def per_meeting(self) -> float:
        return self.attendances / self.meetings if self.meetings else 0.0


@dataclass
class Report:
    date_from: date
    date_to: date
    turnout: list[TurnoutRow]
    capped: int  # meetings in the period left out of the chart (older than the latest MAX_MEETINGS)
    categories: list[CategoryRow]
    absent_meetings: list[Meeting]
    absent: list[Who]


def default_period(today: date) -> tuple[date, date]:
    """The last 12 months: from the first day of the month a year ago to today
    (so this month's and that month's meetings are both in)."""
    return today.replace(year=today.year - 1, day=1), today


def _bounds(branch: Branch, date_from: date, date_to: date) -> tuple[datetime, datetime]:
    tz = branch.zone
    # Keep a day inside the calendar's ends (year 1, year 9999), so that the
    # next day and the shift to UTC exist; no meeting is that early or late.
    start = max(date_from, date.min + timedelta(days=1))
    end = min(date_to, date.max - timedelta(days=2)) + timedelta(days=1)
    return datetime.combine(start, time.min, tzinfo=tz), datetime.combine(end, time.min, tzinfo=tz)


def counted_meetings(branch: Branch):
    """Meetings that count for reports: held or published (never drafts or
    cancelled ones) that have started, each with its record when closed."""
    return Meeting.objects.filter(branch=branch, status__in=COUNTED, starts_at__lte=timezone.now()).select_related(
        "attendance_rule", "record"
    )


def frozen(meeting: Meeting) -> MeetingRecord | None:
    """The meeting's frozen record (read with it by counted_meetings), or None while it is open."""
    if meeting.closed_at is None:
        return None
    try:
        return meeting.record
    except MeetingRecord.DoesNotExist:
        return None


class _BranchData:
    """Everything about the branch's people the report needs: their facts from
    the one loader (people, memberships with the category names, check-ins,
    meetings: four queries), their contact details (one), and the counted
    meetings' dates with their guests (one)."""

    def __init__(self, branch: Branch, today: date, *, declared: bool = False) -> None:
        self.branch = branch
        loaded = load_facts(Person.objects.filter(branch=branch), branch=branch, names=True, declared=declared)
        self.facts: dict[int, PersonFacts] = loaded.facts
        self.names: dict[str, str] = loaded.names or {}  # category slug → name, in category order
        self.people: dict[int, Who] = {
            pid: Who(pid, first, last, email, phone, c_email, c_phone)
            for pid, first, last, email, phone, c_email, c_phone in Person.objects.filter(branch=branch).values_list(
                "id", "first_name", "last_name", "email", "phone", "consent_email", "consent_phone"
            )
        }
        self.holders: dict[str, set[int]] = defaultdict(set)  # category slug → people holding it now
        self.attended: dict[int, frozenset[int]] = {}  # person → meetings
        self.present: dict[int, set[int]] = defaultdict(set)  # meeting → people
        for pid, facts in self.facts.items():
            who = self.people.get(pid)
            if who is None:  # joined since the facts were read
                continue
            for m in facts.memberships:
                if m.status == "active" and (m.ended_on is None or m.ended_on >= today):
                    self.holders[m.category_slug].add(pid)
                    if m.category_name not in who.categories:
                        who.categories.append(m.category_name)
            self.attended[pid] = facts.attended
            for meeting_id in facts.attended:
                self.present[meeting_id].add(pid)
        # "Last came" counts held and published meetings only, like the rest of the report.
        self.meeting_dates: dict[int, date] = {}
        self.guests: dict[int, int] = defaultdict(int)  # meeting → guests
        guests = Count("attendances", filter=Q(attendances__person__isnull=True, attendances__undone_at__isnull=True))
        for pk, starts, n in counted_meetings(branch).annotate(guests=guests).values_list("id", "starts_at", "guests"):
            self.meeting_dates[pk] = branch.local_date(starts)
            self.guests[pk] = n
        for pid, who in self.people.items():
            came = [self.meeting_dates[m] for m in self.attended.get(pid, ()) if m in self.meeting_dates]
            who.last_came = max(came) if came else None


def eligible_sets(data: _BranchData, meetings: list[Meeting]) -> dict[int, set[int]]:
    """meeting id → ids of the people its attendance rule admits on its
    eligibility date (no rule: everyone). Meetings with the same rule and date
    are decided once."""
    everyone = set(data.people)
    out: dict[int, set[int]] = {}
    done: dict[tuple, set[int]] = {}
    for meeting in meetings:
        record = frozen(meeting)
        if record is not None:
            # Who might attend when it closed: people imported since are not among them.
            out[meeting.pk] = set(record.eligible_ids) & everyone
            continue
        rule = meeting.attendance_rule
        if definition_of(rule) == EVERYONE:
            out[meeting.pk] = everyone
            continue
        as_of = meeting.effective_eligibility_date
        key = (rule.pk, rule.version, as_of)
        if key not in done:
            done[key] = {
                pid
                for pid, facts in data.facts.items()
                if pid in everyone and decide(rule, as_of, facts=facts, names=data.names).eligible
            }
        out[meeting.pk] = done[key]
    return out


def _turnout_row(branch: Branch, m: Meeting, eligible: dict, data: _BranchData, yes: dict) -> TurnoutRow:
    record = frozen(m)
    return TurnoutRow(
        meeting=m,
        on=branch.local_date(m.starts_at),
        # A closed meeting: the figures frozen when it closed.
        eligible=record.eligible_to_attend if record else len(eligible[m.pk]),
        replied_yes=yes.get(m.pk, 0),
        attended=record.attended if record else len(data.present[m.pk]),
        guests=data.guests[m.pk],
    )


def build(
    branch: Branch,
    *,
    date_from: date,
    date_to: date,
    absent_n: int = DEFAULT_ABSENT,
    today: date | None = None,
    kind: str = "",
) -> Report:
    """The report for the period; with `kind`, the turnout (chart and table)
    of that kind of meeting only ("whom to reach out to" looks at every kind)."""
    today = today or branch.today()
    start, end = _bounds(branch, date_from, date_to)
    in_period_qs = counted_meetings(branch).filter(starts_at__gte=start, starts_at__lt=end)
    if kind:
        in_period_qs = in_period_qs.filter(kind=kind)
    in_period = list(in_period_qs.order_by("-starts_at", "-id"))
    capped = max(len(in_period) - MAX_MEETINGS, 0)
    period = list(reversed(in_period[:MAX_MEETINGS]))
    last_n = list(counted_meetings(branch).order_by("-starts_at", "-id")[:absent_n])
    for m in in_period + last_n:
        m.branch = branch  # effective_eligibility_date reads the branch's time zone: no query per meeting
    # Meetings share the attendance rule's object when they share the rule.
    # The branch's memberships, check-ins and meetings.
    data = _BranchData(branch, today, declared=needs_declared(*(m.attendance_rule for m in in_period + last_n)))
    eligible = eligible_sets(data, period + [m for m in last_n if m not in period])
    yes = dict(
        Invitation.objects.filter(meeting__in=[m.pk for m in period], reply=Reply.YES)
        .values_list("meeting_id")
        .annotate(n=Count("id"))
        .values_list("meeting_id", "n")
    )
    turnout = [_turnout_row(branch, m, eligible, data, yes) for m in period]
    period_ids = {m.pk for m in period}
    category_rows = []
    for slug, name in data.names.items():
        holders = data.holders.get(slug, set())
        visits = [len(data.attended[pid] & period_ids) for pid in holders]
        category_rows.append(
            CategoryRow(
                name=name,
                holders=len(holders),
                came=sum(1 for v in visits if v),
                attendances=sum(visits),
                meetings=len(period),
            )
        )
    # Whom to reach out to: eligible for at least one of the last N meetings,
    # and came to none of them.
    wanted: set[int] = set()
    came: set[int] = set()
    for m in last_n:
        wanted |= eligible[m.pk]
        came |= data.present[m.pk]
    absent = sorted(
        (data.people[pid] for pid in wanted - came),
        key=lambda w: (w.last_name.lower(), w.first_name.lower(), w.id),
    )
    return Report(
        date_from=date_from,
        date_to=date_to,
        turnout=turnout,
        capped=capped,
        categories=category_rows,
        absent_meetings=last_n,
        absent=absent,
    )
