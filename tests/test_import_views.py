"""The import pages: upload → preview → change a mapping → confirm → result."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from groups.imports import jobs as import_jobs
from groups.models import AuditEvent, Membership, Person

FIX = Path(__file__).parent / "fixtures" / "import"


def upload(client, branch, name="party-export.csv", content=None):
    data = content if content is not None else (FIX / name).read_bytes()
    return client.post(
        reverse("import_upload", args=[branch.slug]), {"file": SimpleUploadedFile(name, data, "text/csv")}
    )


def token_of(response):
    return re.search(r"/import/([A-Za-z0-9_-]+)/", response["Location"])[1]


def test_upload_page_says_the_limit_and_accepts_csv(client_for, organiser, branch):
    page = client_for(organiser).get(reverse("import_upload", args=[branch.slug])).content.decode()
    assert "Files up to 20 MB" in page
    assert 'accept=".csv,text/csv,.xlsx,' in page and ",.ods," in page


def test_a_file_over_the_limit_is_refused_with_a_clear_message(client_for, organiser, branch, settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    before = set(import_jobs.upload_dir().iterdir())
    response = upload(client_for(organiser), branch, content=b"First name\n" + b"A\n" * 600_000)
    assert response.status_code == 200
    assert "The file is 1.1 MB; the limit is 1 MB." in response.content.decode()
    assert set(import_jobs.upload_dir().iterdir()) == before  # nothing kept
    assert Person.objects.count() == 0


def test_whole_flow_preview_fix_mapping_confirm(client_for, organiser, branch):
    client = client_for(organiser)
    response = upload(client, branch)
    assert response.status_code == 302
    token = token_of(response)
    preview_url = reverse("import_preview", args=[branch.slug, token])
    page = client.get(preview_url).content.decode()
    assert "UTF-8 (with BOM), separated by commas" in page
    assert "1 problem to fix" in page and "Labour Party member" in page
    assert "Create new category “Labour Party member”" in page
    assert "Import 240" not in page  # no import button while there are errors
    assert "Ignore (not stored)" in page and "Ignored: Address 1, Polling District." in page

    # The organiser maps the category, and also chooses to ignore the phone column.
    columns = [
        "Membership Number",
        "First Name",
        "Surname",
        "Email Address",
        "Mobile Number",
        "Address 1",
        "Postcode",
        "Ward Name",
        "Polling District",
        "Membership Type",
        "Membership Status",
        "Date Joined",
        "Continuous Membership Since",
        "Paid Up To",
        "DOB",
    ]
    guessed = [
        "membership_number",
        "first_name",
        "last_name",
        "email",
        "",
        "",
        "postcode",
        "ward",
        "",
        "category",
        "status",
        "joined",
        "continuous_since",
        "dues_paid_until",
        "date_of_birth",
    ]
    data = {f"col-{i}": f for i, f in enumerate(guessed)}
    data |= {"category-count": 4}
    values = ["Labour Party member", "Supporter", "Registered supporter", "Affiliated supporter"]
    slugs = ["party-member", "supporter", "registered-supporter", "affiliated-supporter"]
    for j, (value, slug) in enumerate(zip(values, slugs, strict=True)):
        data |= {f"catval-{j}": value, f"cat-{j}": slug}
    assert len(columns) == len(guessed)
    response = client.post(preview_url, data)
    assert response.status_code == 302 and response["Location"] == preview_url
    page = client.get(preview_url).content.decode()
    assert "problem" not in page
    assert "Import 240 people" in page
    assert Person.objects.count() == 0

    response = client.post(reverse("import_confirm", args=[branch.slug, token]))
    assert response.status_code == 302
    result = client.get(response["Location"]).content.decode()
    assert "Import finished" in result and "240" in result
    assert Person.objects.filter(branch=branch).count() == 240
    assert Membership.objects.filter(category__slug="party-member").count() == 144
    assert not Person.objects.exclude(phone="").exists()  # the ignored column was not stored
    assert AuditEvent.objects.filter(action="people.import", branch=branch).count() == 1
    # the upload is gone once imported
    assert client.get(preview_url).status_code == 404


def test_bad_file_preview_shows_every_error_with_line_and_column(client_for, organiser, branch):
    client = client_for(organiser)
    token = token_of(upload(client, branch, "invalid-values.csv"))
    page = client.get(reverse("import_preview", args=[branch.slug, token])).content.decode()
    assert "6 problems to fix" in page
    assert '<td data-label="Line">7</td><td data-label="Column">Date of birth</td>' in page
    assert "button-large" not in page


def test_unreadable_file_gets_its_message(client_for, organiser, branch):
    client = client_for(organiser)
    token = token_of(upload(client, branch, "binary.csv"))
    response = client.get(reverse("import_preview", args=[branch.slug, token]))
    assert response.status_code == 200
    assert "it contains binary data" in response.content.decode()


def test_confirming_a_file_with_errors_writes_nothing(client_for, organiser, branch):
    client = client_for(organiser)
    token = token_of(upload(client, branch, "mixed-one-bad.csv"))
    response = client.post(reverse("import_confirm", args=[branch.slug, token]))
    page = client.get(response["Location"]).content.decode()
    assert "Nothing was imported" in page and "31/02/2020" in page
    assert Person.objects.count() == 0


def test_another_branch_or_user_cannot_see_an_upload(
    client_for, organiser, branch, outsider, other_branch, user_factory
):
    from groups.models import RoleName
    from tests.factories import RoleFactory

    token = token_of(upload(client_for(organiser), branch, "good.csv"))
    # Another branch's organiser, even through their own branch's URL: 404.
    client = client_for(outsider)
    assert client.get(reverse("import_preview", args=[branch.slug, token])).status_code == 404
    assert client.get(reverse("import_preview", args=[other_branch.slug, token])).status_code == 404
    assert client.post(reverse("import_confirm", args=[other_branch.slug, token])).status_code == 404
    # A second organiser of the same branch: the upload is the first organiser's.
    second = RoleFactory(branch=branch, role=RoleName.ORGANISER).user
    assert client_for(second).get(reverse("import_preview", args=[branch.slug, token])).status_code == 404
    assert Person.objects.count() == 0


@pytest.mark.parametrize("token", ["../../etc/passwd", "short", "x" * 100])
def test_tokens_that_are_not_ours_are_404(client_for, organiser, branch, token):
    client = client_for(organiser)
    url = f"/b/{branch.slug}/import/{token}/"
    assert client.get(url).status_code == 404


def test_progress_page_refreshes_until_done(client_for, organiser, branch):
    client = client_for(organiser)
    token = token_of(upload(client, branch, "good.csv"))
    import_jobs.set_state(
        token,
        branch_id=branch.pk,
        user_id=organiser.pk,
        state="running",
        phase="checking",
        done=1000,
        total=100000,
        report=None,
    )
    page = client.get(reverse("import_result", args=[branch.slug, token])).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "Checking row 1,000 of 100,000" in page


def test_old_uploads_are_purged(client_for, organiser, branch):
    import os
    import time

    token = token_of(upload(client_for(organiser), branch, "good.csv"))
    data, meta = import_jobs._paths(token)
    old = time.time() - 25 * 3600
    os.utime(data, (old, old))
    os.utime(meta, (old, old))
    assert import_jobs.purge_old() >= 2
    assert not data.exists() and not meta.exists()


def test_a_second_click_on_import_does_not_start_a_second_import(client_for, organiser, branch):
    client = client_for(organiser)
    token = token_of(upload(client, branch, "good.csv"))
    import_jobs.set_state(token, branch_id=branch.pk, user_id=organiser.pk, state="running", done=0, total=3)
    response = client.post(reverse("import_confirm", args=[branch.slug, token]))
    assert response.status_code == 302 and response["Location"].endswith("/result/")
    assert Person.objects.count() == 0


def test_fixing_the_mapping_after_a_failed_confirm_then_importing(client_for, organiser, branch):
    client = client_for(organiser)
    token = token_of(upload(client, branch, "unknown-category.csv"))
    client.post(reverse("import_confirm", args=[branch.slug, token]))
    assert Person.objects.count() == 0
    preview = reverse("import_preview", args=[branch.slug, token])
    client.post(
        preview,
        {
            f"col-{i}": f
            for i, f in enumerate(
                [
                    "first_name",
                    "last_name",
                    "email",
                    "phone",
                    "postcode",
                    "category",
                    "membership_number",
                    "status",
                    "joined",
                ]
            )
        }
        | {
            "category-count": "2",
            "catval-0": "Young Labour",
            "cat-0": "new",
            "catval-1": "Supporter",
            "cat-1": "supporter",
        },
    )
    assert "Import 3 people" in client.get(preview).content.decode()
    response = client.post(reverse("import_confirm", args=[branch.slug, token]))
    assert "Import finished" in client.get(response["Location"]).content.decode()
    assert Person.objects.count() == 3


def test_the_service_takes_an_uploaded_file_too(branch, organiser):
    from groups.services.imports import import_members

    uploaded = SimpleUploadedFile("x.csv", (FIX / "good.csv").read_bytes(), "text/csv")
    report = import_members(branch=branch, source=uploaded, actor=organiser)
    assert report.applied and report.created == 3
