"""Rules: list, editor (no JSON, no JavaScript needed), preview, what-if and compare."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ..eligibility.compile import compile_rule
from ..eligibility.decisions import decisions_for
from ..eligibility.loading import category_names
from ..errors import RollcallError
from ..filters import search_people
from ..models import AttributeDefinition, Category, Meeting, Person, Position, Rule, RuleVersion
from ..permissions import get_in_branch
from ..queries.rules import compare_rules, definition_summary, eligibility_counts
from ..rule_editor import KINDS, STATUS_CHOICES, UNITS, Draft
from ..services import rules as rule_services
from .base import branch_view, paginate

PREVIEW_PAGE_SIZE = 25


def _as_of(request, branch) -> tuple[date, str]:
    """The as-of date from ?as_of= (today in the branch when absent) and an error if unreadable."""
    raw = (request.GET.get("as_of") or request.POST.get("as_of") or "").strip()
    if raw:
        try:
            return date.fromisoformat(raw), ""
        except ValueError:
            return branch.today(), "Enter the date as a real date, for example 2016-04-14. Showing today instead."
    return branch.today(), ""


def _uses(branch) -> dict[int, int]:
    """rule id → number of meetings using it (one query)."""
    counts: dict[int, int] = {}
    rows = Meeting.objects.filter(branch=branch).values_list("attendance_rule_id", "voting_rule_id")
    for attendance, voting in rows:
        for rule_id in {attendance, voting} - {None}:
            counts[rule_id] = counts.get(rule_id, 0) + 1
    return counts


@branch_view("manage_rules")
def rule_list(request, branch):
    names = category_names(branch)
    uses = _uses(branch)
    rules = [
        {"rule": r, "summary": definition_summary(r.definition, names), "uses": uses.get(r.pk, 0)}
        for r in Rule.objects.filter(branch=branch).order_by("name")
    ]
    return render(request, "groups/rules/rule_list.html", {"branch": branch, "rules": rules})


def _editor_context(branch, draft: Draft, **extra) -> dict:
    categories = list(Category.objects.filter(branch=branch))
    return {
        "branch": branch,
        "draft": draft,
        "categories": categories,
        "questions": list(AttributeDefinition.objects.filter(branch=branch).order_by("order", "name")),
        "positions": list(Position.objects.filter(branch=branch).order_by("order", "name")),
        "kinds": KINDS,
        "statuses": STATUS_CHOICES,
        "units": UNITS,
        "error_list": draft.error_list(),
        **extra,
    }


def _handle_editor(request, branch, rule: Rule | None):
    """GET shows the form; POST adds/removes a condition, previews, or saves."""
    slugs = set(Category.objects.filter(branch=branch).values_list("slug", flat=True))
    preview = None
    if rule is not None and not Draft.from_definition(rule.definition).editable:
        text = definition_summary(rule.definition, category_names(branch))
        return render(request, "groups/rules/rule_readonly.html", {"branch": branch, "rule": rule, "summary": text})
    if request.method != "POST":
        if rule is None:
            draft = Draft()
            draft.add("membership")
        else:
            draft = Draft.from_definition(rule.definition, name=rule.name, description=rule.description)
        return render(request, "groups/rules/rule_form.html", _editor_context(branch, draft, rule=rule))
    draft = Draft.from_post(request.POST)
    action = request.POST.get("action", "save")
    status = 200
    if action == "add":
        draft.add(request.POST.get("add_kind", ""))
    elif action.startswith("remove-"):
        index = action.removeprefix("remove-")
        draft.remove(int(index) if index.isdecimal() and len(index) < 10 else -1)
    else:
        definition = draft.definition(slugs)
        if definition is not None and action == "preview":
            as_of, _ = _as_of(request, branch)
            if rule is not None:
                preview = {
                    "as_of": as_of,
                    "summary": definition_summary(definition, category_names(branch)),
                    "compare": compare_rules(branch, rule.definition, definition, as_of, limit=20),
                }
            else:
                preview = {
                    "as_of": as_of,
                    "summary": definition_summary(definition, category_names(branch)),
                    "counts": eligibility_counts(branch, definition, as_of),
                }
        elif definition is not None:
            try:
                if rule is None:
                    saved = rule_services.create_rule(
                        branch=branch,
                        name=draft.name,
                        description=draft.description,
                        definition=definition,
                        actor=request.user,
                    )
                    messages.success(request, f"Rule “{saved.name}” created.")
                else:
                    before = rule.version
                    saved = rule_services.update_rule(
                        rule=rule,
                        name=draft.name,
                        description=draft.description,
                        definition=definition,
                        actor=request.user,
                    )
                    if saved.version != before:
                        messages.success(request, f"Rule “{saved.name}” saved as version {saved.version}.")
                    else:
                        messages.success(request, f"Rule “{saved.name}” saved.")
                return redirect("rule_detail", slug=branch.slug, rule_id=saved.pk)
            except RollcallError as exc:
                draft.errors[exc.details.get("field", "definition")] = exc.message
        if draft.errors or any(c.errors for c in draft.conditions):
            status = 400
    return render(
        request,
        "groups/rules/rule_form.html",
        _editor_context(branch, draft, rule=rule, preview=preview),
        status=status,
    )


@branch_view("manage_rules")
def rule_new(request, branch):
    return _handle_editor(request, branch, None)


@branch_view("manage_rules")
def rule_edit(request, branch, rule_id):
    rule = get_in_branch(Rule.objects.all(), branch, pk=rule_id)
    return _handle_editor(request, branch, rule)


@branch_view("manage_rules")
def rule_detail(request, branch, rule_id):
    rule = get_in_branch(Rule.objects.all(), branch, pk=rule_id)
    names = category_names(branch)
    as_of, date_error = _as_of(request, branch)
    show = request.GET.get("show", "")
    search = request.GET.get("q", "").strip()
    counts = eligibility_counts(branch, rule.definition, as_of)
    people = Person.objects.filter(branch=branch)
    if show in ("eligible", "not"):
        q = compile_rule(rule.definition, as_of, branch=branch)
        people = people.filter(q) if show == "eligible" else people.exclude(q)
    if search:
        people = search_people(people, search, branch)  # the people list's own search, on its indexes
    people = people.order_by("last_name", "first_name", "id")
    page, query = paginate(request, people, PREVIEW_PAGE_SIZE)
    rows = decisions_for(list(page.object_list), rule.definition, branch=branch, as_of=as_of)
    versions = [
        {"version": v, "summary": definition_summary(v.definition, names)}
        for v in RuleVersion.objects.filter(rule=rule).select_related("changed_by").order_by("-version")
    ]
    uses = rule_services.meetings_using(rule)
    other_rules = Rule.objects.filter(branch=branch).exclude(pk=rule.pk).order_by("name")
    draft = Draft.from_definition(rule.definition)
    return render(
        request,
        "groups/rules/rule_detail.html",
        {
            "branch": branch,
            "rule": rule,
            "summary": definition_summary(rule.definition, names),
            "editable": draft.editable,
            "as_of": as_of,
            "date_error": date_error,
            "counts": counts,
            "rows": rows,
            "page": page,
            "query": query,
            "show": show,
            "search": search,
            "versions": versions,
            "uses": uses,
            "other_rules": other_rules,
        },
    )


@branch_view("manage_rules")
def rule_compare(request, branch, rule_id):
    rule = get_in_branch(Rule.objects.all(), branch, pk=rule_id)
    names = category_names(branch)
    as_of, date_error = _as_of(request, branch)
    other_rules = Rule.objects.filter(branch=branch).exclude(pk=rule.pk).order_by("name")
    other = None
    result = None
    raw = request.GET.get("other", "")
    if raw:
        other = get_in_branch(Rule.objects.all(), branch, pk=raw)
        result = compare_rules(branch, rule.definition, other.definition, as_of)
    return render(
        request,
        "groups/rules/rule_compare.html",
        {
            "branch": branch,
            "rule": rule,
            "other": other,
            "other_rules": other_rules,
            "summary": definition_summary(rule.definition, names),
            "other_summary": definition_summary(other.definition, names) if other else "",
            "as_of": as_of,
            "date_error": date_error,
            "compare": result,
        },
    )


@require_POST
@branch_view("manage_rules")
def rule_delete(request, branch, rule_id):
    rule = get_in_branch(Rule.objects.all(), branch, pk=rule_id)
    try:
        rule_services.delete_rule(rule=rule, actor=request.user)
    except RollcallError as exc:
        messages.error(request, exc.message)
        return redirect("rule_detail", slug=branch.slug, rule_id=rule.pk)
    messages.success(request, f"Rule “{rule.name}” deleted.")
    return redirect("rule_list", slug=branch.slug)
