"""An election of the test branch, for the elections' tests."""

from datetime import date, timedelta

from django.utils import timezone

from groups.models import Position, Rule
from groups.services import elections as services

from ..factories import person_with_membership

FREEZE = date(2026, 3, 1)


def party(branch):
    return Rule.objects.get(branch=branch, name="Party members only")


def online(branch, organiser, *, method="scottish_stv", seats=2, positions=(), open_=True, **kw):
    """An online election, nominations open, ballot open from an hour ago for a day."""
    now = timezone.now()
    election = services.create_election(
        branch=branch,
        actor=organiser,
        title=kw.pop("title", "Delegates 2026"),
        method=method,
        seats=seats,
        positions=positions,
        election_on=kw.pop("election_on", date(2026, 3, 10)),
        voting_rule=kw.pop("voting_rule") if "voting_rule" in kw else party(branch),
        ballot_mode="online",
        ballot_opens_at=now - timedelta(hours=1),
        ballot_closes_at=now + timedelta(days=1),
        freeze_on=kw.pop("freeze_on", FREEZE),
        **kw,
    )
    if open_:
        election = services.open_nominations(election=election, actor=organiser)
    return election


def chair_online(branch, organiser, *, others_may_nominate=True, **kw):
    """An online IRV election for one Chair (party members may hold it), nominations open."""
    chair = Position.objects.create(
        branch=branch, slug="chair", name="Chair", holder_rule=party(branch), others_may_nominate=others_may_nominate
    )
    return online(branch, organiser, method="irv", seats=1, positions=[chair], **kw)


def linked(person, user):
    """The person, linked to the account `user` (their own pages)."""
    person.user = user
    person.save(update_fields=["user"])
    return person


def members(branch, n, **kw):
    return [person_with_membership(branch, **kw) for _ in range(n)]


def chair(branch, rule=None):
    return Position.objects.create(branch=branch, slug="chair", name="Chair", holder_rule=rule or party(branch))


def contested(branch, organiser, *, candidates=3, seats=2, method="scottish_stv", **kw):
    """(election with its ballot open, standing nominations, voters)."""
    election = online(branch, organiser, method=method, seats=seats, **kw)
    people = members(branch, candidates + 6)
    nominees, voters = people[:candidates], people[candidates:]
    for person in nominees:
        services.nominate(
            election=election,
            person=person,
            nominators=[voters[0]],
            actor=organiser,
            consented=True,
            consent_note="Signed the form",
        )
    election = services.close_nominations(election=election, actor=organiser)
    nominations = list(election.nominations.order_by("person__last_name", "person__first_name", "id"))
    return election, nominations, voters


def paper(branch, organiser):
    """A paper-ballot election for one seat, three standing: the tellers' to enter."""
    election = services.create_election(
        branch=branch, actor=organiser, title="Officers", method="scottish_stv", seats=1,
        election_on=date(2026, 3, 10), voting_rule=party(branch), ballot_mode="paper",
    )  # fmt: skip
    services.open_nominations(election=election, actor=organiser)
    people = members(branch, 4)
    for p in people[:3]:
        services.nominate(
            election=election,
            person=p,
            nominators=[people[3]],
            actor=organiser,
            consented=True,
            consent_note="Signed the form",
        )
    return services.close_nominations(election=election, actor=organiser)
