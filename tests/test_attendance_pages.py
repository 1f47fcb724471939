"""What the meeting leaves behind: the attendance list, CSV, sign-in sheet, bulk check-in."""

import csv
import io
import re
import zlib
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.models import Attendance, AuditEvent, Invitation, Rule
from groups.services import attendance as svc

from .factories import MeetingFactory, person_with_membership

pytestmark = pytest.mark.django_db


person_in = person_with_membership  # one membership of the category, since 1 January 2015


@pytest.fixture
def meeting(branch):
    rule = Rule.objects.get(branch=branch, name="Party members only")
    return MeetingFactory(branch=branch, title="AGM", attendance_rule=rule, voting_rule=rule)


def url(name, meeting):
    return reverse(name, args=[meeting.branch.slug, meeting.pk])


def pdf_text(data: bytes) -> str:
    """The text drawn in an fpdf2 PDF: inflate each content stream."""
    out = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            out.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            out.append(stream.decode("latin-1"))
    return "\n".join(out).replace("\\(", "(").replace("\\)", ")")


def test_attendance_list_shows_decisions_overrides_undone_left_and_apologies(
    client_for, steward, organiser, meeting, branch
):
    ana = person_in(branch, "party-member", first_name="Ana", last_name="Silva")
    sam = person_in(branch, "registered-supporter", first_name="Sam", last_name="Reg")
    una = person_in(branch, "party-member", first_name="Una", last_name="Done")
    nay = person_in(branch, "party-member", first_name="Nat", last_name="Sorry")
    Invitation.objects.create(meeting=meeting, person=nay, reply="no")
    left, _ = svc.check_in(meeting=meeting, person=ana, actor=steward)
    svc.mark_left(attendance=left, actor=steward)
    svc.check_in(meeting=meeting, person=sam, actor=organiser, override_reason="Guest speaker")
    undone, _ = svc.check_in(meeting=meeting, person=una, actor=steward)
    svc.undo_check_in(attendance=undone, actor=organiser, reason="Wrong Una")
    svc.check_in(meeting=meeting, guest_name="Jo Visitor", actor=steward)
    html = client_for(steward).get(url("attendance_list", meeting)).content.decode()
    assert "Let in by override</span> “Guest speaker”" in html and "organiser@example.org" in html
    assert "<s>Una Done</s>" in html and "“Wrong Una”" in html
    assert "Jo Visitor" in html and "Observer: not counted for quorum" in html
    assert re.search(r'data-label="Left">\d\d:\d\d', html)
    assert "Apologies (1)" in html and "Nat Sorry" in html
    assert "Download CSV" not in html  # stewards do not export


def test_attendance_list_runs_a_fixed_number_of_queries(
    client_for, organiser, meeting, branch, django_assert_num_queries
):
    client = client_for(organiser)
    counts = []
    for n in (2, 8):
        for _ in range(n):
            svc.check_in(meeting=meeting, person=person_in(branch, "party-member"), actor=organiser)
            svc.check_in(meeting=meeting, guest_name="G", actor=organiser)
        client.get(url("attendance_list", meeting))
        # and one more: the refusals at the door, and one the offline check-ins to review (organisers);
        # the eligible count from the cache, as the first visit left it (11 with its COUNT and category lookup)
        with django_assert_num_queries(9) as ctx:
            client.get(url("attendance_list", meeting))
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_csv_is_formula_safe_and_audited_with_a_count_only(client_for, organiser, meeting, branch):
    person_in(branch, "party-member", first_name="=HYPERLINK(1)", last_name="Evil")
    svc.check_in(meeting=meeting, person=meeting.branch.people.get(last_name="Evil"), actor=organiser)
    svc.check_in(meeting=meeting, guest_name="+44 Guest", actor=organiser)
    response = client_for(organiser).get(url("attendance_csv", meeting))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Name", "Guest", "Checked in at"] and len(rows) == 3
    names = {r[0] for r in rows[1:]}
    assert names == {"'=HYPERLINK(1) Evil", "'+44 Guest"}
    event = AuditEvent.objects.get(action="attendance.export")
    assert event.changes == {"rows": 2}
    assert "Evil" not in event.summary


