"""Forms for the agenda, the order paper and points of order (plain POST
forms: every page works without JavaScript)."""

from django import forms

from .models import AgendaKind, AmendAction, Procedure, QuestionKind, VoteMethod


class AgendaItemForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    kind = forms.ChoiceField(label="Kind of item", choices=AgendaKind.choices, initial=AgendaKind.BUSINESS)
    minutes_allowed = forms.IntegerField(
        label="Minutes allowed", min_value=1, max_value=600, required=False, help_text="Leave empty for no limit."
    )


class MotionForm(forms.Form):
    text = forms.CharField(
        label="Motion", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}), help_text="“That this branch …”"
    )
    kind = forms.ChoiceField(
        label="Kind",
        choices=[(QuestionKind.MOTION, "A motion"), (QuestionKind.STANDING_ORDERS, "A change to standing orders")],
        initial=QuestionKind.MOTION,
    )
    agenda_item = forms.TypedChoiceField(label="Agenda item", coerce=int, required=False, empty_value=None)

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].choices = [("", "None"), *[(i.pk, f"{i.order}. {i.title}") for i in items]]


class AmendmentForm(forms.Form):
    action = forms.ChoiceField(label="Amendment", choices=AmendAction.choices, initial=AmendAction.REPLACE)
    words = forms.CharField(
        label="Words of the motion",
        max_length=2000,
        required=False,
        help_text="The words to delete or replace, as they appear; for an insert, the words it goes after "
        "(empty: at the end).",
    )
    with_words = forms.CharField(label="New words", max_length=2000, required=False, help_text="To insert.")


class ProceduralForm(forms.Form):
    procedure = forms.ChoiceField(
        label="Procedural motion", choices=[(p.value, p.label) for p in Procedure if p != Procedure.CHALLENGE]
    )
    concerns = forms.TypedChoiceField(label="About the motion", coerce=int, required=False, empty_value=None)

    def __init__(self, *args, debated=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["concerns"].choices = [("", "—"), *[(m.pk, m.summary[:90]) for m in debated]]


class PersonChoiceForm(forms.Form):
    person = forms.TypedChoiceField(label="Who", coerce=int)

    def __init__(self, *args, people=(), label="Who", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].label = label
        self.fields["person"].choices = [(p.pk, f"{p.first_name} {p.last_name}".strip()) for p in people]


class WithdrawForm(forms.Form):
    with_consent = forms.BooleanField(label="With the meeting's consent", required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="The chair's reason", max_length=1000)


class PutForm(forms.Form):
    method = forms.ChoiceField(label="How", choices=VoteMethod.choices, initial=VoteMethod.SHOW_OF_HANDS)


class PointForm(forms.Form):
    raised_by = forms.TypedChoiceField(label="Raised by", coerce=int)
    standing_order = forms.CharField(label="Standing order cited", max_length=200, required=False)
    point = forms.CharField(label="The point of order", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["raised_by"].choices = [(p.pk, f"{p.first_name} {p.last_name}".strip()) for p in people]


class RulingForm(forms.Form):
    ruling = forms.CharField(label="Ruling", max_length=300)
    reason = forms.CharField(label="Reason", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ChallengeForm(forms.Form):
    supporters = forms.TypedMultipleChoiceField(
        label="Members supporting the challenge", coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supporters"].choices = [(p.pk, f"{p.first_name} {p.last_name}".strip()) for p in people]
