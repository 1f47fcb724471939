"""The order of business and what is moved in it: agenda items, and motions
(amendments are motions that amend another; procedural motions carry their
`procedure`) with their states.

    submitted → moved → seconded → put to the vote → carried / lost
       │          └→ fallen (for want of a seconder)
       └→ ruled out of order (with the chair's reason)
    withdrawn: by the mover, at any point before the vote is put
    remitted, referred back, next business: the meeting's decision, recorded by the chair
    not reached: still open when the meeting ran out of time

An amendment inserts, deletes or replaces words of the motion it amends:
`text` is the whole motion as it would read if the amendment is carried;
`base_text` what it was written against. A carried amendment makes the
substantive motion: the motion's `text` becomes the amended text and a
MotionRevision keeps what it said before.

Who may move and second is the meeting's voting rule, checked at that moment
(groups.eligibility.voting.may_vote)."""

from django.conf import settings
from django.db import models

from .meetings import Meeting
from .people import Person
from .standing_orders import QuestionKind


class AgendaKind(models.TextChoices):
    BUSINESS = "business", "Business"
    MOTIONS = "motions", "Motions"
    REPORT = "report", "Report"
    ELECTION = "election", "Election"
    OTHER = "other", "Any other business"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=AgendaKind.choices, default=AgendaKind.BUSINESS)
    minutes_allowed = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"


class MotionState(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    RULED_OUT = "ruled_out", "Ruled out of order"
    MOVED = "moved", "Moved"
    SECONDED = "seconded", "Seconded"
    FALLEN = "fallen", "Fell for want of a seconder"
    PUT = "put", "Put to the vote"
    CARRIED = "carried", "Carried"
    LOST = "lost", "Lost"
    WITHDRAWN = "withdrawn", "Withdrawn"
    REMITTED = "remitted", "Remitted"
    REFERRED_BACK = "referred_back", "Referred back"
    NEXT_BUSINESS = "next_business", "Next business moved: not voted on"
    NOT_REACHED = "not_reached", "Not reached"


# Still before the meeting: may be moved, seconded, amended, withdrawn.
OPEN_STATES = (MotionState.SUBMITTED, MotionState.MOVED, MotionState.SECONDED)
# Being dealt with now (an amendment in these blocks another being moved).
LIVE_STATES = (MotionState.MOVED, MotionState.SECONDED, MotionState.PUT)


class AmendAction(models.TextChoices):
    INSERT = "insert", "Insert words"
    DELETE = "delete", "Delete words"
    REPLACE = "replace", "Replace words"


class Procedure(models.TextChoices):
    """Procedural motions, in order of precedence (first = highest): while
    one is being dealt with, none below it may be moved, and no substantive
    motion or amendment is put to the vote."""

    CHALLENGE = "challenge", "That the chair's ruling be challenged"
    SUSPEND = "suspend_standing_orders", "To suspend standing orders"
    CLOSURE = "closure", "That the question be now put"
    NEXT_BUSINESS = "next_business", "That the meeting proceed to next business"


PRECEDENCE = {p: n for n, p in enumerate(Procedure.values)}
# The standing orders' threshold each procedure is decided by.
PROCEDURE_KIND = {
    Procedure.CHALLENGE: QuestionKind.CHALLENGE,
    Procedure.SUSPEND: QuestionKind.STANDING_ORDERS,
    Procedure.CLOSURE: QuestionKind.PROCEDURAL,
    Procedure.NEXT_BUSINESS: QuestionKind.PROCEDURAL,
}


class Motion(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="motions")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="motions"
    )
    amends = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="amendments")
    kind = models.CharField(max_length=20, choices=QuestionKind.choices, default=QuestionKind.MOTION)
    text = models.TextField()
    state = models.CharField(max_length=16, choices=MotionState.choices, default=MotionState.SUBMITTED)
    # A procedural motion: which one, and the motion it is about (closure, next business).
    procedure = models.CharField(max_length=24, choices=Procedure.choices, blank=True)
    concerns = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="procedural_motions"
    )
    # An amendment: insert / delete / replace `amend_words` (for an insert: the
    # words it goes after, empty = at the end) with `amend_with`.
    amend_action = models.CharField(max_length=8, choices=AmendAction.choices, blank=True)
    amend_words = models.TextField(blank=True)
    amend_with = models.TextField(blank=True)
    base_text = models.TextField(blank=True, help_text="An amendment: the text it was written against.")
    ruling_reason = models.TextField(blank=True, help_text="Why the chair ruled it out of order.")
    mover = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    seconder = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.summary[:80]

    @property
    def is_amendment(self) -> bool:
        return self.amends_id is not None

    @property
    def summary(self) -> str:
        """What is put to the meeting, in a line: an amendment says what it does."""
        if self.procedure or not self.is_amendment:
            return self.text
        if self.amend_action == AmendAction.DELETE:
            return f"Amendment: delete “{self.amend_words}”"
        if self.amend_action == AmendAction.REPLACE:
            return f"Amendment: delete “{self.amend_words}” and insert “{self.amend_with}”"
        where = f" after “{self.amend_words}”" if self.amend_words else " at the end"
        return f"Amendment: insert “{self.amend_with}”{where}"


class MotionRevision(models.Model):
    """What a motion said before a carried amendment changed it: its history."""

    motion = models.ForeignKey(Motion, on_delete=models.CASCADE, related_name="revisions")
    amendment = models.ForeignKey(Motion, on_delete=models.PROTECT, related_name="+")
    text_before = models.TextField()
    text_after = models.TextField()
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.motion} as amended by {self.amendment_id}"
