"""Pages for the speakers' list: the chair's queue (call next, done, move,
the timer), its settings, and the member's "Ask to speak" on their phone —
plain POST forms that work without JavaScript. Thin: parse, ask
permissions, call groups.services.speakers."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ..errors import RollcallError
from ..models import Meeting, SpeakingKind
from ..permissions import access_meeting
from ..queries import speakers as queries
from ..queries.attendance import quorum
from ..queries.me import linked_person
from ..services import speakers as services
from ..speaker_forms import ASKABLE, AskForm, MoveForm, SpeakersSettingsForm
from .base import add_service_error, branch_view


def _meeting(request, branch, meeting_id) -> Meeting:
    return access_meeting(request.user, branch, meeting_id, Meeting.objects.select_related("branch"))


def _request(meeting, request_id):
    found = queries.request_in_meeting(meeting, request_id)
    if found is None:
        raise Http404
    return found


def chair_context(meeting: Meeting, *, now=None) -> dict:
    """What the chair's speakers panel needs (groups/votes/_speakers_panel.html):
    also used by the votes page that includes it."""
    now = now or timezone.now()
    listing = queries.speakers_list(meeting)
    speaking = listing.speaking
    return {
        "speakers": listing,
        "speaking_elapsed": queries.clock(queries.elapsed_seconds(speaking, now)) if speaking else "",
        "speech_allowed": queries.clock(listing.settings.speech_seconds),
        "move_form": MoveForm(),
    }


def projector_context(meeting: Meeting, *, now=None, few: int = 3) -> dict:
    """For the hall: who is speaking, for how long, and the next few — names only."""
    now = now or timezone.now()
    listing = queries.speakers_list(meeting)
    speaking = listing.speaking
    return {
        "speaking": queries.speaker_name(speaking.person) if speaking else "",
        "elapsed": queries.clock(queries.elapsed_seconds(speaking, now)) if speaking else "",
        "next": [queries.speaker_name(p.request.person) for p in listing.next_few(few)],
    }


# --- the chair -------------------------------------------------------------


@branch_view("chair")
def meeting_speakers(request, branch, meeting_id):
    meeting = _meeting(request, branch, meeting_id)
    context = {"branch": branch, "meeting": meeting, "live_quorum": quorum(meeting), **chair_context(meeting)}
    return render(request, "groups/speakers/chair.html", context)


def _back(request, branch, meeting):
    # Back to the page the chair pressed the button on (the votes page includes the panel too).
    if request.POST.get("back") == "votes":
        return redirect("meeting_votes", branch.slug, meeting.pk)
    return redirect("meeting_speakers", branch.slug, meeting.pk)


@require_POST
@branch_view("chair")
def speakers_call(request, branch, meeting_id):
    meeting = _meeting(request, branch, meeting_id)
    try:
        called = services.call_next(meeting=meeting, actor=request.user)
    except RollcallError as exc:
        messages.error(request, f"Not done: {exc.message}")
    else:
        messages.success(request, f"Called: {queries.speaker_name(called.person)}.")
    return _back(request, branch, meeting)


@require_POST
@branch_view("chair")
def speakers_done(request, branch, meeting_id, request_id):
    meeting = _meeting(request, branch, meeting_id)
    speaker = _request(meeting, request_id)
    try:
        done = services.finish_speaking(request=speaker, actor=request.user)
    except RollcallError as exc:
        messages.error(request, f"Not done: {exc.message}")
    else:
        messages.success(
            request, f"{queries.speaker_name(done.person)} spoke for {queries.clock(done.seconds_spoken or 0)}."
        )
    return _back(request, branch, meeting)


@require_POST
@branch_view("chair")
def speakers_move(request, branch, meeting_id, request_id):
    meeting = _meeting(request, branch, meeting_id)
    speaker = _request(meeting, request_id)
    form = MoveForm(request.POST)
    if not form.is_valid():
        first = next(iter(form.errors.values()))[0]
        messages.error(request, f"Not moved: {first}")
        return _back(request, branch, meeting)
    try:
        services.move_request(
            request=speaker,
            position=form.cleaned_data["position"],
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
    except RollcallError as exc:
        messages.error(request, f"Not moved: {exc.message}")
    else:
        messages.success(request, f"Moved to position {form.cleaned_data['position']}. The reason is in the log.")
    return _back(request, branch, meeting)


@require_POST
@branch_view("chair")
def speakers_remove(request, branch, meeting_id, request_id):
    meeting = _meeting(request, branch, meeting_id)
    speaker = _request(meeting, request_id)
    try:
        services.withdraw_request(request=speaker, actor=request.user, person=None, as_chair=True)
    except RollcallError as exc:
        messages.error(request, f"Not done: {exc.message}")
    else:
        messages.success(request, "Taken off the list.")
    return _back(request, branch, meeting)


@branch_view("chair")
def speakers_settings(request, branch, meeting_id):
    meeting = _meeting(request, branch, meeting_id)
    current = queries.settings_for(meeting)
    initial = {
        "balance": current.balance,
        "attribute": current.attribute_id,
        "balance_values": current.balance_values,
        "group_name": current.group_name,
        "target_percent": current.target_percent,
        "alternate": current.alternate,
        "speech_minutes": current.speech_seconds / 60,
    }
    form = SpeakersSettingsForm(request.POST or None, initial=initial, branch=branch)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        values = {
            "balance": data["balance"],
            "attribute": data["attribute"],
            "balance_values": data["balance_values"],
            "group_name": data["group_name"],
            "target_percent": data["target_percent"],
            "alternate": data["alternate"],
            "speech_seconds": int(data["speech_minutes"] * 60),
        }
        try:
            services.set_speakers_settings(branch=branch, meeting=meeting, actor=request.user, **values)
            if data["for_branch"]:
                services.set_speakers_settings(branch=branch, meeting=None, actor=request.user, **values)
        except RollcallError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "Speakers' list settings saved.")
            return redirect("meeting_speakers", branch.slug, meeting.pk)
    return render(
        request,
        "groups/speakers/settings.html",
        {"branch": branch, "meeting": meeting, "form": form},
        status=400 if request.method == "POST" else 200,
    )


# --- the member's phone ----------------------------------------------------


@branch_view("speak")
def speak(request, branch, meeting_id):
    meeting = _meeting(request, branch, meeting_id)
    person = linked_person(request.user, branch)
    mine = queries.own_requests(meeting, person)
    listing = queries.speakers_list(meeting) if mine else None
    for r in mine:
        r.position = listing.position_of(r.pk) if listing else None
    kinds = list(ASKABLE)
    if person is not None and queries.has_right_of_reply(meeting, person, queries.current_agenda_item(meeting)):
        kinds.append((SpeakingKind.REPLY, SpeakingKind.REPLY.label))
    waiting = {r.kind for r in mine if r.status == "waiting"}
    if waiting - {SpeakingKind.POINT_OF_ORDER}:
        # One request waiting each, plus a point of order: only that is left to ask for.
        kinds = [(k, label) for k, label in kinds if k == SpeakingKind.POINT_OF_ORDER]
    if SpeakingKind.POINT_OF_ORDER in waiting:
        kinds = [(k, label) for k, label in kinds if k != SpeakingKind.POINT_OF_ORDER]
    return render(
        request,
        "groups/speakers/speak.html",
        {
            "branch": branch,
            "meeting": meeting,
            "person": person,
            "mine": mine,
            "kinds": kinds,
            "present": person is not None and queries.is_present(meeting, person),
        },
    )


@require_POST
@branch_view("speak")
def speak_ask(request, branch, meeting_id):
    meeting = _meeting(request, branch, meeting_id)
    form = AskForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose what you want to speak for, then press Ask to speak.")
        return redirect("speak", branch.slug, meeting.pk)
    person = linked_person(request.user, branch)
    try:
        services.ask_to_speak(meeting=meeting, person=person, kind=form.cleaned_data["kind"], actor=request.user)
    except RollcallError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "You are on the speakers' list. The chair will call you.")
    return redirect("speak", branch.slug, meeting.pk)


@require_POST
@branch_view("speak")
def speak_withdraw(request, branch, meeting_id, request_id):
    meeting = _meeting(request, branch, meeting_id)
    speaker = _request(meeting, request_id)
    person = linked_person(request.user, branch)
    try:
        services.withdraw_request(request=speaker, actor=request.user, person=person)
    except RollcallError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Your request to speak is withdrawn.")
    return redirect("speak", branch.slug, meeting.pk)
