"""Members' own nominations and the tellers' paper ballots (issue 13;
docs/API.md "§7 extended: elections")."""

from rest_framework import serializers

from .base import CharField
from .elections import CandidateSerializer, NominationSerializer
from .rules import DecisionSerializer


class NomineeSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The nomination's id.")
    name = serializers.CharField()
    status = serializers.CharField()


class MyNominationSerializer(serializers.Serializer):
    election = serializers.IntegerField()
    open = serializers.BooleanField(help_text="Nominations are open now.")
    may_nominate = DecisionSerializer(help_text="Whether you may nominate: an eligible voter in the election.")
    others_may_nominate = serializers.BooleanField(
        help_text="You may nominate another member too (every position of the election allows it)."
    )
    nomination = NominationSerializer(allow_null=True, help_text="Your own nomination, if any, with the Decision "
                                      "on the holder rules once nominations have closed.")  # fmt: skip
    nominated = NomineeSerializer(many=True, help_text="The others you nominated.")


class MemberNomineeSerializer(serializers.Serializer):
    number = CharField(max_length=40, help_text="The member's membership number.")
    last_name = CharField(max_length=100, help_text="The member's surname, as the branch has it.")


class PapersSerializer(serializers.Serializer):
    papers = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField(), max_length=200, allow_empty=True),
        max_length=20000,
        help_text="Each paper as the candidates' numbers on it (1 = the first on the paper): in order of preference "
        "for a ranked method, the ones marked otherwise; [] for a paper with no valid mark. Paper n of the list "
        "is paper n of the pile.",
    )


class TellerEntrySummarySerializer(serializers.Serializer):
    teller = serializers.CharField()
    mine = serializers.BooleanField(help_text="Your own entry.")
    papers = serializers.IntegerField(help_text="How many papers this teller entered.")
    entered_at = serializers.DateTimeField()


class MismatchSerializer(serializers.Serializer):
    paper = serializers.IntegerField(help_text="The paper's place in the pile, from 1.")
    first = serializers.ListField(
        child=serializers.IntegerField(), allow_null=True, help_text="The first entry's reading; null: it lacks one."
    )
    second = serializers.ListField(child=serializers.IntegerField(), allow_null=True)


class AgreedSerializer(serializers.Serializer):
    papers = serializers.IntegerField()
    blank = serializers.IntegerField(help_text="Papers with no valid mark (invalid in the count).")


class TellersSerializer(serializers.Serializer):
    election = serializers.IntegerField()
    status = serializers.CharField(help_text="The election's status: ballot while the papers are entered.")
    candidates = CandidateSerializer(many=True, help_text="The candidates, numbered as on the paper (id = number).")
    entries = TellerEntrySummarySerializer(many=True, help_text="The first two tellers' entries, in order.")
    mine = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField()), allow_null=True,
        help_text="Your own entry's papers (the other teller's only show where they differ).",
    )  # fmt: skip
    agree = serializers.BooleanField(allow_null=True, help_text="null until two tellers have entered the papers.")
    mismatches = MismatchSerializer(many=True, help_text="Every paper on which the two entries differ.")
    agreed = AgreedSerializer(allow_null=True, help_text="Once the entries agree: the papers to be counted.")
    papers_accepted_at = serializers.DateTimeField(allow_null=True)
    result = serializers.DictField(allow_null=True, help_text="The count (as …/result/ gives it) once declared.")
