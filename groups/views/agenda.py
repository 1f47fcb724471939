"""The agenda pages: everyone with a role reads a called meeting's agenda and
order paper (members on their phone, before the meeting); organisers add,
edit, move and remove items; the chair moves to an item. Thin: parse, ask
permissions, call groups.services.agenda."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ..errors import RollcallError
from ..models import Meeting
from ..motion_forms import AgendaItemForm
from ..permissions import access_meeting, can
from ..queries import motions as queries
from ..services import agenda as services
from .base import add_service_error, branch_view


def meeting_for(request, branch, meeting_id) -> Meeting:
    queryset = Meeting.objects.select_related("branch", "attendance_rule", "voting_rule")
    return access_meeting(request.user, branch, meeting_id, queryset)


def _item(meeting, item_id):
    item = queries.item_in_meeting(meeting, item_id)
    if item is None:
        raise Http404
    return item


def _agenda_page(request, branch, meeting, form=None, status=200):
    items = queries.agenda_items(meeting)
    paper = [m for m in queries.order_paper(meeting) if not m.procedure]
    for item in items:
        item.motions_here = [m for m in paper if m.agenda_item_id == item.pk]
    return render(
        request,
        "groups/agenda/agenda.html",
        {
            "branch": branch,
            "meeting": meeting,
            "items": items,
            "unfiled": [m for m in paper if m.agenda_item_id is None],
            "form": form or AgendaItemForm(),
            "may_manage": can(request.user, branch, "manage_meetings") and not meeting.is_closed,
            "may_chair": can(request.user, branch, "chair") and not meeting.is_closed,
        },
        status=status,
    )


@branch_view("view_branch")
def meeting_agenda(request, branch, meeting_id):
    return _agenda_page(request, branch, meeting_for(request, branch, meeting_id))


@require_POST
@branch_view("manage_meetings")
def agenda_item_add(request, branch, meeting_id):
    meeting = meeting_for(request, branch, meeting_id)
    form = AgendaItemForm(request.POST)
    if form.is_valid():
        try:
            services.add_agenda_item(meeting=meeting, actor=request.user, **form.cleaned_data)
        except RollcallError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"“{form.cleaned_data['title']}” added to the agenda.")
            return redirect("meeting_agenda", branch.slug, meeting.pk)
    return _agenda_page(request, branch, meeting, form=form, status=400)


@branch_view("manage_meetings")
def agenda_item_edit(request, branch, meeting_id, item_id):
    meeting = meeting_for(request, branch, meeting_id)
    item = _item(meeting, item_id)
    initial = {"title": item.title, "kind": item.kind, "minutes_allowed": item.minutes_allowed}
    form = AgendaItemForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_agenda_item(item=item, actor=request.user, **form.cleaned_data)
        except RollcallError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Agenda item saved.")
            return redirect("meeting_agenda", branch.slug, meeting.pk)
    context = {"branch": branch, "meeting": meeting, "item": item, "form": form}
    return render(request, "groups/agenda/item_form.html", context, status=400 if request.method == "POST" else 200)


def _act(request, branch, meeting, act, done: str, to: str = "meeting_agenda"):
    try:
        act()
    except RollcallError as exc:
        messages.error(request, f"Not done: {exc.message}")
    else:
        messages.success(request, done)
    return redirect(to, branch.slug, meeting.pk)


@require_POST
@branch_view("manage_meetings")
def agenda_item_move(request, branch, meeting_id, item_id):
    meeting = meeting_for(request, branch, meeting_id)
    item = _item(meeting, item_id)
    direction = request.POST.get("direction", "")
    return _act(
        request,
        branch,
        meeting,
        lambda: services.move_agenda_item(item=item, actor=request.user, direction=direction),
        f"“{item.title}” moved {direction}.",
    )


@require_POST
@branch_view("manage_meetings")
def agenda_item_remove(request, branch, meeting_id, item_id):
    meeting = meeting_for(request, branch, meeting_id)
    item = _item(meeting, item_id)
    return _act(
        request,
        branch,
        meeting,
        lambda: services.remove_agenda_item(item=item, actor=request.user),
        f"“{item.title}” taken off the agenda.",
    )


@require_POST
@branch_view("chair")
def agenda_current(request, branch, meeting_id):
    """The chair moves to an item (`item`, empty for none); back to the panel
    or the agenda, as `back` says."""
    meeting = meeting_for(request, branch, meeting_id)
    raw = request.POST.get("item", "")
    item = _item(meeting, raw) if raw else None
    to = "meeting_votes" if request.POST.get("back") == "panel" else "meeting_agenda"
    done = f"Now on item {item.order}: {item.title}." if item else "No agenda item is current now."
    return _act(
        request,
        branch,
        meeting,
        lambda: services.set_current_item(meeting=meeting, actor=request.user, item=item),
        done,
        to,
    )
