"""Every way the app decides eligibility agrees with the pure evaluator.

A hypothesis property test writes generated people, memberships, meetings and
attendance to the database (rolled back after each example), builds each
person's facts straight from the generated data, and checks that the compiled
filter and every fact builder (whole-branch loading, a page of people, the
door's cards, the check-in, reports, one person's Decision, My meetings,
invitations) give ``evaluate``'s Decision. Hand-written edge cases follow.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from groups.eligibility.decisions import decide, decisions_for, eligible_people, person_decisions
from groups.eligibility.engine import (
    MeetingFacts,
    MembershipFacts,
    OfficeFacts,
    PersonFacts,
    evaluate,
    normalise_postcode,
)
from groups.eligibility.loading import category_names, load_facts
from groups.models import (
    Attendance,
    AttributeDefinition,
    Branch,
    Category,
    Meeting,
    Membership,
    Person,
    Position,
    PositionHolder,
    Rule,
    RuleVersion,
    SelfDeclaredAttribute,
)
from groups.queries.door import door_cards
from groups.queries.door import door_meeting as door_meeting_of
from groups.queries.me import my_meetings
from groups.reports import _BranchData, eligible_sets
from groups.services.attendance import check_in_within
from groups.services.invitations import admitted_people, plan

PARTY, REGISTERED, AFFILIATED, SUPPORTER = "party-member", "registered-supporter", "affiliated-supporter", "supporter"
LONDON = ZoneInfo("Europe/London")
NOW = datetime(2029, 1, 1, tzinfo=LONDON)  # for My meetings: before the door meetings, after every generated one

AS_OF = st.dates(min_value=date(2008, 1, 1), max_value=date(2022, 12, 31))
SLUGS = st.sampled_from([PARTY, REGISTERED, AFFILIATED, SUPPORTER])
STATUSES = ["active", "lapsed", "suspended", "resigned"]
WARDS = ["", "Tottenham Green", "harringay ", "St Ann's", "TOTTENHAM GREEN"]
POSTCODES = ["", "N15 4AB", "N1 5AB", "N15 6GD", "N22 8JP", "E17 4AA", "N154AB"]
# Self-declared questions and their answers, and the branch's positions (issue 13).
QUESTIONS = {"gender": ["woman", "man", "non-binary"], "disability": ["yes", "no"]}
POSITIONS = {"chair": "Chair", "womens-officer": "Women's officer", "secretary": "Secretary"}
EDGE = st.sampled_from([-1, 0, 1])  # a boundary and the days either side of it


def _offsets(low: int, high: int):
    """Days from a reference date: often on a boundary or next to it, else anywhere in [low, high]."""
    return EDGE | st.integers(low, high)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year - years, day=28)


def _term(draw, as_of):
    """A term in one of the positions, starting and ending on, just before or just after as-of."""
    start = as_of + timedelta(days=draw(_offsets(-900, 30)))
    end = draw(st.none() | _offsets(-400, 400))
    ended_on = None if end is None else max(start, as_of + timedelta(days=end))
    return {"slug": draw(st.sampled_from(sorted(POSITIONS))), "started_on": start, "ended_on": ended_on}


@st.composite
def worlds(draw):
    """People, meetings and rules generated around one as-of date, so that
    conditions are met about as often as not and dates fall on their
    boundaries (dues paid until exactly the day needed, a start on as-of, a
    birthday on it, a meeting just before it)."""
    as_of = draw(AS_OF)
    people = []
    for _ in range(draw(st.integers(1, 6))):
        memberships = []
        for _ in range(draw(st.integers(0, 3))):
            started = as_of + timedelta(days=draw(_offsets(-4000, 200)))
            back = draw(st.none() | st.integers(-30, 3000))
            ended = draw(st.none() | _offsets(-600, 600).map(lambda d: as_of + timedelta(days=d)))
            memberships.append(
                {
                    "slug": draw(SLUGS),
                    "status": draw(st.sampled_from(["active", "active", "active", *STATUSES[1:]])),
                    "started_on": started,
                    "continuous_since": None if back is None else started - timedelta(days=back),
                    "ended_on": None if ended is None else max(ended, started),
                    "dues_paid_until": draw(st.none() | _offsets(-400, 400).map(lambda d: as_of + timedelta(days=d))),
                }
            )
        birthday = _years_before(as_of, draw(st.integers(0, 100))) + timedelta(days=draw(_offsets(-200, 200)))
        people.append(
            {
                "dob": draw(st.none() | st.just(birthday) | st.just(date(1996, 2, 29))),
                "ward": draw(st.sampled_from(WARDS)),
                "postcode": draw(st.sampled_from(POSTCODES)),
                "memberships": memberships,
                "attended": draw(st.frozensets(st.integers(0, 5), max_size=6)),
                "undone": draw(st.frozensets(st.integers(0, 5), max_size=2)),
                # One answer per question at most; "" = not declared (or withdrawn).
                "declared": {
                    key: value for key, answers in QUESTIONS.items() if (value := draw(st.sampled_from(["", *answers])))
                },
                # Terms in the branch's positions: starting and ending on, just before or just after as-of.
                "terms": [_term(draw, as_of) for _ in range(draw(st.integers(0, 2)))],
            }
        )
    meetings = [
        {
            "day": as_of + timedelta(days=draw(_offsets(-500, 60))),
            # 23:30 and 00:30 local: the local date is not the UTC date.
            "at": draw(st.sampled_from([time(0, 30), time(19, 30), time(23, 30)])),
            "cancelled": draw(st.booleans()),
        }
        for _ in range(draw(st.integers(0, 6)))
    ]
    held = [m for p in people for m in p["memberships"]]
    # Thresholds taken from the people themselves, so that some are met by a day and some missed by one.
    since = [(m["continuous_since"] or m["started_on"]) for m in held] or [as_of]
    ages = [as_of.year - p["dob"].year for p in people if p["dob"]] or [30]
    paid = [(as_of - m["dues_paid_until"]).days for m in held if m["dues_paid_until"]] or [0]
    near_since = st.builds(lambda d, e: d + timedelta(days=e), st.sampled_from(since), EDGE)
    a_day = near_since | _offsets(-4000, 100).map(lambda d: as_of + timedelta(days=d))
    settings_of_block = {
        "categories": st.lists(SLUGS | st.just("no-such-category"), min_size=1, max_size=2),
        "statuses": st.lists(st.sampled_from(STATUSES), min_size=1, max_size=2),
        "min_days": st.sampled_from([0, 1, 30, 183, 365])
        | st.builds(lambda d, e: max((as_of - d).days + e, 0), st.sampled_from(since), EDGE),
        "joined_by": a_day.map(date.isoformat),
        "joined_from": a_day.map(date.isoformat),
        "dues_paid": st.just(True),
        "dues_grace_days": st.sampled_from([0, 1, 30])
        | st.builds(lambda g, e: max(g + e, 0), st.sampled_from(paid), EDGE),
    }

    # One to three settings a block (more would rarely admit anyone); a grace only beside dues_paid.
    def membership_blocks(min_size=0):
        return (
            st.lists(st.sampled_from(sorted(settings_of_block)), min_size=min_size, max_size=3, unique=True)
            .map(lambda keys: [k for k in keys if k != "dues_grace_days" or "dues_paid" in keys])
            .flatmap(lambda keys: st.fixed_dictionaries({k: settings_of_block[k] for k in keys}))
            .filter(lambda b: not ("joined_by" in b and "joined_from" in b and b["joined_from"] > b["joined_by"]))
        )

    membership_block = membership_blocks()
    declared_leaf = st.one_of(
        st.sampled_from(sorted(QUESTIONS)).flatmap(
            lambda key: st.lists(st.sampled_from([*QUESTIONS[key], "unheard-of"]), min_size=1, max_size=2).map(
                lambda values: {"attribute": {"key": key, "any": values}}
            )
        ),
        st.lists(st.sampled_from([*sorted(POSITIONS), "no-such-position"]), min_size=1, max_size=2).map(
            lambda slugs: {"office": {"positions": slugs}}
        ),
    )
    bound = st.builds(lambda a, e: max(a + e, 0), st.sampled_from(ages), EDGE) | st.integers(0, 90)
    leaves = st.one_of(
        st.just({"everyone": True}),
        membership_block.map(lambda b: {"membership": b}),
        membership_block.map(lambda b: {"membership": b}),
        membership_block.map(lambda b: {"membership": b}),
        st.builds(
            lambda low, high, which: {
                "age": {k: v for k, v in (("min", min(low, high)), ("max", max(low, high))) if k in which}
            },
            bound,
            bound,
            st.sampled_from([("min",), ("max",), ("min", "max")]),
        ),
        st.builds(
            lambda wards, postcodes: {"area": {k: v for k, v in (("wards", wards), ("postcodes", postcodes)) if v}},
            st.lists(st.sampled_from(["Tottenham Green", "tottenham green ", "St Ann's", "Seven Sisters"]), max_size=2),
            st.lists(st.sampled_from(["N15", "N1", "N15 4", "n15 4ab", "E17", "N2"]), max_size=2),
        ).filter(lambda r: r["area"]),
        st.builds(lambda n, k: {"attended": {"min": min(n, k), "of_last": k}}, st.integers(0, 4), st.integers(1, 5)),
        declared_leaf,
    )
    rules = st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3).map(lambda rs: {"all": rs}),
            st.lists(inner, min_size=1, max_size=3).map(lambda rs: {"any": rs}),
            inner.map(lambda r: {"not": r}),
        ),
        max_leaves=6,
    )
    # The first rule is one membership condition, so every example puts the dates to the test.
    # The second asks what they declared or hold, so that terms ending on, just before or after as-of count.
    rule_list = [
        {"membership": draw(membership_blocks(min_size=1))},
        draw(declared_leaf),
        *draw(st.lists(rules, max_size=2)),
    ]
    return {"as_of": as_of, "people": people, "meetings": meetings, "rules": rule_list}


MEMBERSHIP_FIELDS = ("status", "started_on", "continuous_since", "ended_on", "dues_paid_until")


class _Rollback(Exception):
    pass


def _write(branch, people, meetings):
    cats = {c.slug: c for c in Category.objects.filter(branch=branch)}
    questions = {
        key: AttributeDefinition.objects.create(
            branch=branch, key=key, name=key.capitalize(), options=[{"value": v, "label": v} for v in answers]
        )
        for key, answers in QUESTIONS.items()
    }
    positions = {slug: Position.objects.create(branch=branch, slug=slug, name=name) for slug, name in POSITIONS.items()}
    made_meetings = [
        Meeting.objects.create(
            branch=branch,
            title=f"Meeting {i}",
            starts_at=datetime.combine(m["day"], m["at"], tzinfo=LONDON),
            status="cancelled" if m["cancelled"] else "held",
        )
        for i, m in enumerate(meetings)
    ]
    persons = []
    for i, row in enumerate(people):
        p = Person.objects.create(
            branch=branch,
            first_name=f"P{i}",
            date_of_birth=row["dob"],
            ward=row["ward"],
            postcode=normalise_postcode(row["postcode"]),  # stored normalised, as the people service does
        )
        persons.append(p)
        for m in row["memberships"]:
            Membership.objects.create(
                person=p,
                branch=branch,
                category=cats[m["slug"]],
                **{field: m[field] for field in MEMBERSHIP_FIELDS},
            )
        for k in row["attended"]:
            if k < len(made_meetings):
                Attendance.objects.create(
                    meeting=made_meetings[k],
                    person=p,
                    checked_in_at=made_meetings[k].starts_at,
                    undone_at=made_meetings[k].starts_at if k in row["undone"] else None,
                )
        for key, value in row["declared"].items():
            SelfDeclaredAttribute.objects.create(
                person=p, definition=questions[key], value=value, source="self", consent_given_at=timezone.now()
            )
        for term in row["terms"]:
            PositionHolder.objects.create(
                position=positions[term["slug"]],
                person=p,
                started_on=term["started_on"],
                ended_on=term["ended_on"],
                appointed_at=timezone.now(),
            )
    return persons


def _oracle(branch, people, meetings, persons, made_meetings) -> dict[int, PersonFacts]:
    """Each person's facts built straight from the generated rows, by the
    engine's documented contract (memberships by category order, start date,
    then the order they were recorded; a meeting's local date is the day it
    was generated for; undone check-ins do not count; terms by start date, then
    the order recorded) — never by any of the loaders under test."""
    order = dict(Category.objects.filter(branch=branch).values_list("slug", "order"))
    names = dict(Category.objects.filter(branch=branch).values_list("slug", "name"))
    branch_meetings = tuple(
        MeetingFacts(id=made.pk, starts_on=row["day"], cancelled=row["cancelled"])
        for made, row in zip(made_meetings, meetings, strict=True)
    )
    out = {}
    for person, row in zip(persons, people, strict=True):
        held = sorted(enumerate(row["memberships"]), key=lambda im: (order[im[1]["slug"]], im[1]["started_on"], im[0]))
        out[person.pk] = PersonFacts(
            memberships=tuple(
                MembershipFacts(
                    category_slug=m["slug"],
                    category_name=names[m["slug"]],
                    **{field: m[field] for field in MEMBERSHIP_FIELDS},
                )
                for _, m in held
            ),
            date_of_birth=row["dob"],
            ward=row["ward"],
            postcode=normalise_postcode(row["postcode"]),
            attended=frozenset(
                made_meetings[k].pk for k in row["attended"] if k < len(made_meetings) and k not in row["undone"]
            ),
            branch_meetings=branch_meetings,
            declared=frozenset(row["declared"].items()),
            offices=tuple(
                OfficeFacts(
                    slug=t["slug"], name=POSITIONS[t["slug"]], started_on=t["started_on"], ended_on=t["ended_on"]
                )
                for _, t in sorted(enumerate(row["terms"]), key=lambda it: (it[1]["started_on"], it[0]))
            ),
        )
    return out


def _door_meeting(branch, i, attendance, voting, as_of):
    """A published meeting after every generated one (so it is in nobody's
    attendance history), deciding on ``as_of`` with these rules."""
    rules = []
    for suffix, definition in (("attend", attendance), ("vote", voting)):
        rule = Rule.objects.create(branch=branch, name=f"Generated {i} {suffix}", definition=definition)
        RuleVersion.objects.create(rule=rule, version=1, definition=definition, changed_at=timezone.now())
        rules.append(rule)
    return Meeting.objects.create(
        branch=branch,
        title=f"Door {i}",
        starts_at=datetime(2030, 1, 1, 19, 0, tzinfo=LONDON),
        status="published",
        eligibility_date=as_of,
        attendance_rule=rules[0],
        voting_rule=rules[1],
    )


@pytest.mark.django_db(transaction=False)
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(world=worlds())
def test_every_way_of_deciding_agrees_with_evaluate(branch, organiser, world):
    """The compiled filter and every fact builder that decides eligibility give
    the pure evaluator's Decision (eligible and the same reasons) over facts
    taken straight from the generated data: whole-branch loading, a page of
    people, the door's cards, the check-in (its own one-statement read),
    reports, one person's Decision, My meetings and invitations."""
    as_of, people, meetings, rule_list = world["as_of"], world["people"], world["meetings"], world["rules"]
    try:
        with transaction.atomic():
            persons = _write(branch, people, meetings)
            made_meetings = list(Meeting.objects.filter(branch=branch).order_by("pk"))
            expected = _oracle(branch, people, meetings, persons, made_meetings)
            names = dict(Category.objects.filter(branch=branch).values_list("slug", "name"))

            def pure(rule, person):
                return evaluate(rule, expected[person.pk], as_of, category_names=names)

            door = [
                _door_meeting(branch, i, rule, rule_list[(i + 1) % len(rule_list)], as_of)
                for i, rule in enumerate(rule_list)
            ]
            whole_branch = load_facts(
                Person.objects.filter(branch=branch), branch=branch, as_of=as_of, declared=True
            ).facts
            report_data = _BranchData(branch, as_of, declared=True)
            report_sets = eligible_sets(report_data, door)
            for rule, meeting in zip(rule_list, door, strict=True):
                why = (rule, as_of)
                wanted = {p.pk for p in persons if pure(rule, p).eligible}
                # Lists: the compiled filter (eligible lists, counts, quorum, invitations to all).
                assert {p.pk for p in eligible_people(branch, rule, as_of)} == wanted, why
                assert set(admitted_people(meeting).values_list("pk", flat=True)) == wanted, why
                # Whole-branch loading and reports' own loading.
                for p in persons:
                    assert evaluate(rule, whole_branch[p.pk], as_of, category_names=names) == pure(rule, p), why
                    assert evaluate(rule, report_data.facts[p.pk], as_of, category_names=names) == pure(rule, p), why
                assert report_sets[meeting.pk] == wanted, why
                # A page of people (rule preview, invitations to chosen people).
                for p, decision in decisions_for(persons, rule, branch=branch, as_of=as_of):
                    assert decision == pure(rule, p), why
                assert set(plan(meeting=meeting, person_ids=[p.pk for p in persons])["ids"]) == wanted, why
                # The door's cards, for the meeting as the door reads it.
                door_meeting = door_meeting_of(Branch.objects.get(pk=branch.pk), meeting.pk)
                for card in door_cards(door_meeting.branch, door_meeting, persons):
                    assert card["decision"] == pure(rule, card["person"]), why
                # One person's Decision, under one rule and under all of the branch's.
                for p in Person.objects.filter(branch=branch).select_related("branch"):
                    assert decide(rule, as_of, person=p) == pure(rule, p), why
                    assert dict(person_decisions(p, as_of))[meeting.attendance_rule] == pure(rule, p), why
            for p in persons:
                mine = {row["meeting"].pk: row["decision"] for row in my_meetings(branch, p, now=NOW)}
                for rule, meeting in zip(rule_list, door, strict=True):
                    assert mine[meeting.pk] == pure(rule, p), (rule, as_of)
            # The check-in decides inside its transaction from its own read: the Decision it records,
            # and whether both rules admit them (a voter may attend).
            for i, (rule, meeting) in enumerate(zip(rule_list, door, strict=True)):
                voting = rule_list[(i + 1) % len(rule_list)]
                door_meeting = door_meeting_of(Branch.objects.get(pk=branch.pk), meeting.pk)
                for p in persons:
                    # check_in's body without its durable transaction: each example rolls back.
                    attendance, _ = check_in_within(
                        meeting=door_meeting,
                        person=p,
                        actor=organiser,
                        method="door",
                        override_reason="Generated",
                        at=NOW,
                    )
                    assert attendance.decision == pure(rule, p).as_dict(), (rule, as_of)
                    # Voters: those the attendance rule AND the voting rule admit (CONTRACT.md §4).
                    may_vote = pure(rule, p).eligible and pure(voting, p).eligible
                    assert attendance.may_vote == may_vote, (rule, voting, as_of)
            raise _Rollback
    except _Rollback:
        pass


