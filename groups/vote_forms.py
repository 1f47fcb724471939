"""Forms for the chair's vote panel, the member's ballot and the standing orders."""

from django import forms

from .counting.thresholds import THRESHOLDS
from .models import Choice, Preset, QuestionKind, VoteMethod
from .models.standing_orders import StandingOrders

THRESHOLD_CHOICES = [("", "The standing orders' default for its kind"), *THRESHOLDS.items()]


class VoteForm(forms.Form):
    question = forms.CharField(label="Question", max_length=500, help_text="What the meeting is voting on.")
    method = forms.ChoiceField(label="How", choices=VoteMethod.choices, initial=VoteMethod.SHOW_OF_HANDS)
    kind = forms.ChoiceField(label="Kind of question", choices=QuestionKind.choices, initial=QuestionKind.MOTION)
    threshold = forms.ChoiceField(label="Threshold", choices=THRESHOLD_CHOICES, required=False)


class OpenVoteForm(forms.Form):
    override_reason = forms.CharField(
        label="Reason to open although not quorate",
        max_length=500,
        required=False,
        help_text="Only needed when the meeting is not quorate. It is recorded.",
    )


class TallyForm(forms.Form):
    votes_for = forms.IntegerField(label="For", min_value=0, max_value=100000)
    votes_against = forms.IntegerField(label="Against", min_value=0, max_value=100000)
    abstain = forms.IntegerField(label="Abstaining", min_value=0, max_value=100000, initial=0)


class CloseVoteForm(forms.Form):
    casting_vote = forms.ChoiceField(
        label="Chair's casting vote (only on a tie)",
        choices=[("", "Not used"), ("for", "For"), ("against", "Against")],
        required=False,
    )


class BallotForm(forms.Form):
    choice = forms.ChoiceField(label="Your vote", choices=Choice.choices, widget=forms.RadioSelect)


class StandingOrdersForm(forms.ModelForm):
    preset = forms.ChoiceField(
        label="Start from",
        choices=Preset.choices,
        help_text="Choosing another preset replaces the settings below with its own when you save.",
    )

    class Meta:
        model = StandingOrders
        fields = [
            "preset",
            "threshold_motion",
            "threshold_amendment",
            "threshold_procedural",
            "threshold_standing_orders",
            "threshold_challenge",
            "casting_vote",
            "amendment_to_amendment",
            "challenge_support",
            "withdraw_needs_consent",
        ]
