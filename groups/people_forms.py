"""Forms for the people pages. They only parse what was typed; the services
validate and normalise (so the import and the API give the same messages)."""

from __future__ import annotations

from django import forms

from .models import MembershipStatus
from .normalise import DATE_FORMATS
from .services.people import BULK_ACTIONS


def _date(label: str, help_text: str = "", required: bool = False) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "invalid": "Enter a real date, for example 14/04/2016.",
            "required": f"Enter the date for “{label}”.",
        },
    )


class PersonForm(forms.Form):
    first_name = forms.CharField(label="First name", required=False, max_length=100)
    last_name = forms.CharField(label="Last name", required=False, max_length=100)
    email = forms.CharField(
        label="Email address", required=False, max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    phone = forms.CharField(
        label="Phone",
        required=False,
        max_length=40,
        help_text="A UK number such as 07700 900123, or an international one starting with +.",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    postcode = forms.CharField(label="Postcode", required=False, max_length=12)
    ward = forms.CharField(label="Ward", required=False, max_length=100)
    date_of_birth = _date("Date of birth", "Used only for rules about age.")
    consent_email = forms.BooleanField(label="Agrees to be contacted by email", required=False)
    consent_phone = forms.BooleanField(label="Agrees to be contacted by phone", required=False)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("first_name", "last_name"):
            self.fields[name].widget.attrs["autocomplete"] = "off"
        self.fields["postcode"].widget.attrs.update({"autocapitalize": "characters", "class": "input-short"})


class MembershipForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    category = forms.ChoiceField(label="Category", error_messages={"required": "Choose a category."})
    number = forms.CharField(label="Membership number", required=False, max_length=40)
    status = forms.ChoiceField(label="Status", choices=MembershipStatus.choices, initial=MembershipStatus.ACTIVE)
    started_on = _date("Started on", required=True)
    continuous_since = _date("Continuous since")
    ended_on = _date("Ended on")
    dues_paid_until = _date("Dues paid until")

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "Choose a category")] + [(c.slug, c.name) for c in categories]
        self.fields["started_on"].error_messages["required"] = "Enter the date this membership started."

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not data.get("id") and not any(
            data.get(k) for k in ("category", "number", "started_on", "continuous_since", "ended_on", "dues_paid_until")
        )


MembershipFormSet = forms.formset_factory(MembershipForm, extra=1, can_delete=True)


class CategoryForm(forms.Form):
    name = forms.CharField(label="Name", max_length=100)
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class BulkForm(forms.Form):
    action = forms.ChoiceField(label="Action", choices=[("", "Choose an action")] + list(BULK_ACTIONS.items()))
    status = forms.ChoiceField(label="New status", required=False, choices=[("", "—")] + list(MembershipStatus.choices))
    category = forms.ChoiceField(label="Category", required=False)
    dues_paid_until = _date("Dues paid until")

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "All categories")] + [(c.slug, c.name) for c in categories]
        self.fields[
            "category"
        ].help_text = "For a status change: only this category’s memberships. Required to add one."

    def value(self):
        data = self.cleaned_data
        action = data["action"]
        if action == "set_status":
            return {"status": data.get("status"), "category": data.get("category") or None}
        if action == "add_category":
            return data.get("category")
        return data.get("dues_paid_until")
