"""Import a membership list: upload → preview (fix the mapping) → confirm → result."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ..imports import jobs as import_jobs
from ..imports.mapping import FIELDS, NEW_CATEGORY, STATUSES
from ..imports.reading import read_columns
from ..models import Category
from ..services.imports import import_members
from .base import branch_view

ACCEPT = (
    ".csv,text/csv,.xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,"
    ".ods,application/vnd.oasis.opendocument.spreadsheet"
)


def _limit_mb() -> int:
    return settings.IMPORT_MAX_BYTES // (1024 * 1024)


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Membership list (CSV file, Excel .xlsx or OpenDocument .ods)",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1048576:.1f} MB; the limit is {_limit_mb()} MB. "
                "Split the list into smaller files and import them one after another."
            )
        if upload.size == 0:
            raise forms.ValidationError("The file is empty. Export the membership list as CSV and upload that file.")
        return upload


@branch_view("import_people")
def import_upload(request, branch):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        token = import_jobs.save_upload(branch=branch, user=request.user, uploaded=form.cleaned_data["file"])
        return redirect("import_preview", slug=branch.slug, token=token)
    return render(request, "groups/imports/upload.html", {"branch": branch, "form": form, "limit_mb": _limit_mb()})


@branch_view("import_people")
def import_preview(request, branch, token):
    path, meta = import_jobs.load_upload(branch=branch, user=request.user, token=token)
    if request.method == "POST":
        # "Apply mapping": read the organiser's choices, keep them with the upload, show the new preview.
        mapping = {}
        for i, column in enumerate(read_columns(path)):
            chosen = request.POST.get(f"col-{i}", "")
            mapping[column] = chosen if chosen in FIELDS else ""
        slugs = set(Category.objects.filter(branch=branch).values_list("slug", flat=True))
        category_map = dict(meta.get("category_map") or {})
        count = request.POST.get("category-count", "0")
        for j in range(min(int(count), 1000) if count.isdecimal() and len(count) < 10 else 0):
            value = request.POST.get(f"catval-{j}", "")
            chosen = request.POST.get(f"cat-{j}", "")
            if value:
                category_map[value] = chosen if chosen in slugs or chosen == NEW_CATEGORY else ""
        status_map = dict(meta.get("status_map") or {})
        count = request.POST.get("status-count", "0")
        for j in range(min(int(count), 1000) if count.isdecimal() and len(count) < 10 else 0):
            value = request.POST.get(f"statval-{j}", "")
            chosen = request.POST.get(f"stat-{j}", "")
            if value:
                status_map[value] = chosen if chosen in STATUSES else ""
        meta.update(
            mapping=mapping,
            category_map={k: v for k, v in category_map.items() if v},
            status_map={k: v for k, v in status_map.items() if v},
        )
        import_jobs.write_meta(token, meta)
        return redirect("import_preview", slug=branch.slug, token=token)
    categories = list(Category.objects.filter(branch=branch))
    report = import_jobs.dry_run(
        token=token,
        meta=meta,
        key=import_jobs.choices_key(meta, categories),
        compute=lambda: import_members(
            branch=branch,
            source=path,
            actor=request.user,
            dry_run=True,
            mapping=meta["mapping"] or None,
            category_map=meta["category_map"] or None,
            status_map=meta.get("status_map") or None,
        ),
    )
    return render(
        request,
        "groups/imports/preview.html",
        {
            "branch": branch,
            "token": token,
            "meta": meta,
            "report": report,
            "fields": list(FIELDS.items()),
            "categories": categories,
            "new_category": NEW_CATEGORY,
            "statuses": STATUSES,
            "to_import": report.created + report.updated + report.unchanged,
        },
    )


@require_POST
@branch_view("import_people")
def import_confirm(request, branch, token):
    path, meta = import_jobs.load_upload(branch=branch, user=request.user, token=token)
    if import_jobs.is_started(token):  # a second click on "Import"
        return redirect("import_result", slug=branch.slug, token=token)
    import_jobs.start_import(branch=branch, user=request.user, token=token, rows=meta.get("rows", 0))
    return redirect("import_result", slug=branch.slug, token=token)


@branch_view("import_people")
def import_result(request, branch, token):
    state = import_jobs.job_state(branch=branch, user=request.user, token=token)
    report = state.get("report")
    return render(
        request,
        "groups/imports/result.html",
        {"branch": branch, "token": token, "state": state, "report": report, "finished": state["state"] == "done"},
    )
