"""The door: search results with Decisions, check-ins (Attendance), quorum."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ...models import Attendance, Person
from .base import CharField, PrimaryKeyRelatedField
from .rules import DecisionSerializer


class DoorQuerySerializer(serializers.Serializer):
    q = CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="Start of a first or last name (or both), an exact membership number, email or postcode.",
    )


class DoorMembershipSerializer(serializers.Serializer):
    category = serializers.CharField(help_text="The category's slug.")
    name = serializers.CharField(help_text="The category's name.")
    status = serializers.CharField()


class DoorResultSerializer(serializers.Serializer):
    """Built from groups.queries.door.door_cards."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    categories = DoorMembershipSerializer(many=True, help_text="Their memberships: category and status.")
    decision = DecisionSerializer(help_text="Their Decision under the meeting's attendance rule.")
    attendance = serializers.IntegerField(allow_null=True, help_text="Their check-in's id; null when not in.")
    checked_in_at = serializers.DateTimeField(allow_null=True, help_text="When they were checked in; null when not.")

    def to_representation(self, card):
        person, attendance = card["person"], card["attendance"]
        return {
            "id": person.pk,
            "name": str(person),
            "categories": [
                {"category": m.category_slug, "name": m.category_name, "status": m.status} for m in card["memberships"]
            ],
            "decision": card["decision"].as_dict(),
            "attendance": attendance.pk if attendance else None,
            "checked_in_at": serializers.DateTimeField().to_representation(attendance.checked_in_at)
            if attendance
            else None,
        }


class DoorSearchSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="How many people are in results (at most 10).")
    next = serializers.CharField(allow_null=True, help_text="Always null: the search is capped, not paged.")
    previous = serializers.CharField(allow_null=True, help_text="Always null.")
    results = DoorResultSerializer(many=True)
    close_matches = serializers.BooleanField(
        help_text="True when nobody matched exactly and results are names close to q (mistyped by a letter or "
        "two), best first; false otherwise."
    )


class AttendanceSerializer(serializers.ModelSerializer):
    person = serializers.IntegerField(source="person_id", allow_null=True, read_only=True)
    checked_in_by = serializers.SerializerMethodField(help_text="The email of who checked them in; null if unknown.")
    decision = serializers.SerializerMethodField(
        help_text="The attendance rule's Decision at check-in; null for guests."
    )

    class Meta:
        model = Attendance
        fields = [
            "id",
            "person",
            "guest_name",
            "checked_in_at",
            "checked_in_by",
            "decision",
            "override_reason",
            "left_at",
        ]
        read_only_fields = fields

    def get_checked_in_by(self, attendance) -> str | None:
        user = attendance.checked_in_by
        return user.email if user is not None else None

    @extend_schema_field(DecisionSerializer(allow_null=True))
    def get_decision(self, attendance) -> dict | None:
        return attendance.decision or None


class UndoneAttendanceSerializer(AttendanceSerializer):
    """A check-in after it was undone: the row stays, with who undid it, when and why."""

    undone_by = serializers.SerializerMethodField(help_text="The email of who undid it; null if unknown.")

    class Meta(AttendanceSerializer.Meta):
        fields = [*AttendanceSerializer.Meta.fields, "undone_at", "undone_by", "undo_reason"]
        read_only_fields = fields

    def get_undone_by(self, attendance) -> str | None:
        user = attendance.undone_by
        return user.email if user is not None else None


class UndoSerializer(serializers.Serializer):
    reason = CharField(max_length=500, help_text="Why the check-in is undone (recorded with your name).")


