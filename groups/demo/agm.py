"""The demo's AGM (issue 13 item 8), two months ago and closed like the other
past meetings: the officers' elections declared at it — Chair by Scottish STV
for one seat, and two conference delegates by Scottish STV with at least one
woman (the count's guard and doom stages show the constraint at work) — the
winners appointed to the positions; and the Secretary's election to come, its
nominations open.

Everything goes through the services (positions, elections, election
ballots) with its audit rows, times passed in; the ballots come from the
demo's seeded random numbers and each count has a fixed seed, so two builds
declare the same result. The ballots are online, a week to the AGM's first
hour, so no one need have been checked in at a meeting long closed.

The Chair's election also shows a nominee refused by the holder rule: a
member whose membership lapsed, nominated with their consent, refused at the
close with the rule's reason. The Secretary's by-election shows a nomination
awaiting the nominee's consent: the demo member, nominated by another member,
sees it on My elections with Accept and Decline."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from ..models import Person, RoleName
from .speakers import GENDERS

AGM_TITLE = "Annual general meeting"
CHAIR_TITLE = "AGM: Chair"
DELEGATES_TITLE = "AGM: conference delegates"
SECRETARY_TITLE = "Secretary (by-election)"
VOTERS = 36  # enough for a count with stages; few enough to keep the build quick


def _agm(branch, organiser, rules, day):
    from ..models import MeetingKind, MeetingStatus
    from ..services.meetings import create_meeting

    starts = datetime.combine(day, time(19, 0), tzinfo=branch.zone)
    return create_meeting(
        branch=branch,
        actor=organiser,
        title=f"{AGM_TITLE} {day.year}",
        kind=MeetingKind.AGM,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2, minutes=30),
        location="Green Lanes Community Centre, Main Hall",
        agenda="1. Welcome and apologies\n2. Officers' reports\n3. Declaration of the officer elections\n"
        "4. Declaration of the conference delegates\n5. Motions\n6. Any other business",
        description="For party members. The officers and conference delegates were elected by online ballot "
        "in the week before; the results are declared here.",
        attendance_rule=rules.get("Party members only"),
        voting_rule=rules.get("Party members only"),
        quorum=5,
        status=MeetingStatus.HELD,
    )


CONSENT_NOTE = "Signed the nomination form"


def _run(
    *, branch, organiser, title, positions, seats, rule, constraints, candidates, voters, rankings, day, refused=()
):  # fmt: skip
    """Nominations, the ballot, the count (a fixed seed) and the declaration at the AGM."""
    from ..services import elections
    from ..services.election_ballots import cast_election_ballot, close_ballot

    starts = datetime.combine(day, time(19, 0), tzinfo=branch.zone)
    election = elections.create_election(
        branch=branch, actor=organiser, title=title, method="scottish_stv", election_on=day, positions=positions,
        seats=seats, voting_rule=rule, constraints=constraints, ballot_mode="online",
        nominations_close_at=starts - timedelta(days=8), ballot_opens_at=starts - timedelta(days=7),
        ballot_closes_at=starts + timedelta(hours=1), freeze_on=day - timedelta(days=14),
    )  # fmt: skip
    elections.open_nominations(election=election, actor=organiser, at=starts - timedelta(days=35))
    nominations = {}
    for i, person in enumerate(candidates):
        seconders = [v for v in voters if v.pk != person.pk][i : i + 1]  # one each: the build stays quick
        nominations[person.pk] = elections.nominate(
            election=election, person=person, nominators=seconders, actor=organiser,
            at=starts - timedelta(days=30 - i), consented=True, consent_note=CONSENT_NOTE,
        )  # fmt: skip
    for person in refused:  # nominated with consent; the holder rule refuses them at the close
        elections.nominate(
            election=election, person=person, nominators=voters[-1:], actor=organiser,
            at=starts - timedelta(days=20), consented=True, consent_note=CONSENT_NOTE,
        )  # fmt: skip
    elections.close_nominations(election=election, actor=organiser, at=starts - timedelta(days=8))
    step = timedelta(days=7) / (len(voters) + 1)
    for i, (voter, ranking) in enumerate(zip(voters, rankings, strict=False)):
        cast_election_ballot(
            election=election, person=voter, ranking=[nominations[p.pk].pk for p in ranking], actor=None,
            at=starts - timedelta(days=7) + step * (i + 1),
        )  # fmt: skip
    return close_ballot(election=election, actor=organiser, at=starts + timedelta(hours=1), seed=f"demo-{title}")


def _pattern(rng, groups: list[tuple[int, list]], total: int) -> list[list]:
    """`total` rankings in the proportions given (counts per hundred), shuffled by the demo's seed."""
    out = []
    for share, ranking in groups:
        out += [ranking] * (share * total // 100)
    while len(out) < total:
        out.append(groups[0][1])
    rng.shuffle(out)
    return out


def _upcoming(branch, organiser, rules, candidates, nominators, now, awaiting=None):
    """The Secretary's by-election: nominations open, two nominated with their
    consent, and `awaiting` nominated by another member, awaiting theirs."""
    from ..services import elections, positions

    today = branch.today()
    secretary = positions.create_position(
        branch=branch, slug="secretary", name="Secretary", actor=organiser, term_months=12,
        holder_rule=rules.get("Party members of six months or more"),
        description="Keeps the branch's minutes and correspondence.",
    )  # fmt: skip
    opened = now - timedelta(days=2)
    closes = datetime.combine(today + timedelta(days=14), time(12, 0), tzinfo=branch.zone)
    election = elections.create_election(
        branch=branch, actor=organiser, title=SECRETARY_TITLE, method="irv", election_on=today + timedelta(days=28),
        positions=[secretary], voting_rule=rules.get("Party members only"), ballot_mode="online",
        nominations_close_at=closes, ballot_opens_at=closes + timedelta(days=7),
        ballot_closes_at=closes + timedelta(days=14), freeze_on=today,
    )  # fmt: skip
    elections.open_nominations(election=election, actor=organiser, at=opened)
    for i, person in enumerate(candidates):
        elections.nominate(
            election=election, person=person, nominators=nominators[i : i + 2], actor=organiser,
            at=opened + timedelta(hours=3 + 5 * i), consented=True, consent_note=CONSENT_NOTE,
        )  # fmt: skip
    if awaiting is not None:
        elections.nominate(
            election=election, person=awaiting, nominators=nominators[-1:], actor=organiser,
            at=opened + timedelta(hours=20),
        )  # fmt: skip


def seed_agm(*, branch, users, rng, people) -> None:
    """The AGM and its elections (the module's docstring). Each write is a
    service's own transaction; build_demo takes a failed demo down whole."""
    from django.utils import timezone

    from ..eligibility.decisions import eligible_person_ids
    from ..services import positions

    # A copy of the demo's random numbers: the AGM draws its own without
    # changing tonight's story (groups/demo/tonight.py), which is drawn later.
    rng, shared = random.Random(), rng
    rng.setstate(shared.getstate())
    organiser = users[RoleName.ORGANISER]
    rules = {r.name: r for r in branch.rules.all()}
    members, seasoned = rules.get("Party members only"), rules.get("Party members of six months or more")
    day = branch.today() - timedelta(days=60)
    day -= timedelta(days=(day.weekday() - 3) % 7)  # a Thursday
    freeze = day - timedelta(days=14)
    ids = set(eligible_person_ids(branch, members, freeze))
    able = set(eligible_person_ids(branch, seasoned, day))
    member = Person.objects.filter(branch=branch, user=users[RoleName.MEMBER]).values_list("pk", flat=True).first()
    voters = [p for p in Person.objects.filter(pk__in=ids).order_by("id") if p.pk != member]
    rng.shuffle(voters)
    standable = [p for p in voters if p.pk in able]
    women = [p for p in standable if GENDERS.get(p.first_name) == "woman"]
    men = [p for p in standable if GENDERS.get(p.first_name) == "man"]
    if len(women) < 2 or len(men) < 4 or len(voters) < 12:
        return  # a demo too small for an AGM
    voters = voters[:VOTERS]
    _agm(branch, organiser, rules, day)
    chair = positions.create_position(
        branch=branch, slug="chair", name="Chair", actor=organiser, term_months=12, holder_rule=seasoned,
        description="Chairs the branch's meetings.",
    )  # fmt: skip
    delegate = positions.create_position(
        branch=branch, slug="conference-delegate", name="Conference delegate", actor=organiser, seats=2,
        term_months=12, holder_rule=seasoned, description="Represents the branch at the party's annual conference.",
    )  # fmt: skip
    # Chair: three candidates, nobody reaches the quota on first preferences.
    a, b, c = women[0], men[0], men[1]
    chair_ballots = _pattern(rng, [(40, [a, c]), (35, [b, c]), (25, [c, a])], len(voters))
    lapsed = (
        Person.objects.filter(branch=branch, memberships__status="lapsed")
        .exclude(pk__in=able | {member})
        .order_by("id")
        .first()
    )
    _run(
        branch=branch, organiser=organiser, title=CHAIR_TITLE, positions=[chair], seats=1, rule=members,
        constraints=None, candidates=[a, b, c], voters=voters, rankings=chair_ballots, day=day,
        refused=[lapsed] if lapsed else [],
    )  # fmt: skip
    # Delegates: three men and one woman; the men would take both seats, but
    # once one is elected the rest are doomed and the woman is guarded.
    w, m1, m2, m3 = women[1], men[1], men[2], men[3]
    delegate_ballots = _pattern(rng, [(40, [m1, m2]), (27, [m2, m3]), (18, [m3, m2]), (15, [w, m3])], len(voters))
    _run(
        branch=branch, organiser=organiser, title=DELEGATES_TITLE, positions=[delegate], seats=2, rule=members,
        constraints=[{"label": "women", "people": [p.pk for p in women], "min": 1}],
        candidates=[m1, m2, m3, w], voters=voters, rankings=delegate_ballots, day=day,
    )  # fmt: skip
    secretary = [men[0], women[0]]
    today = set(eligible_person_ids(branch, members, branch.today()))
    nominators = [p for p in voters if p.pk in today and p not in secretary]
    awaiting = Person.objects.filter(pk=member).first()
    _upcoming(branch, organiser, rules, secretary, nominators, timezone.now(), awaiting=awaiting)
