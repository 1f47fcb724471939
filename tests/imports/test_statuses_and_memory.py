"""Status values are mapped like categories ("Gone" → lapsed, the common ones
guessed, the rest chosen by the organiser), and a branch's last choices are
offered again for its next file."""

import io
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from groups.models import Branch, Membership
from groups.services.imports import import_members

from ..test_import_views import token_of

CSV = (
    "First name,Last name,Email,Type,Status\n"
    "Ana,Silva,ana@example.org,Party member,Gone\n"
    "Ben,Ibrahim,ben@example.org,Party member,Current\n"
    "Cai,Jones,cai@example.org,Party member,Paused\n"
    "Dee,Khan,dee@example.org,Party member,Paused\n"
)


def run(branch, organiser, text=CSV, **kwargs):
    return import_members(branch=branch, source=io.BytesIO(text.encode()), actor=organiser, **kwargs)


def test_common_statuses_are_guessed_and_an_unknown_one_blocks_once(branch, organiser):
    report = run(branch, organiser, dry_run=True)
    by_value = {e["value"]: e["status"] for e in report.status_values}
    assert by_value == {"Gone": "lapsed", "Current": "active", "Paused": ""}
    assert report.unknown_statuses == ["Paused"]
    assert [(e.line, e.column) for e in report.errors] == [(4, "Status")]  # once per value, not per row
    assert "“Paused” is not a status Rollcall knows (2 rows)" in report.errors[0].reason
    assert (report.created, report.blocked) == (2, 2)


def test_the_organisers_choice_maps_a_status(branch, organiser):
    report = run(branch, organiser, status_map={"paused": "suspended", "Gone": "resigned"})
    assert report.applied, report.errors
    statuses = dict(Membership.objects.values_list("person__first_name", "status"))
    assert statuses == {"Ana": "resigned", "Ben": "active", "Cai": "suspended", "Dee": "suspended"}


def test_a_status_choice_must_be_a_status(branch, organiser):
    report = run(branch, organiser, status_map={"Paused": "asleep"})
    assert "“asleep” is not a status" in report.file_error and not report.applied


def test_the_api_takes_a_status_map(api, organiser, branch):
    response = api(organiser).post(
        "/api/v1/branches/green-lanes/imports/",
        {"file": SimpleUploadedFile("list.csv", CSV.encode()), "status_map": json.dumps({"Paused": "suspended"})},
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    assert Membership.objects.filter(status="suspended").count() == 2


def test_the_branchs_last_choices_are_offered_for_the_next_file(client_for, organiser, branch):
    mapping = {"Type": "category", "Status": "status", "Email": ""}  # email deliberately not imported
    report = run(branch, organiser, mapping=mapping, status_map={"Paused": "suspended"})
    assert report.applied
    assert Branch.objects.get(pk=branch.pk).import_choices["mapping"]["Email"] == ""

    client = client_for(organiser)
    next_month = CSV.replace("Ana,Silva", "Eve,Silva").replace("ana@", "eve@")
    response = client.post(
        reverse("import_upload", args=[branch.slug]),
        {"file": SimpleUploadedFile("list.csv", next_month.encode(), "text/csv")},
    )
    page = client.get(reverse("import_preview", args=[branch.slug, token_of(response)])).content.decode()
    assert "Every row checks out" in page  # "Paused" is remembered: nothing to choose again
    assert "Ignored: Email." in page


def test_a_remembered_category_since_deleted_is_not_offered(client_for, organiser, branch):
    extra = branch.categories.create(name="Friends", slug="friends", order=9)
    assert run(branch, organiser, category_map={"Party member": "friends"}, status_map={"Paused": "active"}).applied
    Membership.objects.filter(category=extra).delete()
    extra.delete()
    client = client_for(organiser)
    response = client.post(
        reverse("import_upload", args=[branch.slug]),
        {"file": SimpleUploadedFile("list.csv", CSV.encode(), "text/csv")},
    )
    page = client.get(reverse("import_preview", args=[branch.slug, token_of(response)])).content.decode()
    assert "Rollcall cannot import this file" not in page
