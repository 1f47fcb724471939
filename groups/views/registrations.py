"""Registrations of interest: the public page of an open meeting, where
someone not yet known asks to hear about meetings, and the organisers' list
of those waiting for review (approve or reject)."""

from __future__ import annotations

from contextlib import suppress

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ..client_ip import client_ip
from ..errors import RollcallError
from ..forms import InterestForm
from ..models import Meeting, Person
from ..permissions import get_in_branch
from ..services import registrations as services
from .base import branch_view, paginate
from .meetings import local_time

INTEREST_LIMIT = 5  # registrations of interest per IP address per hour
INTEREST_WINDOW = 60 * 60


@branch_view("manage_meetings")
@local_time
def meeting_pending(request, branch):
    people = Person.objects.filter(branch=branch, pending_review=True).order_by("-created_at", "-id")
    page, query = paginate(request, people)
    return render(request, "groups/meetings/pending.html", {"branch": branch, "page": page, "query": query})


@require_POST
@branch_view("manage_meetings")
def meeting_pending_approve(request, branch, person_id):
    person = get_in_branch(Person.objects.select_related("branch"), branch, pk=person_id, pending_review=True)
    services.approve_supporter(person=person, actor=request.user)
    messages.success(request, f"{person.full_name or person.email} is now a supporter of the branch.")
    return redirect("meeting_pending", slug=branch.slug)


@require_POST
@branch_view("manage_meetings")
def meeting_pending_reject(request, branch, person_id):
    person = get_in_branch(Person.objects.select_related("branch"), branch, pk=person_id, pending_review=True)
    name = person.full_name or person.email
    try:
        services.reject_supporter(person=person, actor=request.user)
    except RollcallError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"The registration from {name} is deleted.")
    return redirect("meeting_pending", slug=branch.slug)


def _public_meeting(slug: str, meeting_id: int) -> Meeting:
    """Only published open meetings have a public page; anything else is 404."""
    meetings = Meeting.objects.open_and_published().select_related("branch")
    return get_object_or_404(meetings, branch__slug=slug, pk=meeting_id)


def _over_limit(request) -> bool:
    key = f"interest-ip:{client_ip(request)}"
    cache.add(key, 0, INTEREST_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, INTEREST_WINDOW)
        count = 1
    return count > INTEREST_LIMIT


@login_not_required
def public_meeting(request, slug, meeting_id):
    meeting = _public_meeting(slug, meeting_id)
    branch = meeting.branch
    form = InterestForm(request.POST or None)
    thanks = False
    status = 200
    if request.method == "POST":
        if _over_limit(request):
            status = 429
            form = InterestForm()
            messages.error(
                request, "Too many registrations have come from your connection. Please try again in an hour."
            )
        elif form.is_valid():
            if not form.cleaned_data["website"]:  # the honeypot is empty: a person
                # The same answer whatever happened: nothing to learn from it.
                with suppress(RollcallError):
                    services.register_interest(
                        meeting=meeting,
                        name=form.cleaned_data["name"],
                        email=form.cleaned_data["email"],
                        consent_email=form.cleaned_data["consent_email"],
                        base_url=request.build_absolute_uri("/"),
                    )
            thanks = True
    with timezone.override(branch.zone):
        return render(
            request,
            "groups/meetings/public.html",
            {"meeting": meeting, "public_branch": branch, "form": form, "thanks": thanks},
            status=status,
        )
