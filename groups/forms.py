from django import forms

from .models import AuditAction, RoleName


class RoleInviteForm(forms.Form):
    email = forms.EmailField(label="Email address", help_text="They sign in or sign up with this address.")
    role = forms.ChoiceField(label="Role", choices=RoleName.choices, initial=RoleName.STEWARD)


class RoleChangeForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=RoleName.choices)


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label="Action", required=False)
    # Set by "History of this record" on a person's page; never typed, so the page shows no number.
    person = forms.IntegerField(label="Record", required=False, min_value=1, widget=forms.HiddenInput)
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, actions=(), **kwargs):
        """`actions`: the codes the branch's events carry; the list shows each in plain words."""
        super().__init__(*args, **kwargs)
        labelled = sorted(((a, AuditAction.label_of(a)) for a in actions), key=lambda choice: choice[1].lower())
        self.fields["action"].choices = [("", "All actions"), *labelled]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end date must be on or after the start date.")
        return data


# --- meetings ---

LOCAL_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class MeetingForm(forms.Form):
    """Times are typed in the branch's local time: the view activates the
    branch's time zone before binding, so Django makes them aware in it."""

    title = forms.CharField(label="Title", max_length=200)
    kind = forms.ChoiceField(label="Kind of meeting")
    starts_at = forms.DateTimeField(label="Starts", widget=LOCAL_DATETIME)
    ends_at = forms.DateTimeField(label="Ends", required=False, widget=LOCAL_DATETIME)
    location = forms.CharField(label="Place", max_length=200, required=False, help_text="Address or room.")
    online_link = forms.URLField(
        label="Online link", required=False, assume_scheme="https", help_text="For a meeting people can join online."
    )
    agenda = forms.CharField(
        label="Agenda", required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Markdown: one item per line starting with “1.”; **bold**, [links](https://…).",
    )  # fmt: skip
    description = forms.CharField(
        label="Description", required=False, widget=forms.Textarea(attrs={"rows": 4}), help_text="Markdown."
    )
    attendance_rule = forms.ModelChoiceField(label="Who may attend", queryset=None, required=False)
    voting_rule = forms.ModelChoiceField(
        label="Who may vote", queryset=None, required=False, empty_label="Everyone who may attend"
    )
    eligibility_date = forms.DateField(
        label="Eligibility date",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Rules are checked as on this date. Leave empty to use the meeting’s own date.",
    )
    quorum = forms.IntegerField(label="Quorum: number of people", required=False, min_value=0)
    quorum_percent = forms.DecimalField(
        label="Quorum: percentage of those eligible to vote",
        required=False,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
    )
    quorum_combine = forms.ChoiceField(label="With both, the quorum is", required=False)
    capacity = forms.IntegerField(
        label="Capacity", required=False, min_value=0, help_text="How many the room holds. Leave empty for no limit."
    )

    def __init__(self, *args, branch, creating: bool, kind_defaults: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import MeetingKind, QuorumCombine

        self.fields["kind"].choices = MeetingKind.choices
        self.fields["quorum_combine"].choices = QuorumCombine.choices
        for name in ("attendance_rule", "voting_rule"):
            self.fields[name].queryset = branch.rules.order_by("name")
        rule = self.fields["attendance_rule"]
        if creating:
            rule.empty_label = "The usual rule for the kind"
            usual = "; ".join(
                f"{MeetingKind(k).label}: {r.name if r else 'anyone'}" for k, r in (kind_defaults or {}).items()
            )
            rule.help_text = f"Usual rules — {usual}."
        else:
            rule.empty_label = "Anyone (no rule)"

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] < data["starts_at"]:
            self.add_error("ends_at", "The meeting cannot end before it starts.")
        if not data.get("quorum_combine"):
            data["quorum_combine"] = "greater"
        return data


class DuplicateMeetingForm(forms.Form):
    starts_at = forms.DateTimeField(label="New date and start time", widget=LOCAL_DATETIME)


class CancelMeetingForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Invitees who agreed to email are told, with this reason.",
    )


class ReopenMeetingForm(forms.Form):
    reason = forms.CharField(
        label="Why reopen it?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept in the audit log. Its figures count live again until you close it once more.",
    )


class KindDefaultsForm(forms.Form):
    def __init__(self, *args, branch, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import MeetingKind

        for kind, label in MeetingKind.choices:
            self.fields[kind] = forms.ModelChoiceField(
                label=label,
                queryset=branch.rules.order_by("name"),
                required=False,
                empty_label="Anyone (no rule)",
                initial=current.get(kind),
            )


class InterestForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=200)
    email = forms.EmailField(label="Email address")
    consent_email = forms.BooleanField(
        label="The organisers may email me about meetings", required=True,
        error_messages={"required": "Tick the box so the organisers may email you; they cannot reply otherwise."},
    )  # fmt: skip
    # A honeypot: hidden by CSS; people leave it empty, form-filling robots do not.
    website = forms.CharField(label="Leave this empty", required=False)
