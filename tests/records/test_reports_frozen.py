"""Issue 11 item 7: the reports read closed meetings from their frozen
records (the table, the chart and "whom to reach out to"), the date boxes
show their dates, and the chart shows one kind of meeting at a time."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.models import Category, MeetingKind, Rule
from groups.services import attendance as svc
from groups.services.imports import import_members
from groups.services.records import close_meeting

from ..factories import MeetingFactory, MembershipFactory, PersonFactory
from ..test_reports import REPORT_QUERIES

pytestmark = pytest.mark.django_db

LATE_JOINERS = "First name,Last name,Email,Category,Membership number,Status,Joined\n" + "".join(
    f"Late{i},Joiner,late{i}@example.org,Party member,L{i},active,2018-05-01\n" for i in range(3)
)


def member(branch, first):
    person = PersonFactory(branch=branch, first_name=first, last_name="Member")
    MembershipFactory(
        person=person, category=Category.objects.get(branch=branch, slug="party-member"), started_on=date(2015, 1, 1)
    )
    return person


@pytest.fixture
def three_meetings(branch, organiser):
    """The last three meetings, members only: Ann came to all, Bea to none."""
    ann = member(branch, "Ann")
    member(branch, "Bea")
    rule = Rule.objects.get(branch=branch, name="Party members only")
    meetings = []
    for days, kind in ((70, MeetingKind.OPEN), (40, MeetingKind.ORGANISATIONAL), (10, MeetingKind.OPEN)):
        m = MeetingFactory(
            branch=branch,
            kind=kind,
            title=f"{kind} {days}",
            attendance_rule=rule,
            starts_at=timezone.now() - timedelta(days=days),
        )
        svc.check_in(meeting=m, person=ann, actor=organiser)
        meetings.append(m)
    return meetings


def absent_names(client, branch):
    report = client.get(reverse("reports", args=[branch.slug]) + "?absent=3").context["report"]
    return sorted(w.first_name for w in report.absent)


def import_late_joiners(branch, organiser, tmp_path):
    csv = tmp_path / "late.csv"
    csv.write_text(LATE_JOINERS)
    assert import_members(branch=branch, source=csv, actor=organiser).applied


def test_whom_to_reach_out_to_never_names_people_imported_after_closed_meetings(
    branch, organiser, three_meetings, client_for, tmp_path
):
    for m in three_meetings:
        close_meeting(meeting=m, actor=organiser)
    import_late_joiners(branch, organiser, tmp_path)
    client = client_for(organiser)
    assert absent_names(client, branch) == ["Bea"]
    turnout = client.get(reverse("reports", args=[branch.slug])).context["report"].turnout
    assert [(r.eligible, r.attended) for r in turnout] == [(2, 1)] * 3


def test_open_meetings_still_count_live(branch, organiser, three_meetings, client_for, tmp_path):
    """What closing protects against: the same import lists the late joiners
    for meetings left open."""
    import_late_joiners(branch, organiser, tmp_path)
    assert absent_names(client_for(organiser), branch) == ["Bea", "Late0", "Late1", "Late2"]


def test_the_report_with_closed_meetings_runs_the_same_queries(
    branch, organiser, three_meetings, client_for, django_assert_num_queries
):
    for m in three_meetings:
        close_meeting(meeting=m, actor=organiser)
    client = client_for(organiser)
    with django_assert_num_queries(REPORT_QUERIES):
        client.get(reverse("reports", args=[branch.slug]) + "?absent=3")


def test_the_date_boxes_carry_yyyy_mm_dd_values(branch, organiser, client_for):
    client = client_for(organiser)
    html = client.get(reverse("reports", args=[branch.slug])).content.decode()
    today = branch.today()
    assert f'name="date_to" value="{today:%Y-%m-%d}"' in html
    assert f'name="date_from" value="{today.replace(year=today.year - 1, day=1):%Y-%m-%d}"' in html
    html = client.get(reverse("reports", args=[branch.slug]) + "?date_from=2025-02-03&date_to=2025-12-31").content
    assert b'value="2025-02-03"' in html and b'value="2025-12-31"' in html


def test_the_chart_shows_one_kind_of_meeting_at_a_time(branch, organiser, three_meetings, client_for):
    client = client_for(organiser)
    url = reverse("reports", args=[branch.slug])
    every = client.get(url).context["report"].turnout
    assert [r.meeting.kind for r in every] == ["open", "organisational", "open"]
    response = client.get(url + "?kind=open")
    assert [r.meeting.kind for r in response.context["report"].turnout] == ["open", "open"]
    assert "Open meetings only" in response.content.decode()
    assert [r.meeting.kind for r in client.get(url + "?kind=organisational").context["report"].turnout] == [
        "organisational"
    ]
    # A kind that does not exist: the form says so, and every kind is shown.
    response = client.get(url + "?kind=nonsense")
    assert response.status_code == 200 and len(response.context["report"].turnout) == 3
