"""Votes: a question put to a meeting, who was entitled when it opened, who
voted and — kept apart for a secret vote — how.

Secrecy (CONTRACT.md §6): a secret vote's choices are Ballot rows carrying
only the vote and the choice: no person, no time, a random UUID key (no
autoincrement whose order would follow VotedMark's). Closing the vote
rewrites its ballots in a random order (services.votes.close_vote), so
neither the table's physical order nor PostgreSQL's xmin follows the order
people voted in."""

import uuid

from django.conf import settings
from django.db import models

from ..counting.thresholds import THRESHOLDS
from .meetings import Meeting
from .motions import Motion
from .people import Person
from .standing_orders import QuestionKind


class VoteMethod(models.TextChoices):
    SECRET = "secret", "Secret ballot"
    NAMED = "named", "Named vote"
    SHOW_OF_HANDS = "show_of_hands", "Show of hands"


class VoteStatus(models.TextChoices):
    DRAFT = "draft", "Not yet open"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Choice(models.TextChoices):
    FOR = "for", "For"
    AGAINST = "against", "Against"
    ABSTAIN = "abstain", "Abstain"


class VoteResult(models.TextChoices):
    CARRIED = "carried", "Carried"
    LOST = "lost", "Lost"


class Vote(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="votes")
    question = models.CharField(max_length=500)
    motion = models.ForeignKey(Motion, on_delete=models.PROTECT, null=True, blank=True, related_name="votes")
    method = models.CharField(max_length=16, choices=VoteMethod.choices)
    kind = models.CharField(max_length=20, choices=QuestionKind.choices, default=QuestionKind.MOTION)
    threshold = models.CharField(max_length=24, choices=list(THRESHOLDS.items()))
    status = models.CharField(max_length=8, choices=VoteStatus.choices, default=VoteStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    override_reason = models.TextField(blank=True, help_text="Why it opened although the meeting was not quorate.")
    quorum_at_open = models.JSONField(default=dict, blank=True)
    # A show of hands: the counts the chair entered.
    tally_for = models.PositiveIntegerField(null=True, blank=True)
    tally_against = models.PositiveIntegerField(null=True, blank=True)
    tally_abstain = models.PositiveIntegerField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The result, computed at close by groups.counting.thresholds, never typed.
    votes_for = models.PositiveIntegerField(null=True, blank=True)
    votes_against = models.PositiveIntegerField(null=True, blank=True)
    abstain = models.PositiveIntegerField(null=True, blank=True)
    entitled = models.PositiveIntegerField(null=True, blank=True)
    voted = models.PositiveIntegerField(null=True, blank=True)
    base = models.PositiveIntegerField(null=True, blank=True)
    needed = models.PositiveIntegerField(null=True, blank=True)
    casting_vote = models.CharField(max_length=8, blank=True)
    result = models.CharField(max_length=8, choices=VoteResult.choices, blank=True)
    explanation = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["meeting", "status"], name="vote_meeting_status")]

    def __str__(self) -> str:
        return self.question


class VoteEntitlement(models.Model):
    """Who was checked in and admitted by the voting rule when the vote opened:
    someone who arrives later is not in this vote.

    Kept true while the vote is open: leaving or having the check-in undone
    sets withdrawn_at (groups.services.attendance, in the same transaction),
    and checking in again clears it when the rules still admit them — so a
    ballot needs only "is there a live entitlement and is the vote open"
    (groups/sql/votes.py). The row itself stays: it is the snapshot that the
    count of those entitled ("143 of 160") and the result's base are taken
    from."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="entitlements")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(
        null=True, blank=True, help_text="When they left or their check-in was undone while the vote was open."
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["vote", "person"], name="one_entitlement_per_vote_person")]

    def __str__(self) -> str:
        return f"{self.person} may vote on {self.vote}"


class VotedMark(models.Model):
    """That a person voted (one per vote and person: the database refuses a
    second). A named vote keeps the choice here; a secret one never does."""

    # Its own index, though the unique (vote, person) one starts with it: PostgreSQL's generic
    # plan for a prepared count by vote (the ballot's progress) costs the wider index above a scan
    # of the whole table, and scans it (bench/RESULTS.md, 4 Dec 2026).
    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="marks")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    cast_at = models.DateTimeField()
    named_choice = models.CharField(max_length=8, choices=Choice.choices, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["vote", "person"], name="one_ballot_per_vote_person")]

    def __str__(self) -> str:
        return f"{self.person} voted on {self.vote}"


class Ballot(models.Model):
    """How someone voted in a secret vote, and nothing that says who."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="ballots")
    choice = models.CharField(max_length=8, choices=Choice.choices)

    def __str__(self) -> str:
        return "A secret ballot"  # never who
