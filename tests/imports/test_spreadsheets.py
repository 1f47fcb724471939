"""Excel (.xlsx) and OpenDocument (.ods) workbooks import like CSV: the first
sheet, dates as dates, whole numbers without ".0"."""

import io
from datetime import date, datetime

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P

from groups.models import Membership, Person
from groups.services.imports import import_members

from ..test_import_views import token_of

HEADER = ["Membership Number", "First Name", "Surname", "Email", "DOB", "Membership Type", "Date Joined"]


def xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.create_sheet("Notes").append(["not read"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ods(rows) -> bytes:
    document = OpenDocumentSpreadsheet()
    table = Table(name="Members")
    for row in rows:
        tr = TableRow()
        for value in row:
            if isinstance(value, date):
                cell = TableCell(valuetype="date", datevalue=value.isoformat())
                cell.addElement(P(text=value.strftime("%d/%m/%Y")))
            elif isinstance(value, (int, float)):
                cell = TableCell(valuetype="float", value=str(value))
                cell.addElement(P(text=str(value)))
            else:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=value))
            tr.addElement(cell)
        tr.addElement(TableCell(numbercolumnsrepeated="16000"))  # as spreadsheets pad a row
        table.addElement(tr)
    document.spreadsheet.addElement(table)
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


ROWS = [
    HEADER,
    [100042, "Ana", "Silva", "ana@example.org", datetime(1990, 5, 4), "Party member", date(2015, 3, 1)],
    ["L2", "Ben", "Ibrahim", "ben@example.org", None, "Party member", "01/02/2016"],
]


def run(branch, organiser, data: bytes):
    return import_members(branch=branch, source=io.BytesIO(data), actor=organiser)


def check_imported(report):
    assert report.applied, (report.file_error, report.errors)
    ana = Person.objects.get(email="ana@example.org")
    assert ana.date_of_birth == date(1990, 5, 4)
    membership = Membership.objects.get(person=ana)
    assert membership.number == "100042" and membership.started_on == date(2015, 3, 1)
    assert Membership.objects.get(person__first_name="Ben").started_on == date(2016, 2, 1)


def test_an_excel_workbook_is_read(branch, organiser):
    check_imported(run(branch, organiser, xlsx(ROWS)))


def test_an_opendocument_spreadsheet_is_read(branch, organiser):
    check_imported(run(branch, organiser, ods(ROWS)))


def test_a_damaged_workbook_says_so(branch, organiser):
    data = xlsx(ROWS)
    report = run(branch, organiser, data[: len(data) // 2] + b"\x00" * 100)
    assert report.file_error and not report.applied


def test_a_bad_row_is_named_by_its_row_in_the_sheet(branch, organiser):
    rows = [HEADER, ROWS[1], [None] * 7, ["L3", "Cai", "Jones", "not-an-email", None, "Party member", None]]
    report = run(branch, organiser, xlsx(rows))
    assert [(e.line, e.column) for e in report.errors] == [(4, "Email")]


def test_the_mapping_form_reads_a_workbooks_header(client_for, organiser, branch):
    client = client_for(organiser)
    response = client.post(
        reverse("import_upload", args=[branch.slug]), {"file": SimpleUploadedFile("list.ods", ods(ROWS))}
    )
    url = reverse("import_preview", args=[branch.slug, token_of(response)])
    client.post(
        url, {f"col-{i}": f for i, f in enumerate(["", "first_name", "last_name", "email", "", "category", ""])}
    )
    page = client.get(url).content.decode()
    assert "Ignored: Membership Number, DOB, Date Joined." in page


def test_the_upload_page_takes_a_workbook(client_for, organiser, branch):
    client = client_for(organiser)
    response = client.post(
        reverse("import_upload", args=[branch.slug]), {"file": SimpleUploadedFile("list.xlsx", xlsx(ROWS))}
    )
    page = client.get(reverse("import_preview", args=[branch.slug, token_of(response)])).content.decode()
    assert "Every row checks out" in page and "4 May 1990" in page
