"""Minutes and the decisions register through the API (docs/API.md)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ...templatetags.meetings_tags import render_minutes


class ApprovedAtSerializer(serializers.Serializer):
    meeting = serializers.IntegerField(help_text="The later meeting that approved them.")
    title = serializers.CharField()
    item = serializers.IntegerField(allow_null=True, help_text="Its agenda item (null if since removed).")


class MinutesSerializer(serializers.Serializer):
    meeting = serializers.IntegerField(source="meeting_id")
    status = serializers.ChoiceField(choices=["draft", "approved"])
    version = serializers.IntegerField(help_text="Send it back with an edit: a newer one means someone saved since.")
    text = serializers.CharField(help_text="Markdown source.")
    html = serializers.SerializerMethodField(help_text="The text rendered to sanitised HTML.")
    generated_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)
    approved_at = serializers.DateTimeField(allow_null=True)
    approved_at_meeting = serializers.SerializerMethodField()

    def get_html(self, minutes) -> str:
        return render_minutes(minutes.text)

    @extend_schema_field(ApprovedAtSerializer(allow_null=True))
    def get_approved_at_meeting(self, minutes):
        later = minutes.approved_at_meeting
        if later is None:
            return None
        return {"meeting": later.pk, "title": later.title, "item": minutes.approved_item_id}


class MinutesEditSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=100_000, trim_whitespace=False)
    version = serializers.IntegerField(min_value=1, max_value=2_147_483_647)


class MinutesDraftSerializer(serializers.Serializer):
    replace = serializers.BooleanField(
        default=False, help_text="Draft again over an existing draft, edits included (409 minutes_exist without)."
    )


class MinutesApproveSerializer(serializers.Serializer):
    item = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text='The later meeting\'s agenda item ("Minutes of the last meeting").'
    )


class CarriedVoteSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    method = serializers.CharField()
    votes_for = serializers.IntegerField(allow_null=True)
    against = serializers.IntegerField(source="votes_against", allow_null=True)
    abstain = serializers.IntegerField(allow_null=True)
    entitled = serializers.IntegerField(allow_null=True)
    voted = serializers.IntegerField(allow_null=True)
    threshold = serializers.CharField()
    needed = serializers.IntegerField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)


class CarriedMotionSerializer(serializers.Serializer):
    motion = serializers.IntegerField(source="pk")
    meeting = serializers.IntegerField(source="meeting_id")
    meeting_title = serializers.CharField(source="meeting.title")
    date = serializers.SerializerMethodField(help_text="The meeting's date where the branch meets.")
    text = serializers.CharField(help_text="The motion as finally carried (amendments applied).")
    kind = serializers.CharField()
    mover = serializers.SerializerMethodField()
    seconder = serializers.SerializerMethodField()
    vote = serializers.SerializerMethodField()

    def get_date(self, motion) -> str:
        return self.context["branch"].local_date(motion.meeting.starts_at).isoformat()

    def get_mover(self, motion) -> str | None:
        return motion.mover.full_name if motion.mover_id else None

    def get_seconder(self, motion) -> str | None:
        return motion.seconder.full_name if motion.seconder_id else None

    @extend_schema_field(CarriedVoteSerializer(allow_null=True))
    def get_vote(self, motion):
        votes = getattr(motion, "carried_votes", None)
        return CarriedVoteSerializer(votes[0]).data if votes else None


class RegisterQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=200, help_text="Words in the motion.")
    since = serializers.DateField(required=False, help_text="Meetings on or after this date.")
    until = serializers.DateField(required=False, help_text="Meetings on or before this date.")

    def validate(self, data):
        # DRF lets an empty date through as "not given"; the schema says a date.
        empty = {
            name: ["Give a date (YYYY-MM-DD)."] for name in ("since", "until") if self.initial_data.get(name) == ""
        }
        if empty:
            raise serializers.ValidationError(empty)
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise serializers.ValidationError({"until": ["The end date must be on or after the start date."]})
        return data
