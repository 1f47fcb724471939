"""Elections (issue 13 item 3): for one or more positions or a delegation of
S seats. Nominations open and close; at the close each nominee is decided
against the holder rule on the election date (refused with the reasons);
uncontested elections are declared; otherwise ballots are cast at a meeting
(eligibility.voting.may_vote) or online between two times by everyone the
voting rule admits on the freeze date, and counted by groups.counting.

Secrecy as for votes (models/votes.py): ElectionVoterMark says *that* a
person voted; ElectionBallot holds *how* — a random UUID, the election and the
ranking, no person and no time — and closing rewrites the ballots in a random
order (services/elections.py close_ballot), so neither the table's physical
order nor PostgreSQL's xmin follows the order people voted in."""

import uuid

from django.conf import settings
from django.db import models

from ..counting import IF_UNMET, METHODS
from .branch import Branch
from .meetings import Meeting
from .people import Person
from .positions import Position
from .rules import Rule

METHOD_NAMES = {
    "fptp": "First past the post (one mark)",
    "block": "Block vote (a mark for each seat)",
    "irv": "Alternative vote (ranked, one seat)",
    "scottish_stv": "Single transferable vote, Scottish rules",
    "meek_stv": "Single transferable vote, Meek's method",
}
RANKED_METHODS = ("irv", "scottish_stv", "meek_stv")


class BallotMode(models.TextChoices):
    MEETING = "meeting", "At a meeting"
    ONLINE = "online", "Online, between two times"
    PAPER = "paper", "Paper ballots, entered by two tellers"


class ElectionStatus(models.TextChoices):
    DRAFT = "draft", "Not yet open for nominations"
    NOMINATIONS = "nominations", "Nominations open"
    BALLOT = "ballot", "Ballot"
    DECLARED = "declared", "Declared"


