"""Elections, nominations, ballots and results (issue 13; CONTRACT.md §7; docs/API.md)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ... import counting
from ...models import BallotMode, Election, Meeting, Person, Position, Rule
from .base import CharField


class ElectionConstraintSerializer(serializers.Serializer):
    label = CharField(required=False, allow_blank=True, max_length=60, help_text="What the group is, e.g. women.")
    rule = serializers.IntegerField(
        required=False, allow_null=True, help_text="The group: nominees this rule admits on the election date."
    )
    people = serializers.ListField(
        child=serializers.IntegerField(), required=False, max_length=200, help_text="Or the group: these people."
    )
    min = serializers.IntegerField(required=False, default=0, min_value=0, max_value=100)
    max = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=100)


class ElectionSerializer(serializers.ModelSerializer):
    positions = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=Position.objects.none(), help_text="Position ids; winners take office."
    )
    title = CharField(max_length=200)
    seats = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=100, help_text="Default: the positions' seats."
    )
    method = serializers.ChoiceField(choices=counting.METHODS, help_text="How the ballots are counted.")
    voting_rule = serializers.PrimaryKeyRelatedField(
        queryset=Rule.objects.none(), allow_null=True, required=False, help_text="Who may vote; null: everyone."
    )
    constraints = ElectionConstraintSerializer(many=True, required=False)
    if_unmet = serializers.ChoiceField(choices=[(v, v) for v in counting.IF_UNMET], required=False, default="vacant")
    ballot_mode = serializers.ChoiceField(choices=BallotMode.choices, required=False, default=BallotMode.ONLINE)
    meeting = serializers.PrimaryKeyRelatedField(queryset=Meeting.objects.none(), allow_null=True, required=False)
    nominees = serializers.SerializerMethodField()

    class Meta:
        model = Election
        fields = [
            "id", "title", "positions", "seats", "method", "voting_rule", "constraints", "if_unmet", "election_on",
            "nominations_open_at", "nominations_close_at", "ballot_mode", "meeting", "ballot_opens_at",
            "ballot_closes_at", "freeze_on", "status", "nominations_closed_at", "declared_at", "ballots_cast",
            "nominees",
        ]  # fmt: skip
        read_only_fields = ["id", "status", "nominations_closed_at", "declared_at", "ballots_cast"]
        extra_kwargs = {
            "nominations_open_at": {"required": False, "allow_null": True},
            "nominations_close_at": {"required": False, "allow_null": True},
            "ballot_opens_at": {"required": False, "allow_null": True},
            "ballot_closes_at": {"required": False, "allow_null": True},
            "freeze_on": {"required": False, "allow_null": True},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        branch = self.context.get("branch")
        if branch is not None:
            self.fields["positions"].child_relation.queryset = Position.objects.filter(branch=branch)
            self.fields["voting_rule"].queryset = Rule.objects.filter(branch=branch)
            self.fields["meeting"].queryset = Meeting.objects.filter(branch=branch)

    def get_nominees(self, election) -> int:
        annotated = getattr(election, "nominees", None)  # the list's annotation: no query per row
        return election.nominations.count() if annotated is None else annotated


class NominatorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class NominationSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    person = serializers.IntegerField(source="person_id", read_only=True)
    name = serializers.SerializerMethodField()
    nominators = serializers.SerializerMethodField()
    status = serializers.CharField(read_only=True, help_text="nominated, standing, refused, withdrawn or lapsed")
    consent = serializers.CharField(
        read_only=True,
        help_text="The nominee's consent: self (nominated themselves), awaiting (someone else nominated them; it "
        "lapses at the close unless they accept), accepted, recorded (by an organiser, with consent_note) or "
        "declined (the nomination is withdrawn).",
    )
    consent_at = serializers.DateTimeField(read_only=True, allow_null=True)
    consent_note = serializers.CharField(read_only=True, help_text="How the nominee agreed, as an organiser noted.")
    decision = serializers.JSONField(
        read_only=True, help_text="The holder rule's Decision at the close of nominations: eligible and reasons."
    )
    elected = serializers.BooleanField(read_only=True)
    nominated_at = serializers.DateTimeField(read_only=True)
    withdrawn_at = serializers.DateTimeField(read_only=True, allow_null=True)

    def get_name(self, nomination) -> str:
        return str(nomination.person)

    @extend_schema_field(NominatorSerializer(many=True))
    def get_nominators(self, nomination) -> list[dict]:
        return [{"id": p.pk, "name": str(p)} for p in nomination.nominators.all()]


class NominateSerializer(serializers.Serializer):
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.none(), help_text="The nominee.")
    nominators = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Person.objects.none(), help_text="Eligible voters who nominate them (at least one)."
    )
    consented = serializers.BooleanField(
        required=False, default=False,
        help_text="The nominee agreed to stand (give consent_note). Otherwise the nomination awaits their consent.",
    )  # fmt: skip
    consent_note = CharField(
        required=False, allow_blank=True, max_length=300, help_text="How they agreed, e.g. signed the form."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        branch = self.context.get("branch")
        if branch is not None:
            people = Person.objects.filter(branch=branch, erased_at__isnull=True)
            self.fields["person"].queryset = people
            self.fields["nominators"].child_relation.queryset = people


class ElectionBallotSerializer(serializers.Serializer):
    ranking = serializers.ListField(
        child=serializers.IntegerField(),
        max_length=200,
        help_text="Nomination ids: in order of preference (irv, scottish_stv, meek_stv), or the ones marked "
        "(fptp: one; block: up to the seats).",
    )


class CandidateSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The nomination's id, as a ballot names it.")
    name = serializers.CharField()


class ElectionDetailSerializer(ElectionSerializer):
    candidates = serializers.SerializerMethodField(help_text="On the ballot paper once nominations have closed.")

    class Meta(ElectionSerializer.Meta):
        fields = [*ElectionSerializer.Meta.fields, "candidates"]

    @extend_schema_field(CandidateSerializer(many=True))
    def get_candidates(self, election) -> list[dict]:
        return self.context.get("candidates", [])


class ElectionResultSerializer(serializers.Serializer):
    method = serializers.CharField(required=False)
    seats = serializers.IntegerField(required=False)
    valid_ballots = serializers.IntegerField(required=False)
    quota = serializers.CharField(allow_null=True, required=False)
    elected = serializers.ListField(child=serializers.CharField())
    stages = serializers.ListField(child=serializers.DictField(), required=False)
    seed = serializers.CharField(required=False)
    ballots_sha256 = serializers.CharField(required=False)
    uncontested = serializers.BooleanField(required=False)
    vacant_seats = serializers.IntegerField(required=False)
    constraints = serializers.ListField(child=serializers.DictField(), required=False)
    if_unmet = serializers.CharField(required=False, allow_null=True, help_text="vacant or anyone, with constraints")
    notes = serializers.ListField(
        child=serializers.CharField(), required=False,
        help_text="What the constraints did, e.g. a minimum nobody standing could meet and the seat left vacant.",
    )  # fmt: skip


class NominationTimesSerializer(serializers.Serializer):
    nominations_open_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="Nominations open by themselves then (before they have opened)."
    )
    nominations_close_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="Nominations close by themselves then (the close's checks)."
    )


class ConsentNoteSerializer(serializers.Serializer):
    consent_note = CharField(max_length=300, help_text="How the nominee agreed, e.g. signed the nomination form.")
