"""Tonight's organisational meeting, under way: the room filled at the door,
the agenda with the chair on the motion, the motion with an amendment carried
by a secret ballot, the motion as amended set up to be put to a secret ballot
(a visitor, as the chair, opens it), and the speakers' list with the balance
on (groups/demo/speakers.py).

Everything goes through the services the product uses — check-ins, agenda,
motions, votes, speakers, self-declared answers — so the audit log and the
meeting's log tell the same story as the pages. Times are given (`at`) from
the meeting's start, which is at least 30 minutes ago (groups/demo/meetings.py),
so nothing is dated in the future; the choices come from the demo's seeded
random numbers, so two builds tell the same story.

The demo member (member@example.org) is not checked in: the walk-through
starts at the door (README, "In the demo")."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction

from ..models import AuditAction, Meeting, MeetingKind, MeetingStatus, Person, RoleName
from .speakers import GENDERS, balance_the_list, movers_speak, waiting_to_speak

MOTION = (
    "That this branch supports the campaign to keep St Ann's Library open, asks our councillors to oppose "
    "the closure at the next full council meeting, and donates £100 to the campaign's leaflet fund."
)
AMEND_WORDS = "donates £100 to the campaign's leaflet fund"
AMEND_WITH = "donates £250 to the campaign's leaflet fund and holds a public meeting with the library's users"
AGENDA = [
    ("Welcome and apologies", "business", 5),
    ("Minutes of the last meeting", "business", 5),
    ("Motion: support the library campaign", "motions", 40),
    ("Election: ward co-ordinator", "election", 20),
    ("Any other business", "other", 10),
]
# Long-standing members who play the parts when the demo has too few people of its own.
_STAND_INS = [
    ("Grace", "Mensah"),
    ("Tomasz", "Nowak"),
    ("Ruth", "Campbell"),
    ("Declan", "Murphy"),
    ("Priya", "Shah"),
    ("Samir", "Hassan"),
    ("Eleni", "Georgiou"),
    ("Femi", "Adeyemi"),
]
_LAPSED_REASON = "Renewed at the door tonight and showed the receipt"


@dataclass
class Cast:
    """Who plays which part tonight (Person rows), by the answer they gave."""

    women: list = field(default_factory=list)
    men: list = field(default_factory=list)
    room: list = field(default_factory=list)  # everyone checked in who may vote


def tonights_meeting(branch) -> Meeting:
    return (
        Meeting.objects.select_related("branch", "attendance_rule", "voting_rule")
        .filter(branch=branch, kind=MeetingKind.ORGANISATIONAL, status=MeetingStatus.PUBLISHED, closed_at=None)
        .order_by("-starts_at")
        .first()
    )


@transaction.atomic
def _stand_ins(branch, users, wanted: list[tuple[str, str]]) -> list[Person]:
    """Party members of three years, for a demo with too few people of its own."""
    from ..models import Category, Membership
    from ..services import audit, member_since, people_version

    party = Category.objects.get(branch=branch, slug="party-member")
    since = branch.today() - timedelta(days=3 * 365)
    made = Person.objects.bulk_create(
        [Person(branch=branch, first_name=first, last_name=last, ward="Tottenham Green") for first, last in wanted]
    )
    Membership.objects.bulk_create(
        [
            Membership(person=p, branch=branch, category=party, number=f"L{9000001 + i}", started_on=since)
            for i, p in enumerate(made)
        ]
    )
    member_since.refresh([p.pk for p in made])
    people_version.bump(branch.pk)
    audit.record(
        actor=users[RoleName.ORGANISER],
        branch=branch,
        action=AuditAction.DEMO_PEOPLE,
        summary=f"Seeded {len(made)} fictional party members to play parts at tonight's meeting",
        changes={"people": len(made)},
    )
    return made


def _cast(branch, users, rng, meeting, member) -> Cast:
    """Three women and three men who may vote tonight (the demo's own people,
    or stand-ins when it has too few), and the rest of a quorate room."""
    from ..eligibility.decisions import eligible_person_ids, meeting_voting_definition
    from ..queries.attendance import quorum_needed

    ids = eligible_person_ids(branch, meeting_voting_definition(meeting), meeting.effective_eligibility_date)
    voters = list(Person.objects.filter(pk__in=ids).exclude(pk=member.pk).order_by("id"))
    rng.shuffle(voters)
    cast = Cast()
    for person in voters:
        group = GENDERS.get(person.first_name)
        if group == "woman" and len(cast.women) < 3:
            cast.women.append(person)
        elif group == "man" and len(cast.men) < 3:
            cast.men.append(person)
    need_women, need_men = 3 - len(cast.women), 3 - len(cast.men)
    wanted = _STAND_INS[0::2][:need_women] + _STAND_INS[1::2][:need_men]
    if wanted:
        made = _stand_ins(branch, users, wanted)
        cast.women += made[:need_women]
        cast.men += made[need_women:]
    chosen = {p.pk for p in cast.women + cast.men}
    # A quorate room: a few more than the quorum.
    needed = quorum_needed(meeting, len(ids) + len(wanted))
    others = [p for p in voters if p.pk not in chosen][: max(needed + 6 - len(chosen), 0)]
    cast.room = [*cast.women, *cast.men, *others]
    return cast


def _fill_the_room(meeting, users, cast: Cast) -> None:
    """Checked in at the door by the steward over the 20 minutes before the
    start, and a lapsed member let in by an organiser (who may not vote)."""
    from ..models.attendance import CheckInMethod
    from ..services.attendance import check_in

    steward, organiser = users[RoleName.STEWARD], users[RoleName.ORGANISER]
    first = meeting.starts_at - timedelta(minutes=20)
    step = timedelta(minutes=24) / max(len(cast.room), 1)
    for i, person in enumerate(cast.room):
        method = CheckInMethod.QR if i % 4 == 3 else CheckInMethod.DOOR
        check_in(meeting=meeting, person=person, actor=steward, method=method, at=first + step * i)
    lapsed = (
        Person.objects.filter(branch=meeting.branch, memberships__status="lapsed")
        .exclude(memberships__status="active")
        .order_by("id")
        .first()
    )
    if lapsed is not None:
        check_in(
            meeting=meeting,
            person=lapsed,
            actor=organiser,
            override_reason=_LAPSED_REASON,
            at=meeting.starts_at + timedelta(minutes=2),
        )


def _ballots(n: int) -> list[str]:
    """n secret choices that carry a simple majority (for, then against, then abstain)."""
    votes_for = min(n, n // 2 + 2)
    against = (n - votes_for) * 2 // 3
    return ["for"] * votes_for + ["against"] * against + ["abstain"] * (n - votes_for - against)


def _business(meeting, users, rng, cast: Cast) -> None:
    """The agenda (the chair on item 3), the motion moved and seconded, its
    amendment moved, seconded, debated and carried by a secret ballot, and the
    motion as amended set up to be put (a secret ballot in draft)."""
    from ..models import VoteEntitlement
    from ..services import agenda, motions, votes

    chair = users[RoleName.ORGANISER]
    start = meeting.starts_at
    items = [
        agenda.add_agenda_item(meeting=meeting, actor=chair, title=title, kind=kind, minutes_allowed=minutes)
        for title, kind, minutes in AGENDA
    ]
    for item in items[:3]:
        agenda.set_current_item(meeting=meeting, actor=chair, item=item)
    (w0, w1, w2), (m0, m1, m2) = cast.women, cast.men
    motion = motions.submit_motion(meeting=meeting, actor=chair, text=MOTION, agenda_item=items[2])
    motions.move_motion(motion=motion, actor=chair, mover=m0)
    motions.second_motion(motion=motion, actor=chair, seconder=w0)
    amendment = motions.submit_amendment(
        motion=motion, actor=chair, action="replace", words=AMEND_WORDS, with_words=AMEND_WITH
    )
    motions.move_motion(motion=amendment, actor=chair, mover=m1)
    motions.second_motion(motion=amendment, actor=chair, seconder=w1)
    movers_speak(meeting=meeting, chair=chair, movers=[m0, m1], at=start + timedelta(minutes=12))

    vote = votes.create_vote(meeting=meeting, actor=chair, method="secret", motion=amendment)
    votes.open_vote(vote=vote, actor=chair, at=start + timedelta(minutes=21))
    entitled = set(VoteEntitlement.objects.filter(vote=vote).values_list("person_id", flat=True))
    voting = [p for p in cast.room if p.pk in entitled]
    voting = voting[: len(voting) - (2 if len(voting) > 8 else 1)]  # not everyone votes
    choices = _ballots(len(voting))
    rng.shuffle(choices)
    for person, choice in zip(voting, choices, strict=True):
        votes.cast_ballot(vote=vote, person=person, choice=choice, actor=None)
    votes.close_vote(vote=vote, actor=chair, at=start + timedelta(minutes=24))
    votes.create_vote(meeting=meeting, actor=chair, method="secret", motion=motion)
    # The debate on the motion as amended: the balance puts a woman first.
    waiting_to_speak(
        meeting=meeting,
        asking=[(m2, "against"), (w1, "for"), (m1, "for"), (w2, "against")],
        at=start + timedelta(minutes=25),
    )


def seed_tonight(*, branch, users, rng, people) -> None:
    """Tonight's meeting, under way (the module's docstring). Each write is a
    service's own transaction, so this step is not one: build_demo takes a
    failed demo down whole."""
    meeting = tonights_meeting(branch)
    if meeting is None:
        return
    member = Person.objects.get(branch=branch, user=users[RoleName.MEMBER])
    cast = _cast(branch, users, rng, meeting, member)
    _fill_the_room(meeting, users, cast)
    # Those who speak tonight answered the question, and about half the rest of the room.
    answered = cast.room[:6] + cast.room[6::2]
    balance_the_list(meeting=meeting, organiser=users[RoleName.ORGANISER], answered=answered)
    _business(meeting, users, rng, cast)
