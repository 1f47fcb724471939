"""The door: search, one-tap check-in, overrides, guests, live quorum, QR codes,
and what the meeting leaves behind (attendance list, CSV, sign-in sheet, bulk)."""

from __future__ import annotations

import csv

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from ..errors import RollcallError
from ..exports.qr import door_token, qr_svg, read_door_token
from ..models import Attendance, Meeting, Membership, Person
from ..models.attendance import CheckInMethod
from ..normalise import spreadsheet_safe
from ..permissions import can, get_in_branch
from ..queries.attendance import apologies, attendance_rows, door_refusals, expected_people, quorum
from ..queries.door import door_cards, door_meeting, door_person, door_results, recent_check_ins
from ..queries.door_list import scans_to_review
from ..reauth import reauthentication_required
from ..services import attendance as attendance_services
from ..services import exports
from ..services.door_refusals import check_in_on_the_record
from ..sql import as_id
from .base import add_service_error, branch_view

RECENT = 5
BADGES_PER_PAGE = 24
BULK_PER_PAGE = 100


def _meeting(branch, meeting_id) -> Meeting:
    """The branch's meeting with its rules (one hand-written query: every door request needs it), or 404."""
    meeting = door_meeting(branch, meeting_id)
    if meeting is None:
        raise Http404
    return meeting


def _render(request, branch, template, context, **kwargs):
    # Times at the door are the branch's local times.
    with timezone.override(branch.zone):
        return render(request, template, {"branch": branch, **context}, **kwargs)


@branch_view("door")
def door_index(request, branch):
    """Where stewards start: today's and coming meetings, then recent ones."""
    from datetime import timedelta

    from ..models import MeetingStatus

    since = timezone.now() - timedelta(hours=12)
    meetings = Meeting.objects.filter(branch=branch).exclude(status=MeetingStatus.CANCELLED)
    coming = list(meetings.filter(starts_at__gte=since).order_by("starts_at", "id")[:10])
    recent = list(meetings.filter(starts_at__lt=since).order_by("-starts_at", "-id")[:5])
    return _render(request, branch, "groups/door/index.html", {"coming": coming, "recent": recent})


def _recent(meeting):
    return recent_check_ins(meeting, RECENT)


def _door_context(request, branch, meeting, *, q="", cards=None, scanned=None):
    more, close = "", False
    if cards is None:
        people, more, close = door_results(branch, q)
        cards = door_cards(branch, meeting, people)
    return {
        "meeting": meeting,
        "quorum": quorum(meeting),
        "q": q,
        "cards": cards,
        "more": more,
        "close": close,
        "searched": bool(q) or scanned is not None,
        "scanned": scanned,
        "recent": _recent(meeting),
        "can_override": can(request.user, branch, "override"),
        "can_add_person": can(request.user, branch, "manage_people"),
        "can_manage": can(request.user, branch, "manage_meetings"),
    }


# What was typed into the door's search is a member's name, number, email or
# postcode: it travels in POST bodies and the session, never in a URL (URLs
# land in access logs, browser history and Referer headers).
SEARCH_KEPT = "door-search-{}"


def _typed(request) -> str:
    return request.POST.get("q", "").strip()[:100]


@require_http_methods(["GET", "POST"])
@branch_view("door")
def door(request, branch, meeting_id):
    """The door screen. Searching without JavaScript POSTs here; after a
    refused check-in the search comes back from the session, once."""
    meeting = _meeting(branch, meeting_id)
    if request.method == "POST":
        q = _typed(request)
    else:
        q = request.session.pop(SEARCH_KEPT.format(meeting.pk), "")  # writes the session only when one was kept
    return _render(request, branch, "groups/door/door.html", _door_context(request, branch, meeting, q=q))


@require_POST
@branch_view("door")
def door_search(request, branch, meeting_id):
    """The results region alone, for search-as-you-type (htmx POSTs the box)."""
    meeting = _meeting(branch, meeting_id)
    q = _typed(request)
    people, more, close = door_results(branch, q)
    cards = door_cards(branch, meeting, people)
    return _render(
        request,
        branch,
        "groups/door/_results.html",
        {
            "meeting": meeting,
            "q": q,
            "cards": cards,
            "more": more,
            "close": close,
            "searched": bool(q),
            "can_override": can(request.user, branch, "override"),
        },
    )


def _back_to_door(request, branch, meeting, q: str = ""):
    """To the door screen; with ``q``, showing that search again (kept in the
    session for the next page, not put in the address)."""
    if q:
        request.session[SEARCH_KEPT.format(meeting.pk)] = q
    return redirect("door", slug=branch.slug, meeting_id=meeting.pk)


