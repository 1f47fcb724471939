"""The reports page: turnout per meeting, attendance by category, and the
people who have not come lately (with its CSV export)."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.models import AuditEvent, Category, Invitation, MeetingStatus, Reply, Rule
from groups.reports import default_period

from .factories import AttendanceFactory, CategoryFactory, MeetingFactory, MembershipFactory, PersonFactory

SVG = "{http://www.w3.org/2000/svg}"


def _days_ago(n):
    return timezone.now() - timedelta(days=n)


class World:
    """Five people, three past meetings that count, one cancelled and one draft.

    A, B: party members; E: lapsed party member; C, D: supporters.
    M1 (open, 90 days ago): A, B, C, D came (+1 guest); A, B, C replied yes.
    M2 (party members only, 60 days ago): A came; B's check-in was undone; A, B replied yes.
    M3 (party members only, 30 days ago): A came; C came by override; A replied yes.
    M4 (cancelled, 45 days ago): B "came" — never counted. M5 (draft, 20 days ago): D came — never counted.
    """

    def __init__(self, branch):
        self.branch = branch
        party = Category.objects.get(branch=branch, slug="party-member")
        supporter = Category.objects.get(branch=branch, slug="supporter")
        members_only = Rule.objects.get(branch=branch, name="Party members only")
        two_years = timezone.localdate() - timedelta(days=730)

        def person(first, category, status="active"):
            p = PersonFactory(branch=branch, first_name=first, last_name="Tester", consent_email=first != "B")
            MembershipFactory(person=p, category=category, status=status, started_on=two_years)
            return p

        self.a, self.b = person("A", party), person("B", party)
        self.c, self.d = person("C", supporter), person("D", supporter)
        self.e = person("E", party, status="lapsed")
        self.m1 = MeetingFactory(branch=branch, title="M1", starts_at=_days_ago(90), status=MeetingStatus.HELD)
        self.m2 = MeetingFactory(branch=branch, title="M2", starts_at=_days_ago(60), attendance_rule=members_only)
        self.m3 = MeetingFactory(branch=branch, title="M3", starts_at=_days_ago(30), attendance_rule=members_only)
        self.m4 = MeetingFactory(branch=branch, title="M4", starts_at=_days_ago(45), status=MeetingStatus.CANCELLED)
        self.m5 = MeetingFactory(branch=branch, title="M5", starts_at=_days_ago(20), status=MeetingStatus.DRAFT)
        for p in (self.a, self.b, self.c, self.d):
            AttendanceFactory(meeting=self.m1, person=p)
        AttendanceFactory(meeting=self.m1, person=None, guest_name="Guest")
        AttendanceFactory(meeting=self.m2, person=self.a)
        AttendanceFactory(meeting=self.m2, person=self.b, undone_at=timezone.now(), undo_reason="Wrong person")
        AttendanceFactory(meeting=self.m3, person=self.a)
        AttendanceFactory(meeting=self.m3, person=self.c, override_reason="Speaker", may_vote=False)
        AttendanceFactory(meeting=self.m4, person=self.b)
        AttendanceFactory(meeting=self.m5, person=self.d)
        for meeting, people in ((self.m1, "abc"), (self.m2, "ab"), (self.m3, "a")):
            for letter in "abcde":
                Invitation.objects.create(
                    meeting=meeting, person=getattr(self, letter), reply=Reply.YES if letter in people else Reply.NO
                )


@pytest.fixture
def world(branch):
    return World(branch)


def _url(branch, **params):
    url = reverse("reports", args=[branch.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def _svg(html: str, css_class: str) -> ET.Element:
    match = re.search(rf'<svg [^>]*class="chart {css_class}".*?</svg>', html, re.S)
    assert match, f"no {css_class} chart on the page"
    return ET.fromstring(match.group(0))  # noqa: S314 (our own output) — well-formed XML, or this raises


def test_turnout_counts_eligible_replied_yes_and_attended(world, organiser, client_for):
    response = client_for(organiser).get(_url(world.branch))
    assert response.status_code == 200
    rows = [
        (r.meeting.title, r.eligible, r.replied_yes, r.attended, r.guests) for r in response.context["report"].turnout
    ]
    assert rows == [
        ("M1", 5, 3, 4, 1),  # no rule: everyone; guests apart
        ("M2", 2, 2, 1, 0),  # party members only (E lapsed); B's check-in was undone
        ("M3", 2, 1, 2, 0),  # C let in by override still attended
    ]


def test_cancelled_and_draft_meetings_are_left_out(world, organiser, client_for):
    html = client_for(organiser).get(_url(world.branch)).content.decode()
    assert ">M1<" in html and ">M3<" in html
    assert ">M4<" not in html and ">M5<" not in html


def test_the_chart_is_well_formed_svg_with_a_title_and_the_tables_numbers(world, organiser, client_for):
    html = client_for(organiser).get(_url(world.branch)).content.decode()
    svg = _svg(html, "chart-line")
    assert svg.find(f"{SVG}title").text == "Turnout per meeting: eligible, replied yes, attended"
    assert svg.find(f"{SVG}desc").text
    assert svg.get("viewBox") and svg.get("role") == "img"
    assert "style=" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]
    # Each marker's tooltip carries its number; they match the table beneath.
    markers = [e for e in svg.iter() if e.tag in (f"{SVG}circle", f"{SVG}rect", f"{SVG}polygon")]
    tips = [e.find(f"{SVG}title").text for e in markers if e.find(f"{SVG}title") is not None]
    chart = {}
    for tip in tips:
        series, value = tip.split(": ", 1)[1].rsplit(" ", 1)
        chart.setdefault(series, []).append(int(value))
    table = {
        label: [int(v) for v in re.findall(rf'data-label="{label}" class="num">(\d+)<', html)]
        for label in ("Eligible", "Replied yes", "Attended")
    }
    assert chart == table == {"Eligible": [5, 2, 2], "Replied yes": [3, 2, 1], "Attended": [4, 1, 2]}


def test_attendance_rate_by_category(world, organiser, client_for):
    response = client_for(organiser).get(_url(world.branch))
    rows = {
        c.name: (c.holders, c.came, c.attendances, round(c.per_meeting, 2))
        for c in response.context["report"].categories
    }
    # Party members now: A and B (E lapsed). A came to all three, B to M1 only.
    assert rows["Party member"] == (2, 2, 4, 1.33)
    # Supporters C (M1, M3) and D (M1; the draft M5 does not count).
    assert rows["Supporter"] == (2, 2, 3, 1.0)
    assert rows["Registered supporter"] == (0, 0, 0, 0.0)
    svg = _svg(response.content.decode(), "chart-bars")
    assert svg.find(f"{SVG}title") is not None
    assert "100% · 2 of 2" in ET.tostring(svg, encoding="unicode")


def test_not_come_lists_eligible_people_who_missed_all_of_the_last_n(world, organiser, client_for):
    client = client_for(organiser)
    absent = client.get(_url(world.branch, absent=2)).context["report"].absent
    # Last 2: M3, M2 (party members only). A came; B came only earlier (M1);
    # D came earlier too but was not eligible for either; E (lapsed) was not eligible.
    assert [w.first_name for w in absent] == ["B"]
    assert absent[0].last_came == timezone.localdate(_days_ago(90))
    absent = client.get(_url(world.branch, absent=3)).context["report"].absent
    assert [w.first_name for w in absent] == ["E"]
    assert absent[0].last_came is None


def test_not_come_shows_contact_consent(world, organiser, client_for):
    html = client_for(organiser).get(_url(world.branch, absent=2)).content.decode()
    section = html.split('id="absent-heading"', 1)[1]
    assert "No consent to email" in section  # B did not consent
    assert "Never" not in section


def test_not_come_csv_is_formula_safe_and_audited(world, organiser, client_for):
    world.b.first_name = "=HYPERLINK(1)"
    world.b.save()
    response = client_for(organiser).get(reverse("reports_absent_csv", args=[world.branch.slug]) + "?absent=2")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "Name"
    assert rows[1][0] == "'=HYPERLINK(1) Tester"
    assert rows[1][2] == "no"
    event = AuditEvent.objects.get(branch=world.branch, action="reports.export_absent")
    assert event.changes == {"rows": 1, "meetings": 2}
    assert "Tester" not in event.summary


def test_bad_choices_explain_and_fall_back_to_the_usual_report(world, organiser, client_for):
    response = client_for(organiser).get(_url(world.branch, date_from="2026-13-01", absent=0))
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    report = response.context["report"]
    assert (report.date_from, report.date_to) == default_period(timezone.localdate())
    assert len(report.absent_meetings) == 3
    response = client_for(organiser).get(_url(world.branch, date_from="2026-05-01", date_to="2026-04-01"))
    assert "on or after" in response.content.decode()


def test_the_period_limits_the_chart(world, organiser, client_for):
    start = timezone.localdate(_days_ago(70)).isoformat()
    report = client_for(organiser).get(_url(world.branch, date_from=start)).context["report"]
    assert [r.meeting.title for r in report.turnout] == ["M2", "M3"]


def test_no_meetings_says_what_to_do(branch, organiser, client_for):
    html = client_for(organiser).get(_url(branch)).content.decode()
    assert "No held or published meetings in this period" in html
    assert "<svg" not in html.split('id="turnout-heading"', 1)[1].split("</section>", 1)[0]


def test_another_branchs_data_never_appears(world, other_branch, organiser, client_for):
    stranger = PersonFactory(branch=other_branch, first_name="Zebedee", last_name="Elsewhere")
    theirs = MeetingFactory(branch=other_branch, title="Their meeting", starts_at=_days_ago(10))
    AttendanceFactory(meeting=theirs, person=stranger)
    Invitation.objects.create(meeting=theirs, person=stranger, reply=Reply.YES)
    MembershipFactory(person=stranger, category=CategoryFactory(branch=other_branch, name="Their category"))
    response = client_for(organiser).get(_url(world.branch))
    html = response.content.decode()
    assert "Zebedee" not in html and "Their meeting" not in html and "Their category" not in html
    assert response.context["report"].turnout[0].eligible == 5
    csv_text = client_for(organiser).get(reverse("reports_absent_csv", args=[world.branch.slug])).content.decode()
    assert "Zebedee" not in csv_text


def test_the_nav_shows_reports_to_organisers_only(branch, organiser, steward, client_for):
    url = reverse("reports", args=[branch.slug])
    assert (
        f'href="{url}"' in client_for(organiser).get(reverse("branch_dashboard", args=[branch.slug])).content.decode()
    )
    assert (
        f'href="{url}"' not in client_for(steward).get(reverse("branch_dashboard", args=[branch.slug])).content.decode()
    )


def _grow(world, n):
    """n more meetings (alternating rules) and people, each with check-ins and replies."""
    party = Category.objects.get(branch=world.branch, slug="party-member")
    members_only = Rule.objects.get(branch=world.branch, name="Party members only")
    for i in range(n):
        m = MeetingFactory(
            branch=world.branch, starts_at=_days_ago(100 + i), attendance_rule=members_only if i % 2 else None
        )
        p = PersonFactory(branch=world.branch)
        MembershipFactory(person=p, category=party, started_on=timezone.localdate() - timedelta(days=900))
        AttendanceFactory(meeting=m, person=p)
        Invitation.objects.create(meeting=m, person=p, reply=Reply.YES)


# Session, user, branch with role, then groups/reports.py's nine (its docstring lists them).
# One more than before the one fact loader: the people are read for their facts and again for their
# contact details, the categories come with the memberships, and the counted meetings' dates with guests.
REPORT_QUERIES = 12
# No page count; the audit insert inside services.exports' own transaction (under the test's
# transaction: a savepoint and its release around the one insert).
CSV_QUERIES = 15


@pytest.mark.parametrize("extra", [0, 12])
def test_the_report_runs_a_fixed_number_of_queries(world, organiser, client_for, django_assert_num_queries, extra):
    _grow(world, extra)
    client = client_for(organiser)
    with django_assert_num_queries(REPORT_QUERIES):
        response = client.get(_url(world.branch, absent=5))
    assert len(response.context["report"].turnout) == 3 + extra


@pytest.mark.parametrize("extra", [0, 12])
def test_the_csv_runs_a_fixed_number_of_queries(world, organiser, client_for, django_assert_num_queries, extra):
    _grow(world, extra)
    client = client_for(organiser)
    with django_assert_num_queries(CSV_QUERIES):
        client.get(reverse("reports_absent_csv", args=[world.branch.slug]) + "?absent=5")


def test_the_chart_shows_at_most_max_meetings(world, organiser, client_for, monkeypatch):
    monkeypatch.setattr("groups.reports.MAX_MEETINGS", 2)
    response = client_for(organiser).get(_url(world.branch))
    report = response.context["report"]
    assert [r.meeting.title for r in report.turnout] == ["M2", "M3"]
    assert report.capped == 1
    assert "1 earlier meeting in this period is left out" in response.content.decode()
