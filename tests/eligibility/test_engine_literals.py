"""The pure engine's words and dates, against answers written by hand: the
plain-English summary an organiser reads under a rule, the messages a bad rule
gets, and the calendar arithmetic behind "aged 18 on …" (leap years, the
first years of the calendar). The property tests in tests/test_eligibility.py
compare the engine with itself; these compare it with the calendar and with
English."""

from __future__ import annotations

from datetime import date

import pytest

from groups.eligibility.engine import RuleError, age_on, dob_range, summarise, validate

PARTY = {"membership": {"categories": ["party-member"]}}
NAMES = {"party-member": "Party member", "supporter": "Friend"}


@pytest.mark.parametrize(
    "rule, text",
    [
        (
            {"not": {"any": [PARTY, {"age": {"max": 25}}]}},
            "Everyone except Party members with an active membership, or people aged 25 or under",
        ),
        (
            {"all": [PARTY, {"any": [{"membership": {"categories": ["supporter"]}}, {"age": {"min": 18}}]}]},
            "Party members with an active membership, either with an active Friend membership, or aged 18 or over",
        ),
        (
            {"all": [PARTY, {"not": {"attended": {"min": 2, "of_last": 3}}}]},
            "Party members with an active membership, who did not attend at least 2 of the last 3 meetings",
        ),
        (
            {"all": [PARTY, {"not": {"age": {"max": 25}}}]},
            "Party members with an active membership, not aged 25 or under",
        ),
        ({"all": [PARTY, {"not": {"everyone": True}}]}, "Party members with an active membership, nobody"),
        (
            {
                "all": [
                    PARTY,
                    {
                        "any": [
                            {"all": [{"age": {"min": 18}}, {"area": {"wards": ["Harringay"]}}]},
                            {"attended": {"min": 1, "of_last": 1}},
                        ]
                    },
                ]
            },
            "Party members with an active membership, either aged 18 or over, living in Harringay ward, "
            "or who attended at least 1 of the last 1 meeting",
        ),
        (
            {"all": [{"all": [PARTY, {"everyone": True}]}, {"age": {"max": 30}}]},
            "Party members with an active membership, aged 30 or under",
        ),
        (
            {"all": [PARTY, {"membership": {"statuses": ["lapsed", "suspended"], "categories": ["supporter"]}}]},
            "Party members with an active membership, with a lapsed or suspended Friend membership",
        ),
        (
            {"all": [PARTY, {"membership": {"statuses": ["lapsed"]}}]},
            "Party members with an active membership, with a lapsed membership",
        ),
        (
            {
                "membership": {
                    "min_days": 365,
                    "joined_by": "2020-01-01",
                    "joined_from": "2010-01-01",
                    "dues_paid": True,
                    "dues_grace_days": 1,
                }
            },
            "People with an active membership of at least 1 year, joined on or before 1 January 2020, "
            "joined on or after 1 January 2010, with dues paid up to date (or no more than 1 day in arrears)",
        ),
        (
            {"membership": {"joined_from": "2010-01-01", "dues_paid": True}},
            "People with an active membership, joined on or after 1 January 2010, with dues paid up to date",
        ),
        (
            {"membership": {"joined_by": "2020-01-01", "dues_grace_days": 30, "dues_paid": True}},
            "People with an active membership, joined on or before 1 January 2020, with dues paid up to date "
            "(or no more than 30 days in arrears)",
        ),
        ({"membership": {"statuses": ["lapsed"]}}, "People with a lapsed membership"),
        (
            {"all": [{"area": {"postcodes": ["N15", "E17"]}}, {"age": {"min": 18}}]},
            "People with a postcode in N15 or E17, aged 18 or over",
        ),
    ],
)
def test_a_rule_is_summarised_in_plain_english(rule, text):
    assert summarise(rule, category_names=NAMES) == text


@pytest.mark.parametrize(
    "name, plural",
    [
        ("Class", "Classes"),
        ("Box", "Boxes"),
        ("Branch", "Branches"),
        ("Family", "Families"),
        ("Day", "Days"),
        ("Under 25", "Under 25"),  # a name not ending in a letter is left as it is
        ("Group B", "Group Bs"),
        ("Member", "Members"),
    ],
)
def test_a_category_name_is_put_in_the_plural(name, plural):
    rule = {"membership": {"categories": ["x"]}}
    assert summarise(rule, category_names={"x": name}) == f"{plural} with an active membership"


# --------------------------------------------------------------------------
# Messages for a bad rule: the bad value shown, shortened


def test_a_long_bad_value_is_cut_to_60_characters():
    with pytest.raises(RuleError) as exc:
        validate({"age": "x" * 100})
    assert exc.value.message == 'must be an object of settings, got "' + "x" * 56 + "..."