def test_signin_sheet_before_the_meeting_lists_everyone_admitted_alphabetically(client_for, steward, meeting, branch):
    person_in(branch, "party-member", first_name="Zoë", last_name="Young")
    person_in(branch, "party-member", first_name="Adam", last_name="Abbott")
    person_in(branch, "party-member", first_name="Łukasz", last_name="Nowak")
    person_in(branch, "registered-supporter", first_name="Sam", last_name="Reg")
    response = client_for(steward).get(url("signin_sheet", meeting))
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="sign-in-sheet-' in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "Sam Reg" not in text
    assert text.index("Adam Abbott") < text.index("Lukasz Nowak") < text.index("Zo\xeb Young")
    assert "Signature" in text


def test_printing_the_signin_sheet_is_audited_with_a_count_only(client_for, steward, meeting, branch):
    person_in(branch, "party-member", first_name="Adam", last_name="Abbott")
    person_in(branch, "party-member", first_name="Zoë", last_name="Young")
    client_for(steward).get(url("signin_sheet", meeting), {"list": "expected"})
    event = AuditEvent.objects.get(action="attendance.export_sign_in_sheet")
    assert (event.actor, event.branch, event.object_id) == (steward, branch, str(meeting.pk))
    assert event.changes == {"lines": 2, "list": "expected"}
    assert "Abbott" not in event.summary and "Young" not in event.summary


def test_signin_sheet_after_the_meeting_lists_who_came(client_for, steward, branch):
    meeting = MeetingFactory(branch=branch, starts_at=timezone.now() - timedelta(hours=3))
    came = person_in(branch, "party-member", first_name="Cara", last_name="Came")
    person_in(branch, "party-member", first_name="Nora", last_name="Notcome")
    svc.check_in(meeting=meeting, person=came, actor=steward)
    svc.check_in(meeting=meeting, guest_name="Gil Guest", actor=steward)
    text = pdf_text(client_for(steward).get(url("signin_sheet", meeting)).content)
    assert "Cara Came" in text and "Gil Guest (guest)" in text and "Nora Notcome" not in text
    assert "Who came" in text


def test_bulk_check_in_page_is_all_or_nothing(client_for, organiser, meeting, branch):
    ana = person_in(branch, "party-member", first_name="Ana", last_name="Silva")
    sam = person_in(branch, "registered-supporter", first_name="Sam", last_name="Reg")
    client = client_for(organiser)
    html = client.get(url("attendance_bulk", meeting)).content.decode()
    assert "Ana Silva" in html and "Sam Reg" in html and f'name="reason-{sam.pk}"' in html
    response = client.post(url("attendance_bulk", meeting), {"person": [ana.pk, sam.pk]}, follow=True)
    html = response.content.decode()
    assert "Nobody was checked in" in html and "Sam Reg" in html
    assert re.search(rf'value="{ana.pk}"\s+checked', html)  # the ticks are kept
    assert not Attendance.objects.exists()
    response = client.post(
        url("attendance_bulk", meeting), {"person": [ana.pk, sam.pk], f"reason-{sam.pk}": "Signed the paper list"}
    )
    assert response.status_code == 302
    assert Attendance.objects.filter(method="bulk").count() == 2
    assert Attendance.objects.get(person=sam).override_reason == "Signed the paper list"


def test_the_signin_sheet_numbers_its_pages_shows_membership_numbers_and_leaves_rows_for_walk_ins(
    client_for, steward, meeting, branch
):
    for i in range(40):  # more than one A4 page
        person_in(branch, "party-member", first_name=f"Person{i:02d}", last_name="Member")
    abbott = person_in(branch, "party-member", first_name="Adam", last_name="Abbott")
    abbott.memberships.update(number="L0104321")
    response = client_for(steward).get(url("signin_sheet", meeting), {"list": "expected"})
    text = pdf_text(response.content).replace(") Tj (", "")  # fpdf2 draws the page total as its own string
    assert "Membership no." in text and "L0104321" in text
    assert "page 1 of 3" in text and "page 3 of 3" in text and "page 4" not in text
    assert "Not on the list? Write your name here" in text
    # After the meeting the sheet is a record of who came: no blank rows to fill in.
    after = pdf_text(client_for(steward).get(url("signin_sheet", meeting), {"list": "attended"}).content)
    after = after.replace(") Tj (", "")
    assert "Not on the list?" not in after and "page 1 of 1" in after