class Election(models.Model):
    branch = models.ForeignKey(Branch, on_delete=models.CASCADE, related_name="elections")
    title = models.CharField(max_length=200)
    positions = models.ManyToManyField(Position, blank=True, related_name="elections")
    seats = models.PositiveSmallIntegerField(default=1)
    method = models.CharField(max_length=16, choices=[(m, METHOD_NAMES[m]) for m in METHODS])
    voting_rule = models.ForeignKey(
        Rule, on_delete=models.PROTECT, null=True, blank=True, related_name="+", help_text="Empty: everyone."
    )
    # [{"label": str, "rule": rule id | None, "people": [person id], "min": n, "max": n | None}]:
    # the candidates of a constraint are the nominees the rule admits on the
    # election date, or those named (resolved to counting.Constraint at the count).
    constraints = models.JSONField(default=list, blank=True)
    if_unmet = models.CharField(max_length=8, choices=[(v, v) for v in IF_UNMET], default="vacant")
    election_on = models.DateField(help_text="The date nominees' eligibility is decided on and terms start.")
    nominations_open_at = models.DateTimeField(null=True, blank=True)
    nominations_close_at = models.DateTimeField(null=True, blank=True)
    ballot_mode = models.CharField(max_length=8, choices=BallotMode.choices, default=BallotMode.ONLINE)
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="elections")
    ballot_opens_at = models.DateTimeField(null=True, blank=True)
    ballot_closes_at = models.DateTimeField(null=True, blank=True)
    freeze_on = models.DateField(null=True, blank=True, help_text="An online ballot's voters: admitted on this date.")
    status = models.CharField(max_length=12, choices=ElectionStatus.choices, default=ElectionStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    nominations_closed_at = models.DateTimeField(null=True, blank=True)
    declared_at = models.DateTimeField(null=True, blank=True)
    papers_accepted_at = models.DateTimeField(null=True, blank=True)
    # The count: CountResult.as_dict() (or the uncontested declaration), the
    # seed that decided any lot, and the SHA-256 of the ballots' canonical BLT.
    result = models.JSONField(null=True, blank=True)
    seed = models.CharField(max_length=64, blank=True)
    ballots_sha256 = models.CharField(max_length=64, blank=True)
    ballots_cast = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-election_on", "-id"]
        indexes = [models.Index(fields=["branch", "status"], name="election_branch_status")]

    def __str__(self) -> str:
        return self.title

    @property
    def ranked(self) -> bool:
        return self.method in RANKED_METHODS


class NominationStatus(models.TextChoices):
    NOMINATED = "nominated", "Nominated"
    STANDING = "standing", "Standing"
    REFUSED = "refused", "Not eligible"
    WITHDRAWN = "withdrawn", "Withdrawn"
    LAPSED = "lapsed", "Lapsed: not accepted by the nominee"


class NomineeConsent(models.TextChoices):
    """Whether the nominee agreed to stand. Someone else's nomination awaits
    the nominee's own acceptance (on their account) or an organiser's record
    that they agreed, with a note of how; only a consented one stands at the
    close (an awaiting one lapses then)."""

    SELF = "self", "Nominated themselves"
    AWAITING = "awaiting", "Awaiting the nominee's consent"
    ACCEPTED = "accepted", "Accepted by the nominee"
    RECORDED = "recorded", "Consent recorded by an organiser"
    DECLINED = "declined", "Declined by the nominee"


CONSENTED = (NomineeConsent.SELF, NomineeConsent.ACCEPTED, NomineeConsent.RECORDED)


class Nomination(models.Model):
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="nominations")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="nominations")
    nominators = models.ManyToManyField(Person, related_name="nominated", blank=True)
    status = models.CharField(max_length=10, choices=NominationStatus.choices, default=NominationStatus.NOMINATED)
    nominated_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # The holder rule's Decision at the close of nominations, with its reasons.
    decision = models.JSONField(default=dict, blank=True)
    elected = models.BooleanField(default=False)
    consent = models.CharField(max_length=10, choices=NomineeConsent.choices, default=NomineeConsent.AWAITING)
    consent_at = models.DateTimeField(null=True, blank=True)
    # How an organiser knows the nominee agreed ("signed the nomination form"):
    # kept with who recorded it, as for self-declared attributes.
    consent_note = models.CharField(max_length=300, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["person__last_name", "person__first_name", "id"]
        constraints = [models.UniqueConstraint(fields=["election", "person"], name="one_nomination_per_person")]

    def __str__(self) -> str:
        return f"Nomination of person {self.person_id}"

    @property
    def consented(self) -> bool:
        return self.consent in CONSENTED

    @property
    def awaiting_consent(self) -> bool:
        return self.consent == NomineeConsent.AWAITING and self.status == NominationStatus.NOMINATED


class ElectionEntitlement(models.Model):
    """Who may vote in an online ballot: everyone the voting rule admitted on
    the freeze date, taken when the ballot opened after that date
    (services/nomination_steps.py take_roll). The electorate is fixed by then: a
    membership that lapses after the freeze date does not take anyone off it
    (CONTRACT.md §7). Someone not on it is decided live on the freeze date
    (a record corrected since), with the reasons when refused.

    A row says only that the person may vote, taken at the open for the
    whole electorate at once: nothing in it follows whether or when they
    voted (ElectionVoterMark), nor how (ElectionBallot)."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="entitlements")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["election", "person"], name="one_entitlement_per_election_person")
        ]

    def __str__(self) -> str:
        return f"Person {self.person_id} may vote in {self.election_id}"


class ElectionVoterMark(models.Model):
    """That a person voted: the database refuses a second (one per election and person)."""

    # Its own index kept, though the unique (election, person) one starts with it, as VotedMark's
    # vote index had to be (a generic plan scanned the table without it); not measured without it here.
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="marks")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    cast_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["election", "person"], name="one_ballot_per_election_person")]

    def __str__(self) -> str:
        return f"Person {self.person_id} voted in {self.election_id}"


class ElectionBallot(models.Model):
    """How someone voted, and nothing that says who: the nominations' ids in
    order of preference (ranked) or the ones marked (fptp, block: sorted)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="ballots")
    ranking = models.JSONField()

    def __str__(self) -> str:
        return "An election ballot"  # never who


class TellerEntry(models.Model):
    """One teller's entry of the paper ballots: each paper as the candidates'
    numbers on the paper (1 = first on it), in order of preference or as
    marked; an empty list is a paper with no valid mark. Two tellers enter
    the same papers independently; they are accepted only when they agree."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="teller_entries")
    teller = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    papers = models.JSONField(default=list)
    entered_at = models.DateTimeField()

    class Meta:
        ordering = ["entered_at", "id"]
        constraints = [models.UniqueConstraint(fields=["election", "teller"], name="one_entry_per_teller")]

    def __str__(self) -> str:
        return f"Teller entry for {self.election_id}"
