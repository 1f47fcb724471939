"""Near-duplicates: a new row with a name close to someone's and the same
postcode or date of birth, but a different email or number, is flagged for
the organiser (rapidfuzz), never blocking the import."""

import io
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from groups.models import Person
from groups.services.imports import import_members

from ..test_import_views import token_of

CSV = (
    "First name,Last name,Email,Postcode,DOB\n"
    "Anna,Silva,anna.new@example.org,N15 4AB,\n"  # Ana Silva, same postcode, new email
    "Ben,Ibrahim,ben2@example.org,E1 1AA,13/11/1985\n"  # same date of birth
    "Ava,Silva,ava@example.org,N15 4AB,\n"  # her sister: a different name
    "Catherine,Jones,cat@example.org,N22 8JP,\n"
    "Katherine,Jones,kath@example.org,N22 8JP,\n"  # resembles the row above
)


def dry_run(branch, organiser):
    return import_members(branch=branch, source=io.BytesIO(CSV.encode()), actor=organiser, dry_run=True)


def test_close_names_at_the_same_postcode_or_birthday_are_flagged(branch, organiser):
    ana = Person.objects.create(
        branch=branch, first_name="Ana", last_name="Silva", email="ana@example.org", postcode="N15 4AB"
    )
    ben = Person.objects.create(branch=branch, first_name="Ben", last_name="Ibrahim", date_of_birth=date(1985, 11, 13))
    Person.objects.create(branch=branch, first_name="Ben", last_name="Ibrahim", date_of_birth=date(1990, 1, 1))
    report = dry_run(branch, organiser)
    found = [(d["line"], d["person"], d["other_line"], d["same"]) for d in report.near_duplicates]
    assert found == [(2, ana.pk, None, "postcode"), (3, ben.pk, None, "date of birth"), (6, None, 5, "postcode")]
    assert report.near_duplicate_count == 3
    assert report.ok and report.created == 5  # flagged, not blocked


def test_the_preview_lists_them_with_a_link(client_for, organiser, branch):
    ana = Person.objects.create(branch=branch, first_name="Ana", last_name="Silva", postcode="N15 4AB")
    client = client_for(organiser)
    response = client.post(
        reverse("import_upload", args=[branch.slug]), {"file": SimpleUploadedFile("list.csv", CSV.encode())}
    )
    page = client.get(reverse("import_preview", args=[branch.slug, token_of(response)])).content.decode()
    assert "Possible duplicates (2)" in page
    assert reverse("person_detail", args=[branch.slug, ana.pk]) in page
