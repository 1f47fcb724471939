from django.shortcuts import render

from ..forms import AuditFilterForm
from ..queries.audit import audit_events
from .base import branch_view, paginate


@branch_view("view_audit")
def audit_log(request, branch):
    actions = branch.audit_events.order_by().values_list("action", flat=True).distinct()
    form = AuditFilterForm(request.GET or None, actions=set(actions))
    filters = {}
    if form.is_bound:
        form.is_valid()
        # Apply the filters that are valid; the invalid ones show their message beside the field.
        filters = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    page, query = paginate(request, audit_events(branch, **filters))
    return render(request, "groups/audit.html", {"branch": branch, "form": form, "page": page, "query": query})
