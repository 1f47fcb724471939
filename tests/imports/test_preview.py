"""The preview shows what the import will do: the first rows as they will be
stored, counts that add up to the file's rows, and a warning that nobody it
adds can be emailed."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from groups.imports.preview import NO_CONSENT
from groups.services.imports import import_members

from ..test_import_views import token_of

CSV = (
    "Membership Number,First Name,Surname,Email,Postcode,DOB,Membership Type,Date Joined\n"
    "L1,Ana,Silva,ana@example.org,n154ab,04/05/1990,Party member,2015-03-01\n"
    "L2,Ben,Ibrahim,ben@example.org,N22 8JP,13/11/1985,Party member,01/02/2016\n"
    "L3,Cai,Jones,not-an-email,N22 8JP,,Party member,\n"
    "L1,Dee,Silva,dee@example.org,N15 4AB,,Party member,\n"
)


def dry_run(branch, organiser, text, **kwargs):
    return import_members(branch=branch, source=io.BytesIO(text.encode()), actor=organiser, dry_run=True, **kwargs)


def test_the_first_rows_as_they_will_be_stored(branch, organiser):
    report = dry_run(branch, organiser, CSV)
    first = report.preview[0]
    assert first["line"] == 2
    assert (first["first_name"], first["last_name"], first["postcode"]) == ("Ana", "Silva", "N15 4AB")
    assert first["date_of_birth"] == "4 May 1990"  # the day first, as the file meant: visible if not
    assert first["joined"] == "1 Mar 2015"
    assert first["category"] == "Party member" and first["status"] == "active"
    assert [row["line"] for row in report.preview] == [2, 3]  # only rows that will be stored


def test_the_counts_add_up_to_the_rows(branch, organiser):
    report = dry_run(branch, organiser, CSV)
    assert report.rows == 4
    assert (report.created, report.updated, report.unchanged, report.blocked) == (2, 0, 0, 2)


def test_a_file_without_a_consent_column_warns_that_nobody_can_be_emailed(branch, organiser):
    assert dry_run(branch, organiser, CSV).warnings == [NO_CONSENT]
    with_consent = CSV.replace("Date Joined\n", "Date Joined,Email consent\n", 1)
    warnings = dry_run(branch, organiser, with_consent).warnings
    assert len(warnings) == 1 and "“Email consent” is not imported" in warnings[0]


def test_the_preview_page_shows_rows_counts_and_the_warning(client_for, organiser, branch):
    client = client_for(organiser)
    response = client.post(
        reverse("import_upload", args=[branch.slug]),
        {"file": SimpleUploadedFile("list.csv", CSV.encode(), "text/csv")},
    )
    page = client.get(reverse("import_preview", args=[branch.slug, token_of(response)])).content.decode()
    assert "The first rows, as they will be stored" in page
    assert "4 May 1990" in page and "N15 4AB" in page
    assert "Blocked</dt><dd>2</dd>" in page
    assert "nobody can be emailed" in page
