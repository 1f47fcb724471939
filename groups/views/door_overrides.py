"""Stewards asking an organiser to let someone in, and the organisers' answer
(groups/services/override_requests.py). Works without JavaScript; with htmx
the steward's card and the organisers' list poll every few seconds."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from ..errors import RollcallError
from ..models import OverrideRequest
from ..queries.door import door_cards, door_person
from ..queries.override_requests import requests_at
from ..services import override_requests as services
from .base import branch_view
from .door import _back_to_door, _meeting, _render


def _request(meeting, request_id) -> OverrideRequest:
    found = (
        OverrideRequest.objects.select_related("person", "requested_by", "decided_by")
        .filter(meeting=meeting, pk=request_id)
        .first()
    )
    if found is None:
        raise Http404
    return found


@require_POST
@branch_view("door")
def door_ask(request, branch, meeting_id):
    meeting = _meeting(branch, meeting_id)
    person = door_person(branch, request.POST.get("person"))
    if person is None:
        raise Http404
    decision = door_cards(branch, meeting, [person])[0]["decision"].as_dict()
    try:
        asked = services.ask_override(
            meeting=meeting, person=person, actor=request.user, reason=request.POST.get("reason", ""), decision=decision
        )
    except RollcallError as exc:
        if request.htmx:
            return _render(
                request,
                branch,
                "groups/door/_ask_card.html",
                {"meeting": meeting, "person": person, "error": exc.message},
            )
        messages.error(request, f"Not asked: {exc.message}")
        return _back_to_door(request, branch, meeting)
    if request.htmx:
        return _render(
            request, branch, "groups/door/_ask_card.html", {"meeting": meeting, "asked": asked, "person": person}
        )
    messages.info(request, f"Asked an organiser to let {person} in. The answer shows on the door's requests page.")
    return redirect("door_ask_status", slug=branch.slug, meeting_id=meeting.pk, request_id=asked.pk)


@branch_view("door")
def door_ask_status(request, branch, meeting_id, request_id):
    """The steward's card for one request: polled until answered."""
    meeting = _meeting(branch, meeting_id)
    asked = _request(meeting, request_id)
    template = "groups/door/_ask_card.html" if request.htmx else "groups/door/ask_status.html"
    return _render(request, branch, template, {"meeting": meeting, "asked": asked, "person": asked.person})


@branch_view("override")
def door_requests(request, branch, meeting_id):
    """Organisers: requests waiting, each with the person's Decision; the last answered below."""
    meeting = _meeting(branch, meeting_id)
    context = {"meeting": meeting, **requests_at(meeting)}
    template = "groups/door/_requests_body.html" if request.htmx else "groups/door/requests.html"
    return _render(request, branch, template, context)


# Where the answer's form came from, for the page to go back to without
# JavaScript; a fixed set of names, never an address taken from the request.
_BACK = {"door": "door", "meeting": "meeting_detail"}


def _answer(request, branch, meeting_id, request_id, service, said):
    meeting = _meeting(branch, meeting_id)
    asked = _request(meeting, request_id)
    try:
        service(request=asked, actor=request.user)
    except RollcallError as exc:
        outcome, ok = f"{asked.person}: {exc.message}", False
    else:
        outcome, ok = f"{asked.person}: {said}.", True
    if request.htmx:
        # One tap at the door or on the meeting's page: the list answers in
        # place, the organiser stays where they were.
        context = {"meeting": meeting, **requests_at(meeting), "outcome": outcome, "outcome_ok": ok}
        return _render(request, branch, "groups/door/_requests_body.html", context)
    (messages.success if ok else messages.error)(request, outcome)
    back = _BACK.get(request.POST.get("back", ""), "door_requests")
    return redirect(back, slug=branch.slug, meeting_id=meeting.pk)


@require_POST
@branch_view("override")
def door_request_approve(request, branch, meeting_id, request_id):
    return _answer(request, branch, meeting_id, request_id, services.approve_override, "approved and checked in")


@require_POST
@branch_view("override")
def door_request_decline(request, branch, meeting_id, request_id):
    return _answer(request, branch, meeting_id, request_id, services.decline_override, "declined")