# --------------------------------------------------------------------------
# Edge cases, by hand

AS = date(2016, 4, 14)


@pytest.fixture
def cats(branch):
    return {c.slug: c for c in Category.objects.filter(branch=branch)}


@pytest.fixture
def add(branch, cats):
    def make(dob=None, ward="", postcode="", memberships=()):
        p = Person.objects.create(branch=branch, first_name="X", date_of_birth=dob, ward=ward, postcode=postcode)
        for m in memberships:
            m = dict(m)
            Membership.objects.create(person=p, branch=branch, category=cats[m.pop("slug", PARTY)], **m)
        return p

    return make


def both(branch, rule, as_of=AS):
    """The people each path admits; asserts they agree and returns them."""
    compiled = set(eligible_people(branch, rule, as_of))
    facts = load_facts(Person.objects.filter(branch=branch), branch=branch, as_of=as_of).facts
    pure = {p for p in Person.objects.filter(branch=branch) if evaluate(rule, facts[p.pk], as_of).eligible}
    assert compiled == pure
    return compiled


PARTY_RULE = {"membership": {"categories": [PARTY]}}


def test_membership_starting_and_ending_on_as_of(branch, add):
    starts = add(memberships=[{"started_on": AS}])
    ends = add(memberships=[{"started_on": date(2010, 1, 1), "ended_on": AS}])
    ended = add(memberships=[{"started_on": date(2010, 1, 1), "ended_on": AS - timedelta(days=1)}])
    future = add(memberships=[{"started_on": AS + timedelta(days=1)}])
    got = both(branch, PARTY_RULE)
    assert starts in got and ends in got
    assert ended not in got and future not in got