@require_POST
@branch_view("door")
def door_check_in(request, branch, meeting_id):
    """One tap. Without JavaScript: a message and back to the door. From htmx
    (the door's forms enhanced): the card itself answers, "✓ In" or
    "✕ Not eligible" with the reason, and the last check-ins come along."""
    meeting = _meeting(branch, meeting_id)
    q = request.POST.get("q", "")[:100]
    person = door_person(branch, request.POST.get("person"))
    if person is None:
        raise Http404
    method = CheckInMethod.QR if request.POST.get("method") == CheckInMethod.QR else CheckInMethod.DOOR
    live = bool(getattr(request, "htmx", False))
    try:
        attendance, created = check_in_on_the_record(
            meeting=meeting,
            person=person,
            actor=request.user,
            method=method,
            override_reason=request.POST.get("override_reason", "") or None,
        )
    except RollcallError as exc:
        if live:
            return _outcome(request, branch, meeting, person, refusal=exc)
        messages.error(request, f"{person}: {exc.message}")
        return _back_to_door(request, branch, meeting, q or person.last_name or person.first_name)
    if live:
        return _outcome(request, branch, meeting, person, attendance=attendance, created=created)
    if created:
        messages.success(request, f"{person} is in" + (" (let in by override)." if attendance.override_reason else "."))
    else:
        local = timezone.localtime(attendance.checked_in_at, branch.zone)
        messages.info(request, f"{person} was already in, since {local:%H:%M}.")
    return _back_to_door(request, branch, meeting)


def _outcome(request, branch, meeting, person, *, attendance=None, created=False, refusal=None):
    """The answered card (groups/door/_outcome.html), with the last check-ins
    swapped in out of band; the quorum bar hears "door-tapped" and refreshes its
    figures alone (this answer carries the list: groups/door/_quorum.html)."""
    decision = (refusal.details.get("decision") if refusal is not None else None) or {}
    response = _render(
        request,
        branch,
        "groups/door/_outcome.html",
        {
            "meeting": meeting,
            "person": person,
            "attendance": attendance,
            "created": created,
            "refusal": refusal,
            "reasons": decision.get("reasons", []),
            "recent": _recent(meeting) if refusal is None else None,
            "can_override": can(request.user, branch, "override"),
        },
    )
    if refusal is None:
        response["HX-Trigger"] = "door-tapped"
    return response


@require_POST
@branch_view("door")
def door_guest(request, branch, meeting_id):
    meeting = _meeting(branch, meeting_id)
    name = request.POST.get("guest_name", "")
    try:
        attendance_services.check_in(
            meeting=meeting,
            guest_name=name,
            guest_email=request.POST.get("guest_email", ""),
            actor=request.user,
        )
    except RollcallError as exc:
        messages.error(request, f"Guest not added: {exc.message}")
    else:
        messages.success(request, f"{' '.join(name.split())} is in as a guest (observer; not counted for quorum).")
    return _back_to_door(request, branch, meeting)


