"""Forms for the speakers' list: asking to speak (the member's phone), the
chair's move, and the list's settings."""

from django import forms

from .models import AttributeDefinition, SpeakingKind
from .models.speakers import DEFAULT_SPEECH_SECONDS

ASKABLE = [(k, label) for k, label in SpeakingKind.choices if k != SpeakingKind.REPLY]


class AskForm(forms.Form):
    kind = forms.ChoiceField(label="I want to speak", choices=SpeakingKind.choices, widget=forms.RadioSelect)


class MoveForm(forms.Form):
    position = forms.IntegerField(label="Move to position", min_value=1, max_value=1000, help_text="1 is next.")
    reason = forms.CharField(label="Reason", max_length=500, help_text="Recorded in the meeting's log.")


class SpeakersSettingsForm(forms.Form):
    balance = forms.BooleanField(label="Balance the list by a self-declared group", required=False)
    attribute = forms.ModelChoiceField(
        label="Question",
        queryset=AttributeDefinition.objects.none(),
        required=False,
        empty_label="No question",
        help_text="Only people who chose to answer, with their consent, are in a group.",
    )
    balance_values = forms.MultipleChoiceField(
        label="Answers that make up the group",
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    group_name = forms.CharField(
        label="Name of the group, as the chair sees it",
        max_length=100,
        required=False,
        help_text='For example "women and non-binary speakers". Never shown on the projector.',
    )
    target_percent = forms.IntegerField(
        label="The group's share of speeches, at least (per cent)", min_value=1, max_value=100, initial=50
    )
    alternate = forms.BooleanField(label="Speakers for and against take turns", required=False)
    speech_minutes = forms.DecimalField(
        label="Time allowed for each speech (minutes)",
        min_value=0.5,
        max_value=60,
        decimal_places=1,
        initial=DEFAULT_SPEECH_SECONDS / 60,
    )
    for_branch = forms.BooleanField(label="Also make these the branch's default for future meetings", required=False)

    def __init__(self, *args, branch, **kwargs):
        super().__init__(*args, **kwargs)
        questions = AttributeDefinition.objects.filter(branch=branch).order_by("order", "name")
        self.fields["attribute"].queryset = questions
        self.fields["balance_values"].choices = [
            (o.get("value"), f"{q.name}: {o.get('label', o.get('value'))}") for q in questions for o in q.options
        ]