def test_continuous_since_carries_membership_over(branch, add):
    carried = add(memberships=[{"started_on": date(2016, 1, 1), "continuous_since": date(2010, 1, 1)}])
    recent = add(memberships=[{"started_on": date(2016, 1, 1)}])
    got = both(branch, {"membership": {"categories": [PARTY], "min_days": 183}})
    assert got == {carried}
    assert recent not in got


def test_dues_at_exactly_the_grace_boundary(branch, add):
    at_edge = add(memberships=[{"started_on": date(2010, 1, 1), "dues_paid_until": AS - timedelta(days=30)}])
    a_day_late = add(memberships=[{"started_on": date(2010, 1, 1), "dues_paid_until": AS - timedelta(days=31)}])
    unknown = add(memberships=[{"started_on": date(2010, 1, 1)}])
    got = both(branch, {"membership": {"dues_paid": True, "dues_grace_days": 30}})
    assert at_edge in got
    assert a_day_late not in got and unknown not in got


def test_birthday_on_as_of_and_29_february(branch, add):
    turns_27_today = add(dob=date(1989, 4, 14))
    still_26 = add(dob=date(1989, 4, 15))
    leapling = add(dob=date(1996, 2, 29))
    assert both(branch, {"age": {"max": 26}}) == {still_26, leapling}
    assert turns_27_today not in both(branch, {"age": {"max": 26}})
    # In a non-leap year the leapling turns 18 on 1 March, not 28 February.
    assert leapling not in both(branch, {"age": {"min": 18}}, date(2014, 2, 28))
    assert leapling in both(branch, {"age": {"min": 18}}, date(2014, 3, 1))


