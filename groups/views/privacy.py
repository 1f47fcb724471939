"""The branch's data-protection pages (issue 15): for organisers, the
retention schedule (with what it would remove now and its last run) and the
privacy notice's editor; for anyone, the public privacy notice. Thin: parse,
call the service or query, render."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ..errors import InvalidInput, RollcallError
from ..models import Branch, Person
from ..models.retention import FORMER_MEMBER_YEARS, INTEREST_DAYS, UPLOAD_HOURS
from ..permissions import get_in_branch
from ..queries.privacy import LABELS, notice_of, sections
from ..queries.retention import last_run, retention_plan, schedule_of
from ..queries.task_runs import stopped_tasks
from ..services import consent as consent_services
from ..services import privacy as privacy_services
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
                "stopped_tasks": stopped_tasks(branch, page="retention", now=now),
                "may_run_again": True,  # the page itself needs manage_privacy
            },
            status=status,
        )


class NoticeForm(forms.Form):
    what_held = forms.CharField(label=LABELS["what_held"], required=False, widget=forms.Textarea(attrs={"rows": 4}))
    why = forms.CharField(label=LABELS["why"], required=False, widget=forms.Textarea(attrs={"rows": 4}))
    condition = forms.CharField(label=LABELS["condition"], required=False, widget=forms.Textarea(attrs={"rows": 5}))
    retention = forms.CharField(label=LABELS["retention"], required=False, widget=forms.Textarea(attrs={"rows": 4}))
    rights = forms.CharField(label=LABELS["rights"], required=False, widget=forms.Textarea(attrs={"rows": 5}))
    contact = forms.CharField(label=LABELS["contact"], required=False, widget=forms.Textarea(attrs={"rows": 2}))


@branch_view("manage_privacy")
def privacy_notice_edit(request, branch):
    texts, saved = notice_of(branch)
    form = NoticeForm(request.POST or None, initial=texts)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                privacy_services.update_notice(branch=branch, actor=request.user, data=form.cleaned_data)
            except InvalidInput as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, "The privacy notice is saved and public.")
                return redirect("privacy_notice_edit", slug=branch.slug)
        status = 400
    return render(
        request,
        "groups/privacy/notice_edit.html",
        {"branch": branch, "form": form, "saved": saved},
        status=status,
    )


@login_not_required
def privacy_notice(request, slug):
    """The public notice: anyone may read it, signed in or not."""
    branch = get_object_or_404(Branch, slug=slug)
    texts, saved = notice_of(branch)
    return render(
        request,
        "groups/privacy/notice.html",
        {"public_branch": branch, "sections": sections(texts), "saved": saved},
    )


@login_not_required
def confirm_email(request, token):
    """The register-interest form's double opt-in link: the page asks for one
    click (a POST, so a mail scanner fetching the link confirms nothing)."""
    person = consent_services.read_confirm_token(token)
    if person is None:
        return render(request, "groups/invitations/link_invalid.html", status=404)
    done = person.consent_email
    if request.method == "POST":
        consent_services.confirm_interest_email(person=person)
        done = True
    return render(
        request, "groups/privacy/confirm_email.html", {"person": person, "public_branch": person.branch, "done": done}
    )


@require_POST
@branch_view("manage_people")
def person_consent(request, branch, person_id):
    """An organiser records a person's answer (the person page's consent form)."""
    person = get_in_branch(Person.objects.all(), branch, pk=person_id)
    channel, _, purpose = request.POST.get("what", "").partition(":")
    given = request.POST.get("given") == "yes"
    try:
        changed = consent_services.set_consent(
            person=person, channel=channel, purpose=purpose, given=given, actor=request.user
        )
    except RollcallError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Recorded." if changed else "That was already their answer: nothing changed.")
    return redirect(reverse("person_detail", args=[branch.slug, person.pk]) + "#consent-h")
