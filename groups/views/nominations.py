"""Members' own nominations, from My elections (issue 13): nominate yourself
(or another member by their membership number and surname, where the
positions allow) while nominations are open, withdraw your own, and accept
or decline a nomination someone else made. Organisers record a nominee's
consent given to them, and change when nominations open and close by
themselves. Plain forms: they work on a phone without JS."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from ..errors import RollcallError
from ..models import Election, Nomination
from ..permissions import get_in_branch
from ..queries.me import linked_person
from ..services import nominations as services
from ..services.nomination_schedule import set_nomination_times
from .base import branch_view
from .meetings import local_time


@require_POST
@branch_view("nominate")
def my_nominate(request, branch, election_id):
    election = get_in_branch(Election.objects.select_related("branch"), branch, pk=election_id)
    person = linked_person(request.user, branch)
    try:
        nominee = None
        if request.POST.get("who") == "other":
            nominee = services.find_member(
                election, number=request.POST.get("number"), last_name=request.POST.get("last_name")
            )
        nomination = services.nominate_as_member(
            election=election, nominator=person, nominee=nominee, actor=request.user
        )
    except RollcallError as exc:
        messages.error(request, exc.message)
    else:
        who = "You are" if nomination.person_id == getattr(person, "pk", None) else f"{nomination.person} is"
        messages.success(
            request, f"{who} nominated for {election.title}. The nominee is checked against the position's rule "
            "when nominations close.",
        )  # fmt: skip
    return redirect("my_elections", slug=branch.slug)


@require_POST
@branch_view("nominate")
def my_nomination_withdraw(request, branch, nomination_id):
    nomination = get_in_branch(
        Nomination.objects.select_related("election"), branch, "election__branch", pk=nomination_id
    )
    try:
        services.withdraw_own_nomination(
            nomination=nomination, person=linked_person(request.user, branch), actor=request.user
        )
    except RollcallError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"You have withdrawn from {nomination.election.title}.")
    return redirect("my_elections", slug=branch.slug)


def _own(request, branch, nomination_id, do, done: str):
    nomination = get_in_branch(
        Nomination.objects.select_related("election"), branch, "election__branch", pk=nomination_id
    )
    try:
        do(nomination=nomination, person=linked_person(request.user, branch), actor=request.user)
    except RollcallError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done.format(title=nomination.election.title))
    return redirect("my_elections", slug=branch.slug)


@require_POST
@branch_view("nominate")
def my_nomination_accept(request, branch, nomination_id):
    return _own(
        request, branch, nomination_id, services.accept_nomination,
        "You have accepted your nomination in {title}. You are checked against the position's rule when "
        "nominations close.",
    )  # fmt: skip


@require_POST
@branch_view("nominate")
def my_nomination_decline(request, branch, nomination_id):
    return _own(
        request, branch, nomination_id, services.decline_nomination, "You have declined the nomination in {title}."
    )


@require_POST
@branch_view("manage_elections")
def nomination_consent(request, branch, nomination_id):
    """An organiser records that the nominee agreed to stand, and how."""
    nomination = get_in_branch(
        Nomination.objects.select_related("election"), branch, "election__branch", pk=nomination_id
    )
    try:
        services.record_consent(nomination=nomination, actor=request.user, note=request.POST.get("consent_note", ""))
    except RollcallError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "The nominee's consent is recorded: the nomination stands at the close.")
    return redirect("election_detail", slug=branch.slug, election_id=nomination.election_id)


WHEN = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class NominationTimesForm(forms.Form):
    nominations_open_at = forms.DateTimeField(label="Nominations open by themselves at", widget=WHEN, required=False)
    nominations_close_at = forms.DateTimeField(label="Nominations close by themselves at", widget=WHEN, required=False)


@require_POST
@branch_view("manage_elections")
@local_time  # the times are typed in the branch's zone
def election_nomination_times(request, branch, election_id):
    election = get_in_branch(Election.objects.select_related("branch"), branch, pk=election_id)
    form = NominationTimesForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the times as a date and a time, such as 2026-05-04 19:30.")
    else:
        try:
            set_nomination_times(election=election, actor=request.user, **form.cleaned_data)
        except RollcallError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "The nomination times are saved: nominations open and close by themselves then.")
    return redirect("election_detail", slug=branch.slug, election_id=election.pk)
