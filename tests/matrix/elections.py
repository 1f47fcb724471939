"""Elections (issue 13): organisers set them up, take nominations, close and
count, and download the ballots; anyone with a role sees the list, the
results, their own elections and the ballot page (whether they may vote is
the election's rule, shown on the page)."""

from datetime import date, timedelta

from django.utils import timezone

from groups.models import Election, Nomination, Person

from . import Entry


def _election(w, **kw):
    now = timezone.now()
    election = Election.objects.create(
        branch=w.branch,
        title="Delegates",
        method="scottish_stv",
        seats=1,
        election_on=date(2026, 3, 1),
        ballot_opens_at=now - timedelta(hours=1),
        ballot_closes_at=now + timedelta(hours=1),
        freeze_on=date(2026, 3, 1),
        **{"status": "nominations", "ballot_mode": "online", **kw},
    )
    if election.status == "ballot":
        for name in ("Dee", "Eve"):
            person = Person.objects.create(branch=w.branch, first_name=name)
            Nomination.objects.create(election=election, person=person, nominated_at=now, status="standing")
    return {"slug": w.branch.slug, "election_id": election.pk}


def _nomination(w):
    election = Election.objects.get(pk=_election(w)["election_id"])
    person = Person.objects.create(branch=w.branch, first_name="Ana")
    nomination = Nomination.objects.create(election=election, person=person, nominated_at=timezone.now())
    return {"slug": w.branch.slug, "nomination_id": nomination.pk}


def _nominee(w):
    people = [Person.objects.create(branch=w.branch, first_name=n) for n in ("Bo", "Cy")]
    return {"person": people[0].pk, "nominators": [people[1].pk]}


ENTRIES = {
    "election_list": Entry(need="view_branch"),
    "election_new": Entry(need="manage_elections"),
    "election_detail": Entry(kwargs=_election, need="manage_elections"),
    "election_open_nominations": Entry(kwargs=lambda w: _election(w, status="draft"), need="manage_elections",
                                       method="post"),
    "election_close_nominations": Entry(kwargs=_election, need="manage_elections", method="post"),
    "election_nominate": Entry(kwargs=_election, need="manage_elections", method="post", data=_nominee),
    "nomination_withdraw": Entry(kwargs=_nomination, need="manage_elections", method="post"),
    # An organiser records that the nominee agreed to stand (the nomination awaits their consent).
    "nomination_consent": Entry(kwargs=_nomination, need="manage_elections", method="post",
                                data=lambda w: {"consent_note": "Signed the nomination form"}),
    "election_nomination_times": Entry(kwargs=_election, need="manage_elections", method="post",
                                       data=lambda w: {"nominations_close_at": "2031-05-04T19:30"}),
    "election_close": Entry(kwargs=lambda w: _election(w, status="ballot"), need="manage_elections", method="post"),
    "election_ballot": Entry(kwargs=lambda w: _election(w, status="ballot"), need="vote"),
    "election_result": Entry(kwargs=_election, need="view_branch"),
    # Not declared yet: the PDF sends you back to the result page.
    "election_result_pdf": Entry(kwargs=_election, need="view_branch"),
    "election_blt": Entry(kwargs=lambda w: _election(w, status="ballot"), need="manage_elections"),
    "election_tellers": Entry(kwargs=lambda w: _election(w, status="ballot", ballot_mode="paper"),
                              need="tell_ballots", method="post", data=lambda w: {"papers": "1\n2 1\n-"}),
    "election_accept_papers": Entry(kwargs=lambda w: _election(w, status="ballot", ballot_mode="paper"),
                                    need="manage_elections", method="post"),
    "my_elections": Entry(need="view_own"),
    # A member's own nomination: whoever is signed in, linked or not, is answered on My elections.
    "my_nominate": Entry(kwargs=_election, need="nominate", method="post", data=lambda w: {"who": "self"}),
    "my_nomination_withdraw": Entry(kwargs=_nomination, need="nominate", method="post"),
    # The nominee's own answer; anyone else is told on My elections that it is not theirs.
    "my_nomination_accept": Entry(kwargs=_nomination, need="nominate", method="post"),
    "my_nomination_decline": Entry(kwargs=_nomination, need="nominate", method="post"),
}  # fmt: skip