def test_a_bad_value_of_60_characters_is_shown_whole_and_61_is_cut():
    with pytest.raises(RuleError) as exc:
        validate({"age": "x" * 58})  # 60 characters with its quotes
    assert exc.value.message == 'must be an object of settings, got "' + "x" * 58 + '"'
    with pytest.raises(RuleError) as exc:
        validate({"age": "x" * 59})
    assert exc.value.message == 'must be an object of settings, got "' + "x" * 56 + "..."


def test_a_bad_value_keeps_its_letters():
    with pytest.raises(RuleError) as exc:
        validate({"age": "Zoë"})
    assert exc.value.message == 'must be an object of settings, got "Zoë"'


def test_a_bad_value_that_is_not_json_is_shown_as_python_writes_it():
    with pytest.raises(RuleError) as exc:
        validate({"everyone": {1}})
    assert exc.value.message == "must be true, got {1}"


# --------------------------------------------------------------------------
# The calendar


@pytest.mark.parametrize(
    "as_of, min_age, expected_latest",
    [
        (date(2024, 2, 29), 18, date(2006, 2, 28)),  # 2006 has no 29 February
        (date(2024, 2, 29), 4, date(2020, 2, 29)),  # 2020 has one
        (date(2000, 2, 29), 100, date(1900, 2, 28)),  # 1900 was not a leap year
        (date(2000, 2, 29), 400, date(1600, 2, 29)),  # 1600 was
        (date(150, 6, 1), 149, date(1, 6, 1)),  # the first year there is
        (date(2024, 6, 15), 18, date(2006, 6, 15)),
    ],
)
def test_the_latest_date_of_birth_old_enough(as_of, min_age, expected_latest):
    assert dob_range(as_of, min_age, None) == (None, expected_latest)


def test_nobody_is_old_enough_before_the_calendar_starts():
    earliest, latest = dob_range(date(150, 6, 1), 150, None)
    assert earliest > latest


@pytest.mark.parametrize(
    "dob, as_of, age",
    [
        (date(1980, 2, 29), date(2000, 2, 29), 20),  # 2000 was a leap year: the birthday itself
        (date(1980, 2, 29), date(2000, 2, 28), 19),
        (date(1896, 2, 29), date(1900, 2, 28), 3),  # 1900 was not: the birthday is 1 March
        (date(1896, 2, 29), date(1900, 3, 1), 4),
        (date(1980, 2, 29), date(2024, 2, 29), 44),
    ],
)
def test_age_on_counts_leap_day_birthdays(dob, as_of, age):
    assert age_on(dob, as_of) == age


def test_both_age_bounds_give_a_range_of_birth_dates():
    assert dob_range(date(2024, 6, 15), 18, 26) == (date(1997, 6, 16), date(2006, 6, 15))
    assert dob_range(date(2024, 2, 29), 18, 18) == (date(2005, 3, 1), date(2006, 2, 28))


@pytest.mark.parametrize(
    "rule, text",
    [
        ({"not": {"everyone": True}}, "Nobody"),
        ({"all": [PARTY]}, "Party members with an active membership"),
        (
            {"all": [{"age": {"min": 18}}, {"any": [PARTY, {"age": {"max": 10}}]}]},
            "People aged 18 or over, either with an active Party member membership, or aged 10 or under",
        ),
        (
            {
                "all": [
                    PARTY,
                    {
                        "any": [
                            {"all": [{"membership": {"categories": ["supporter"]}}, {"age": {"min": 18}}]},
                            {"age": {"max": 10}},
                        ]
                    },
                ]
            },
            "Party members with an active membership, either with an active Friend membership, aged 18 or over, "
            "or aged 10 or under",
        ),
    ],
)
def test_more_summaries(rule, text):
    assert summarise(rule, category_names=NAMES) == text


def test_30_months_is_said_in_months():
    from groups.eligibility.engine import duration_text

    assert [duration_text(d) for d in (913, 912, 183, 180, 365, 730)] == [
        "30 months",
        "912 days",
        "6 months",
        "6 months",
        "1 year",
        "2 years",
    ]


def test_a_full_postcode_typed_with_the_space_in_the_wrong_place_is_normalised():
    assert validate({"area": {"postcodes": ["n1 54ab"]}}) == {"area": {"postcodes": ["N15 4AB"]}}


def test_a_bad_area_names_the_part_and_what_was_wanted():
    with pytest.raises(RuleError) as exc:
        validate({"area": {"ward": ["Harringay"]}})
    assert exc.value.path == "area.ward"
    with pytest.raises(RuleError) as exc:
        validate({"area": {"postcodes": ["N15", " "]}})
    assert (exc.value.path, exc.value.message) == ("area.postcodes[1]", 'must be a postcode area, got " "')


