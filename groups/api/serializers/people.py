"""People and their memberships (CONTRACT.md §4). The serializers check only
the shape of what was sent (text is text, dates are dates); everything else —
normalising phones and postcodes, unique emails and numbers, categories of
this branch — is groups.services.people's job (a person's fields through
groups.cleaning.clean_person, as for the pages, the door and the import), whose
field errors come back as
{"email": [...], "memberships.0.category": [...]}."""

from rest_framework import serializers

from ...cleaning import PERSON_FIELDS
from ...models import MembershipStatus, Person
from .base import CharField, OptionalBooleanField, OptionalChoiceField

MAX_MEMBERSHIPS = 50


class MembershipSerializer(serializers.Serializer):
    id = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text="Read-only on create. On update: give the id to keep (and change) that membership; "
        "a membership without an id is added.",
    )
    category = CharField(max_length=60, help_text="The category's slug, e.g. party-member.")
    number = CharField(max_length=40, required=False, allow_blank=True, default="")
    status = OptionalChoiceField(choices=MembershipStatus.choices, required=False, default=MembershipStatus.ACTIVE)
    started_on = serializers.DateField()
    continuous_since = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The start of unbroken membership, when the party's list reports one earlier than started_on.",
    )
    ended_on = serializers.DateField(required=False, allow_null=True, default=None)
    dues_paid_until = serializers.DateField(required=False, allow_null=True, default=None)

    def to_representation(self, membership):
        return {
            "id": membership.pk,
            "category": membership.category.slug,
            "number": membership.number,
            "status": membership.status,
            "started_on": membership.started_on.isoformat(),
            "continuous_since": membership.continuous_since.isoformat() if membership.continuous_since else None,
            "ended_on": membership.ended_on.isoformat() if membership.ended_on else None,
            "dues_paid_until": membership.dues_paid_until.isoformat() if membership.dues_paid_until else None,
        }


class PersonSerializer(serializers.ModelSerializer):
    first_name = CharField(max_length=100, required=False, allow_blank=True)
    last_name = CharField(max_length=100, required=False, allow_blank=True)
    email = CharField(
        max_length=254, required=False, allow_blank=True, help_text="Unique in the branch (ignoring case)."
    )
    phone = CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        help_text="Any common UK or international form; stored and shown in E.164 (+447700900123).",
    )
    postcode = CharField(max_length=10, required=False, allow_blank=True, help_text="A UK postcode; stored as N15 4AB.")
    ward = CharField(max_length=100, required=False, allow_blank=True)
    notes = CharField(max_length=5000, required=False, allow_blank=True)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    consent_email = OptionalBooleanField(required=False)
    consent_phone = OptionalBooleanField(required=False)
    memberships = MembershipSerializer(
        many=True,
        required=False,
        max_length=MAX_MEMBERSHIPS,
        help_text="On create: the person's memberships. On PATCH: when given, the full new set — "
        "entries with an id keep and update that membership, entries without one are added, "
        "and the person's other memberships are removed; leave it out to keep them as they are.",
    )

    class Meta:
        model = Person
        fields = ["id", *PERSON_FIELDS, "memberships"]
        read_only_fields = ["id"]
        validators: list = []


class PersonQuerySerializer(serializers.Serializer):
    """The list's query parameters (the same search and filters as the people page)."""

    q = CharField(
        required=False, allow_blank=True, max_length=200, help_text="Name, email, membership number or postcode"
    )
    category = CharField(required=False, allow_blank=True, max_length=60, help_text="A category slug")
    status = serializers.ChoiceField(
        choices=MembershipStatus.choices,
        required=False,
        allow_blank=True,
        help_text="With category: one membership has both",
    )
    ward = CharField(required=False, allow_blank=True, max_length=100)
    consent = serializers.ChoiceField(choices=["email", "phone", "any", "none"], required=False, allow_blank=True)
    sort = serializers.ChoiceField(
        choices=["name", "-name", "joined", "-joined", "category"], required=False, allow_blank=True
    )


class DoorPersonSerializer(serializers.Serializer):
    """What a steward reads of a person (issue 15 item 5): the door fields —
    name, postcode, memberships' category, number and status. Notes, date of
    birth, phone, email and consent are the organisers' (PersonSerializer)."""

    id = serializers.IntegerField(read_only=True)
    first_name = serializers.CharField(read_only=True)
    last_name = serializers.CharField(read_only=True)
    postcode = serializers.CharField(read_only=True)
    memberships = serializers.SerializerMethodField()

    def get_memberships(self, person) -> list[dict]:
        return [{"category": m.category.slug, "number": m.number, "status": m.status} for m in person.memberships.all()]
