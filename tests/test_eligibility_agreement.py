"""The compiled database filter and the pure evaluator select the same people.

A hypothesis property test writes generated people, memberships, meetings and
attendance to the database (rolled back after each example), then compares
``eligible_people`` with ``evaluate`` over ``load_facts``. Hand-written edge
cases follow.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from groups.eligibility import evaluate, normalise_postcode
from groups.models import Attendance, Category, Meeting, Membership, Person
from groups.queries import category_names, decide, eligible_people, load_facts

PARTY, REGISTERED, AFFILIATED, SUPPORTER = "party-member", "registered-supporter", "affiliated-supporter", "supporter"
LONDON = ZoneInfo("Europe/London")

DATES = st.dates(min_value=date(1995, 1, 1), max_value=date(2025, 12, 31))
AS_OF = st.dates(min_value=date(2008, 1, 1), max_value=date(2022, 12, 31))
SLUGS = st.sampled_from([PARTY, REGISTERED, AFFILIATED, SUPPORTER])
WARDS = ["", "Tottenham Green", "harringay ", "St Ann's", "TOTTENHAM GREEN"]
POSTCODES = ["", "N15 4AB", "N1 5AB", "N15 6GD", "N22 8JP", "E17 4AA", "N154AB"]


@st.composite
def membership_rows(draw):
    started = draw(DATES)
    ended = draw(st.none() | st.integers(0, 4000).map(lambda d: started + timedelta(days=d)))
    return {
        "slug": draw(SLUGS),
        "status": draw(st.sampled_from(["active", "active", "lapsed", "suspended", "resigned"])),
        "started_on": started,
        "continuous_since": draw(st.none() | DATES),
        "ended_on": ended,
        "dues_paid_until": draw(st.none() | DATES),
    }


people_rows = st.lists(
    st.fixed_dictionaries(
        {
            "dob": st.none() | st.dates(min_value=date(1920, 1, 1), max_value=date(2020, 12, 31)),
            "ward": st.sampled_from(WARDS),
            "postcode": st.sampled_from(POSTCODES),
            "memberships": st.lists(membership_rows(), max_size=3),
            "attended": st.frozensets(st.integers(0, 5), max_size=6),
            "undone": st.frozensets(st.integers(0, 5), max_size=2),
        }
    ),
    min_size=1,
    max_size=6,
)
meeting_rows = st.lists(
    st.fixed_dictionaries(
        {
            "day": st.dates(min_value=date(2007, 6, 1), max_value=date(2023, 6, 1)),
            # 23:30 and 00:30 local: the local date is not the UTC date.
            "at": st.sampled_from([time(0, 30), time(19, 30), time(23, 30)]),
            "cancelled": st.booleans(),
        }
    ),
    max_size=6,
)

iso_dates = DATES.map(date.isoformat)
membership_blocks = (
    st.fixed_dictionaries(
        {},
        optional={
            "categories": st.lists(SLUGS | st.just("no-such-category"), min_size=1, max_size=2),
            "statuses": st.lists(
                st.sampled_from(["active", "lapsed", "suspended", "resigned"]), min_size=1, max_size=2
            ),
            "min_days": st.integers(0, 4000),
            "joined_by": iso_dates,
            "joined_from": iso_dates,
            "dues_paid": st.just(True),
        },
    )
    .flatmap(
        lambda b: (
            st.just(b)
            if not b.get("dues_paid")
            else st.integers(0, 400).map(lambda g: {**b, "dues_grace_days": g}) | st.just(b)
        )
    )
    .filter(lambda b: not ("joined_by" in b and "joined_from" in b and b["joined_from"] > b["joined_by"]))
)

leaves = st.one_of(
    st.just({"everyone": True}),
    membership_blocks.map(lambda b: {"membership": b}),
    st.builds(
        lambda low, extra, which: {"age": {k: v for k, v in (("min", low), ("max", low + extra)) if k in which}},
        st.integers(0, 90),
        st.integers(0, 40),
        st.sampled_from([("min",), ("max",), ("min", "max")]),
    ),
    st.builds(
        lambda wards, postcodes: {"area": {k: v for k, v in (("wards", wards), ("postcodes", postcodes)) if v}},
        st.lists(st.sampled_from(["Tottenham Green", "tottenham green ", "St Ann's", "Seven Sisters"]), max_size=2),
        st.lists(st.sampled_from(["N15", "N1", "N15 4", "n15 4ab", "E17", "N2"]), max_size=2),
    ).filter(lambda r: r["area"]),
    st.builds(
        lambda n, k: {"attended": {"min": min(n, k), "of_last": k}},
        st.integers(0, 4),
        st.integers(1, 5),
    ),
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


class _Rollback(Exception):
    pass


def _write(branch, people, meetings):
    cats = {c.slug: c for c in Category.objects.filter(branch=branch)}
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
                status=m["status"],
                started_on=m["started_on"],
                continuous_since=m["continuous_since"],
                ended_on=m["ended_on"],
                dues_paid_until=m["dues_paid_until"],
            )
        for k in row["attended"]:
            if k < len(made_meetings):
                Attendance.objects.create(
                    meeting=made_meetings[k],
                    person=p,
                    checked_in_at=made_meetings[k].starts_at,
                    undone_at=made_meetings[k].starts_at if k in row["undone"] else None,
                )
    return persons


@pytest.mark.django_db(transaction=False)
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(people=people_rows, meetings=meeting_rows, rule_list=st.lists(rules, min_size=1, max_size=3), as_of=AS_OF)
def test_compiled_filter_agrees_with_evaluate(branch, people, meetings, rule_list, as_of):
    try:
        with transaction.atomic():
            persons = _write(branch, people, meetings)
            facts = load_facts(Person.objects.filter(branch=branch), branch=branch, as_of=as_of)
            for rule in rule_list:
                compiled = set(eligible_people(branch, rule, as_of))
                pure = {p for p in persons if evaluate(rule, facts[p.pk], as_of).eligible}
                assert compiled == pure, (rule, as_of)
            # One person's facts (read their own way: one statement, or two with attendance) are the
            # same facts, so the same Decision.
            names = category_names(branch)
            for p in Person.objects.filter(branch=branch).select_related("branch"):
                assert decide(p, rule_list[0], as_of) == evaluate(
                    rule_list[0], facts[p.pk], as_of, category_names=names
                )
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
    facts = load_facts(Person.objects.filter(branch=branch), branch=branch, as_of=as_of)
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
        decision = decide(p, {"membership": {"categories": [PARTY], "min_days": 183}}, AS)
    assert decision.eligible
    assert decision.reasons == ("Party member since 1 March 2015, over 6 months by 14 April 2016",)
    refused = decide(p, {"membership": {"categories": [SUPPORTER]}}, AS)
    assert not refused.eligible and "Supporter" in refused.reasons[0]  # a category they do not hold, named
    # With one: memberships, the branch's meetings marked with attendance, and the category names.
    p = Person.objects.select_related("branch").get(pk=p.pk)
    with django_assert_num_queries(3):
        decision = decide(p, {"attended": {"min": 1, "of_last": 3}}, AS)
    assert not decision.eligible


def test_load_facts_with_names_reads_memberships_and_category_names_in_one_query(
    branch, add, django_assert_num_queries
):
    people = [
        add(memberships=[{"started_on": date(2015, 3, 1)}, {"slug": SUPPORTER, "started_on": date(2014, 1, 1)}]),
        add(memberships=[{"slug": REGISTERED, "started_on": date(2016, 1, 1), "status": "lapsed"}]),
        add(),
    ]
    people = list(Person.objects.filter(pk__in=[p.pk for p in people]))
    expected = load_facts(people, branch=branch, as_of=AS, attended=False)
    names = category_names(branch)
    fresh = type(branch).objects.get(pk=branch.pk)
    with django_assert_num_queries(1):
        facts = load_facts(people, branch=fresh, as_of=AS, attended=False, names=True)
        assert category_names(fresh) == names  # cached by the same query
    assert facts == expected
    assert [m.category_slug for m in facts[people[0].pk].memberships] == [PARTY, SUPPORTER]


def test_load_facts_runs_a_fixed_number_of_queries(branch, add, django_assert_num_queries):
    for _ in range(3):
        add(memberships=[{"started_on": date(2015, 3, 1)}, {"slug": SUPPORTER, "started_on": date(2014, 1, 1)}])
    with django_assert_num_queries(4):
        few = load_facts(Person.objects.filter(branch=branch), branch=branch, as_of=AS)
    for _ in range(27):
        add(memberships=[{"started_on": date(2015, 3, 1)}])
    with django_assert_num_queries(4):
        many = load_facts(Person.objects.filter(branch=branch), branch=branch, as_of=AS)
    assert len(few) == 3 and len(many) == 30
