"""The invitations page's filters (by GET: reply and delivery, never a name)
and the automatic reminder's setting."""

from __future__ import annotations

from django import forms

from .services.reminders import MAX_REMIND_DAYS

REPLY_CHOICES = [
    ("", "Any reply"),
    ("yes", "Yes"),
    ("no", "No"),
    ("maybe", "Maybe"),
    ("none", "No reply yet"),
]
DELIVERY_CHOICES = [
    ("", "Any"),
    ("emailed", "Emailed"),
    ("failed", "Email failed"),
    ("no_consent", "No consent to email"),
    ("no_email", "No email address"),
    ("waiting", "Not sent yet"),
]
SHOW_CHOICES = [("", "Everyone invited"), ("calls", "Only the call list")]


class InvitedFilterForm(forms.Form):
    reply = forms.ChoiceField(label="Reply", choices=REPLY_CHOICES, required=False)
    delivery = forms.ChoiceField(label="Email", choices=DELIVERY_CHOICES, required=False)
    show = forms.ChoiceField(label="Show", choices=SHOW_CHOICES, required=False)

    def values(self) -> dict[str, str]:
        """The valid filters; a value this form does not know filters nothing (the form says so)."""
        if not self.is_bound:
            return {}
        if self.is_valid():
            return self.cleaned_data
        return {name: self.cleaned_data.get(name, "") for name in self.fields}


class ReminderForm(forms.Form):
    remind_days_before = forms.IntegerField(
        label="Days before the meeting",
        min_value=0,
        max_value=MAX_REMIND_DAYS,
        help_text="0 means no automatic reminder.",
        widget=forms.NumberInput(attrs={"class": "input-short", "inputmode": "numeric"}),
        error_messages={
            "required": "Give the number of days, or 0 for no reminder.",
            "invalid": "Give the number of days as a whole number, such as 2.",
            "min_value": f"Choose between 0 (no reminder) and {MAX_REMIND_DAYS} days.",
            "max_value": f"Choose between 0 (no reminder) and {MAX_REMIND_DAYS} days.",
        },
    )
