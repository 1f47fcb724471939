"""Delegates due (issue 13, item 7): how many delegates the branch may send
under Labour's rule, explained line by line, from counts of its members —
never a list of who. Organisers choose what counts (the party members'
category, the answers that count as a woman, the delegate position); the
defaults are the usual ones. Reading the counts of self-declared answers is
audited (services/delegates.py)."""

from __future__ import annotations

from django import forms
from django.shortcuts import render

from ..models import AttributeDefinition, Category, Position
from ..queries import delegates as queries
from ..services.delegates import work_out_entitlement
from .base import branch_view


class DelegatesForm(forms.Form):
    as_of = forms.DateField(label="On", widget=forms.DateInput(attrs={"type": "date"}))
    categories = forms.ModelMultipleChoiceField(
        label="Party members are people with an active membership of",
        queryset=Category.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    women = forms.MultipleChoiceField(
        label="Answers that count as a woman",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="From the branch's self-declared questions; all from the same question.",
    )
    position = forms.ModelChoiceField(
        label="The delegate position (for last year's delegate)",
        queryset=Position.objects.none(),
        required=False,
        empty_label="None",
    )

    def __init__(self, *args, branch, **kwargs):
        super().__init__(*args, **kwargs)
        self.branch = branch
        self.fields["categories"].queryset = Category.objects.filter(branch=branch).order_by("order", "name")
        self.fields["position"].queryset = Position.objects.filter(branch=branch).order_by("order", "name")
        self.questions = {q.key: q for q in AttributeDefinition.objects.filter(branch=branch)}
        self.fields["women"].choices = [
            (f"{q.key}:{o['value']}", f"{q.name}: {o.get('label', o['value'])}")
            for q in self.questions.values()
            for o in q.options
            if o.get("value")
        ]

    def choice_groups(self):
        return [self["categories"], self["women"]]

    def clean(self):
        data = super().clean()
        picked = [choice.split(":", 1) for choice in data.get("women") or []]
        keys = {key for key, _ in picked}
        if len(keys) > 1:
            self.add_error("women", "Tick answers of one question only.")
            keys = set()
        data["question"] = self.questions[keys.pop()] if keys else None
        data["women_values"] = [value for _, value in picked]
        return data


def _defaults(branch) -> dict:
    question = queries.default_question(branch)
    positions = queries.delegate_positions(branch)
    return {
        "as_of": branch.today(),
        "categories": queries.default_categories(branch),
        "women": [f"{question.key}:{v}" for v in queries.women_answers(question)] if question else [],
        "position": positions[0] if positions else None,
    }


@branch_view("view_delegates")
def delegate_entitlement(request, branch):
    if "as_of" in request.GET:
        form = DelegatesForm(request.GET, branch=branch)
    else:
        initial = _defaults(branch)
        form = DelegatesForm(
            {
                "as_of": initial["as_of"].isoformat(),
                "categories": [c.pk for c in initial["categories"]],
                "women": initial["women"],
                "position": initial["position"].pk if initial["position"] else "",
            },
            branch=branch,
        )
    context = {"branch": branch, "form": form, "any_questions": bool(form.questions)}
    if form.is_valid():
        data = form.cleaned_data
        counts, entitlement, counted = work_out_entitlement(
            branch=branch,
            actor=request.user,
            as_of=data["as_of"],
            categories=list(data["categories"]),
            question=data["question"],
            women_values=data["women_values"],
            position=data["position"],
        )
        context.update(counts=counts, entitlement=entitlement, counted=counted)
    return render(request, "groups/counts/delegates.html", context, status=200 if form.is_valid() else 400)
