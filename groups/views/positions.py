"""Positions: the branch's offices, who holds them and who held them, with
the daily re-check's alerts. Organisers define positions, appoint (the holder
rule decides, with its reasons) and end terms; stewards may look."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ..eligibility.engine import format_date
from ..errors import RollcallError
from ..filters import search_people
from ..models import Person, Position, PositionHolder, Rule
from ..permissions import capabilities, get_in_branch
from ..queries import positions as queries
from ..queries.task_runs import stopped_tasks
from ..services import positions as services
from .base import add_service_error, branch_view

SEARCH_LIMIT = 20


class PositionForm(forms.Form):
    slug = forms.CharField(
        label="Short name for rules",
        max_length=60,
        help_text="Lower-case letters, digits and hyphens, such as “womens-officer”. It cannot change later.",
    )
    name = forms.CharField(label="Name", max_length=100)
    description = forms.CharField(label="Description", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    holder_rule = forms.ModelChoiceField(
        label="Who may hold it", queryset=Rule.objects.none(), required=False, empty_label="Anyone in the branch"
    )
    seats = forms.IntegerField(label="Number of holders", min_value=1, initial=1)
    term_months = forms.IntegerField(label="Term, in months", min_value=1, required=False)
    others_may_nominate = forms.BooleanField(
        label="Members may nominate another member", required=False,
        help_text="Members may always nominate themselves while nominations are open.",
    )  # fmt: skip

    def __init__(self, *args, branch, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holder_rule"].queryset = Rule.objects.filter(branch=branch).order_by("name")
        if editing:
            del self.fields["slug"]


class AppointForm(forms.Form):
    person = forms.IntegerField(widget=forms.HiddenInput)
    started_on = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))


class EndTermForm(forms.Form):
    ended_on = forms.DateField(label="Last day", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="Why", max_length=300, required=False)


def _fields(form: PositionForm) -> dict:
    data = form.cleaned_data
    return {
        "name": data["name"],
        "description": data.get("description", ""),
        "holder_rule": data.get("holder_rule"),
        "seats": data["seats"],
        "term_months": data.get("term_months"),
        "others_may_nominate": bool(data.get("others_may_nominate")),
    }


@branch_view("view_positions")
def position_list(request, branch):
    caps = capabilities(request.user, branch)
    items = list(queries.positions(branch))
    may_manage = "manage_positions" in caps
    alerts = queries.open_alerts(branch) if may_manage else []
    stopped = stopped_tasks(branch, page="positions") if may_manage else []
    return render(
        request,
        "groups/positions/list.html",
        {
            "branch": branch,
            "caps": caps,
            "positions": items,
            "alerts": alerts,
            "stopped_tasks": stopped,
            "may_run_again": may_manage,
        },
    )


@branch_view("manage_positions")
def position_new(request, branch):
    form = PositionForm(request.POST or None, branch=branch)
    if request.method == "POST" and form.is_valid():
        try:
            position = services.create_position(
                branch=branch, slug=form.cleaned_data["slug"], actor=request.user, **_fields(form)
            )
        except RollcallError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"{position.name} is added.")
            return redirect("position_detail", slug=branch.slug, position_id=position.pk)
    return render(request, "groups/positions/form.html", {"branch": branch, "form": form, "position": None})


@branch_view("manage_positions")
def position_edit(request, branch, position_id):
    position = get_in_branch(Position.objects.all(), branch, pk=position_id)
    initial = {
        "name": position.name,
        "description": position.description,
        "holder_rule": position.holder_rule_id,
        "seats": position.seats,
        "term_months": position.term_months,
        "others_may_nominate": position.others_may_nominate,
    }
    form = PositionForm(request.POST or None, initial=initial, branch=branch, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_position(position=position, actor=request.user, **_fields(form))
        except RollcallError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"{position.name} is saved.")
            return redirect("position_detail", slug=branch.slug, position_id=position.pk)
    return render(request, "groups/positions/form.html", {"branch": branch, "form": form, "position": position})


@branch_view("view_positions")
def position_detail(request, branch, position_id):
    caps = capabilities(request.user, branch)
    position = get_in_branch(Position.objects.select_related("holder_rule"), branch, pk=position_id)
    history = list(queries.holders(position))
    q = (request.GET.get("q") or "").strip()
    found = []
    if q and "manage_positions" in caps:
        found = list(
            search_people(Person.objects.filter(branch=branch), q, branch).order_by("last_name", "id")[:SEARCH_LIMIT]
        )
    return render(
        request,
        "groups/positions/detail.html",
        {
            "branch": branch,
            "caps": caps,
            "position": position,
            "current": [h for h in history if h.ended_on is None],
            "past": [h for h in history if h.ended_on is not None],
            "q": q,
            "found": found,
            "today": branch.today(),
        },
    )


@require_POST
@branch_view("manage_positions")
def position_appoint(request, branch, position_id):
    position = get_in_branch(Position.objects.all(), branch, pk=position_id)
    form = AppointForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose someone and the date their term starts.")
        return redirect("position_detail", slug=branch.slug, position_id=position.pk)
    person = get_in_branch(Person.objects.select_related("branch"), branch, pk=form.cleaned_data["person"])
    try:
        services.appoint(
            position=position, person=person, started_on=form.cleaned_data["started_on"], actor=request.user
        )
    except RollcallError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"{person} holds {position.name} from {format_date(form.cleaned_data['started_on'])}."
        )
    return redirect("position_detail", slug=branch.slug, position_id=position.pk)


@require_POST
@branch_view("manage_positions")
def holder_end(request, branch, holder_id):
    holder = get_in_branch(
        PositionHolder.objects.select_related("position", "person"), branch, "position__branch", pk=holder_id
    )
    form = EndTermForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the last day of their term as a real date.")
    else:
        try:
            services.end_term(
                holder=holder,
                ended_on=form.cleaned_data["ended_on"],
                reason=form.cleaned_data.get("reason", ""),
                actor=request.user,
            )
        except RollcallError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"{holder.person}'s term as {holder.position.name} is ended.")
    return redirect("position_detail", slug=branch.slug, position_id=holder.position_id)