class NewPersonForm(forms.Form):
    first_name = forms.CharField(max_length=100)
    last_name = forms.CharField(max_length=100, required=False)
    email = forms.EmailField(required=False)
    postcode = forms.CharField(max_length=10, required=False)
    override_reason = forms.CharField(
        required=False,
        max_length=500,
        label="Reason to let them in",
        help_text="Needed only if this meeting's rule does not admit someone with no membership.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


@branch_view("manage_people")
def door_new_person(request, branch, meeting_id):
    meeting = _meeting(branch, meeting_id)
    form = NewPersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person, _ = attendance_services.create_person_at_door(
                meeting=meeting, actor=request.user, **form.cleaned_data
            )
        except RollcallError as exc:
            field = {"email_taken": "email", "not_eligible": "override_reason"}.get(exc.code)
            add_service_error(form, exc, field=field)
        else:
            messages.success(request, f"{person} was added and is in.")
            return _back_to_door(request, branch, meeting)
    return _render(request, branch, "groups/door/new_person.html", {"meeting": meeting, "form": form})


def _attendance(branch, meeting, attendance_id) -> Attendance:
    return get_in_branch(
        Attendance.objects.select_related("person"),
        branch,
        field="meeting__branch",
        pk=attendance_id,
        meeting=meeting,
    )


@require_POST
@branch_view("door")
def door_undo(request, branch, meeting_id, attendance_id):
    meeting = _meeting(branch, meeting_id)
    attendance = _attendance(branch, meeting, attendance_id)
    who = attendance.person or attendance.guest_name
    try:
        attendance_services.undo_check_in(
            attendance=attendance, actor=request.user, reason=request.POST.get("reason", "")
        )
    except RollcallError as exc:
        messages.error(request, f"Not undone: {exc.message}")
    else:
        messages.success(request, f"Check-in of {who} undone.")
    return _back_to_door(request, branch, meeting)


@require_POST
@branch_view("door")
def door_left(request, branch, meeting_id, attendance_id):
    meeting = _meeting(branch, meeting_id)
    attendance = _attendance(branch, meeting, attendance_id)
    who = attendance.person or attendance.guest_name
    try:
        attendance_services.mark_left(attendance=attendance, actor=request.user)
    except RollcallError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{who} has left; they no longer count as present.")
    return _back_to_door(request, branch, meeting)


@branch_view("door")
def door_quorum(request, branch, meeting_id):
    """The quorum panel's inside, polled every few seconds. The door page asks
    with ?recent=1: the last check-ins come along out of band, so a device
    sees who came in through the other devices at the door."""
    meeting = _meeting(branch, meeting_id)
    context = {"meeting": meeting, "quorum": quorum(meeting)}
    if request.GET.get("recent") == "1":
        return _render(request, branch, "groups/door/_quorum_poll.html", {**context, "recent": _recent(meeting)})
    return _render(request, branch, "groups/door/_quorum_body.html", context)


def _scanned_person(branch, meeting, token) -> Person | None:
    person_id = read_door_token(token, meeting.pk)
    if person_id is None:
        return None
    return Person.objects.filter(branch=branch, pk=person_id).first()


@branch_view("door")
def door_qr_open(request, branch, meeting_id, token):
    """A scanned personal QR code: the door screen on that one person."""
    meeting = _meeting(branch, meeting_id)
    person = _scanned_person(branch, meeting, token)
    if person is None:
        return _render(request, branch, "groups/door/qr_invalid.html", {"meeting": meeting}, status=404)
    cards = door_cards(branch, meeting, [person])
    return _render(
        request, branch, "groups/door/door.html", _door_context(request, branch, meeting, cards=cards, scanned=person)
    )


@login_not_required
def door_qr_image(request, slug, meeting_id, token):
    """The QR image itself. The signed token is the secret; the image only
    repeats it, so it needs no sign-in (invitation emails can show it)."""
    meeting = Meeting.objects.filter(branch__slug=slug, pk=meeting_id).select_related("branch").first()
    if meeting is None or _scanned_person(meeting.branch, meeting, token) is None:
        raise Http404
    url = request.build_absolute_uri(reverse("door_qr_open", args=[slug, meeting_id, token]))
    response = HttpResponse(qr_svg(url), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=86400"
    return response


def _people_page(request, ids, per_page):
    page = Paginator(ids, per_page).get_page(request.GET.get("page"))
    by_id = Person.objects.in_bulk(list(page.object_list))
    return page, [by_id[i] for i in page.object_list if i in by_id]


@branch_view("door")
def door_badges(request, branch, meeting_id):
    meeting = _meeting(branch, meeting_id)
    ids, which = expected_people(meeting)
    page, people = _people_page(request, ids, BADGES_PER_PAGE)
    badges = [{"person": p, "token": door_token(meeting.pk, p.pk)} for p in people]
    return _render(
        request, branch, "groups/door/badges.html", {"meeting": meeting, "badges": badges, "page": page, "which": which}
    )


@branch_view("door")
def attendance_list(request, branch, meeting_id):
    meeting = _meeting(branch, meeting_id)
    return _render(
        request,
        branch,
        "groups/door/attendance_list.html",
        {
            "meeting": meeting,
            "rows": list(attendance_rows(meeting)),
            "apologies": list(apologies(meeting)),
            # Refusals are for those who can let people in (organisers, or stewards where allowed).
            "refusals": list(door_refusals(meeting)) if can(request.user, branch, "override") else None,
            # Offline check-ins the rule now refuses (groups.services.door_sync): for the same people.
            "reviews": list(scans_to_review(meeting)) if can(request.user, branch, "override") else None,
            "can_review": can(request.user, branch, "override"),
            "quorum": quorum(meeting),
            "can_export": can(request.user, branch, "export_people"),
            "can_manage": can(request.user, branch, "manage_meetings"),
        },
    )


CSV_HEADER = [  # plain words, as the people and reports exports
    "Name",
    "Guest",
    "Checked in at",
    "Checked in by",
    "How",
    "Eligible",
    "Reasons",
    "Override reason",
    "May vote",
    "Left at",
    "Undone at",
    "Undone by",
    "Why undone",
]


@branch_view("export_people")
@reauthentication_required
def attendance_csv(request, branch, meeting_id):
    meeting = _meeting(branch, meeting_id)
    rows = list(attendance_rows(meeting))
    tz = branch.zone

    def when(value):
        return timezone.localtime(value, tz).strftime("%Y-%m-%d %H:%M") if value else ""

    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="attendance-{meeting.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_HEADER)
    for a in rows:
        cells = [
            str(a.person) if a.person else a.guest_name,
            "" if a.person else "yes",
            when(a.checked_in_at),
            a.checked_in_by.email if a.checked_in_by else "",
            a.get_method_display(),
            "" if not a.person else ("yes" if a.decision.get("eligible") else "no"),
            "; ".join(a.decision.get("reasons", [])),
            a.override_reason,
            "yes" if a.may_vote else "no",
            when(a.left_at),
            when(a.undone_at),
            a.undone_by.email if a.undone_by else "",
            a.undo_reason,
        ]
        writer.writerow([spreadsheet_safe(c) for c in cells])
    exports.record_attendance_export(meeting=meeting, actor=request.user, rows=len(rows))
    return response


def _membership_numbers(person_ids) -> dict[int, str]:
    """Each person's membership numbers for the sign-in sheet, in one query."""
    numbers: dict[int, list[str]] = {}
    rows = Membership.objects.filter(person_id__in=list(person_ids)).exclude(number="").order_by("category__order")
    for person_id, number in rows.values_list("person_id", "number"):
        numbers.setdefault(person_id, []).append(number)
    return {pk: ", ".join(found) for pk, found in numbers.items()}


@branch_view("door")
def signin_sheet(request, branch, meeting_id):
    from ..signin_sheet import signin_sheet_pdf

    meeting = _meeting(branch, meeting_id)
    which = request.GET.get("list")
    if which not in ("expected", "attended"):
        which = "expected" if timezone.now() < meeting.starts_at else "attended"
    if which == "expected":
        ids, _ = expected_people(meeting)
        people = Person.objects.in_bulk(ids)
        names = sorted(
            (people[i] for i in ids if i in people), key=lambda p: (p.last_name.lower(), p.first_name.lower(), p.pk)
        )
        numbers = _membership_numbers(ids)
        lines = [(str(p), numbers.get(p.pk, ""), p.postcode) for p in names]
    else:
        here = [a for a in attendance_rows(meeting) if a.undone_at is None]
        here.sort(key=lambda a: ((a.person.last_name if a.person else a.guest_name).lower(), a.pk))
        numbers = _membership_numbers([a.person_id for a in here if a.person_id])
        lines = [
            (str(a.person), numbers.get(a.person_id, ""), a.person.postcode)
            if a.person
            else (f"{a.guest_name} (guest)", "", "")
            for a in here
        ]
    with timezone.override(branch.zone):
        pdf = signin_sheet_pdf(branch=branch, meeting=meeting, lines=lines, after=which == "attended")
    exports.record_sign_in_sheet(meeting=meeting, actor=request.user, lines=len(lines), which=which)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="sign-in-sheet-{meeting.pk}.pdf"'
    return response


@branch_view("manage_meetings")
def attendance_bulk(request, branch, meeting_id):
    """After a meeting: tick people off a paper list. Same rules as the door;
    all or nothing."""
    meeting = _meeting(branch, meeting_id)
    ticked, reasons = set(), {}
    if request.method == "POST":
        given = request.POST.getlist("person")
        ticked = {pk for value in given if (pk := as_id(value))}
        reasons = {i: request.POST.get(f"reason-{i}", "") for i in ticked}
        try:
            results = attendance_services.bulk_check_in(
                meeting=meeting,
                person_ids=given,  # an id that is no id is refused there, with the rest
                actor=request.user,
                override_reasons={i: r for i, r in reasons.items() if r.strip()},
            )
        except RollcallError as exc:
            messages.error(request, exc.message)
        else:
            new = sum(1 for _, created in results if created)
            messages.success(request, f"{new} checked in from the paper list ({len(results) - new} were already in).")
            return redirect("attendance_list", slug=branch.slug, meeting_id=meeting.pk)
    ids, which = expected_people(meeting, paper_list=True)
    page, people = _people_page(request, ids, BULK_PER_PAGE)
    cards = door_cards(branch, meeting, people)
    for card in cards:
        card["ticked"] = card["person"].pk in ticked
        card["reason"] = reasons.get(card["person"].pk, "")
    return _render(
        request, branch, "groups/door/bulk.html", {"meeting": meeting, "cards": cards, "page": page, "which": which}
    )


@require_POST
@branch_view("override")
def door_review(request, branch, meeting_id, scan_id):
    """An organiser's answer to an offline check-in kept for review (the attendance page)."""
    from ..services.door_sync import resolve_review

    meeting = _meeting(branch, meeting_id)
    admit = request.POST.get("action") == "admit"
    try:
        scan = resolve_review(
            meeting=meeting,
            scan_id=as_id(scan_id),
            actor=request.user,
            admit=admit,
            reason=request.POST.get("reason", ""),
        )
    except RollcallError as exc:
        if exc.code == "unknown_review":
            raise Http404 from None
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{scan.person} " + ("is in (let in on review)." if admit else "was left out."))
    return redirect(reverse("attendance_list", args=[branch.slug, meeting.pk]) + "#review")
