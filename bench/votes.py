"""Benchmark: a secret ballot of 2,000 entitled voters through the API. Run by hand:

    .venv/bin/python bench/votes.py                      # SQLite: bench/votes.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/rollcall_bench_votes .venv/bin/python bench/votes.py
    options: --voters N (2000)  --rounds R (1: bare view then ballots R times, a new vote each)
             --client wrk|threads (wrk when installed)
             --threads N (connections: wrk threads × 1 connection, or client threads; 8)
             --workers N (gunicorn workers, 2)  --worker-threads N (gthread threads, 4; 0 = sync)
             --chunks C (8: the bare view and the ballots sent in C alternating slices each;
                         1: all of the bare view, then all of the ballots)

1. Builds a branch with N party members, each with their own account, all checked
   in at a meeting under way; creates a secret ballot and opens it (the
   entitlement snapshot of N). ANALYZE on PostgreSQL.
2. gunicorn serves the app on 127.0.0.1 (bench/door_wsgi.py: the app plus the bare
   view, one indexed query through the same middleware). The bare view, loaded by
   the same client for as many requests as there are voters, and every voter
   POSTing their own ballot (`POST …/votes/{id}/ballots/`, session cookie and CSRF
   header, as a phone's browser would), each request sent once (wrk through
   bench/_wrk.py, or Python threads), in alternating slices (--chunks: a burst
   from a neighbour on this shared machine then falls on both, not on whichever
   ran alone at the time): ballots per second as a ratio to the bare view's
   requests per second, p50/p95/max over every answer, statuses, errors.
3. The vote is closed in this process: the time to close it and compute the result.
   Checks that the database holds exactly N ballots and N voted marks.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

import _common

ROOT = Path(__file__).resolve().parent.parent
SLUG = "bench-votes"


def env() -> dict:
    return _common.environment("votes.sqlite3", STATIC_MANIFEST="false")


def fresh_database() -> None:
    _common.fresh_database(env(), cache_table=True)


def setup() -> None:
    _common.setup(env())


def build(voters: int):
    """The branch, N members with accounts and sessions, all checked in; an open secret ballot."""
    from datetime import date
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from groups.models import Category, Membership, Person, Role, Rule
    from groups.services.attendance import check_in
    from groups.services.branches import create_branch
    from groups.services.meetings import create_meeting
    from groups.services.votes import create_vote, open_vote

    started = time.perf_counter()
    User = get_user_model()
    chair = User.objects.create_user(username="bench-chair", email="chair@example.org", password="x")
    branch = create_branch(name="Bench votes", slug=SLUG, actor=chair)
    party = Category.objects.get(branch=branch, slug="party-member")
    rule = Rule.objects.get(branch=branch, name="Party members only")
    users = User.objects.bulk_create(
        [User(username=f"voter{i}", email=f"voter{i}@example.org") for i in range(voters)], batch_size=1000
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
    meeting = create_meeting(
        branch=branch,
        actor=chair,
        title="Bench AGM",
        kind="organisational",
        starts_at=now - timedelta(minutes=30),
        ends_at=now + timedelta(hours=3),
        attendance_rule=rule,
        voting_rule=rule,
        status="published",
    )
    for person in people:
        check_in(meeting=meeting, person=person, actor=chair)
    vote = create_vote(meeting=meeting, actor=chair, question="That the branch adopts the budget", method="secret")
    vote = open_vote(vote=vote, actor=chair)
    from types import SimpleNamespace

    from groups import sessions as limits

    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore  # as a sign-in would store it
    sessions = []
    for user in users:
        store = SessionStore()
        store["_auth_user_id"] = str(user.pk)
        store["_auth_user_backend"] = settings.AUTHENTICATION_BACKENDS[0]
        store["_auth_user_hash"] = user.get_session_auth_hash()
        # The session limits' keys, as the sign-in signal sets them (groups/sessions.py):
        # without them every voter's first request would start its clock and
        # rewrite the session, which no phone signed in at the door does. Last
        # seen now, as the voting page opened a moment before the tap leaves it.
        limits.start(SimpleNamespace(session=store), user)
        store.create()
        sessions.append(store.session_key)
    print(f"Built {voters:,} voters, checked in, vote open, in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return branch, meeting, vote, people, sessions


def voter_requests(base: str, path: str, sessions: list[str], bodies: list[dict]) -> list[_common.Prepared]:
    """Each voter's own POST (session cookie and CSRF header, as a phone's browser sends them),
    201 expected: the same prepared requests for either client."""
    from django.utils.crypto import get_random_string

    csrf = get_random_string(32)
    return [
        _common.Prepared(
            "POST",
            path,
            {
                "Cookie": f"sessionid={session}; csrftoken={csrf}",
                "X-CSRFToken": csrf,
                "Referer": base + "/",
                "Content-Type": "application/json",
            },
            json.dumps(body),
            expect=201,
        )
        for session, body in zip(sessions, bodies, strict=True)
    ]


def bare_requests(slug: str, session: str, person_ids: list[int]) -> list[_common.Prepared]:
    """The bare view (one indexed query through the same middleware), once per person."""
    return [
        _common.Prepared("GET", f"/bench/bare/{slug}/{pk}/", {"Cookie": f"sessionid={session}"}) for pk in person_ids
    ]


def client_arguments(parser: argparse.ArgumentParser) -> None:
    """The load options both ballot benchmarks take."""
    parser.add_argument(
        "--client",
        choices=["wrk", "threads"],
        default=_common.default_client(),
        help="the load generator: wrk (default when installed) or Python threads",
    )
    parser.add_argument("--threads", type=int, default=8, help="connections: wrk threads × 1, or client threads")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-threads", type=int, default=4)
    parser.add_argument(
        "--chunks",
        type=int,
        default=8,
        help="send the bare view and the ballots in this many alternating slices (1: one after the other)",
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--voters", type=int, default=2000)
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="bare view then ballots, this many times, a new vote each round: the machine's drift"
        " reaches both halves of a round alike (the median round is reported)",
    )
    client_arguments(parser)
    args = parser.parse_args()
    if not 1 <= args.chunks <= args.voters:
        parser.error("--chunks must be between 1 and the number of voters: each slice sends at least one request")

    fresh_database()
    setup()
    from django.db import connection

    from groups.models import Ballot, VotedMark
    from groups.services.votes import close_vote, create_vote, open_vote

    branch, meeting, vote, people, sessions = build(args.voters)
    _common.analyze()

    rounds = []  # (bare, ballots, close ms, stored ballots, stored marks, closed vote)
    server, base = _common.start_server(env(), args.workers, args.worker_threads)
    try:
        for number in range(args.rounds):
            if number:
                vote = open_vote(
                    vote=create_vote(meeting=meeting, actor=None, question=f"Round {number + 1}", method="secret"),
                    actor=None,
                )
                # Statistics on the new vote's entitlements, as autovacuum would take them within the
                # minute: planned on the first round's, PostgreSQL scanned every round's for each ballot.
                _common.analyze()
            path = f"/api/v1/branches/{SLUG}/meetings/{meeting.pk}/votes/{vote.pk}/ballots/"
            choices = random.Random(7).choices(["for", "against", "abstain"], weights=[55, 40, 5], k=len(sessions))
            floor, cast, _ = _common.load_pair(
                base,
                bare_requests(SLUG, sessions[0], [p.pk for p in people]),
                voter_requests(base, path, sessions, [{"choice": c} for c in choices]),
                labels=("bare view (one indexed query)", "secret ballot, each voter's own session"),
                client=args.client,
                connections=args.threads,
                chunks=args.chunks,
            )
            connection.close()  # the server wrote; read fresh
            stored = (Ballot.objects.filter(vote=vote).count(), VotedMark.objects.filter(vote=vote).count())
            started = time.perf_counter()
            closed = close_vote(vote=vote, actor=None)
            rounds.append((floor, cast, (time.perf_counter() - started) * 1000, *stored, closed))
    finally:
        server.terminate()
        server.wait(timeout=30)

    db = _common.database_name()
    setup_text = _common.server_text(args.workers, args.worker_threads)
    load = os.getloadavg()
    print(
        f"### {db}, {args.voters:,} voters, {setup_text}, {_common.client_text(args.client, args.threads)}, "
        f"{_common.chunks_text(args.chunks)} "
        f"(load average {load[0]:.1f})"
    )
    print()
    if len(rounds) > 1:
        print("| round | bare view /s | ballots /s | ratio | ballot p95 | close |")
        print("|---:|---:|---:|---:|---:|---:|")
        for number, (floor, cast, close_ms, *_) in enumerate(rounds, 1):
            print(
                f"| {number} | {floor.rate:,.0f} | {cast.rate:,.0f} | {cast.rate / floor.rate:.2f} | "
                f"{cast.p95_ms:.1f} ms | {close_ms:.0f} ms |"
            )
        ratios = sorted(cast.rate / floor.rate for floor, cast, *_ in rounds)
        print()
        print(f"Median ratio over {len(rounds)} rounds: **{statistics.median(ratios):.2f}**; the median round:")
        print()
    floor, cast, close_ms, stored_ballots, stored_marks, closed = sorted(rounds, key=lambda r: r[1].rate / r[0].rate)[
        len(rounds) // 2
    ]
    _common.load_table(floor, cast)
    print()
    every = all(b == m == args.voters for _, _, _, b, m, _ in rounds)
    ok = "as expected" if every else f"EXPECTED {args.voters:,} in every round"
    print(
        f"Stored: {stored_ballots:,} ballots, {stored_marks:,} voted marks ({ok}). Close and compute the result: "
        f"**{close_ms:.0f} ms** ({closed.votes_for:,} for, {closed.votes_against:,} against, "
        f"{closed.abstain:,} abstaining: {closed.get_result_display().lower()})."
    )


if __name__ == "__main__":
    main()
