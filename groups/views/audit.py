from django.shortcuts import render

from ..forms import AuditFilterForm
from ..queries import audit_events
from .base import branch_view, paginate


@branch_view("view_audit")
def audit_log(request, branch):
    actions = branch.audit_events.order_by().values_list("action", flat=True).distinct()
    form = AuditFilterForm(request.GET or None, actions=sorted(set(actions)))
    filters = form.cleaned_data if form.is_valid() else {}
    page, query = paginate(request, audit_events(branch, **filters))
    return render(request, "groups/audit.html", {"branch": branch, "form": form, "page": page, "query": query})
