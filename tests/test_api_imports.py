"""POST /api/v1/branches/{slug}/imports/: the member import through the API —
dry run, all or nothing, the report as JSON, the size limit."""

import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from groups.models import AuditEvent, Category, Membership, Person

FIX = Path(__file__).parent / "fixtures" / "import"
URL = "/api/v1/branches/green-lanes/imports/"


def upload(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    data = (FIX / name).read_bytes() if content is None else content
    return SimpleUploadedFile(name, data, content_type="text/csv")


def post(client, name, content=None, **fields):
    return client.post(URL, {"file": upload(name, content), **fields}, format="multipart")


def test_dry_run_reports_and_writes_nothing(api, organiser, branch):
    response = post(api(organiser), "good.csv", dry_run="true")
    assert response.status_code == 200
    report = response.json()
    assert (report["ok"], report["dry_run"], report["applied"]) == (True, True, False)
    assert (report["rows"], report["created"], report["updated"], report["errors"]) == (3, 3, 0, [])
    assert report["mapping"]["Last name"] == "last_name"
    assert report["encoding"] == "utf-8" and report["delimiter"] == ","
    assert not Person.objects.exists()


def test_real_import_writes_and_says_so(api, organiser, branch):
    response = post(api(organiser), "good.csv")
    assert response.status_code == 200
    report = response.json()
    assert (report["ok"], report["dry_run"], report["applied"], report["created"]) == (True, False, True, 3)
    ada = Person.objects.get(email="ada@example.org")
    assert ada.memberships.get().category.slug == "party-member"
    assert AuditEvent.objects.filter(branch=branch, actor=organiser, action="people.import").exists()
    # The same file again: Ada and Bob match by membership number and stay as
    # they are; Cy has neither a number nor an email, so is added again (§3).
    again = post(api(organiser), "good.csv").json()
    assert (again["created"], again["updated"], again["unchanged"]) == (1, 0, 2)
    assert Person.objects.count() == 4


def test_one_bad_row_answers_400_with_the_report_and_writes_nothing(api, organiser, branch):
    response = post(api(organiser), "mixed-one-bad.csv")
    assert response.status_code == 400
    report = response.json()
    assert report["ok"] is False and report["applied"] is False
    assert report["error_count"] == 1
    (error,) = report["errors"]
    assert error["line"] == 4 and error["column"] == "Joined"
    assert not Person.objects.exists() and not Membership.objects.exists()


@pytest.mark.parametrize("name", ["binary.csv", "no-header.csv", "utf16.csv", "no-name-column.csv"])
def test_bad_files_answer_400_with_what_to_fix(api, organiser, branch, name):
    response = post(api(organiser), name)
    assert response.status_code == 400
    report = response.json()
    assert report["ok"] is False
    assert report["file_error"] or report["errors"]
    assert not Person.objects.exists()


def test_mapping_and_category_map(api, organiser, branch):
    client = api(organiser)
    refused = post(client, "unknown-category.csv", dry_run="true")
    assert refused.status_code == 400
    assert refused.json()["unknown_categories"] == ["Young Labour"]
    response = post(
        client,
        "unknown-category.csv",
        category_map=json.dumps({"Young Labour": "new"}),
        mapping=json.dumps({"Phone": ""}),
    )
    assert response.status_code == 200, response.json()
    report = response.json()
    assert report["categories_created"] == ["Young Labour"]
    assert "Phone" in report["ignored_columns"]
    assert Category.objects.filter(branch=branch, name="Young Labour").exists()
    assert Person.objects.count() == 3


@pytest.mark.parametrize("field", ["mapping", "category_map"])
@pytest.mark.parametrize("value", ["{not json", "[1, 2]", '{"a": 1}'])
def test_bad_maps_are_field_errors(api, organiser, branch, field, value):
    response = post(api(organiser), "good.csv", **{field: value})
    assert response.status_code == 400
    assert response.json() == {field: ['Give a JSON object of text to text, e.g. {"Surname": "last_name"}.']}
    assert not Person.objects.exists()


def test_no_file(api, organiser, branch):
    response = api(organiser).post(URL, {"dry_run": "true"}, format="multipart")
    assert response.status_code == 400
    assert response.json() == {"file": ["No file was submitted."]}


def test_empty_file(api, organiser, branch):
    response = post(api(organiser), "empty.csv", content=b"")
    assert response.status_code == 400
    assert "file" in response.json()


def test_the_size_limit_gets_a_clear_message(api, organiser, branch, settings):
    settings.IMPORT_MAX_BYTES = 1024 * 1024  # 1 MB, so the test need not send 20
    big = (FIX / "good.csv").read_bytes() + b"Zed,Zulu,,,,Supporter,,,2020-01-01\n" * 40_000
    response = post(api(organiser), "big.csv", content=big)
    assert response.status_code == 400
    (message,) = response.json()["file"]
    assert message.startswith("The file is 1.") and "the limit is 1 MB" in message
    assert not Person.objects.exists()


def test_the_limit_is_20_mb(settings):
    assert settings.IMPORT_MAX_BYTES == 20 * 1024 * 1024


@pytest.mark.parametrize(
    ("actor", "status"), [("organiser", 200), ("steward", 403), ("member", 403), ("outsider", 404)]
)
def test_who_may_import(api, request, branch, actor, status):
    response = post(api(request.getfixturevalue(actor)), "good.csv")
    assert response.status_code == status
    assert Person.objects.filter(branch=branch).exists() == (status == 200)


def test_json_body_is_refused(api, organiser, branch):
    response = api(organiser).post(URL, {"file": "a,b"}, format="json")
    assert response.status_code == 415
    assert "detail" in response.json()
