"""What the reports page computes: turnout per meeting, attendance by
category, and whom to reach out to. A FIXED number of queries whatever the
number of meetings or people:

  1. the meetings in the period (with their attendance rules),
  2. the last N meetings (for "not come"),
  3. the branch's people, 4. their memberships, 5. the branch's check-ins,
  6. the branch's meetings (facts for attendance-based rules),
  7. "yes" replies per meeting, 8. the branch's categories.

Who was eligible for a meeting is decided by the eligibility engine over facts
loaded once for the whole branch (see `eligible_sets`), so the cost in queries
does not grow with the number of meetings; the CPU cost grows with people ×
meetings, which is why a chart shows at most MAX_MEETINGS meetings. When the
SQL rule compiler lands, `eligible_sets` is the one place to switch.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count
from django.utils import timezone

from .door import EVERYONE
from .eligibility.engine import MeetingFacts, PersonFacts, evaluate
from .models import Attendance, Branch, Category, Invitation, Meeting, MeetingStatus, Membership, Person, Reply
from .queries import membership_facts

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
    cancelled ones) that have started."""
    return Meeting.objects.filter(branch=branch, status__in=COUNTED, starts_at__lte=timezone.now()).select_related(
        "attendance_rule"
    )


class _BranchData:
    """Everything about the branch's people the report needs, in five queries."""

    def __init__(self, branch: Branch, today: date) -> None:
        self.branch = branch
        self.people: dict[int, Who] = {}
        extra: dict[int, tuple] = {}
        for pid, first, last, email, phone, c_email, c_phone, dob, ward, postcode in Person.objects.filter(
            branch=branch
        ).values_list(
            "id",
            "first_name",
            "last_name",
            "email",
            "phone",
            "consent_email",
            "consent_phone",
            "date_of_birth",
            "ward",
            "postcode",
        ):
            self.people[pid] = Who(pid, first, last, email, phone, c_email, c_phone)
            extra[pid] = (dob, ward or "", postcode or "")
        memberships = defaultdict(list)
        self.holders: dict[str, set[int]] = defaultdict(set)  # category slug → people holding it now
        for m in (
            Membership.objects.filter(branch=branch)
            .select_related("category")
            .order_by("category__order", "started_on", "id")
        ):
            memberships[m.person_id].append(membership_facts(m))
            if m.status == "active" and (m.ended_on is None or m.ended_on >= today) and m.person_id in self.people:
                self.holders[m.category.slug].add(m.person_id)
                who = self.people[m.person_id]
                if m.category.name not in who.categories:
                    who.categories.append(m.category.name)
        self.attended: dict[int, set[int]] = defaultdict(set)  # person → meetings
        self.present: dict[int, set[int]] = defaultdict(set)  # meeting → people
        self.guests: dict[int, int] = defaultdict(int)  # meeting → guests
        for person_id, meeting_id in Attendance.objects.filter(
            meeting__branch=branch, undone_at__isnull=True
        ).values_list("person_id", "meeting_id"):
            if person_id is None:
                self.guests[meeting_id] += 1
            else:
                self.attended[person_id].add(meeting_id)
                self.present[meeting_id].add(person_id)
        meetings = list(Meeting.objects.filter(branch=branch).values_list("id", "starts_at", "status"))
        self.meeting_facts = tuple(
            MeetingFacts(id=pk, starts_on=branch.local_date(starts), cancelled=status == MeetingStatus.CANCELLED)
            for pk, starts, status in meetings
        )
        now = timezone.now()
        # "Last came" counts held and published meetings only, like the rest of the report.
        self.meeting_dates = {
            pk: branch.local_date(starts) for pk, starts, status in meetings if status in COUNTED and starts <= now
        }
        self.facts = {
            pid: PersonFacts(
                memberships=tuple(memberships[pid]),
                date_of_birth=dob,
                ward=ward,
                postcode=postcode,
                attended=frozenset(self.attended[pid]),
                branch_meetings=self.meeting_facts,
            )
            for pid, (dob, ward, postcode) in extra.items()
        }
        for pid, who in self.people.items():
            came = [self.meeting_dates[m] for m in self.attended[pid] if m in self.meeting_dates]
            who.last_came = max(came) if came else None


def eligible_sets(data: _BranchData, meetings: list[Meeting], names: dict[str, str]) -> dict[int, set[int]]:
    """meeting id → ids of the people its attendance rule admits on its
    eligibility date (no rule: everyone). Meetings with the same rule and date
    are decided once."""
    everyone = set(data.people)
    out: dict[int, set[int]] = {}
    done: dict[tuple, set[int]] = {}
    for meeting in meetings:
        rule = meeting.attendance_rule
        definition = rule.definition if rule is not None else EVERYONE
        if definition == EVERYONE:
            out[meeting.pk] = everyone
            continue
        as_of = meeting.effective_eligibility_date
        key = (rule.pk, rule.version, as_of)
        if key not in done:
            done[key] = {
                pid for pid, f in data.facts.items() if evaluate(definition, f, as_of, category_names=names).eligible
            }
        out[meeting.pk] = done[key]
    return out


def build(
    branch: Branch, *, date_from: date, date_to: date, absent_n: int = DEFAULT_ABSENT, today: date | None = None
) -> Report:
    today = today or branch.today()
    start, end = _bounds(branch, date_from, date_to)
    in_period = list(
        counted_meetings(branch).filter(starts_at__gte=start, starts_at__lt=end).order_by("-starts_at", "-id")
    )
    capped = max(len(in_period) - MAX_MEETINGS, 0)
    period = list(reversed(in_period[:MAX_MEETINGS]))
    last_n = list(counted_meetings(branch).order_by("-starts_at", "-id")[:absent_n])
    for m in in_period + last_n:
        m.branch = branch  # effective_eligibility_date reads the branch's time zone: no query per meeting
    # Meetings share the attendance rule's object when they share the rule.
    # The branch's memberships, check-ins and meetings.
    data = _BranchData(branch, today)
    categories = list(Category.objects.filter(branch=branch).order_by("order", "name"))
    names = {c.slug: c.name for c in categories}
    eligible = eligible_sets(data, period + [m for m in last_n if m not in period], names)
    yes = dict(
        Invitation.objects.filter(meeting__in=[m.pk for m in period], reply=Reply.YES)
        .values_list("meeting_id")
        .annotate(n=Count("id"))
        .values_list("meeting_id", "n")
    )
    turnout = [
        TurnoutRow(
            meeting=m,
            on=branch.local_date(m.starts_at),
            eligible=len(eligible[m.pk]),
            replied_yes=yes.get(m.pk, 0),
            attended=len(data.present[m.pk]),
            guests=data.guests[m.pk],
        )
        for m in period
    ]
    period_ids = {m.pk for m in period}
    category_rows = []
    for c in categories:
        holders = data.holders.get(c.slug, set())
        visits = [len(data.attended[pid] & period_ids) for pid in holders]
        category_rows.append(
            CategoryRow(
                name=c.name,
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