@pytest.mark.parametrize(
    "grace, paid, reason",
    [
        (None, date(2024, 6, 15), "Party member since 1 January 2010, dues paid until 15 June 2024"),
        (
            1,
            date(2024, 6, 14),
            "Party member since 1 January 2010, dues paid until 14 June 2024 (within 1 day's grace)",
        ),
        (
            2,
            date(2024, 6, 14),
            "Party member since 1 January 2010, dues paid until 14 June 2024 (within 2 days' grace)",
        ),
    ],
)
def test_dues_paid_within_the_grace_say_so(grace, paid, reason):
    from groups.eligibility.engine import MembershipFacts, PersonFacts, evaluate

    block = {"categories": ["party-member"], "dues_paid": True}
    if grace is not None:
        block["dues_grace_days"] = grace
    held = MembershipFacts("party-member", "Party member", "active", date(2010, 1, 1), None, None, paid)
    decision = evaluate({"membership": block}, PersonFacts(memberships=(held,)), date(2024, 6, 15))
    assert decision.eligible and decision.reasons == (reason,)


@pytest.mark.parametrize(
    "block, path, message",
    [
        ({"min": "x", "of_last": 2}, "attended.min", 'must be a whole number of meetings, got "x"'),
        ({"min": 1, "of_last": 2.5}, "attended.of_last", "must be a whole number of meetings, got 2.5"),
        ({"min": 1, "of_last": 2, "since": 3}, "attended.since", "unknown setting (expected one of: min, of_last)"),
        ({"min": 1}, "attended.of_last", "is required"),
        ({"min": 3, "of_last": 2}, "attended.min", "must not be more than of_last (2), got 3"),
    ],
)
def test_a_bad_attendance_condition_names_the_part_and_what_was_wanted(block, path, message):
    with pytest.raises(RuleError) as exc:
        validate({"attended": block})
    assert (exc.value.path, exc.value.message) == (path, message)


def test_the_last_none_of_the_meetings_are_no_meetings():
    from groups.eligibility.engine import MeetingFacts, last_meetings

    held = [MeetingFacts(id=i, starts_on=date(2024, 1, i), cancelled=False) for i in (1, 2, 3)]
    assert last_meetings(held, date(2024, 6, 1), 0) == ()
    assert [m.id for m in last_meetings(held, date(2024, 6, 1), 2)] == [2, 3]
    assert [m.id for m in last_meetings(held, date(2024, 1, 3), 5)] == [1, 2]  # not the one on as-of


@pytest.mark.parametrize(
    "rule, path, message",
    [
        (
            {"membership": {"categories": "member"}},
            "membership.categories",
            'must be a list of category slugs, got "member"',
        ),
        ({"membership": {"statuses": "active"}}, "membership.statuses", 'must be a list of statuses, got "active"'),
        (
            {"membership": {"categories": ["a\x00b"]}},
            "membership.categories[0]",
            'must be a category slug, got "a\\u0000b"',
        ),
        ({"age": {"min": 18, "oops": 1}}, "age.oops", "unknown setting (expected one of: min, max)"),
    ],
)
def test_a_bad_list_in_a_rule_is_named_by_where_it_is_and_what_it_should_be(rule, path, message):
    with pytest.raises(RuleError) as exc:
        validate(rule)
    assert (exc.value.path, exc.value.message) == (path, message)


def test_an_unknown_category_in_a_branch_with_none_says_so():
    with pytest.raises(RuleError) as exc:
        validate({"membership": {"categories": ["member"]}}, category_slugs=set())
    assert exc.value.message == 'unknown category "member" (this branch has: none)'


def test_lists_and_slugs_read_as_english():
    from groups.eligibility.engine.reasons import humanise_slug, or_list

    assert or_list(["Harringay", "Tottenham", "Seven Sisters"]) == "Harringay, Tottenham or Seven Sisters"
    assert humanise_slug("young_member-rate") == "Young member rate"


@pytest.mark.parametrize(
    "rule, path, message",
    [
        (
            {"any": [{"membership": {"categories": ["nope"]}}, {"everyone": True}]},
            "any[0].membership.categories[0]",
            'unknown category "nope" (this branch has: party-member)',
        ),
        (
            {"not": {"membership": {"categories": ["nope"]}}},
            "not.membership.categories[0]",
            'unknown category "nope" (this branch has: party-member)',
        ),
        (
            {"membership": {"dues_paid": True, "dues_grace_days": "x"}},
            "membership.dues_grace_days",
            'must be a whole number of days, got "x"',
        ),
    ],
)
def test_an_unknown_category_or_a_bad_grace_is_refused_wherever_it_is(rule, path, message):
    with pytest.raises(RuleError) as exc:
        validate(rule, category_slugs={"party-member"})
    assert (exc.value.path, exc.value.message) == (path, message)
