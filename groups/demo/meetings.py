"""The demo's meetings: a year of monthly meetings, tonight's under way, and one to come."""

from __future__ import annotations

from ..models import RoleName


def seed_meetings(*, branch, users, rng, people) -> None:
    """A year of monthly meetings (held), alternating open and organisational;
    tonight's organisational meeting, under way (it began half an hour or so
    before the demo was built: groups/demo/tonight.py fills the room and its
    business); and an open meeting to come."""
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    from ..models import MeetingKind, MeetingStatus
    from ..services.meetings import create_meeting

    tz = branch.zone
    organiser = users[RoleName.ORGANISER]
    today = branch.today()
    rules = {r.name: r for r in branch.rules.all()}
    places = ["Green Lanes Community Centre, Room 2", "The Salisbury, upstairs room", "St Ann's Library"]

    def second_tuesday(year: int, month: int):
        first = datetime(year, month, 1).date()
        return first + timedelta(days=(1 - first.weekday()) % 7 + 7)

    y, m = today.year, today.month
    for i in range(12, 0, -1):
        year, month = (y, m - i) if m - i > 0 else (y - 1, m - i + 12)
        day = second_tuesday(year, month)
        if day >= today:
            continue
        open_meeting = i % 2 == 0
        starts = datetime.combine(day, time(19, 30), tzinfo=tz)
        create_meeting(
            branch=branch,
            actor=organiser,
            title=("Open meeting: " if open_meeting else "Branch business meeting: ") + day.strftime("%B %Y"),
            kind=MeetingKind.OPEN if open_meeting else MeetingKind.ORGANISATIONAL,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            location=rng.choice(places),
            agenda="1. Welcome and apologies\n2. Minutes of the last meeting\n3. Reports\n4. Any other business",
            quorum=None if open_meeting else 15,
            voting_rule=None if open_meeting else rules.get("Party members of six months or more"),
            status=MeetingStatus.HELD,
        )
    # On the quarter hour, 30 to 45 minutes ago: every time the demo gives
    # tonight's business (groups/demo/tonight.py) is then already past.
    now = timezone.localtime(timezone.now(), tz).replace(second=0, microsecond=0)
    starts = now.replace(minute=now.minute - now.minute % 15) - timedelta(minutes=30)
    create_meeting(
        branch=branch,
        actor=organiser,
        title="Branch business meeting: " + starts.strftime("%B %Y"),
        kind=MeetingKind.ORGANISATIONAL,
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        location=places[0],
        agenda="1. Welcome and apologies\n2. Minutes\n3. **Motion:** support the library campaign\n4. Elections: "
        "ward co-ordinator\n5. Any other business",
        description="For party members. Votes on the motion are for members of six months or more.",
        attendance_rule=rules.get("Party members only"),
        voting_rule=rules.get("Party members of six months or more"),
        # 15 as a branch of 300 would set it; as many as a smaller demo can seat.
        quorum=max(3, min(15, people // 20)),
        quorum_percent=10,
        capacity=60,
        status=MeetingStatus.PUBLISHED,
    )
    soon = today + timedelta(days=(1 - today.weekday()) % 7 + 7)
    later = soon + timedelta(days=10)
    starts = datetime.combine(later, time(18, 30), tzinfo=tz)
    create_meeting(
        branch=branch,
        actor=organiser,
        title="Open meeting: saving St Ann's Library",
        kind=MeetingKind.OPEN,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1, minutes=30),
        location=places[2],
        online_link="https://meet.example.org/green-lanes-library",
        description="Everyone is welcome — members, supporters and neighbours. Tea and biscuits from 18:15.",
        agenda="1. What the council proposes\n2. What we can do\n3. Sign up to help",
        capacity=80,
        status=MeetingStatus.PUBLISHED,
    )