def test_one_and_the_same_membership_must_meet_every_part(branch, add):
    split = add(
        memberships=[
            {"started_on": date(2005, 1, 1), "status": "lapsed"},  # old enough, not active
            {"started_on": date(2016, 3, 1)},  # active, too recent
        ]
    )
    whole = add(memberships=[{"started_on": date(2016, 3, 1)}, {"started_on": date(2005, 1, 1)}])
    got = both(branch, {"membership": {"categories": [PARTY], "min_days": 365}})
    assert got == {whole}
    assert split not in got


def test_lapsed_party_plus_active_supporter_is_not_a_party_member(branch, add):
    p = add(
        memberships=[
            {"slug": PARTY, "status": "lapsed", "started_on": date(2010, 1, 1)},
            {"slug": REGISTERED, "started_on": date(2010, 1, 1)},
        ]
    )
    assert p not in both(branch, PARTY_RULE)
    assert p in both(branch, {"membership": {}})


def test_person_with_no_memberships(branch, add):
    nobody = add(dob=date(1990, 1, 1))
    assert nobody not in both(branch, PARTY_RULE)
    assert nobody in both(branch, {"not": PARTY_RULE})
    assert nobody in both(branch, {"everyone": True})
    assert nobody not in both(branch, {"not": {"everyone": True}})