class CheckInSerializer(serializers.Serializer):
    person = PrimaryKeyRelatedField(
        queryset=Person.objects.none(),
        required=False,
        allow_null=True,
        help_text="A person of this branch (id). Give this, or guest_name.",
        error_messages={"does_not_exist": "There is no person {pk_value} in this branch."},
    )
    override_reason = CharField(
        required=False,
        allow_blank=True,
        max_length=500,
        help_text="Why someone the attendance rule does not admit is let in anyway "
        "(organisers; stewards where the branch allows).",
    )
    guest_name = CharField(
        required=False, allow_blank=True, max_length=200, help_text="A walk-in guest: counts as an observer."
    )
    guest_email = CharField(required=False, allow_blank=True, max_length=254)
    simulate = serializers.BooleanField(
        required=False, default=False, help_text="Answer what would happen for this person; write nothing."
    )
    nonce = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text="A door device's own id for this check-in (CONTRACT §9): the same nonce again is the same "
        "check-in (200 with the first).",
    )
    checked_in_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="With a nonce: when it happened on the device, within the meeting's day (else 400).",
    )
    device = CharField(required=False, allow_blank=True, max_length=100, help_text="With a nonce: the device's name.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        branch = self.context.get("branch")
        if branch is not None:
            self.fields["person"].queryset = Person.objects.filter(branch=branch)
        if self.context.get("people") is not None:  # a batch: its people read at once (branch_people)
            person = self.fields["person"]
            self.fields["person"] = PreloadedPersonField(
                self.context["people"], required=False, allow_null=True, error_messages=person.error_messages
            )

    def validate(self, data):
        person, guest = data.get("person"), (data.get("guest_name") or "").strip()
        if person is None and not guest:
            raise serializers.ValidationError({"person": ["Give a person's id, or a guest_name for a guest."]})
        if person is not None and guest:
            raise serializers.ValidationError({"guest_name": ["Give a person or a guest, not both."]})
        if person is None and data.get("override_reason"):
            raise serializers.ValidationError({"override_reason": ["Guests need no override."]})
        if person is None and data.get("simulate"):
            raise serializers.ValidationError({"simulate": ["Simulate a person's check-in: give their id."]})
        if person is not None and data.get("guest_email"):
            raise serializers.ValidationError({"guest_email": ["Only guests have a guest_email."]})
        if data.get("nonce") is None:
            for field in ("checked_in_at", "device"):
                if data.get(field):
                    raise serializers.ValidationError({field: [f"{field} comes with a nonce."]})
        else:
            if person is None:
                raise serializers.ValidationError({"nonce": ["A device's check-in is of a person: give their id."]})
            if data.get("simulate"):
                raise serializers.ValidationError({"simulate": ["Simulate without a nonce: nothing is sent."]})
            if data.get("checked_in_at") is None:
                raise serializers.ValidationError({"checked_in_at": ["Give when it happened on the device."]})
        return data


class PreloadedPersonField(PrimaryKeyRelatedField):
    """The person field's checks and messages, against the people a batch names,
    read for the whole batch in one query rather than one per item."""

    def __init__(self, people: dict, **kwargs):
        self.people = people
        super().__init__(read_only=False, queryset=Person.objects.none(), **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or (isinstance(data, float) and not data.is_integer()):
            self.fail("incorrect_type", data_type=type(data).__name__)
        pk = batch_person_id(data)
        if pk is None:
            self.fail("incorrect_type", data_type=type(data).__name__)
        if pk not in self.people:
            self.fail("does_not_exist", pk_value=data)
        return self.people[pk]


def batch_person_id(value) -> int | None:
    """An item's person id as the database would read it, or None."""
    if isinstance(value, bool):
        return None
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk < 2**63 else None


def branch_people(branch, items: list[dict]) -> dict:
    """The branch's people a batch's items name, by id (one query)."""
    ids = {pk for pk in (batch_person_id(item.get("person")) for item in items) if pk is not None}
    return Person.objects.filter(branch=branch).in_bulk(ids)


class ScanSerializer(serializers.Serializer):
    """A door device's check-in (groups.models.DoorScan)."""

    nonce = serializers.UUIDField()
    outcome = serializers.ChoiceField(
        choices=["in", "duplicate", "review"],
        help_text="in: this check-in holds the attendance; duplicate: the person was in already (the earlier "
        "time is kept); review: refused now, kept for an organiser to review.",
    )
    scanned_at = serializers.DateTimeField()
    device = serializers.CharField()
    undone_at = serializers.DateTimeField(allow_null=True)


class SyncedCheckInSerializer(AttendanceSerializer):
    # Not read_only: a read-only field is required in the schema, and only nonce check-ins have one.
    scan = ScanSerializer(required=False, help_text="With a nonce only: the device's check-in.")

    class Meta(AttendanceSerializer.Meta):
        fields = [*AttendanceSerializer.Meta.fields, "scan"]
        read_only_fields = fields


class ReviewSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(help_text="kept_for_review")
    decision = DecisionSerializer(required=False)
    scan = ScanSerializer()


class UndoScanSerializer(serializers.Serializer):
    nonce = serializers.UUIDField(help_text="The device's check-in to undo.")
    reason = CharField(max_length=500, help_text="Why the check-in is undone (recorded with your name).")


class SimulatedCheckInSerializer(serializers.Serializer):
    simulated = serializers.BooleanField(help_text="Always true: nothing was written.")
    outcome = serializers.ChoiceField(choices=["check_in", "already_in", "refused"])
    code = serializers.CharField(required=False, help_text="Why refused: not_eligible, override_not_allowed, …")
    detail = serializers.CharField(required=False)
    decision = DecisionSerializer(allow_null=True, help_text="The attendance Decision (null if none was made).")
    may_vote = serializers.BooleanField()
    override = serializers.BooleanField(required=False, help_text="Would be let in by override.")


class QuorumSerializer(serializers.Serializer):
    eligible = serializers.IntegerField(
        help_text="People the attendance rule and the voting rule admit (no voting rule: all who may attend)."
    )
    present = serializers.IntegerField(help_text="Everyone checked in and not gone, guests included.")
    present_eligible = serializers.IntegerField(help_text="Present and admitted by the voting rule.")
    quorum = serializers.IntegerField(help_text="The number needed (0 when no quorum is set).")
    quorate = serializers.BooleanField()
    guests = serializers.IntegerField(help_text="Guests present (never counted towards quorum).")


class RefusalSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(required=False, help_text="not_eligible, override_not_allowed, meeting_cancelled, …")
    decision = DecisionSerializer(required=False, help_text="The Decision that refused them.")


class DoorListMeetingSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(allow_null=True)
    keep_until = serializers.DateTimeField(help_text="The device wipes its copy after this (24 h after the end).")
    status = serializers.CharField()
    closed = serializers.BooleanField()


class DoorListPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    numbers = serializers.ListField(child=serializers.CharField(), help_text="Their membership numbers.")
    postcode = serializers.CharField()
    category = serializers.CharField(help_text="The category shown on their card.")
    decision = DecisionSerializer(help_text="Their Decision under the attendance rule.")
    may_vote = serializers.BooleanField(help_text="Whether the voting rule admits them (for quorum).")
    checked_in_at = serializers.DateTimeField(allow_null=True, help_text="When they were checked in; null if not.")
    here_may_vote = serializers.BooleanField(help_text="Checked in and counted for quorum.")
    qr = serializers.CharField(
        help_text="The first 8 characters of the signature of their personal QR code for this meeting "
        "(…/door/p/{meeting}.{person}:{signature}/): a device scanning offline checks a badge against it."
    )


class DoorListSerializer(serializers.Serializer):
    meeting = DoorListMeetingSerializer()
    quorum = QuorumSerializer()
    generated_at = serializers.DateTimeField()
    count = serializers.IntegerField()
    people = DoorListPersonSerializer(many=True)


# A device's queue sent at once (CONTRACT §9, POST checkins/batch/): one request, not one per check-in.
MAX_BATCH = 200


class DeviceCheckInSerializer(serializers.Serializer):
    """One item of a batch, its shape only: an item not of this shape makes the batch a 400. Its
    meaning (the person, the time, the nonce) is then read as POST checkins/ reads it, item by item."""

    person = serializers.IntegerField(help_text="A person of this branch (id).")
    nonce = serializers.UUIDField(help_text="The device's own id for this check-in.")
    checked_in_at = serializers.DateTimeField(help_text="When it happened on the device, within the meeting's day.")
    device = CharField(required=False, allow_blank=True, max_length=100, help_text="The device's name.")
    override_reason = CharField(required=False, allow_blank=True, max_length=500)


class CheckInBatchSerializer(serializers.Serializer):
    items = DeviceCheckInSerializer(
        many=True,
        allow_empty=False,
        max_length=MAX_BATCH,
        help_text=f"1 to {MAX_BATCH} device check-ins, in the device's order.",
        error_messages={"max_length": f"Send at most {MAX_BATCH} check-ins at once; send the rest in another batch."},
    )


class BatchResultSerializer(serializers.Serializer):
    status = serializers.IntegerField(
        help_text="What POST checkins/ would have answered for this item alone: 201, 200, 202, 400, 403, 409."
    )
    nonce = serializers.UUIDField(allow_null=True, help_text="The item's nonce (null when it had no valid one).")
    body = serializers.JSONField(help_text="The answer POST checkins/ would have given for this item alone.")


class CheckInBatchResultSerializer(serializers.Serializer):
    results = BatchResultSerializer(many=True, help_text="One per item, in the items' order.")
