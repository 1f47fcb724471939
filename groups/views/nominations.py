"""Members' own nominations, from My elections (issue 13): nominate yourself
(or another member by their membership number and surname, where the
positions allow) while nominations are open, and withdraw your own. Plain
forms: they work on a phone without JS."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from ..errors import RollcallError
from ..models import Election, Nomination
from ..permissions import get_in_branch
from ..queries.me import linked_person
from ..services import nominations as services
from .base import branch_view


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
