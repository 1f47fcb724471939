"""Self-declared attributes (special-category data): the branch's questions
(organisers), a person's values seen only by organisers and only on asking
(each look audited), recorded by an organiser with the person's consent, and
withdrawn at any time; the member's own page under /me/ to declare and withdraw."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render

from ..errors import RollcallError
from ..models import AttributeDefinition, Person, SelfDeclaredAttribute
from ..permissions import get_in_branch
from ..queries.me import linked_person
from ..services import attributes as services
from .base import add_service_error, branch_view


class AttributeForm(forms.Form):
    key = forms.CharField(
        label="Short name for rules",
        max_length=60,
        help_text="Lower-case letters, digits and hyphens, such as “gender”. It cannot change later.",
    )
    name = forms.CharField(label="Question", max_length=100)
    purpose = forms.CharField(
        label="Why the branch asks",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="People read this before they answer, for example “So that the women's officer is chosen by "
        "women members, as the rules require.”",
    )
    options = forms.CharField(
        label="Answers",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One a line, as people should read them.",
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["key"]


def _options_text(definition: AttributeDefinition) -> str:
    return "\n".join(f"{o['value']}: {o['label']}" for o in definition.options)


@branch_view("manage_attributes")
def attribute_list(request, branch):
    items = list(AttributeDefinition.objects.filter(branch=branch).order_by("order", "name"))
    return render(request, "groups/attributes/list.html", {"branch": branch, "definitions": items})


@branch_view("manage_attributes")
def attribute_new(request, branch):
    form = AttributeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.define_attribute(branch=branch, actor=request.user, **form.cleaned_data)
        except RollcallError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "The question is added. Members can answer it on their own page.")
            return redirect("attribute_list", slug=branch.slug)
    return render(request, "groups/attributes/form.html", {"branch": branch, "form": form, "definition": None})


@branch_view("manage_attributes")
def attribute_edit(request, branch, attribute_id):
    definition = get_in_branch(AttributeDefinition.objects.all(), branch, pk=attribute_id)
    initial = {"name": definition.name, "purpose": definition.purpose, "options": _options_text(definition)}
    form = AttributeForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_attribute(definition=definition, actor=request.user, **form.cleaned_data)
        except RollcallError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, "The question is saved.")
            return redirect("attribute_list", slug=branch.slug)
    return render(request, "groups/attributes/form.html", {"branch": branch, "form": form, "definition": definition})


# --- one person's values, for organisers ------------------------------------


@branch_view("view_attributes")
def person_attributes(request, branch, person_id):
    """GET: how many values are held, and a button to see them (audited).
    POST action=show: the values. POST action=record: an answer given with
    consent. POST action=withdraw: withdraw one on their behalf."""
    person = get_in_branch(Person.objects.select_related("branch"), branch, pk=person_id)
    definitions = list(AttributeDefinition.objects.filter(branch=branch).order_by("order", "name"))
    values = None
    if request.method == "POST":
        action = request.POST.get("action")
        definition = None
        if action in ("record", "withdraw"):
            definition = next((d for d in definitions if str(d.pk) == request.POST.get("definition")), None)
            if definition is None:
                messages.error(request, "Choose one of the branch's questions.")
                return redirect("person_attributes", slug=branch.slug, person_id=person.pk)
        try:
            if action == "record":
                services.record_with_consent(
                    person=person,
                    definition=definition,
                    value=request.POST.get("value", ""),
                    consent=request.POST.get("consent") == "yes",
                    actor=request.user,
                )
                messages.success(request, f"{definition.name}: their answer is recorded, with their consent.")
            elif action == "withdraw":
                services.withdraw(person=person, definition=definition, actor=request.user)
                messages.success(request, f"{definition.name}: their answer is withdrawn and deleted.")
            elif action == "show":
                values = services.view_declarations(person=person, actor=request.user)
        except RollcallError as exc:
            messages.error(request, exc.message)
        if values is None:
            return redirect("person_attributes", slug=branch.slug, person_id=person.pk)
    held = SelfDeclaredAttribute.objects.filter(person=person).count()
    return render(
        request,
        "groups/attributes/person.html",
        {"branch": branch, "person": person, "definitions": definitions, "values": values, "held": held},
    )


# --- the member's own ---------------------------------------------------------


@branch_view("view_own")
def my_attributes(request, branch):
    person = linked_person(request.user, branch)
    definitions = list(AttributeDefinition.objects.filter(branch=branch).order_by("order", "name"))
    if person is None:
        return render(request, "groups/me/attributes.html", {"branch": branch, "person": None})
    if request.method == "POST":
        definition = next((d for d in definitions if str(d.pk) == request.POST.get("definition")), None)
        if definition is None:
            messages.error(request, "Choose one of the branch's questions.")
        else:
            try:
                if request.POST.get("action") == "withdraw":
                    services.withdraw(person=person, definition=definition, actor=request.user)
                    messages.success(request, f"{definition.name}: your answer is withdrawn and deleted.")
                else:
                    services.declare(
                        person=person, definition=definition, value=request.POST.get("value", ""), actor=request.user
                    )
                    messages.success(request, f"{definition.name}: your answer is saved.")
            except RollcallError as exc:
                messages.error(request, exc.message)
        return redirect("my_attributes", slug=branch.slug)
    mine = {a.definition_id: a for a in SelfDeclaredAttribute.objects.filter(person=person)}
    rows = [{"definition": d, "answer": mine.get(d.pk)} for d in definitions]
    return render(request, "groups/me/attributes.html", {"branch": branch, "person": person, "rows": rows})