def test_area_wards_ignore_case_and_postcode_outward_codes(branch, add):
    ward = add(ward="tottenham green")
    n15 = add(postcode="N15 4AB")
    n1 = add(postcode="N1 5AB")
    assert both(branch, {"area": {"wards": ["Tottenham Green "], "postcodes": ["N15"]}}) == {ward, n15}
    assert both(branch, {"area": {"postcodes": ["N1"]}}) == {n1}


def test_attendance_counts_the_last_meetings_in_local_time(branch, add):
    p = add()
    # 00:30 on 14 April in London is 23:30 on 13 April UTC: it starts ON as-of, so it does not count.
    on_as_of = Meeting.objects.create(branch=branch, title="A", starts_at=datetime(2016, 4, 14, 0, 30, tzinfo=LONDON))
    before = Meeting.objects.create(branch=branch, title="B", starts_at=datetime(2016, 4, 13, 23, 30, tzinfo=LONDON))
    for m in (on_as_of, before):
        Attendance.objects.create(meeting=m, person=p, checked_in_at=m.starts_at)
    assert both(branch, {"attended": {"min": 1, "of_last": 1}}) == {p}
    assert both(branch, {"attended": {"min": 2, "of_last": 2}}) == set()
    Attendance.objects.filter(meeting=before).update(undone_at=before.starts_at)
    assert both(branch, {"attended": {"min": 1, "of_last": 1}}) == set()


