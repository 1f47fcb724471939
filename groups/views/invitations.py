"""Invitations: the organiser's page per meeting (choose, send, remind, watch
progress), and the public signed-link pages where people answer or
unsubscribe without signing in."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from ..errors import RollcallError
from ..exports.qr import door_token
from ..models import Category, Invitation, Meeting, MeetingStatus, Membership, Person, Reply
from ..permissions import get_in_branch
from ..queries.invitations import progress as invitation_progress
from ..queries.meetings import meeting_reply_counts, meeting_rule_summary
from ..queries.task_runs import stopped_tasks
from ..services import invitations as services
from ..sql import as_id
from .base import branch_view
from .invitation_people import invited_context

REFUSALS_SHOWN = 10


def _erased(pk: int) -> bool:
    return Person.everyone.filter(pk=pk, erased_at__isnull=False).exists()


def _meeting(branch, meeting_id) -> Meeting:
    return get_in_branch(Meeting.objects.select_related("branch", "attendance_rule"), branch, pk=meeting_id)


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


def _categories_with_counts(branch, meeting):
    """The branch's categories with how many people hold each (any status),
    and how many of those the rule admits."""
    admitted = services.admitted_people(meeting).values("pk")
    return Category.objects.filter(branch=branch).annotate(
        people=Count("memberships__person", distinct=True),
        admitted=Count("memberships__person", filter=Q(memberships__person__in=admitted), distinct=True),
    )


def _admitted_counts(meeting) -> dict[str, int]:
    """How many the rule admits, and how many of them an email can reach (one query)."""
    counts = services.admitted_people(meeting).aggregate(
        admitted=Count("pk"), emailable=Count("pk", filter=Q(consent_email=True) & ~Q(email=""))
    )
    counts["not_emailable"] = counts["admitted"] - counts["emailable"]
    return counts


def _page_context(request, branch, meeting):
    now = timezone.now()
    progress = invitation_progress(meeting, now=now)
    chosen_people = []
    ids = [pk for value in request.GET.getlist("person") if (pk := as_id(value))][:200]
    if ids:
        chosen_people = list(Person.objects.filter(branch=branch, pk__in=ids))
    return {
        "branch": branch,
        "meeting": meeting,
        "progress": progress,
        "stopped_tasks": stopped_tasks(branch, page="invitations", meeting=meeting, now=now),
        "may_run_again": True,  # the page itself needs manage_meetings
        "counts": meeting_reply_counts(meeting),
        **_admitted_counts(meeting),
        "rule_summary": meeting_rule_summary(meeting.attendance_rule),
        "eligibility_date": meeting.effective_eligibility_date,
        "categories": _categories_with_counts(branch, meeting),
        "chosen_people": chosen_people,
        "reminder_candidates": services.reminder_candidates(meeting, now=now).count(),
        "may_send": meeting.status == MeetingStatus.PUBLISHED and meeting.starts_at >= now,
        "now": now,
        **invited_context(request, branch, meeting, now=now),
    }


@branch_view("manage_meetings")
def meeting_invitations(request, branch, meeting_id):
    meeting = _meeting(branch, meeting_id)
    if request.method == "POST":
        return _post(request, branch, meeting)
    with timezone.override(branch.zone):
        return render(request, "groups/invitations/manage.html", _page_context(request, branch, meeting))


def _post(request, branch, meeting):
    back = redirect("meeting_invitations", slug=branch.slug, meeting_id=meeting.pk)
    action = request.POST.get("action")
    try:
        if action == "remind":
            n = services.send_reminders(meeting=meeting, actor=request.user, base_url=_base_url(request))
            messages.success(
                request,
                f"Reminders are going to {n:,} {'person' if n == 1 else 'people'} who have not answered."
                if n
                else "No one needs a reminder: everyone has answered or was reminded in the last 24 hours.",
            )
            return back
        if action != "send":
            messages.error(request, "Choose what to do: send invitations or reminders.")
            return back
        who = request.POST.get("who", "everyone")
        person_ids = None
        if who == "categories":
            slugs = request.POST.getlist("category")
            if not slugs:
                messages.error(request, "Tick at least one category, or choose everyone the rule admits.")
                return back
            person_ids = list(
                Membership.objects.filter(branch=branch, category__slug__in=slugs)
                .values_list("person_id", flat=True)
                .distinct()
            )
            if not person_ids:
                messages.error(request, "No one holds the categories you ticked.")
                return back
        elif who == "people":
            person_ids = request.POST.getlist("person")
        report = services.send_invitations(
            meeting=meeting, actor=request.user, person_ids=person_ids, base_url=_base_url(request)
        )
    except RollcallError as exc:
        messages.error(request, exc.message)
        return back
    invited, queued, refused = report["invited"], report["queued"], report["refused"]
    messages.success(
        request,
        f"Invited {invited:,} {'person' if invited == 1 else 'people'}"
        + (f" ({report['already']:,} already invited before)" if report["already"] else "")
        + (
            ". Emails are going to those who agreed to email: see the progress below."
            if queued
            else ". No emails needed sending."
        ),
    )
    if refused:
        messages.warning(
            request,
            f"{len(refused):,} {'person was' if len(refused) == 1 else 'people were'} not invited: "
            "the meeting’s attendance rule does not admit them.",
        )
        for person, reason in refused[:REFUSALS_SHOWN]:
            messages.warning(request, f"Not invited: {person} — {reason}")
        if len(refused) > REFUSALS_SHOWN:
            messages.warning(request, f"…and {len(refused) - REFUSALS_SHOWN:,} more.")
    return back


@branch_view("manage_meetings")
def meeting_invitations_progress(request, branch, meeting_id):
    """The progress panel alone, for htmx polling (every 2 s while sending)."""
    meeting = _meeting(branch, meeting_id)
    return render(
        request,
        "groups/invitations/_progress.html",
        {"branch": branch, "meeting": meeting, "progress": invitation_progress(meeting)},
    )


# --- public signed links --------------------------------------------------------


def _invalid(request, status=404, *, token: str = "", salt: str = "", gone=None):
    """The page for a link that leads nowhere: "no longer available" (410)
    when the link is genuine but what it named is gone (its person's data
    was erased), else "not valid or expired"."""
    if token and _names_what_is_gone(token, salt, gone):
        return render(request, "groups/invitations/link_gone.html", status=410)
    return render(request, "groups/invitations/link_invalid.html", status=status)


def _names_what_is_gone(token: str, salt: str, gone) -> bool:
    from django.core import signing

    try:
        value = signing.loads(token, salt=salt)
    except (signing.BadSignature, ValueError, TypeError):
        return False
    pk = next(iter(value.values()), None) if isinstance(value, dict) and len(value) == 1 else None
    return isinstance(pk, int) and gone(pk)


def _rsvp_context(request, invitation, token):
    meeting = invitation.meeting
    return {
        "invitation": invitation,
        "meeting": meeting,
        "person": invitation.person,
        "public_branch": meeting.branch,
        "token": token,
        "replies": [(Reply.YES, "Yes, I’ll come"), (Reply.MAYBE, "Maybe"), (Reply.NO, "No, I can’t come")],
        "door_qr_url": reverse(
            "door_qr_image", args=[meeting.branch.slug, meeting.pk, door_token(meeting.pk, invitation.person_id)]
        ),
        "cancelled": meeting.status == MeetingStatus.CANCELLED,
    }


@login_not_required
def rsvp(request, token):
    """GET shows the meeting and three buttons; only POST records an answer
    (so link scanners in mail systems never answer for anyone)."""
    invitation = services.read_rsvp_token(token)
    if invitation is None:
        return _invalid(
            request, token=token, salt=services.RSVP_SALT, gone=lambda pk: not Invitation.objects.filter(pk=pk).exists()
        )
    context = _rsvp_context(request, invitation, token)
    if request.method == "POST":
        reply = request.POST.get("reply", "")
        try:
            invitation = services.record_reply(invitation=invitation, reply=reply, actor=None)
        except RollcallError as exc:
            context["error"] = exc.message
            with timezone.override(invitation.meeting.branch.zone):
                return render(request, "groups/invitations/rsvp.html", context, status=400)
        return redirect(f"{reverse('rsvp', args=[token])}?answered=1")
    context["answered"] = request.GET.get("answered") == "1" and invitation.reply
    with timezone.override(invitation.meeting.branch.zone):
        return render(request, "groups/invitations/rsvp.html", context)


@csrf_exempt  # RFC 8058 one-click: the mail client POSTs without a form; the signed token is the proof
@login_not_required
def unsubscribe(request, token):
    person = services.read_unsubscribe_token(token)
    if person is None:
        return _invalid(request, token=token, salt=services.UNSUBSCRIBE_SALT, gone=_erased)
    done = False
    if request.method == "POST":
        services.unsubscribe(person=person)
        done = True
    return render(
        request,
        "groups/invitations/unsubscribe.html",
        {"person": person, "public_branch": person.branch, "done": done or request.GET.get("done") == "1"},
    )
