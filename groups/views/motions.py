"""The chair's order paper: motions, amendments (shown as word diffs),
procedural motions, and every step in a motion's life as a plain POST form.
Thin: parse, ask permissions, call groups.services.motions (putting a motion
to the vote is groups.services.votes.create_vote, then the chair's vote panel)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ..errors import RollcallError
from ..models import MotionState, Person
from ..motion_forms import (
    AmendmentForm,
    MotionForm,
    PersonChoiceForm,
    ProceduralForm,
    PutForm,
    ReasonForm,
    WithdrawForm,
)
from ..queries import motions as queries
from ..queries.standing_orders import standing_orders_for
from ..services import motions as services
from ..services import votes as vote_services
from .agenda import meeting_for
from .base import add_service_error, branch_view


def _page(request, branch, meeting, *, form=None, procedural_form=None, status=200):
    paper = queries.order_paper(meeting)
    items = queries.agenda_items(meeting)
    people = queries.present_people(meeting)
    debated = [m for m in paper if m.state in (MotionState.MOVED, MotionState.SECONDED) and not m.procedure]
    return render(
        request,
        "groups/motions/order_paper.html",
        {
            "branch": branch,
            "meeting": meeting,
            "paper": paper,
            "question": queries.before_the_meeting(meeting, paper),
            "form": form or MotionForm(items=items),
            "procedural_form": procedural_form or ProceduralForm(debated=debated),
            "amend_form": AmendmentForm(),
            "mover_form": PersonChoiceForm(people=people, label="Moved by"),
            "seconder_form": PersonChoiceForm(people=people, label="Seconded by"),
            "reason_form": ReasonForm(),
            "put_form": PutForm(),
            "states": MotionState,
            "standing_orders": standing_orders_for(branch),
            "closed": meeting.is_closed,
        },
        status=status,
    )


@branch_view("chair")
def meeting_motions(request, branch, meeting_id):
    return _page(request, branch, meeting_for(request, branch, meeting_id))


@require_POST
@branch_view("chair")
def motion_submit(request, branch, meeting_id):
    meeting = meeting_for(request, branch, meeting_id)
    form = MotionForm(request.POST, items=queries.agenda_items(meeting))
    if form.is_valid():
        data = form.cleaned_data
        item = queries.item_in_meeting(meeting, data["agenda_item"]) if data["agenda_item"] else None
        try:
            services.submit_motion(
                meeting=meeting, actor=request.user, text=data["text"], kind=data["kind"], agenda_item=item
            )
        except RollcallError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Motion added to the order paper.")
            return redirect("meeting_motions", branch.slug, meeting.pk)
    return _page(request, branch, meeting, form=form, status=400)


@require_POST
@branch_view("chair")
def motion_procedural(request, branch, meeting_id):
    meeting = meeting_for(request, branch, meeting_id)
    paper = queries.order_paper(meeting)
    form = ProceduralForm(request.POST, debated=[m for m in paper if not m.procedure])
    if form.is_valid():
        data = form.cleaned_data
        about = queries.motion_in_meeting(meeting, data["concerns"]) if data["concerns"] else None
        try:
            services.submit_procedural(meeting=meeting, actor=request.user, procedure=data["procedure"], concerns=about)
        except RollcallError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Procedural motion added: now take a mover and a seconder.")
            return redirect("meeting_motions", branch.slug, meeting.pk)
    return _page(request, branch, meeting, procedural_form=form, status=400)


def _person(meeting, pk) -> Person:
    person = Person.objects.filter(branch=meeting.branch, pk=pk).first()
    if person is None:
        raise Http404
    return person


# Each action: the form it reads, and what it does with the motion and the form's data.
ACTIONS = {
    "move": (PersonChoiceForm, "Moved.", lambda m, d, r: services.move_motion(
        motion=m, actor=r.user, mover=_person(m.meeting, d["person"]))),
    "second": (PersonChoiceForm, "Seconded.", lambda m, d, r: services.second_motion(
        motion=m, actor=r.user, seconder=_person(m.meeting, d["person"]))),
    "fall": (None, "The motion fell for want of a seconder.", lambda m, d, r: services.fall_motion(
        motion=m, actor=r.user)),
    "withdraw": (WithdrawForm, "Withdrawn.", lambda m, d, r: services.withdraw_motion(
        motion=m, actor=r.user, with_consent=d["with_consent"])),
    "rule-out": (ReasonForm, "Ruled out of order.", lambda m, d, r: services.rule_out_of_order(
        motion=m, actor=r.user, reason=d["reason"])),
    "remit": (None, "Remitted.", lambda m, d, r: services.remit_motion(motion=m, actor=r.user)),
    "refer-back": (None, "Referred back.", lambda m, d, r: services.refer_back_motion(motion=m, actor=r.user)),
    "not-reached": (None, "Marked not reached.", lambda m, d, r: services.not_reached_motion(
        motion=m, actor=r.user)),
    "amend": (AmendmentForm, "Amendment added: it is taken when the chair reaches it.", lambda m, d, r:
              services.submit_amendment(motion=m, actor=r.user, **d)),
}  # fmt: skip


@require_POST
@branch_view("chair")
def motion_action(request, branch, meeting_id, motion_id, action):
    meeting = meeting_for(request, branch, meeting_id)
    motion = queries.motion_in_meeting(meeting, motion_id)
    if motion is None or action not in (*ACTIONS, "put"):
        raise Http404
    if action == "put":
        return _put(request, branch, meeting, motion)
    form_class, done, act = ACTIONS[action]
    if form_class is None:
        data = {}
    else:
        kwargs = {"people": queries.present_people(meeting)} if form_class is PersonChoiceForm else {}
        form = form_class(request.POST, **kwargs)
        if not form.is_valid():
            first = next(iter(form.errors.values()))[0]
            messages.error(request, f"Not done: {first}")
            return redirect("meeting_motions", branch.slug, meeting.pk)
        data = form.cleaned_data
    try:
        act(motion, data, request)
    except RollcallError as exc:
        messages.error(request, f"Not done: {exc.message}")
    else:
        messages.success(request, done)
    return redirect("meeting_motions", branch.slug, meeting.pk)


def _put(request, branch, meeting, motion):
    """Put the motion to the vote: a draft vote on the chair's panel, to open there."""
    form = PutForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Not done: choose how the vote is taken.")
        return redirect("meeting_motions", branch.slug, meeting.pk)
    try:
        vote_services.create_vote(
            meeting=meeting, actor=request.user, method=form.cleaned_data["method"], motion=motion
        )
    except RollcallError as exc:
        messages.error(request, f"Not done: {exc.message}")
        return redirect("meeting_motions", branch.slug, meeting.pk)
    messages.success(request, "Put to the vote: open it when the meeting is ready.")
    return redirect("meeting_votes", branch.slug, meeting.pk)
