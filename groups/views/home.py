from django.contrib.auth.decorators import login_not_required
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone

from ..models import Meeting, MeetingStatus
from ..permissions import branches_for, capabilities
from ..queries.elections import awaiting_consent, awaiting_my_consent
from ..queries.me import linked_person, my_meetings
from ..queries.meetings import under_way
from ..queries.positions import open_alerts
from .base import branch_view


def home(request):
    """Where sign-in lands: the branch when there is one, a choice when there
    are several, and a friendly explanation when there are none."""
    branches = list(branches_for(request.user))
    if len(branches) == 1:
        return redirect("branch_dashboard", slug=branches[0].slug)
    if not branches:
        return render(request, "groups/no_role.html", status=200)
    return render(request, "groups/branch_list.html", {"branches": branches})


AWAITING_SHOWN = 8


@branch_view("view_branch")
def dashboard(request, branch):
    caps = capabilities(request.user, branch)
    now = timezone.now()
    upcoming = []
    stats = {}
    if "view_meetings" in caps:
        upcoming = list(
            Meeting.objects.filter(Q(starts_at__gte=now) | under_way(now), branch=branch)
            .exclude(status=MeetingStatus.CANCELLED)
            .order_by("starts_at")[:5]
        )
        for meeting in upcoming:
            meeting.is_under_way = meeting.starts_at <= now
    if "view_people" in caps:
        stats["people"] = branch.people.count()
        stats["categories"] = branch.categories.count()
        stats["rules"] = branch.rules.count()
    person = linked_person(request.user, branch)
    mine = my_meetings(branch, person, now=now, limit=3) if person else []
    alerts = open_alerts(branch) if "manage_positions" in caps else []
    # Nominations lapse at the close without the nominee's consent: the
    # organisers see those still waiting, the nominee their own to answer.
    awaiting = awaiting_consent(branch, limit=AWAITING_SHOWN) if "manage_elections" in caps else []
    to_answer = awaiting_my_consent(person) if "nominate" in caps else []
    with timezone.override(branch.zone):
        return render(
            request,
            "groups/dashboard.html",
            {
                "branch": branch,
                "caps": caps,
                "upcoming": upcoming,
                "stats": stats,
                "person": person,
                "mine": mine,
                "alerts": alerts,
                "awaiting": awaiting[:AWAITING_SHOWN],
                "awaiting_more": len(awaiting) > AWAITING_SHOWN,
                "to_answer": to_answer,
            },
        )


@login_not_required
def healthz(request):
    from django.http import JsonResponse

    return JsonResponse({"ok": True})