def test_decide_uses_few_queries_and_gives_reasons(branch, add, django_assert_num_queries):
    p = add(memberships=[{"started_on": date(2015, 3, 1)}])
    p = Person.objects.select_related("branch").get(pk=p.pk)
    # No attendance condition: memberships and the branch's category names in one statement.
    with django_assert_num_queries(1):
        decision = decide({"membership": {"categories": [PARTY], "min_days": 183}}, AS, person=p)
    assert decision.eligible
    assert decision.reasons == ("Party member since 1 March 2015, over 6 months by 14 April 2016",)
    refused = decide({"membership": {"categories": [SUPPORTER]}}, AS, person=p)
    assert not refused.eligible and "Supporter" in refused.reasons[0]  # a category they do not hold, named
    # With one: memberships with the category names, check-ins, and the branch's meetings.
    p = Person.objects.select_related("branch").get(pk=p.pk)
    with django_assert_num_queries(3):
        decision = decide({"attended": {"min": 1, "of_last": 3}}, AS, person=p)
    assert not decision.eligible


def test_load_facts_reads_memberships_and_category_names_together(branch, add, django_assert_num_queries):
    people = [
        add(memberships=[{"started_on": date(2015, 3, 1)}, {"slug": SUPPORTER, "started_on": date(2014, 1, 1)}]),
        add(memberships=[{"slug": REGISTERED, "started_on": date(2016, 1, 1), "status": "lapsed"}]),
        add(),
    ]
    people = list(Person.objects.filter(pk__in=[p.pk for p in people]))
    names = category_names(branch)
    # The door's path (people already read, no history): one hand-written statement.
    with django_assert_num_queries(1):
        door = load_facts(people, branch=branch, as_of=AS, history=False, names=True)
    # The ORM's path: the people, then memberships and category names in one UNION ALL.
    with django_assert_num_queries(2):
        orm = load_facts(Person.objects.filter(pk__in=[p.pk for p in people]), branch=branch, history=False, names=True)
    assert door.facts == orm.facts and door.names == orm.names == names
    assert list(door.names) == list(names)  # in category order
    assert [m.category_slug for m in door.facts[people[0].pk].memberships] == [PARTY, SUPPORTER]
    assert load_facts(people, branch=branch, history=False).names is None  # only when asked for


def test_load_facts_runs_a_fixed_number_of_queries(branch, add, django_assert_num_queries):
    for _ in range(3):
        add(memberships=[{"started_on": date(2015, 3, 1)}, {"slug": SUPPORTER, "started_on": date(2014, 1, 1)}])
    with django_assert_num_queries(4):
        few = load_facts(Person.objects.filter(branch=branch), branch=branch, as_of=AS).facts
    for _ in range(27):
        add(memberships=[{"started_on": date(2015, 3, 1)}])
    with django_assert_num_queries(4):
        many = load_facts(Person.objects.filter(branch=branch), branch=branch, as_of=AS).facts
    assert len(few) == 3 and len(many) == 30
