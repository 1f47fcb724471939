"""Forms for minutes and the decisions register."""

from __future__ import annotations

from django import forms


class MinutesEditForm(forms.Form):
    text = forms.CharField(
        label="Minutes",
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "true", "class": "minutes-source"}),
        help_text="Markdown: # for headings, - for a list, **bold**, > for quoted words. Preview shows how it reads.",
        strip=False,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class DecisionsFilterForm(forms.Form):
    q = forms.CharField(label="Words in the motion", required=False, max_length=200)
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end date must be on or after the start date.")
        return data
