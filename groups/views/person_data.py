"""A person's data (issue 15): the organiser's erasure, with a typed reason
and a confirmation naming the person; subject access for organisers (any
person of the branch) and for a member (only their own, found through the
signed-in user, never an id in the URL). Every download is audited."""

from __future__ import annotations

import json
from datetime import date

from django import forms
from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ..errors import RollcallError
from ..models import Person, SubjectAccessRequest
from ..permissions import get_in_branch
from ..queries.me import linked_person
from ..queries.subject_access import counts, subject_access
from ..reauth import reauthentication_required
from ..services import access_requests, erasure, exports
from ..sql import as_id
from .base import add_service_error, branch_view


class EraseForm(forms.Form):
    reason = forms.CharField(
        label="Why are their data being erased?",
        help_text="Kept in the audit log (without their name): for example, “They asked us to, by email on 3 March”.",
        max_length=erasure.MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@branch_view("erase_people")
@reauthentication_required(allow_get=True)
def person_erase(request, branch, person_id):
    person = get_in_branch(Person.objects.select_related("branch"), branch, pk=person_id)
    form = EraseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            erasure.erase_person(person=person, actor=request.user, reason=form.cleaned_data["reason"])
        except RollcallError as exc:
            add_service_error(form, exc, field="reason")
        else:
            # No name in the message: it is kept in the session until shown.
            messages.success(request, "Their personal data is erased. Past attendance still counts, anonymously.")
            return redirect("people_list", slug=branch.slug)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "groups/people/erase.html", {"branch": branch, "person": person, "form": form}, status=status
    )


def _json(data: dict, filename: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _page(request, branch, person, data, *, own: bool):
    context = {"branch": branch, "person": person, "data": data, "own": own}
    if not own:
        context["access_requests"] = list(person.access_requests.all())
        context["today"] = branch.today()
    with timezone.override(branch.zone):
        return render(request, "groups/people/data.html", context)


@require_POST
@branch_view("view_person_data")
def access_request_log(request, branch, person_id):
    """Note a subject-access request: the day it arrived (deadline one month later)."""
    person = _person(branch, person_id)
    try:
        received_on = date.fromisoformat(request.POST.get("received_on", ""))
    except ValueError:
        messages.error(request, "Give the day the request arrived, e.g. 3 March 2026.")
    else:
        try:
            logged = access_requests.log_request(person=person, actor=request.user, received_on=received_on)
        except RollcallError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Request logged: the answer is due by {logged.due_on:%-d %B %Y}.")
    return redirect("person_data", slug=branch.slug, person_id=person.pk)


@require_POST
@branch_view("view_person_data")
def access_request_answered(request, branch, person_id, request_id):
    person = _person(branch, person_id)
    logged = SubjectAccessRequest.objects.filter(person=person, pk=as_id(request_id)).first()
    if logged is None:
        raise Http404
    try:
        access_requests.mark_answered(request=logged, actor=request.user)
    except RollcallError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Marked as answered today.")
    return redirect("person_data", slug=branch.slug, person_id=person.pk)


def _exported(request, person, *, own: bool) -> dict:
    data = subject_access(person)
    exports.record_subject_access(person=person, actor=request.user, counts=counts(data), own=own)
    return data


def _person(branch, person_id) -> Person:
    return get_in_branch(Person.objects.select_related("branch", "user"), branch, pk=person_id)


@branch_view("view_person_data")
def person_data(request, branch, person_id):
    person = _person(branch, person_id)
    return _page(request, branch, person, _exported(request, person, own=False), own=False)


@branch_view("view_person_data")
@reauthentication_required
def person_data_json(request, branch, person_id):
    person = _person(branch, person_id)
    return _json(_exported(request, person, own=False), f"{branch.slug}-person-{person.pk}-data.json")


def _mine(request, branch) -> Person | None:
    person = linked_person(request.user, branch)
    if person is not None:
        person.user = request.user
    return person


@branch_view("view_own")
def my_data(request, branch):
    person = _mine(request, branch)
    if person is None:
        return render(request, "groups/people/data.html", {"branch": branch, "person": None, "own": True})
    return _page(request, branch, person, _exported(request, person, own=True), own=True)


@branch_view("view_own")
def my_data_json(request, branch):
    person = _mine(request, branch)
    if person is None:
        messages.error(request, "Your account is not linked to a member record of this branch yet.")
        return redirect("my_details", slug=branch.slug)
    return _json(_exported(request, person, own=True), f"{branch.slug}-my-data.json")
