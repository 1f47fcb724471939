"""The preview's dry run is computed once per upload and choice of mapping,
not on every page view (a 100,000-row file is read in full each time)."""

import re
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from groups.imports.mapping import guess_field
from groups.imports.reading import read_columns
from groups.services import imports as import_service
from groups.views import imports as import_views

from ..test_import_views import token_of

FIX = Path(__file__).parent.parent / "fixtures" / "import"


def same_preview(a: str, b: str) -> bool:
    def strip(page):
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)

    return strip(a) == strip(b)


def guessed_columns() -> dict:
    columns = read_columns(FIX / "party-export.csv")
    return {f"col-{i}": guess_field(c) for i, c in enumerate(columns)}


def counting(monkeypatch):
    calls = []

    def spy(**kwargs):
        calls.append(kwargs)
        return import_service.import_members(**kwargs)

    monkeypatch.setattr(import_views, "import_members", spy)
    return calls


def test_a_second_view_of_the_preview_does_not_read_the_file_again(client_for, organiser, branch, monkeypatch):
    calls = counting(monkeypatch)
    client = client_for(organiser)
    data = (FIX / "party-export.csv").read_bytes()
    response = client.post(
        reverse("import_upload", args=[branch.slug]), {"file": SimpleUploadedFile("list.csv", data, "text/csv")}
    )
    url = reverse("import_preview", args=[branch.slug, token_of(response)])
    first = client.get(url).content.decode()
    second = client.get(url).content.decode()
    assert len(calls) == 1
    assert same_preview(first, second)  # read back from the upload, not recomputed
    assert "1 problem to fix" in second and "Labour Party member" in second

    # A new mapping is a new dry run, once.
    client.post(
        url, {**guessed_columns(), "category-count": "1", "catval-0": "Labour Party member", "cat-0": "party-member"}
    )
    assert len(calls) == 1  # applying the mapping only saves it
    page = client.get(url).content.decode()
    client.get(url)
    assert len(calls) == 2
    assert "Every row checks out" in page


def test_a_category_created_meanwhile_is_a_new_dry_run(client_for, organiser, branch, monkeypatch):
    calls = counting(monkeypatch)
    client = client_for(organiser)
    data = (FIX / "party-export.csv").read_bytes()
    response = client.post(
        reverse("import_upload", args=[branch.slug]), {"file": SimpleUploadedFile("list.csv", data, "text/csv")}
    )
    url = reverse("import_preview", args=[branch.slug, token_of(response)])
    assert "1 problem to fix" in client.get(url).content.decode()
    branch.categories.create(name="Labour Party member", slug="labour", order=9)
    page = client.get(url).content.decode()
    assert len(calls) == 2
    assert "Every row checks out" in page
