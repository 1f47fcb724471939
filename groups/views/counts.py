"""The organisers' count page: upload a BLT file (a paper ballot counted
elsewhere, a recount), choose the method, the seed and any constraints, see
every stage, download the PDF. Nothing is stored but the audit row
(services/counts.py, which the API's counts/ calls too). The PDF is counted
again from the ballots the page carries back with the same seed, so the paper
is the count the page showed, never a copy of numbers the browser sent."""

from __future__ import annotations

import json
import re

from django import forms
from django.http import HttpResponse
from django.shortcuts import render

from .. import counting
from ..api.views.counts import max_bytes
from ..counting.table import METHOD_NAMES
from ..errors import InvalidInput
from ..exports.count_pdf import count_pdf
from ..services.counts import count_upload
from .base import branch_view

CONSTRAINT_ROWS = 3
MAX_LINE_ERRORS = 10  # shown beside the file; the rest are summed up


class CountForm(forms.Form):
    file = forms.FileField(
        label="BLT file",
        required=False,
        help_text="The ballots as a .blt file (OpenSTV, the Electoral Reform Society, OpenTally and Rollcall "
        "all write it).",
    )
    ballots = forms.CharField(
        label="Or paste the ballots in BLT",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false", "autocomplete": "off"}),
        help_text="First line: candidates and seats; then one line per ballot, <code>weight pref pref … 0</code>; "
        "a line <code>0</code>; the candidates' names in quotes; the title in quotes.",
    )
    method = forms.ChoiceField(
        label="Method", choices=[(m, METHOD_NAMES[m]) for m in counting.METHODS], initial="scottish_stv"
    )
    seed = forms.CharField(
        label="Seed",
        required=False,
        max_length=counting.MAX_SEED,
        help_text="Decides any tie left to lot, so that anyone can repeat the count exactly. "
        "Leave it empty and one is chosen (and shown).",
    )
    if_unmet = forms.ChoiceField(
        label="If a constraint cannot be met",
        choices=[("vacant", "The seat stays vacant"), ("anyone", "The seat goes to anyone")],
        initial="vacant",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(1, CONSTRAINT_ROWS + 1):
            self.fields[f"c{i}_candidates"] = forms.CharField(
                label=f"Constraint {i}: candidates",
                required=False,
                max_length=5000,
                help_text="Names as in the file, separated by commas.",
            )
            self.fields[f"c{i}_min"] = forms.IntegerField(label="At least", required=False, min_value=0, max_value=99)
            self.fields[f"c{i}_max"] = forms.IntegerField(label="At most", required=False, min_value=0, max_value=99)

    def main_fields(self):
        return [self[name] for name in ("file", "ballots", "method", "seed")]

    def constraint_rows(self):
        return [(self[f"c{i}_candidates"], self[f"c{i}_min"], self[f"c{i}_max"]) for i in range(1, CONSTRAINT_ROWS + 1)]

    def clean(self):
        data = super().clean()
        upload, pasted = data.get("file"), (data.get("ballots") or "").strip()
        if upload is None and not pasted and "file" not in self.errors:
            self.add_error("file", "Choose the BLT file, or paste the ballots below.")
        elif upload is not None:
            if upload.size == 0:
                self.add_error("file", "The file is empty. Choose the BLT file of the ballots.")
            elif upload.size > max_bytes():
                self.add_error(
                    "file",
                    f"The file is {upload.size / 1048576:.1f} MB; the limit is {max_bytes() / 1048576:.0f} MB. "
                    "Put identical ballots on one line with their number as the weight and try again.",
                )
        elif len(pasted.encode()) > max_bytes():
            self.add_error("ballots", f"That is more than {max_bytes() / 1048576:.0f} MB; upload it as a file.")
        constraints = []
        for i in range(1, CONSTRAINT_ROWS + 1):
            names = [n.strip() for n in re.split(r"[,\n]", data.get(f"c{i}_candidates") or "") if n.strip()]
            low, high = data.get(f"c{i}_min"), data.get(f"c{i}_max")
            if not names:
                if low is not None or high is not None:
                    self.add_error(f"c{i}_candidates", "Name the candidates this constraint is about.")
                continue
            if low is None and high is None:
                self.add_error(f"c{i}_min", "Give at least or at most a number of these candidates.")
                continue
            constraints.append({"candidates": names, "min": low or 0, **({"max": high} if high is not None else {})})
        data["constraints"] = constraints
        return data


def _content(form: CountForm) -> bytes | str:
    upload = form.cleaned_data.get("file")
    return upload.read() if upload is not None else form.cleaned_data["ballots"]


def _as_text(content: bytes | str) -> str:
    if isinstance(content, str):
        return content
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")  # as counting/blt.py reads it


def _show_error(form: CountForm, exc: InvalidInput) -> None:
    where = "ballots" if form.cleaned_data.get("file") is None else "file"
    lines = exc.details.get("lines")
    if lines:
        for item in lines[:MAX_LINE_ERRORS]:
            form.add_error(where, f"Line {item['line']}: {item['message']}.")
        if len(lines) > MAX_LINE_ERRORS:
            form.add_error(where, f"… and {len(lines) - MAX_LINE_ERRORS} more lines like these.")
        return
    if exc.details.get("field") == "constraints":
        form.add_error(None, f"Constraints: {exc.message}")
        return
    form.add_error(None if exc.code != "invalid_ballots" else where, exc.message)


@branch_view("count_ballots")
def count_page(request, branch):
    form = CountForm(request.POST or None, request.FILES or None)
    context = {"branch": branch, "form": form, "limit_mb": max_bytes() // 1048576}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        content = _content(form)
        wants_pdf = request.POST.get("download") == "pdf"
        try:
            result = count_upload(
                branch=branch,
                actor=request.user,
                content=content,
                method=data["method"],
                seed=data.get("seed") or None,
                constraints=data["constraints"],
                if_unmet=data["if_unmet"],
                pdf=wants_pdf,
            )
        except InvalidInput as exc:
            _show_error(form, exc)
        else:
            shown = result.as_dict()
            if wants_pdf:
                response = HttpResponse(count_pdf(shown, branch_name=branch.name), content_type="application/pdf")
                response["Content-Disposition"] = 'attachment; filename="count.pdf"'
                return response
            carried = {k: v for k, v in request.POST.items() if k not in ("csrfmiddlewaretoken", "ballots", "download")}
            carried["seed"] = result.seed  # the PDF repeats this very count, a chosen seed included
            context.update(
                result=shown,
                carried=carried,
                carried_ballots=_as_text(content),
                constraints_json=json.dumps(data["constraints"]),
            )
    return render(request, "groups/counts/page.html", context, status=400 if form.errors else 200)
