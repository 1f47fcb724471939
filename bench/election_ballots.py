"""Benchmark: an online Scottish STV election with N entitled voters casting ranked
ballots through the API (issue 13). Run by hand:

    .venv/bin/python bench/election_ballots.py          # SQLite: bench/election_ballots.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rollcall_bench_eballots .venv/bin/python bench/election_ballots.py
    options: --voters N (20000)  --candidates N (8, at least 2)  --client wrk|threads (wrk when installed)
             --threads N (connections: wrk threads × 1 connection, or client threads; 8)
             --workers N (gunicorn workers, 2)  --worker-threads N (gthread threads, 4; 0 = sync)
             --chunks C (20: the bare view and the ballots in C alternating slices each; 1: one, then the other)

1. Builds a branch with N party members, each with their own account and session;
   an online Scottish STV election for 3 seats (candidates - 1 when fewer than 4
   stand: seats_for), 8 candidates standing, its ballot open now (freeze date years
   after everyone joined). ANALYZE on PostgreSQL.
2. gunicorn serves the app (bench/door_wsgi.py: the app plus the bare view, one
   indexed query through the same middleware). The bare view, loaded by the same
   client for as many requests as there are voters, and every voter POSTing their own
   ranked ballot (`POST …/elections/{id}/ballots/`, session cookie and CSRF header),
   each sent once (wrk through bench/_wrk.py, or Python threads), in alternating
   slices (--chunks), each slice's sessions last seen just before it (seen_now, as
   their ballot pages would leave them): ballots per
   second as a ratio to the bare view's, p50/p95/max, statuses, errors, and how many
   sessions a ballot rewrote (seen over a minute before it).
3. The ballot is closed and counted in this process (the time). Checks that the
   database holds exactly N ballots and N voter marks.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import _common  # noqa: E402
import votes as common  # noqa: E402  (the same server, database and load as the votes benchmark)

SLUG = "bench-eballots"


def seats_for(candidates: int) -> int:
    """3 seats, fewer when few stand: with nominees ≤ seats the close of nominations declares the
    election uncontested (services/elections.py) and there is no ballot to cast or close."""
    return max(1, min(3, candidates - 1))


def build(voters: int, candidates: int, seats: int):
    """N members with accounts and sessions; an online STV election open now."""
    from importlib import import_module
    from types import SimpleNamespace

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from groups import sessions as limits
    from groups.models import Category, Membership, Person, Role, Rule
    from groups.services import elections as services
    from groups.services.branches import create_branch

    started = time.perf_counter()
    User = get_user_model()
    chair = User.objects.create_user(username="bench-chair", email="chair@example.org", password="x")
    branch = create_branch(name="Bench election", slug=SLUG, actor=chair)
    party = Category.objects.get(branch=branch, slug="party-member")
    rule = Rule.objects.get(branch=branch, name="Party members only")
    total = voters + candidates
    User.objects.bulk_create(
        [User(username=f"voter{i}", email=f"voter{i}@example.org") for i in range(total)], batch_size=1000
    )
    users = list(User.objects.filter(username__startswith="voter").order_by("id"))
    Role.objects.bulk_create([Role(user=u, branch=branch, role="member") for u in users], batch_size=1000)
    Person.objects.bulk_create(
        [
            Person(branch=branch, first_name=f"Voter{i}", last_name="Bench", email=u.email, user=u)
            for i, u in enumerate(users)
        ],
        batch_size=1000,
    )
    people = list(Person.objects.filter(branch=branch).order_by("id"))
    Membership.objects.bulk_create(
        [
            Membership(person=p, branch=branch, category=party, number=f"V{p.pk}", started_on=date(2015, 1, 1))
            for p in people
        ],
        batch_size=1000,
    )
    now = timezone.now()
    election = services.create_election(
        branch=branch,
        actor=chair,
        title="Bench delegates",
        method="scottish_stv",
        seats=seats,
        election_on=now.date(),
        voting_rule=rule,
        ballot_mode="online",
        ballot_opens_at=now - timedelta(minutes=5),
        ballot_closes_at=now + timedelta(hours=6),
        freeze_on=now.date() - timedelta(days=30),
    )
    election = services.open_nominations(election=election, actor=chair)
    nominees, voters_ = people[:candidates], people[candidates:]
    for person in nominees:
        services.nominate(
            election=election,
            person=person,
            nominators=[voters_[0]],
            actor=chair,
            consented=True,
            consent_note="Signed the form",
        )
    election = services.close_nominations(election=election, actor=chair)
    nominations = [n.pk for n in election.nominations.order_by("id")]

    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore  # as a sign-in would store it
    by_person = {p.user_id: p for p in voters_}
    sessions = []
    for user in users:
        if user.pk not in by_person:
            continue
        store = SessionStore()
        store["_auth_user_id"] = str(user.pk)
        store["_auth_user_backend"] = settings.AUTHENTICATION_BACKENDS[0]
        store["_auth_user_hash"] = user.get_session_auth_hash()
        limits.start(SimpleNamespace(session=store), user)  # as bench/votes.py: no first-request rewrite
        store.create()
        sessions.append(store)
    print(f"Built {voters:,} voters, election open, in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return election, voters_, sessions, nominations


def seen_now(sessions) -> None:
    """Every voter's session last seen now, as the ballot page each opened a moment before
    their ballot would leave it (groups/sessions.py writes the last-seen time at most once a
    minute). At 20,000 voters the build and the bare view's load take minutes, so the sessions
    as built are stale by the ballots: every ballot then rewrote its session too (an UPDATE
    and a second commit) that the bare view, one session seen throughout, never paid. Ballots
    more than a minute after this are rewritten again, as a real voter's would be: the data
    written, by session key, for `rewritten` to count them afterwards."""
    from django.db import connection, transaction

    from groups import sessions as limits

    started, at = time.perf_counter(), limits.now()
    rows = []
    for store in sessions:
        data = store._get_session()
        data[limits.SEEN] = at
        rows.append((store.encode(data), store.session_key))
    table = sessions[0].model._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(f'UPDATE "{table}" SET "session_data" = %s WHERE "session_key" = %s', rows)
    print(f"{len(rows):,} sessions last seen now, in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return {key: data for data, key in rows}


def rewritten(written: dict[str, str], model) -> int:
    """How many of the sessions seen_now wrote have been rewritten since (by a ballot)."""
    stored = dict(model.objects.filter(session_key__in=list(written)).values_list("session_key", "session_data"))
    return sum(stored.get(key) != data for key, data in written.items())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--voters", type=int, default=20000)
    parser.add_argument("--candidates", type=int, default=8)
    common.client_arguments(parser)
    parser.set_defaults(chunks=20)  # 1,000 ballots a slice
    args = parser.parse_args()
    if args.candidates < 2:
        parser.error("--candidates must be at least 2: with fewer candidates than seats plus one nobody votes")
    if not 1 <= args.chunks <= args.voters:
        parser.error("--chunks must be between 1 and the number of voters: each slice sends at least one request")
    seats = seats_for(args.candidates)

    os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'bench' / 'election_ballots.sqlite3'}")
    common.fresh_database()
    common.setup()
    from django.db import connection

    from groups.models import ElectionBallot, ElectionVoterMark
    from groups.services.election_ballots import close_ballot

    election, people, sessions, nominations = build(args.voters, args.candidates, seats)
    # Statistics now, as autovacuum would soon: without them PostgreSQL finds
    # the voter's person by scanning the branch's people.
    _common.analyze()
    server, base = _common.start_server(common.env(), args.workers, args.worker_threads)
    rng = random.Random(13)
    rankings = []
    for _ in sessions:  # a full or partial ranking, as real voters leave
        order = rng.sample(nominations, len(nominations))
        rankings.append(order[: rng.randint(1, len(order))])
    written: dict[str, str] = {}
    try:
        path = f"/api/v1/branches/{SLUG}/elections/{election.pk}/ballots/"
        floor, cast, _ = _common.load_pair(
            base,
            common.bare_requests(SLUG, sessions[0].session_key, [p.pk for p in people]),
            common.voter_requests(base, path, [s.session_key for s in sessions], [{"ranking": r} for r in rankings]),
            labels=("bare view (one indexed query)", "ranked ballot, each voter's own session"),
            client=args.client,
            connections=args.threads,
            between=lambda lo, hi: written.update(seen_now(sessions[lo:hi])),
            chunks=args.chunks,
        )
    finally:
        server.terminate()
        server.wait(timeout=30)

    connection.close()  # the server wrote; read fresh
    stored_ballots = ElectionBallot.objects.filter(election=election).count()
    stored_marks = ElectionVoterMark.objects.filter(election=election).count()
    stale = rewritten(written, sessions[0].model)
    started = time.perf_counter()
    closed = close_ballot(election=election, actor=None)
    close_ms = (time.perf_counter() - started) * 1000

    db = _common.database_name()
    setup_text = _common.server_text(args.workers, args.worker_threads)
    load = os.getloadavg()
    print(
        f"### {db}, {args.voters:,} voters, {args.candidates} candidates for {seats} seats, {setup_text}, "
        f"{_common.client_text(args.client, args.threads)}, {_common.chunks_text(args.chunks)} "
        f"(load average {load[0]:.1f})"
    )
    print()
    _common.load_table(floor, cast)
    print()
    ok = "as expected" if stored_ballots == stored_marks == args.voters else f"EXPECTED {args.voters:,}"
    elected = ", ".join(closed.result.get("elected", [])) if isinstance(closed.result, dict) else ""
    print(
        f"Stored: {stored_ballots:,} ballots, {stored_marks:,} voter marks ({ok}). Close, reshuffle and count "
        f"by Scottish STV: **{close_ms:.0f} ms** (elected {elected or '…'}). Sessions rewritten by a ballot "
        f"(last seen over a minute before it): {stale:,}."
    )


if __name__ == "__main__":
    main()
