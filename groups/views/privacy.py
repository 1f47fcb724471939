"""The branch's data-protection pages for organisers (issue 15): the
retention schedule, with what it would remove now and its last run. Thin:
parse, call the service or query, render."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone

from ..errors import InvalidInput
from ..models.retention import FORMER_MEMBER_YEARS, INTEREST_DAYS, UPLOAD_HOURS
from ..queries.retention import last_run, retention_plan, schedule_of
from ..services import retention as retention_services
from .base import add_service_error, branch_view


class RetentionForm(forms.Form):
    former_member_years = forms.IntegerField(
        label="Former members: erase once every membership ended more than this many years ago",
        help_text=f"Default {FORMER_MEMBER_YEARS} years. Between 1 and 50.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "input-short"}),
    )
    interest_days = forms.IntegerField(
        label="Registrations of interest: erase when nobody has reviewed them after this many days",
        help_text=f"Default {INTEREST_DAYS} days. Between 7 and 3,650.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "input-short"}),
    )
    upload_hours = forms.IntegerField(
        label="Uploaded membership lists: delete after this many hours",
        help_text=f"Default {UPLOAD_HOURS} hours. Between 1 and 168.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "input-short"}),
    )


@branch_view("manage_privacy")
def retention(request, branch):
    schedule = schedule_of(branch)
    initial = {name: getattr(schedule, name) for name in RetentionForm.base_fields}
    form = RetentionForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                retention_services.update_schedule(branch=branch, actor=request.user, data=form.cleaned_data)
            except InvalidInput as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, "The retention schedule is saved. It runs every day.")
                return redirect("retention", slug=branch.slug)
        status = 400
    now = timezone.now()
    with timezone.override(branch.zone):
        return render(
            request,
            "groups/privacy/retention.html",
            {
                "branch": branch,
                "form": form,
                "schedule": schedule,
                "plan": retention_plan(branch, at=now, schedule=schedule),
                "last_run": last_run(branch),
            },
            status=status,
        )
