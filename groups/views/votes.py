"""Pages for votes: the chair's panel (organisers), the member's "Vote now"
page on their phone (a plain POST form: works without JavaScript), and the
standing orders. Thin: parse, ask permissions, call groups.services.votes."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.text import Truncator
from django.views.decorators.http import require_POST

from ..counting.thresholds import THRESHOLDS
from ..errors import NotAllowed, RollcallError
from ..models import Meeting, Preset
from ..models.standing_orders import PRESETS
from ..permissions import access_meeting, can
from ..queries import votes as vote_queries
from ..queries.attendance import quorum
from ..queries.me import linked_person
from ..queries.motions import panel as business_panel
from ..queries.standing_orders import standing_orders_for
from ..queries.votes import closed_votes, named_roll, open_votes_for, progress, vote_in_meeting
from ..services import standing_orders as standing_order_services
from ..services import votes as services
from ..vote_forms import BallotForm, CloseVoteForm, OpenVoteForm, StandingOrdersForm, TallyForm, VoteForm
from .base import add_service_error, branch_view
from .speakers import chair_context as speakers_chair_context
from .speakers import projector_context as speakers_projector_context


def _meeting(request, branch, meeting_id) -> Meeting:
    queryset = Meeting.objects.select_related("branch", "attendance_rule", "voting_rule")
    return access_meeting(request.user, branch, meeting_id, queryset)


def _vote(meeting, vote_id):
    vote = vote_in_meeting(meeting, vote_id)
    if vote is None:
        raise Http404
    return vote


# --- the chair -------------------------------------------------------------


@branch_view("chair")
def meeting_votes(request, branch, meeting_id):
    return _chair_page(request, branch, _meeting(request, branch, meeting_id))


def _chair_page(request, branch, meeting, form=None):
    votes = list(vote_queries.meeting_votes_with_rolls(meeting))
    so = standing_orders_for(branch)
    for vote in votes:
        vote.progress = progress(vote)
        vote.roll = named_roll(vote) if vote.method == "named" else []
        vote.threshold_text = THRESHOLDS[vote.threshold]
    return render(
        request,
        "groups/votes/chair.html",
        {
            "branch": branch,
            "meeting": meeting,
            "votes": votes,
            "form": form or VoteForm(),
            "open_form": OpenVoteForm(),
            "tally_form": TallyForm(),
            "close_form": CloseVoteForm(),
            "live_quorum": quorum(meeting),
            "standing_orders": so,
            **speakers_chair_context(meeting),
            "business": business_panel(meeting),
        },
        status=400 if form is not None else 200,
    )


@require_POST
@branch_view("chair")
def vote_create(request, branch, meeting_id):
    meeting = _meeting(request, branch, meeting_id)
    form = VoteForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.create_vote(
                meeting=meeting,
                actor=request.user,
                question=data["question"],
                method=data["method"],
                kind=data["kind"],
                threshold=data["threshold"] or None,
            )
        except RollcallError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Vote set up. Open it when the meeting is ready to vote.")
            return redirect("meeting_votes", branch.slug, meeting.pk)
    return _chair_page(request, branch, meeting, form=form)


def _chair_action(request, branch, meeting_id, vote_id, form_class, act, done: str):
    meeting = _meeting(request, branch, meeting_id)
    vote = _vote(meeting, vote_id)
    form = form_class(request.POST)
    if not form.is_valid():
        first = next(iter(form.errors.values()))[0]
        messages.error(request, f"Not done: {first}")
    else:
        try:
            act(vote, form.cleaned_data)
        except RollcallError as exc:
            messages.error(request, f"Not done: {exc.message}")
        else:
            messages.success(request, done)
    return redirect("meeting_votes", branch.slug, meeting.pk)


@require_POST
@branch_view("chair")
def vote_open(request, branch, meeting_id, vote_id):
    def act(vote, data):
        services.open_vote(vote=vote, actor=request.user, override_reason=data["override_reason"] or None)

    return _chair_action(request, branch, meeting_id, vote_id, OpenVoteForm, act, "The vote is open.")


@require_POST
@branch_view("chair")
def vote_tally(request, branch, meeting_id, vote_id):
    def act(vote, data):
        services.enter_tally(vote=vote, actor=request.user, **data)

    return _chair_action(request, branch, meeting_id, vote_id, TallyForm, act, "Show of hands recorded.")


@require_POST
@branch_view("chair")
def vote_close(request, branch, meeting_id, vote_id):
    def act(vote, data):
        closed = services.close_vote(vote=vote, actor=request.user, casting_vote=data["casting_vote"] or None)
        messages.info(request, f"{closed.question}: {closed.get_result_display()}. {closed.explanation}")

    return _chair_action(request, branch, meeting_id, vote_id, CloseVoteForm, act, "The vote is closed.")


@branch_view("chair")
def vote_projector(request, branch, meeting_id):
    """What the hall reads from the back: the latest vote (open, or else the
    last closed), its progress and result in very large type, no controls.
    htmx polls the inside every few seconds (the fragment when asked by htmx)."""
    meeting = _meeting(request, branch, meeting_id)
    votes = list(vote_queries.meeting_votes(meeting).exclude(status="draft"))
    live = [v for v in votes if v.status == "open"]
    vote = (live or votes or [None])[-1]
    context = {
        "branch": branch,
        "meeting": meeting,
        "vote": vote,
        "progress": progress(vote) if vote is not None else None,
        "threshold_text": THRESHOLDS[vote.threshold] if vote is not None else "",
        "projector_speakers": speakers_projector_context(meeting),
        "business": business_panel(meeting),
    }
    if request.headers.get("HX-Request"):
        return render(request, "groups/votes/_projector_body.html", context)
    return render(request, "groups/votes/projector.html", context)


# --- the member's phone ----------------------------------------------------


@branch_view("vote")
def vote_now(request, branch, meeting_id):
    meeting = _meeting(request, branch, meeting_id)
    person = linked_person(request.user, branch)
    votes = open_votes_for(meeting, person)
    context = {
        "branch": branch,
        "meeting": meeting,
        "votes": votes,
        "results": closed_votes(meeting),
        "person": person,
        "form": BallotForm(),
        # The page follows the chair by itself (htmx), except while a ballot is waiting to be filled in.
        "live": not any(v.method != "show_of_hands" and not v.has_voted for v in votes),
    }
    return render(request, "groups/votes/vote_now.html", context)


@require_POST
@branch_view("vote")
def vote_cast(request, branch, meeting_id, vote_id):
    meeting = _meeting(request, branch, meeting_id)
    vote = _vote(meeting, vote_id)
    form = BallotForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose for, against or abstain, then press Vote.")
        return redirect("vote_now", branch.slug, meeting.pk)
    person = linked_person(request.user, branch)
    try:
        services.cast_ballot(vote=vote, person=person, choice=form.cleaned_data["choice"], actor=request.user)
    except NotAllowed as exc:
        reasons = (exc.details.get("decision") or {}).get("reasons") or [exc.message]
        context = {"branch": branch, "meeting": meeting, "vote": vote, "reasons": reasons}
        return render(request, "groups/votes/refused.html", context, status=403)
    except RollcallError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Your vote on “{Truncator(vote.question).chars(80)}” has been recorded.")
    return redirect("vote_now", branch.slug, meeting.pk)


# --- standing orders -------------------------------------------------------


@branch_view("manage_standing_orders")
def standing_orders(request, branch):
    current = standing_orders_for(branch)
    was = current.preset  # the form's validation writes its values onto `current`
    form = StandingOrdersForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "preset"}
        preset = form.cleaned_data["preset"]
        if preset != was:
            values = {}  # another preset replaces the settings (the form's hint says so)
        try:
            standing_order_services.set_standing_orders(branch=branch, actor=request.user, preset=preset, **values)
        except RollcallError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Standing orders saved.")
            return redirect("standing_orders", branch.slug)
    return render(
        request,
        "groups/votes/standing_orders.html",
        {
            "branch": branch,
            "form": form,
            "presets": [
                (
                    Preset(k).label,
                    v["casting_vote"],
                    THRESHOLDS[v["threshold_standing_orders"]].lower(),
                    v["challenge_support"],
                )
                for k, v in PRESETS.items()
            ],
            "may_chair": can(request.user, branch, "chair"),
        },
        status=400 if request.method == "POST" else 200,
    )
