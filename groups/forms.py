from django import forms

from .models import RoleName


class RoleInviteForm(forms.Form):
    email = forms.EmailField(label="Email address", help_text="They sign in or sign up with this address.")
    role = forms.ChoiceField(label="Role", choices=RoleName.choices, initial=RoleName.STEWARD)


class RoleChangeForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=RoleName.choices)


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label="Action", required=False)
    person = forms.IntegerField(label="Person number", required=False, min_value=1)
    date_from = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, actions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "All actions")] + [(a, a) for a in actions]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end date must be on or after the start date.")
        return data
