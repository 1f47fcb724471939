"""The pure eligibility engine (CONTRACT.md §2): semantics, exact reasons, validation."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from groups.eligibility.engine import (
    Decision,
    MeetingFacts,
    MembershipFacts,
    PersonFacts,
    RuleError,
    age_on,
    category_slugs,
    dob_range,
    duration_text,
    evaluate,
    format_date,
    last_meetings,
    membership_since,
    normalise_postcode,
    normalise_postcode_prefix,
    postcode_matches,
    summarise,
    uses_attended,
    validate,
)

AS_OF = date(2016, 4, 14)
PARTY = "party-member"
SUPPORTER = "registered-supporter"
NAMES = {PARTY: "Party member", SUPPORTER: "Registered supporter"}


def membership(
    slug: str = PARTY,
    status: str = "active",
    started_on: date | None = date(2015, 3, 1),
    continuous_since: date | None = None,
    ended_on: date | None = None,
    dues_paid_until: date | None = None,
) -> MembershipFacts:
    return MembershipFacts(
        category_slug=slug,
        category_name=NAMES.get(slug, slug.title()),
        status=status,
        started_on=started_on,
        continuous_since=continuous_since,
        ended_on=ended_on,
        dues_paid_until=dues_paid_until,
    )


def person(*memberships: MembershipFacts, **kwargs) -> PersonFacts:
    return PersonFacts(memberships=memberships, **kwargs)


def decide(rule: dict, facts: PersonFacts, as_of: date = AS_OF) -> Decision:
    return evaluate(rule, facts, as_of, category_names=NAMES)


def party_rule(**settings) -> dict:
    return {"membership": {"categories": [PARTY], **settings}}


# --------------------------------------------------------------------------
# Helpers


def test_format_date_is_uk_style():
    assert format_date(date(2015, 3, 1)) == "1 March 2015"
    assert format_date(date(2016, 12, 31)) == "31 December 2016"


def test_membership_since_prefers_continuous_since():
    assert membership_since(membership(continuous_since=date(2001, 5, 2))) == date(2001, 5, 2)
    assert membership_since(membership()) == date(2015, 3, 1)
    assert membership_since(membership(started_on=None)) is None


@pytest.mark.parametrize(
    ("days", "text"),
    [
        (0, "0 days"),
        (1, "1 day"),
        (45, "45 days"),
        (30, "1 month"),
        (61, "2 months"),
        (91, "3 months"),
        (180, "6 months"),
        (183, "6 months"),
        (184, "184 days"),
        (365, "1 year"),
        (730, "2 years"),
        (548, "18 months"),
    ],
)
def test_duration_text(days, text):
    assert duration_text(days) == text


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("n156gd", "N15 6GD"),
        ("  N15   6GD ", "N15 6GD"),
        ("sw1a1aa", "SW1A 1AA"),
        ("E1 6AN", "E1 6AN"),
        ("ec1a 1bb", "EC1A 1BB"),
        ("", ""),
        (
            "  n15 ",
            "N15",
        ),  # an outward code alone: can't tell more, stripped upper input
        ("not a postcode", "NOT A POSTCODE"),
    ],
)
def test_normalise_postcode(raw, normalised):
    assert normalise_postcode(raw) == normalised


def test_normalise_postcode_prefix_keeps_outward_codes_and_sectors():
    assert normalise_postcode_prefix("n15") == "N15"
    assert normalise_postcode_prefix("n15  4") == "N15 4"
    assert normalise_postcode_prefix("n154ab") == "N15 4AB"
    assert normalise_postcode_prefix("N154") == "N154"  # no space: an outward code


def test_postcode_matches_outward_codes_and_sectors():
    assert postcode_matches("N15 4AB", "N15")
    assert postcode_matches("N15", "N15")
    assert not postcode_matches("N1 5AB", "N15")
    assert not postcode_matches("N15 4AB", "N1")
    assert postcode_matches("N15 4AB", "N15 4")
    assert not postcode_matches("N15 5AB", "N15 4")
    assert postcode_matches("N15 4AB", "N15 4AB")
    assert not postcode_matches("", "N15")


@pytest.mark.parametrize(
    ("dob", "as_of", "age"),
    [
        (date(1990, 4, 14), date(2016, 4, 14), 26),  # birthday on as-of counts
        (date(1990, 4, 15), date(2016, 4, 14), 25),
        (
            date(1996, 2, 29),
            date(2017, 2, 28),
            20,
        ),  # non-leap year: birthday is 1 March
        (date(1996, 2, 29), date(2017, 3, 1), 21),
        (
            date(1996, 2, 29),
            date(2016, 2, 28),
            19,
        ),  # leap year: birthday is 29 February
        (date(1996, 2, 29), date(2016, 2, 29), 20),
        (date(1996, 3, 1), date(2016, 2, 29), 19),
        (date(2016, 4, 15), date(2016, 4, 14), -1),
    ],
)
def test_age_on(dob, as_of, age):
    assert age_on(dob, as_of) == age


def test_last_meetings_skips_cancelled_and_not_yet_started():
    meetings = (
        MeetingFacts(1, date(2016, 1, 1), False),
        MeetingFacts(2, date(2016, 2, 1), True),
        MeetingFacts(4, date(2016, 3, 1), False),
        MeetingFacts(3, date(2016, 3, 1), False),  # same day: id breaks the tie
        MeetingFacts(5, AS_OF, False),  # on as-of: not before it
        MeetingFacts(6, date(2016, 5, 1), False),
    )
    assert [m.id for m in last_meetings(meetings, AS_OF, 2)] == [3, 4]
    assert [m.id for m in last_meetings(meetings, AS_OF, 10)] == [1, 3, 4]


# --------------------------------------------------------------------------
# Decision and the trivial rules


def test_decision_as_dict():
    assert Decision(True, ("Open to everyone",)).as_dict() == {
        "eligible": True,
        "reasons": ["Open to everyone"],
    }


@pytest.mark.parametrize("rule", [{"everyone": True}, {"all": []}])
def test_everyone_and_empty_all_admit_everyone(rule):
    assert decide(rule, person()) == Decision(True, ("Open to everyone",))


# --------------------------------------------------------------------------
# membership: passing sentences


def test_membership_pass_contract_example():
    decision = decide(party_rule(min_days=183), person(membership()))
    assert decision == Decision(True, ("Party member since 1 March 2015, over 6 months by 14 April 2016",))


def test_membership_pass_plain():
    assert decide(party_rule(), person(membership())).reasons == ("Party member since 1 March 2015",)


def test_membership_pass_with_dates_and_dues():
    rule = party_rule(joined_by="2015-12-31", joined_from="2015-01-01", dues_paid=True)
    facts = person(membership(dues_paid_until=date(2016, 5, 5)))
    assert decide(rule, facts).reasons == (
        (
            "Party member since 1 March 2015, no later than 31 December 2015, "
            "no earlier than 1 January 2015, dues paid until 5 May 2016"
        ),
    )


def test_membership_pass_in_grace_period_says_so():
    rule = party_rule(dues_paid=True, dues_grace_days=30)
    facts = person(membership(dues_paid_until=date(2016, 3, 15)))
    assert decide(rule, facts) == Decision(
        True,
        ("Party member since 1 March 2015, dues paid until 15 March 2016 (within 30 days' grace)",),
    )


def test_membership_pass_names_a_non_active_status():
    rule = party_rule(statuses=["active", "lapsed"])
    assert decide(rule, person(membership(status="lapsed"))).reasons == ("Party member (lapsed) since 1 March 2015",)


def test_membership_any_category():
    facts = person(membership(SUPPORTER))
    assert decide({"membership": {}}, facts) == Decision(True, ("Registered supporter since 1 March 2015",))


# --------------------------------------------------------------------------
# membership: failing sentences


def test_membership_fail_other_category_contract_example():
    assert decide(party_rule(), person(membership(SUPPORTER))) == Decision(
        False, ("No active Party member membership (holds: Registered supporter)",)
    )


def test_membership_fail_no_memberships():
    assert decide(party_rule(), person()).reasons == ("No active Party member membership (holds: none)",)
    assert decide({"membership": {}}, person()).reasons == ("No active membership (holds: none)",)


def test_membership_fail_lists_statuses_and_categories():
    rule = {
        "membership": {
            "categories": [PARTY, "affiliated"],
            "statuses": ["active", "suspended"],
        }
    }
    assert decide(rule, person(membership(SUPPORTER))).reasons == (
        ("No active or suspended Party member or Affiliated membership (holds: Registered supporter)"),
    )


def test_membership_fail_lapsed():
    assert decide(party_rule(), person(membership(status="lapsed"))).reasons == (
        "Party member membership is lapsed, not active",
    )


def test_lapsed_party_plus_active_supporter_is_not_an_active_party_member():
    facts = person(membership(status="lapsed"), membership(SUPPORTER))
    assert decide(party_rule(), facts) == Decision(False, ("Party member membership is lapsed, not active",))


def test_membership_fail_too_recent():
    facts = person(membership(started_on=date(2016, 3, 1)))
    assert decide(party_rule(min_days=183), facts).reasons == (
        "Party member since 1 March 2016, less than 6 months by 14 April 2016",
    )


def test_membership_fail_dues():
    facts = person(membership(dues_paid_until=date(2016, 1, 1)))
    assert decide(party_rule(dues_paid=True), facts).reasons == (
        "Party member dues paid only until 1 January 2016 (needed: 14 April 2016 or later)",
    )
    facts = person(membership())
    assert decide(party_rule(dues_paid=True), facts).reasons == (
        "Party member dues paid-until date not recorded (needed: 14 April 2016 or later)",
    )


def test_membership_fail_ended_and_not_started():
    ended = person(membership(ended_on=date(2016, 2, 2)))
    assert decide(party_rule(), ended).reasons == ("Party member membership ended on 2 February 2016",)
    future = person(membership(started_on=date(2016, 5, 3)))
    assert decide(party_rule(), future).reasons == ("Party member membership starts on 3 May 2016",)
    undated = person(membership(started_on=None))
    assert decide(party_rule(), undated).reasons == ("Party member membership has no start date",)


def test_membership_fail_joined_by_and_joined_from():
    facts = person(membership(started_on=date(2016, 2, 3)))
    assert decide(party_rule(joined_by="2016-01-01"), facts).reasons == (
        "Party member since 3 February 2016, needed 1 January 2016 or earlier",
    )
    facts = person(membership())
    assert decide(party_rule(joined_from="2016-01-01"), facts).reasons == (
        "Party member since 1 March 2015, needed 1 January 2016 or later",
    )


def test_membership_fail_several_parts_in_one_sentence():
    facts = person(
        membership(
            status="lapsed",
            started_on=date(2016, 3, 1),
            dues_paid_until=date(2016, 1, 1),
        )
    )
    assert decide(party_rule(min_days=183, dues_paid=True), facts).reasons == (
        (
            "Party member membership is lapsed, not active; "
            "since 1 March 2016, less than 6 months by 14 April 2016; "
            "dues paid only until 1 January 2016 (needed: 14 April 2016 or later)"
        ),
    )


def test_membership_fail_explains_the_closest_membership():
    far = membership(status="resigned", ended_on=date(2015, 6, 1))
    near = membership(started_on=date(2016, 3, 1))
    assert decide(party_rule(min_days=183), person(far, near)).reasons == (
        "Party member since 1 March 2016, less than 6 months by 14 April 2016",
    )


def test_one_and_the_same_membership_must_meet_every_part():
    # One is long-standing but unpaid, the other paid but new: neither qualifies.
    old_unpaid = membership(started_on=date(2010, 1, 1))
    new_paid = membership(started_on=date(2016, 3, 1), dues_paid_until=date(2017, 1, 1))
    rule = party_rule(min_days=365, dues_paid=True)
    assert not decide(rule, person(old_unpaid, new_paid)).eligible
    good = membership(started_on=date(2010, 1, 1), dues_paid_until=date(2017, 1, 1))
    decision = decide(rule, person(old_unpaid, new_paid, good))
    assert decision == Decision(
        True,
        ("Party member since 1 January 2010, over 1 year by 14 April 2016, dues paid until 1 January 2017",),
    )


# --------------------------------------------------------------------------
# membership: boundaries


def test_membership_starting_on_as_of_counts_as_started():
    assert decide(party_rule(), person(membership(started_on=AS_OF))).eligible
    assert not decide(party_rule(), person(membership(started_on=AS_OF + timedelta(1)))).eligible


def test_membership_ending_on_as_of_still_counts():
    assert decide(party_rule(), person(membership(ended_on=AS_OF))).eligible
    assert not decide(party_rule(), person(membership(ended_on=AS_OF - timedelta(1)))).eligible


def test_min_days_boundary():
    exactly = person(membership(started_on=AS_OF - timedelta(days=183)))
    assert decide(party_rule(min_days=183), exactly).eligible
    short = person(membership(started_on=AS_OF - timedelta(days=182)))
    assert not decide(party_rule(min_days=183), short).eligible


def test_continuous_since_carries_membership_over():
    renewed = membership(started_on=date(2016, 3, 1), continuous_since=date(2010, 6, 1))
    assert decide(party_rule(min_days=365), person(renewed)) == Decision(
        True, ("Party member since 1 June 2010, over 1 year by 14 April 2016",)
    )
    # The start date still decides whether the membership has begun.
    pending = membership(started_on=date(2016, 5, 1), continuous_since=date(2010, 6, 1))
    assert not decide(party_rule(), person(pending)).eligible


def test_joined_by_and_from_are_inclusive():
    facts = person(membership())
    assert decide(party_rule(joined_by="2015-03-01"), facts).eligible
    assert decide(party_rule(joined_from="2015-03-01"), facts).eligible
    assert not decide(party_rule(joined_by="2015-02-28"), facts).eligible
    assert not decide(party_rule(joined_from="2015-03-02"), facts).eligible


def test_dues_paid_at_the_end_of_the_grace_period():
    rule = party_rule(dues_paid=True, dues_grace_days=30)
    last_day = AS_OF - timedelta(days=30)
    assert decide(rule, person(membership(dues_paid_until=last_day))).eligible
    too_late = person(membership(dues_paid_until=last_day - timedelta(days=1)))
    assert decide(rule, too_late) == Decision(
        False,
        ("Party member dues paid only until 14 March 2016 (needed: 15 March 2016 or later)",),
    )


def test_dues_paid_on_as_of_without_grace():
    rule = party_rule(dues_paid=True)
    assert decide(rule, person(membership(dues_paid_until=AS_OF))).eligible
    assert not decide(rule, person(membership(dues_paid_until=AS_OF - timedelta(1)))).eligible


def test_unheld_category_named_from_mapping_or_slug():
    rule = {"membership": {"categories": ["trade-union-affiliate"]}}
    facts = person(membership(SUPPORTER))
    assert evaluate(rule, facts, AS_OF).reasons == (
        "No active Trade union affiliate membership (holds: Registered supporter)",
    )
    named = evaluate(rule, facts, AS_OF, category_names={"trade-union-affiliate": "Affiliate"})
    assert named.reasons == ("No active Affiliate membership (holds: Registered supporter)",)


# --------------------------------------------------------------------------
# age


def test_age_pass_and_fail_sentences():
    young = PersonFacts(date_of_birth=date(1991, 7, 1))
    assert decide({"age": {"max": 26}}, young) == Decision(True, ("Aged 24 on 14 April 2016 (must be 26 or under)",))
    old = PersonFacts(date_of_birth=date(1985, 7, 1))
    assert decide({"age": {"max": 26}}, old) == Decision(False, ("Aged 30 on 14 April 2016; must be 26 or under",))
    assert decide({"age": {"min": 31}}, old).reasons == ("Aged 30 on 14 April 2016; must be 31 or over",)
    assert decide({"age": {"min": 16, "max": 26}}, young).reasons == (
        "Aged 24 on 14 April 2016 (must be between 16 and 26)",
    )
    assert decide({"age": {"min": 24, "max": 24}}, young).reasons == ("Aged 24 on 14 April 2016 (must be 24)",)


def test_age_without_date_of_birth():
    decision = decide({"age": {"min": 16}}, PersonFacts())
    assert decision == Decision(False, ("Age condition not met: date of birth not recorded",))
    assert "date of birth not recorded" in decision.reasons[0]


def test_age_with_date_of_birth_after_as_of():
    decision = decide({"age": {"max": 26}}, PersonFacts(date_of_birth=date(2016, 5, 3)))
    assert decision == Decision(
        False,
        ("Age condition not met: date of birth 3 May 2016 is after 14 April 2016",),
    )


def test_age_birthday_on_as_of_counts():
    facts = PersonFacts(date_of_birth=date(1990, 4, 14))
    assert decide({"age": {"min": 26}}, facts).eligible
    assert not decide({"age": {"max": 25}}, facts).eligible


def test_age_29_february_birthdays():
    leapling = PersonFacts(date_of_birth=date(2000, 2, 29))
    rule = {"age": {"min": 18}}
    assert not decide(rule, leapling, date(2018, 2, 28)).eligible
    assert decide(rule, leapling, date(2018, 3, 1)).eligible
    assert decide({"age": {"min": 16}}, leapling, date(2016, 2, 29)).eligible
    assert not decide({"age": {"min": 16}}, leapling, date(2016, 2, 28)).eligible


# --------------------------------------------------------------------------
# area

AREA = {"area": {"wards": ["Tottenham Green"], "postcodes": ["N15"]}}


def test_area_ward_ignores_case_and_whitespace():
    assert decide(AREA, PersonFacts(ward="  tottenham GREEN ")) == Decision(True, ("Lives in Tottenham Green ward",))


def test_area_postcode_outward_code():
    assert decide(AREA, PersonFacts(postcode="n154ab")) == Decision(True, ("Postcode N15 4AB is in N15",))
    assert decide(AREA, PersonFacts(postcode="N1 5AB")) == Decision(
        False,
        ("Postcode N1 5AB is outside the area (Tottenham Green, N15); ward not recorded",),
    )


def test_area_postcode_sector():
    rule = {"area": {"postcodes": ["n15 4"]}}
    assert decide(rule, PersonFacts(postcode="N15 4AB")) == Decision(True, ("Postcode N15 4AB is in N15 4",))
    assert decide(rule, PersonFacts(postcode="N15 5AB")) == Decision(
        False, ("Postcode N15 5AB is outside the area (N15 4)",)
    )


def test_area_fail_sentences():
    outside = PersonFacts(ward="Harringay", postcode="N22 8JP")
    assert decide(AREA, outside).reasons == (
        "Ward Harringay and postcode N22 8JP are outside the area (Tottenham Green, N15)",
    )
    assert decide(AREA, PersonFacts()).reasons == ("Ward and postcode not recorded (area: Tottenham Green, N15)",)
    wards_only = {"area": {"wards": ["Tottenham Green", "Seven Sisters"]}}
    assert decide(wards_only, outside).reasons == (
        "Ward Harringay is outside the area (Tottenham Green, Seven Sisters)",
    )
    assert decide(wards_only, PersonFacts(postcode="N15 4AB")).reasons == (
        "Ward not recorded (area: Tottenham Green, Seven Sisters)",
    )


# --------------------------------------------------------------------------
# attended

MEETINGS = (
    MeetingFacts(1, date(2016, 1, 5), False),
    MeetingFacts(2, date(2016, 1, 20), False),
    MeetingFacts(3, date(2016, 2, 5), True),  # cancelled: never counts
    MeetingFacts(4, date(2016, 2, 20), False),
    MeetingFacts(5, date(2016, 3, 5), False),
    MeetingFacts(6, date(2016, 3, 20), False),
    MeetingFacts(7, AS_OF, False),  # today's meeting: not before as-of
    MeetingFacts(8, date(2016, 5, 1), False),  # future
)


def attendee(*ids: int) -> PersonFacts:
    return PersonFacts(attended=frozenset(ids), branch_meetings=MEETINGS)


def test_attended_pass_and_fail_sentences():
    rule = {"attended": {"min": 2, "of_last": 5}}
    assert decide(rule, attendee(1, 4, 6)) == Decision(True, ("Attended 3 of the last 5 meetings (needs 2)",))
    assert decide(rule, attendee(2)) == Decision(False, ("Attended 1 of the last 5 meetings; needs 2",))


def test_attended_ignores_cancelled_future_and_older_meetings():
    rule = {"attended": {"min": 1, "of_last": 3}}
    # Meetings 3 (cancelled), 7 (on as-of), 8 (future) and 1, 2 (too old) don't count.
    assert decide(rule, attendee(1, 2, 3, 7, 8)) == Decision(False, ("Attended 0 of the last 3 meetings; needs 1",))
    assert decide(rule, attendee(4)).eligible


def test_attended_with_one_or_no_meetings():
    rule = {"attended": {"min": 1, "of_last": 1}}
    assert decide(rule, attendee(6)).reasons == ("Attended the last meeting (needs 1)",)
    assert decide(rule, attendee(5)).reasons == ("Did not attend the last meeting; needs 1",)
    assert decide(rule, PersonFacts()).reasons == ("No meetings held before 14 April 2016; needs 1",)


# --------------------------------------------------------------------------
# Combinations

OLD = PersonFacts(date_of_birth=date(1985, 7, 1))
PARTY_AND_YOUNG = {"all": [party_rule(min_days=183), {"age": {"max": 26}}]}


def test_all_lists_every_reason_when_met_and_only_failures_when_not():
    facts = person(membership(), date_of_birth=date(1991, 7, 1))
    assert decide(PARTY_AND_YOUNG, facts) == Decision(
        True,
        (
            "Party member since 1 March 2015, over 6 months by 14 April 2016",
            "Aged 24 on 14 April 2016 (must be 26 or under)",
        ),
    )
    facts = person(membership(), date_of_birth=date(1985, 7, 1))
    assert decide(PARTY_AND_YOUNG, facts) == Decision(False, ("Aged 30 on 14 April 2016; must be 26 or under",))


def test_any_gives_the_first_passing_reason_or_every_failure():
    rule = {"any": [party_rule(), {"age": {"max": 26}}, {"everyone": True}]}
    assert decide(rule, OLD) == Decision(True, ("Open to everyone",))
    rule = {"any": [party_rule(), {"age": {"max": 26}}]}
    assert decide(rule, person(membership(), date_of_birth=date(1985, 7, 1))).reasons == (
        "Party member since 1 March 2015",
    )
    assert decide(rule, OLD) == Decision(
        False,
        (
            "No active Party member membership (holds: none)",
            "Aged 30 on 14 April 2016; must be 26 or under",
        ),
    )


def test_not_excludes_with_the_inner_fact():
    rule = {"not": party_rule()}
    assert decide(rule, person(membership())) == Decision(False, ("Excluded: Party member since 1 March 2015",))
    assert decide(rule, person(membership(SUPPORTER))) == Decision(
        True, ("No active Party member membership (holds: Registered supporter)",)
    )


def test_nested_not_any_all():
    rule = {
        "all": [
            {"any": [party_rule(), {"membership": {"categories": [SUPPORTER]}}]},
            {"not": {"all": [{"age": {"max": 17}}, {"not": AREA}]}},
        ]
    }
    local_member = person(membership(), date_of_birth=date(2005, 1, 1), ward="Tottenham Green")
    assert decide(rule, local_member) == Decision(
        True,
        (
            "Party member since 1 March 2015",
            "Lives in Tottenham Green ward",
        ),
    )
    young_outsider = person(membership(SUPPORTER), date_of_birth=date(2005, 1, 1), ward="Harringay")
    assert decide(rule, young_outsider) == Decision(
        False,
        (
            "Excluded: Aged 11 on 14 April 2016 (must be 17 or under)",
            "Ward Harringay is outside the area (Tottenham Green, N15); postcode not recorded",
        ),
    )


def test_repeated_reasons_are_given_once():
    rule = {"all": [party_rule(), party_rule(dues_paid=True)]}
    assert decide(rule, person()).reasons == ("No active Party member membership (holds: none)",)


def test_evaluate_refuses_an_invalid_rule():
    with pytest.raises(RuleError):
        evaluate({"any": []}, PersonFacts(), AS_OF)


# --------------------------------------------------------------------------
# Validation


def test_validate_normalises():
    rule = {
        "all": [
            {
                "area": {
                    "wards": [" Tottenham Green ", "tottenham green"],
                    "postcodes": ["n15", "n15  4", "N15"],
                }
            },
            {
                "membership": {
                    "categories": [PARTY, PARTY],
                    "joined_by": date(2016, 1, 1),
                    "dues_paid": False,
                }
            },
        ]
    }
    assert validate(rule) == {
        "all": [
            {"area": {"wards": ["Tottenham Green"], "postcodes": ["N15", "N15 4"]}},
            {"membership": {"categories": [PARTY], "joined_by": "2016-01-01"}},
        ]
    }


def test_validate_accepts_every_setting():
    rule = {
        "any": [
            {
                "membership": {
                    "categories": [PARTY],
                    "statuses": ["active", "lapsed", "suspended", "resigned"],
                    "min_days": 0,
                    "joined_by": "2016-01-01",
                    "joined_from": "2010-01-01",
                    "dues_paid": True,
                    "dues_grace_days": 0,
                }
            },
            {"age": {"min": 0, "max": 150}},
            {"area": {"wards": ["A"], "postcodes": ["SW1A 1AA", "E1", "N15 4"]}},
            {"attended": {"min": 0, "of_last": 1}},
            {"not": {"everyone": True}},
            {"all": []},
        ]
    }
    assert validate(rule, category_slugs={PARTY}) == rule


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            {"all": [{"everyone": True}, {"membership": {"min_days": "six"}}]},
            'all[1].membership.min_days: must be a whole number of days, got "six"',
        ),
        ({"age": {"min": True}}, "age.min: must be a whole number of years, got true"),
        ({"age": {"max": 2.5}}, "age.max: must be a whole number of years, got 2.5"),
        ({"age": {"min": -1}}, "age.min: must not be negative, got -1"),
        ({"age": {"max": 200}}, "age.max: must be at most 150, got 200"),
        (
            {"age": {"min": 30, "max": 20}},
            "age.min: must not be more than max (20), got 30",
        ),
        ({"age": {}}, 'age: give at least one of "min" and "max"'),
        ({"any": []}, "any: must list at least one rule"),
        (
            {"all": {"everyone": True}},
            'all: must be a list of rules, got {"everyone": true}',
        ),
        ({"everyone": False}, "everyone: must be true, got false"),
        (
            {"membership": {"statuses": ["paid"]}},
            ('membership.statuses[0]: unknown status "paid" (expected one of: active, lapsed, suspended, resigned)'),
        ),
        (
            {"membership": {"statuses": []}},
            "membership.statuses: must list at least one status (leave it out for active only)",
        ),
        (
            {"membership": {"categories": []}},
            "membership.categories: must list at least one category (leave it out for any category)",
        ),
        (
            {"membership": {"joined_by": "01/03/2015"}},
            'membership.joined_by: must be a date as "YYYY-MM-DD", got "01/03/2015"',
        ),
        (
            {"membership": {"joined_from": "2015-02-30"}},
            'membership.joined_from: is not a real date, got "2015-02-30"',
        ),
        (
            {"membership": {"joined_by": "2015-01-01", "joined_from": "2016-01-01"}},
            "membership.joined_from: is after joined_by (2015-01-01), so no membership could match",
        ),
        (
            {"membership": {"dues_grace_days": 30}},
            'membership.dues_grace_days: is only allowed together with "dues_paid": true',
        ),
        (
            {"membership": {"dues_paid": "yes"}},
            'membership.dues_paid: must be true or false, got "yes"',
        ),
        (
            {"membership": {"category": [PARTY]}},
            (
                "membership.category: unknown setting (expected one of: categories, statuses, "
                "min_days, joined_by, joined_from, dues_paid, dues_grace_days)"
            ),
        ),
        (
            {"not": {"member": {}}},
            (
                "not.member: unknown condition (expected one of: all, any, not, everyone, "
                "membership, age, area, attended, attribute, office)"
            ),
        ),
        (
            {"age": {"min": 1}, "area": {"wards": ["A"]}},
            'a rule must have exactly one condition, got "age", "area"',
        ),
        ({}, "a rule must have exactly one condition, got none"),
        ([], "must be a rule (an object with one condition), got []"),
        (
            {"all": ["age"]},
            'all[0]: must be a rule (an object with one condition), got "age"',
        ),
        ({"area": {}}, "area: give at least one ward or postcode"),
        ({"area": {"wards": [""]}}, 'area.wards[0]: must be a ward name, got ""'),
        (
            {"area": {"postcodes": ["N154"]}},
            (
                'area.postcodes[0]: must be an outward code such as "N15", a sector such as "N15 4" '
                'or a full postcode, got "N154"'
            ),
        ),
        ({"attended": {"min": 2}}, "attended.of_last: is required"),
        (
            {"attended": {"min": 6, "of_last": 5}},
            "attended.min: must not be more than of_last (5), got 6",
        ),
        (
            {"attended": {"min": 0, "of_last": 0}},
            "attended.of_last: must be at least 1",
        ),
    ],
)
def test_validate_refuses_with_a_message_naming_the_bad_part(rule, message):
    with pytest.raises(RuleError) as caught:
        validate(rule)
    assert str(caught.value) == message
    error = caught.value
    assert str(error) == (f"{error.path}: {error.message}" if error.path else error.message)


def test_validate_error_path_attribute():
    with pytest.raises(RuleError) as caught:
        validate({"all": [{"age": {"min": 1}}, {"membership": {"min_days": "six"}}]})
    assert caught.value.path == "all[1].membership.min_days"
    assert caught.value.message == 'must be a whole number of days, got "six"'
    with pytest.raises(RuleError) as caught:
        validate([])
    assert caught.value.path == ""


def test_validate_unknown_category_when_slugs_given():
    with pytest.raises(RuleError) as caught:
        validate(
            {"membership": {"categories": [PARTY, "members"]}},
            category_slugs={PARTY, SUPPORTER},
        )
    assert str(caught.value) == (
        'membership.categories[1]: unknown category "members" (this branch has: party-member, registered-supporter)'
    )
    # Without the branch's slugs any slug is accepted.
    assert validate({"membership": {"categories": ["members"]}})


def test_validate_nesting_depth():
    rule: dict = {"everyone": True}
    for _ in range(9):
        rule = {"not": rule}
    assert validate(rule) == rule  # 10 levels
    with pytest.raises(RuleError) as caught:
        validate({"all": [rule]})
    assert caught.value.path == "all[0]" + ".not" * 9
    assert "nested at most 10 levels deep" in str(caught.value)


# --------------------------------------------------------------------------
# Summaries


@pytest.mark.parametrize(
    ("rule", "summary"),
    [
        (
            PARTY_AND_YOUNG,
            "Party members with an active membership of at least 6 months, aged 26 or under",
        ),
        ({"everyone": True}, "Everyone"),
        ({"all": []}, "Everyone"),
        ({"membership": {}}, "People with an active membership"),
        (
            {
                "membership": {
                    "categories": [PARTY, SUPPORTER],
                    "statuses": ["active", "lapsed"],
                }
            },
            "Party members or Registered supporters with an active or lapsed membership",
        ),
        (
            party_rule(joined_by="2016-01-01", dues_paid=True, dues_grace_days=30),
            (
                "Party members with an active membership, joined on or before 1 January 2016, "
                "with dues paid up to date (or no more than 30 days in arrears)"
            ),
        ),
        ({"age": {"min": 16, "max": 26}}, "People aged between 16 and 26"),
        (
            {"all": [{"age": {"min": 18}}, party_rule()]},
            "Party members with an active membership, aged 18 or over",
        ),
        (
            {
                "area": {
                    "wards": ["Tottenham Green", "Seven Sisters"],
                    "postcodes": ["N15"],
                }
            },
            "People living in Tottenham Green or Seven Sisters ward or with a postcode in N15",
        ),
        (
            {"attended": {"min": 2, "of_last": 5}},
            "People who attended at least 2 of the last 5 meetings",
        ),
        (
            {"any": [party_rule(), {"age": {"max": 26}}]},
            "Either Party members with an active membership, or people aged 26 or under",
        ),
        (
            {"not": party_rule()},
            "Everyone except Party members with an active membership",
        ),
        (
            {
                "all": [
                    party_rule(),
                    {"not": {"membership": {"categories": [SUPPORTER]}}},
                    {"not": {"age": {"max": 17}}},
                ]
            },
            (
                "Party members with an active membership, without an active Registered supporter membership, "
                "not aged 17 or under"
            ),
        ),
        (
            {
                "all": [
                    {"age": {"min": 18}},
                    {
                        "any": [
                            {"attended": {"min": 1, "of_last": 3}},
                            {"area": {"wards": ["X"]}},
                        ]
                    },
                ]
            },
            "People aged 18 or over, either who attended at least 1 of the last 3 meetings, or living in X ward",
        ),
    ],
)
def test_summarise(rule, summary):
    assert summarise(rule, category_names=NAMES) == summary


def test_summarise_falls_back_to_humanised_slug():
    assert summarise({"membership": {"categories": ["trade-union-affiliate"]}}) == (
        "Trade union affiliates with an active membership"
    )


# --------------------------------------------------------------------------
# Properties

DATES = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))
SLUGS = st.sampled_from([PARTY, SUPPORTER, "affiliated"])

memberships = st.builds(
    MembershipFacts,
    category_slug=SLUGS,
    category_name=st.sampled_from(["Party member", "Registered supporter", "Affiliated"]),
    status=st.sampled_from(["active", "lapsed", "suspended", "resigned"]),
    started_on=st.none() | DATES,
    continuous_since=st.none() | DATES,
    ended_on=st.none() | DATES,
    dues_paid_until=st.none() | DATES,
)
meetings = st.lists(
    st.builds(MeetingFacts, id=st.integers(1, 30), starts_on=DATES, cancelled=st.booleans()),
    max_size=8,
    unique_by=lambda m: m.id,
)
people = st.builds(
    PersonFacts,
    memberships=st.lists(memberships, max_size=3).map(tuple),
    date_of_birth=st.none() | DATES,
    ward=st.sampled_from(["", "Tottenham Green", "harringay "]),
    postcode=st.sampled_from(["", "N15 4AB", "n1 5ab", "N154AB", "N22 8JP"]),
    attended=st.frozensets(st.integers(1, 30), max_size=10),
    branch_meetings=meetings.map(tuple),
)
iso_dates = DATES.map(date.isoformat)
leaves = st.one_of(
    st.just({"everyone": True}),
    st.fixed_dictionaries(
        {},
        optional={
            "categories": st.lists(SLUGS, min_size=1, max_size=2),
            "statuses": st.lists(
                st.sampled_from(["active", "lapsed", "suspended"]),
                min_size=1,
                max_size=2,
            ),
            "min_days": st.integers(0, 4000),
            "joined_by": iso_dates,
            "dues_paid": st.just(True),
        },
    ).map(lambda block: {"membership": block}),
    st.builds(
        lambda low, extra: {"age": {"min": low, "max": low + extra}},
        st.integers(0, 90),
        st.integers(0, 40),
    ),
    st.just({"area": {"wards": ["Tottenham Green"], "postcodes": ["N15"]}}),
    st.builds(
        lambda n, k: {"attended": {"min": min(n, k), "of_last": k}},
        st.integers(0, 5),
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


def _depth(rule: dict) -> int:
    ((key, value),) = rule.items()
    if key in ("all", "any"):
        return 1 + max((_depth(child) for child in value), default=0)
    return 1 + (_depth(value) if key == "not" else 0)


@given(rules, people, DATES)
def test_double_negation_is_the_rule_itself(rule, facts, as_of):
    if _depth(rule) > 8:
        return
    assert evaluate({"not": {"not": rule}}, facts, as_of) == evaluate(rule, facts, as_of)


@given(rules, people, DATES)
def test_all_or_any_of_one_rule_is_that_rule(rule, facts, as_of):
    if _depth(rule) > 9:
        return
    plain = evaluate(rule, facts, as_of)
    assert evaluate({"all": [rule]}, facts, as_of) == plain
    assert evaluate({"any": [rule]}, facts, as_of) == plain


@given(rules, people, DATES)
def test_not_inverts_and_always_explains(rule, facts, as_of):
    if _depth(rule) > 9:
        return
    plain = evaluate(rule, facts, as_of)
    negated = evaluate({"not": rule}, facts, as_of)
    assert negated.eligible is not plain.eligible
    assert plain.reasons and negated.reasons
    assert summarise(rule)


@given(DATES, DATES, st.integers(0, 120), st.integers(0, 29))
def test_age_bounds_are_monotonic(dob, as_of, low, extra):
    facts = PersonFacts(date_of_birth=dob)
    high = low + extra
    inside = evaluate({"age": {"min": low, "max": high}}, facts, as_of).eligible
    if inside:  # widening the bounds never excludes anyone
        assert evaluate({"age": {"min": max(low - 1, 0), "max": high + 1}}, facts, as_of).eligible
        assert evaluate({"age": {"min": low}}, facts, as_of).eligible
        assert evaluate({"age": {"max": high}}, facts, as_of).eligible


@given(DATES, DATES, st.none() | st.integers(0, 150), st.none() | st.integers(0, 150))
def test_dob_range_agrees_with_evaluate(dob, as_of, low, high):
    if low is None and high is None or (low is not None and high is not None and low > high):
        return
    block = {k: v for k, v in (("min", low), ("max", high)) if v is not None}
    earliest, latest = dob_range(as_of, low, high)
    in_range = (earliest is None or earliest <= dob) and dob <= latest
    assert evaluate({"age": block}, PersonFacts(date_of_birth=dob), as_of).eligible is in_range


@given(st.text(alphabet="ABCDEFGHNSW0123456789 abn", max_size=10))
def test_normalise_postcode_is_idempotent(raw):
    once = normalise_postcode(raw)
    assert normalise_postcode(once) == once


def _contract_membership(block: dict, m: MembershipFacts, as_of: date) -> bool:
    """CONTRACT.md §2 for one membership, written out literally."""
    since = m.continuous_since or m.started_on
    grace = timedelta(days=block.get("dues_grace_days", 0))
    return (
        ("categories" not in block or m.category_slug in block["categories"])
        and m.status in block.get("statuses", ["active"])
        and m.started_on is not None
        and m.started_on <= as_of
        and (m.ended_on is None or m.ended_on >= as_of)
        and ("min_days" not in block or since <= as_of - timedelta(days=block["min_days"]))
        and ("joined_by" not in block or since <= date.fromisoformat(block["joined_by"]))
        and ("joined_from" not in block or since >= date.fromisoformat(block["joined_from"]))
        and (not block.get("dues_paid") or (m.dues_paid_until is not None and m.dues_paid_until >= as_of - grace))
    )


membership_blocks = st.fixed_dictionaries(
    {},
    optional={
        "categories": st.lists(SLUGS, min_size=1, max_size=2),
        "statuses": st.lists(st.sampled_from(["active", "lapsed", "resigned"]), min_size=1),
        "min_days": st.integers(0, 4000),
        "joined_by": st.just("2015-06-01"),
        "joined_from": st.just("2000-01-01"),
        "dues_paid": st.just(True),
    },
).flatmap(
    lambda block: (
        st.fixed_dictionaries({"dues_grace_days": st.integers(0, 90)}).map(lambda extra: {**block, **extra})
        if block.get("dues_paid")
        else st.just(block)
    )
)


@given(membership_blocks, people, DATES)
def test_membership_agrees_with_the_contract_formula(block, facts, as_of):
    expected = any(_contract_membership(block, m, as_of) for m in facts.memberships)
    assert evaluate({"membership": block}, facts, as_of).eligible is expected


@given(
    st.from_regex(r"[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}", fullmatch=True),
    st.from_regex(r"[A-Z]{1,2}[0-9][A-Z0-9]?", fullmatch=True),
)
def test_outward_prefix_matches_exactly_the_outward_code(postcode, outward):
    assert postcode_matches(postcode, outward) is (postcode.split(" ")[0] == outward)
    sector = postcode[:-2]  # "N15 4AB" -> "N15 4"
    assert postcode_matches(postcode, sector)
    assert normalise_postcode(postcode.replace(" ", "").lower()) == postcode


def test_huge_day_counts_do_not_overflow():
    facts = person(membership(dues_paid_until=date(2000, 1, 1)))
    assert not decide(party_rule(min_days=10**9), facts).eligible
    assert decide(party_rule(dues_paid=True, dues_grace_days=10**9), facts).eligible


# --------------------------------------------------------------------------
# What a rule looks at (the door skips loading what it does not)

ATTENDED = {"attended": {"min": 1, "of_last": 3}}


@pytest.mark.parametrize(
    "definition, expected",
    [
        ({"everyone": True}, False),
        ({"all": []}, False),
        ({"membership": {"categories": [PARTY]}}, False),
        ({"all": [{"membership": {}}, {"age": {"min": 16}}, {"area": {"wards": ["Ward"]}}]}, False),
        (ATTENDED, True),
        ({"all": [{"membership": {}}, ATTENDED]}, True),
        ({"any": [{"age": {"min": 16}}, {"all": [{"membership": {}}, {"not": ATTENDED}]}]}, True),
        ({"not": {"not": {"any": [{"everyone": True}, ATTENDED]}}}, True),
        ({"any": [{"not": {"membership": {}}}, {"all": [{"age": {"max": 30}}]}]}, False),
        ({}, False),
        (None, False),
    ],
)
def test_uses_attended_finds_the_condition_at_any_depth(definition, expected):
    assert uses_attended(definition) is expected


def test_category_slugs_collects_every_named_category_at_any_depth():
    rule = {
        "any": [
            {"membership": {"categories": [PARTY]}},
            {"all": [{"not": {"membership": {"categories": [" " + SUPPORTER + " "]}}}, {"membership": {}}]},
        ]
    }
    assert category_slugs(rule) == {PARTY, SUPPORTER}
    assert category_slugs({"age": {"min": 16}}) == set()


def test_membership_fail_names_every_category_held():
    facts = person(membership(SUPPORTER), membership("affiliated"))
    assert decide(party_rule(), facts).reasons == (
        "No active Party member membership (holds: Registered supporter, Affiliated)",
    )


def test_membership_fail_gives_both_dates_that_are_wrong():
    rule = party_rule(min_days=500, joined_by="2015-01-01")
    assert decide(rule, person(membership())).reasons == (
        "Party member since 1 March 2015, less than 500 days by 14 April 2016, needed 1 January 2015 or earlier",
    )
