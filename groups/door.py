"""Facts and decisions for the door.

`door_facts` gathers what groups.eligibility needs for a handful of people in a
FIXED number of queries (people, memberships with categories, their attendance
at the branch's meetings, the branch's meetings). The lead will fold it into the
shared facts loader; keep its signature simple.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from zoneinfo import ZoneInfo

from .eligibility import Decision, MeetingFacts, MembershipFacts, PersonFacts, evaluate
from .models import Attendance, Branch, Category, Meeting, MeetingStatus, Membership, Person, Rule

EVERYONE = {"everyone": True}


def local_date(branch: Branch, when) -> date:
    return when.astimezone(ZoneInfo(branch.time_zone)).date()


def eligibility_date(meeting: Meeting) -> date:
    """The meeting's freeze date, or its local date in the branch's time zone."""
    return meeting.eligibility_date or local_date(meeting.branch, meeting.starts_at)


def branch_meeting_facts(branch: Branch) -> tuple[MeetingFacts, ...]:
    rows = Meeting.objects.filter(branch=branch).values_list("id", "starts_at", "status")
    return tuple(
        MeetingFacts(id=pk, starts_on=local_date(branch, starts), cancelled=status == MeetingStatus.CANCELLED)
        for pk, starts, status in rows
    )


def door_facts(
    people_ids: Iterable[int], *, branch: Branch, as_of: date | None = None, people: Iterable[Person] | None = None
) -> dict[int, PersonFacts]:
    """PersonFacts per person id, in four queries (three when `people` are
    passed in already loaded). Ids outside the branch are ignored. `as_of` is
    accepted for the shared loader's signature; the facts do not depend on it."""
    ids = list(people_ids)
    if not ids:
        return {}
    if people is None:
        people = Person.objects.filter(branch=branch, pk__in=ids).only(
            "id", "date_of_birth", "ward", "postcode", "branch_id"
        )
    people = [p for p in people if p.branch_id == branch.pk]
    memberships = defaultdict(list)
    # By person only (they are the branch's people already): with a branch
    # filter too, SQLite's planner (no statistics) picks the branch index and
    # reads every membership in the branch.
    for m in (
        Membership.objects.filter(person_id__in=[p.pk for p in people])
        .select_related("category")
        .order_by("category__order", "started_on", "id")
    ):
        memberships[m.person_id].append(
            MembershipFacts(
                category_slug=m.category.slug,
                category_name=m.category.name,
                status=m.status,
                started_on=m.started_on,
                continuous_since=m.continuous_since,
                ended_on=m.ended_on,
                dues_paid_until=m.dues_paid_until,
            )
        )
    attended = defaultdict(set)
    for person_id, meeting_id in Attendance.objects.filter(
        meeting__branch=branch, person_id__in=ids, undone_at__isnull=True
    ).values_list("person_id", "meeting_id"):
        attended[person_id].add(meeting_id)
    meetings = branch_meeting_facts(branch)
    return {
        p.pk: PersonFacts(
            memberships=tuple(memberships[p.pk]),
            date_of_birth=p.date_of_birth,
            ward=p.ward or "",
            postcode=p.postcode or "",
            attended=frozenset(attended[p.pk]),
            branch_meetings=meetings,
        )
        for p in people
    }


def category_names(branch: Branch) -> dict[str, str]:
    return dict(Category.objects.filter(branch=branch).values_list("slug", "name"))


def decide(rule: Rule | None, facts: PersonFacts, as_of: date, *, names: dict[str, str] | None = None) -> Decision:
    """The rule's Decision for these facts; a missing rule admits everyone."""
    definition = rule.definition if rule is not None else EVERYONE
    return evaluate(definition, facts, as_of, category_names=names)


# --------------------------------------------------------------------------
# Personal QR codes: a signed token naming the meeting and the person.

QR_SALT = "rollcall.door.qr"


def door_token(meeting_id: int, person_id: int) -> str:
    from django.core.signing import Signer

    return Signer(salt=QR_SALT).sign(f"{meeting_id}.{person_id}")


def read_door_token(token: str, meeting_id: int) -> int | None:
    """The person id the token names, or None when it was tampered with or is
    for another meeting."""
    from django.core.signing import BadSignature, Signer

    try:
        value = Signer(salt=QR_SALT).unsign(token)
    except BadSignature:
        return None
    m, _, p = value.partition(".")
    if not (m.isdigit() and p.isdigit()) or int(m) != meeting_id:
        return None
    return int(p)


def qr_svg(data: str) -> bytes:
    """An SVG QR code (no inline styles, so it is safe to serve as an image)."""
    import io

    import segno

    out = io.BytesIO()
    segno.make(data, error="m").save(out, kind="svg", scale=6, border=2, light="#fff")
    return out.getvalue()
