"""Points of order and the chair's rulings, with the meeting's log of
business. Thin: parse, ask permissions, call groups.services.points_of_order."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ..errors import RollcallError
from ..models import Person
from ..motion_forms import ChallengeForm, PointForm, RulingForm
from ..queries import motions as queries
from ..queries.standing_orders import standing_orders_for
from ..services import points_of_order as services
from .agenda import meeting_for
from .base import add_service_error, branch_view


def _page(request, branch, meeting, *, form=None, status=200):
    people = queries.present_people(meeting)
    return render(
        request,
        "groups/motions/points_of_order.html",
        {
            "branch": branch,
            "meeting": meeting,
            "points": list(queries.points_of_order(meeting)),
            "form": form or PointForm(people=people),
            "ruling_form": RulingForm(),
            "challenge_form": ChallengeForm(people=people),
            "standing_orders": standing_orders_for(branch),
            "log": queries.meeting_log(meeting),
            "closed": meeting.is_closed,
        },
        status=status,
    )


@branch_view("chair")
def meeting_points(request, branch, meeting_id):
    return _page(request, branch, meeting_for(request, branch, meeting_id))


@require_POST
@branch_view("chair")
def point_raise(request, branch, meeting_id):
    meeting = meeting_for(request, branch, meeting_id)
    form = PointForm(request.POST, people=queries.present_people(meeting))
    if form.is_valid():
        data = form.cleaned_data
        person = Person.objects.filter(branch=branch, pk=data["raised_by"]).first()
        try:
            services.raise_point(
                meeting=meeting,
                actor=request.user,
                raised_by=person,
                point=data["point"],
                standing_order=data["standing_order"],
                motion=queries.before_the_meeting(meeting),
            )
        except RollcallError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Point of order recorded: now give the ruling.")
            return redirect("meeting_points", branch.slug, meeting.pk)
    return _page(request, branch, meeting, form=form, status=400)


def _point(meeting, point_id):
    point = queries.point_in_meeting(meeting, point_id)
    if point is None:
        raise Http404
    return point


def _done(request, branch, meeting, act, done):
    try:
        act()
    except RollcallError as exc:
        messages.error(request, f"Not done: {exc.message}")
    else:
        messages.success(request, done)
    return redirect("meeting_points", branch.slug, meeting.pk)


@require_POST
@branch_view("chair")
def point_rule(request, branch, meeting_id, point_id):
    meeting = meeting_for(request, branch, meeting_id)
    point = _point(meeting, point_id)
    form = RulingForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Not done: give the ruling and the reason for it.")
        return redirect("meeting_points", branch.slug, meeting.pk)
    return _done(
        request,
        branch,
        meeting,
        lambda: services.rule_on_point(point=point, actor=request.user, **form.cleaned_data),
        "Ruling recorded.",
    )


@require_POST
@branch_view("chair")
def point_challenge(request, branch, meeting_id, point_id):
    meeting = meeting_for(request, branch, meeting_id)
    point = _point(meeting, point_id)
    form = ChallengeForm(request.POST, people=queries.present_people(meeting))
    if not form.is_valid():
        messages.error(request, "Not done: tick the members who support the challenge.")
        return redirect("meeting_points", branch.slug, meeting.pk)
    people = list(Person.objects.filter(branch=branch, pk__in=form.cleaned_data["supporters"]).order_by("pk"))
    order = {pk: n for n, pk in enumerate(form.cleaned_data["supporters"])}
    people.sort(key=lambda p: order[p.pk])
    return _done(
        request,
        branch,
        meeting,
        lambda: services.challenge_ruling(point=point, actor=request.user, supporters=people),
        "Challenge made: put it to the vote from the order paper.",
    )
