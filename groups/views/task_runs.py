"""Run again a background task that stopped part-way (groups/services/task_runs.py);
the pages its work belongs to list it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ..errors import Conflict, NotAllowed, RollcallError
from ..services import task_runs as services
from .base import branch_view


@require_POST
@branch_view("view_branch")
def task_run_again(request, branch, task_id):
    try:
        messages.success(request, services.run_again(branch=branch, actor=request.user, task_id=task_id))
    except NotAllowed:
        raise PermissionDenied from None
    except Conflict as exc:
        messages.info(request, exc.message)
    except RollcallError:
        raise Http404 from None  # another branch's task, or one already run again
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}) or not back.startswith(
        f"/b/{branch.slug}/"
    ):
        back = f"/b/{branch.slug}/"
    return redirect(back)
