"""Fixed cases about a whole branch: combined rules (all / any / not), areas and
attendance, with the answer written by hand and checked three ways — the
compiled filter (the eligible list), the pure evaluator over the branch's loaded
facts, and one person's Decision (the person page and the API) — so that none
of them can be wrong alone. The property test beside them
(tests/test_eligibility_agreement.py) proves they agree on random data; these
pin what they must agree ON."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from groups.eligibility.compile import compile_rule
from groups.eligibility.decisions import decide
from groups.eligibility.engine import MeetingFacts, evaluate
from groups.eligibility.loading import branch_meeting_facts, load_facts
from groups.models import Attendance, Meeting, Person

from ..factories import person_with_membership

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
AS_OF = date(2024, 6, 15)


def admitted(branch, rule, as_of=AS_OF) -> set[str]:
    """The first names of the people admitted, the same three ways, or a failure."""
    people = Person.objects.filter(branch=branch).select_related("branch")
    compiled = {p.first_name for p in people.filter(compile_rule(rule, as_of, branch=branch))}
    facts = load_facts(people, branch=branch, as_of=as_of).facts
    pure = {p.first_name for p in people if evaluate(rule, facts[p.pk], as_of).eligible}
    one_by_one = {p.first_name for p in people if decide(rule, as_of, person=p).eligible}
    assert compiled == pure == one_by_one, (compiled, pure, one_by_one)
    return compiled


@pytest.fixture
def people(branch):
    """Ana: party member, 30, N15 4AB, Tottenham Green. Bo: supporter, 20, N1 5AB.
    Cy: no membership, no date of birth, postcode just "N15"."""
    person_with_membership(
        branch,
        "party-member",
        first_name="Ana",
        date_of_birth=date(1994, 1, 1),
        postcode="N15 4AB",
        ward="Tottenham Green",
    )
    person_with_membership(branch, "supporter", first_name="Bo", date_of_birth=date(2004, 1, 1), postcode="N1 5AB")
    Person.objects.create(branch=branch, first_name="Cy", postcode="N15")


PARTY = {"membership": {"categories": ["party-member"]}}
UNDER_25 = {"age": {"max": 25}}


@pytest.mark.parametrize(
    "rule, expected",
    [
        ({"all": [PARTY, {"age": {"max": 40}}]}, {"Ana"}),
        ({"all": [PARTY, UNDER_25]}, set()),
        ({"any": [PARTY, UNDER_25]}, {"Ana", "Bo"}),
        ({"any": [UNDER_25]}, {"Bo"}),
        ({"all": []}, {"Ana", "Bo", "Cy"}),
        ({"all": [UNDER_25]}, {"Bo"}),
        ({"not": {"any": [PARTY, UNDER_25]}}, {"Cy"}),
        ({"not": {"all": [PARTY, UNDER_25]}}, {"Ana", "Bo", "Cy"}),
        ({"any": [{"all": [PARTY, {"age": {"min": 18}}]}, {"not": {"membership": {}}}]}, {"Ana", "Cy"}),
        ({"not": {"everyone": True}}, set()),
    ],
)
def test_combined_rules(branch, people, rule, expected):
    assert admitted(branch, rule) == expected


@pytest.mark.parametrize(
    "area, expected",
    [
        ({"wards": ["tottenham green "]}, {"Ana"}),  # wards alone, any case and spacing
        ({"postcodes": ["N15"]}, {"Ana", "Cy"}),  # an outward code: itself, or a postcode in it
        ({"postcodes": ["N1"]}, {"Bo"}),  # not N15
        ({"postcodes": ["N15 4"]}, {"Ana"}),  # a sector
        ({"postcodes": ["N1 5"]}, {"Bo"}),
        ({"postcodes": ["n15 4ab"]}, {"Ana"}),  # a full postcode
        ({"wards": ["Seven Sisters"], "postcodes": ["N1"]}, {"Bo"}),
    ],
)
def test_areas(branch, people, area, expected):
    assert admitted(branch, {"area": area}) == expected


# --------------------------------------------------------------------------
# Attendance


def _meeting(branch, day, hour=19, minute=30, status="held", tz=LONDON):
    return Meeting.objects.create(
        branch=branch, title=f"{day} {hour}", starts_at=datetime(*day, hour, minute, tzinfo=tz), status=status
    )


def _went(meeting, person, undone=False):
    Attendance.objects.create(
        meeting=meeting, person=person, checked_in_at=meeting.starts_at, undone_at=meeting.starts_at if undone else None
    )


@pytest.fixture
def history(branch):
    """Four meetings before 15 June 2024 (one of them cancelled) and one on the day.

    Regular went to the last three held; Once went to one; Undone's only check-in
    was undone; Never went to none. A guest (no person) came to the last one."""
    m1 = _meeting(branch, (2024, 3, 1))
    m2 = _meeting(branch, (2024, 4, 1))
    cancelled = _meeting(branch, (2024, 5, 1), status="cancelled")
    m3 = _meeting(branch, (2024, 6, 14), 23, 30)  # 22:30 UTC: still the 14th in London
    today = _meeting(branch, (2024, 6, 15), 0, 30)  # 23:30 UTC on the 14th: but the 15th in London
    names = {}
    for name in ("Regular", "Once", "Undone", "Never"):
        names[name] = Person.objects.create(branch=branch, first_name=name)
    for m in (m1, m2, m3, today, cancelled):
        _went(m, names["Regular"])
    _went(m3, names["Once"])
    _went(m2, names["Undone"], undone=True)
    Attendance.objects.create(meeting=m3, guest_name="A guest", checked_in_at=m3.starts_at)
    return {"meetings": (m1, m2, cancelled, m3, today), **names}


@pytest.mark.parametrize(
    "block, expected",
    [
        ({"min": 1, "of_last": 1}, {"Regular", "Once"}),
        ({"min": 2, "of_last": 3}, {"Regular"}),
        ({"min": 3, "of_last": 3}, {"Regular"}),
        ({"min": 1, "of_last": 3}, {"Regular", "Once"}),
        ({"min": 2, "of_last": 2}, {"Regular"}),
        ({"min": 4, "of_last": 4}, set()),  # only three were held before the day
        ({"min": 0, "of_last": 2}, {"Regular", "Once", "Undone", "Never"}),
    ],
)
def test_attendance(branch, history, block, expected):
    assert admitted(branch, {"attended": block}) == expected


def test_not_attended_admits_everyone_who_did_not_come_despite_a_guest(branch, history):
    # The guest's row has no person: it must not turn "not in (…)" into "nobody".
    assert admitted(branch, {"not": {"attended": {"min": 1, "of_last": 1}}}) == {"Undone", "Never"}


def test_the_branch_meetings_are_read_with_their_local_dates(branch, history):
    m1, m2, cancelled, m3, today = history["meetings"]
    expected = [
        MeetingFacts(id=m1.pk, starts_on=date(2024, 3, 1), cancelled=False),
        MeetingFacts(id=m2.pk, starts_on=date(2024, 4, 1), cancelled=False),
        MeetingFacts(id=cancelled.pk, starts_on=date(2024, 5, 1), cancelled=True),
        MeetingFacts(id=m3.pk, starts_on=date(2024, 6, 14), cancelled=False),
        MeetingFacts(id=today.pk, starts_on=date(2024, 6, 15), cancelled=False),
    ]
    assert sorted(branch_meeting_facts(branch), key=lambda m: m.id) == expected
    # Up to the day: the meeting of the 15th (local) may have started before it in UTC, so it is read too.
    assert sorted(branch_meeting_facts(branch, before=AS_OF), key=lambda m: m.id) == expected
    assert sorted(branch_meeting_facts(branch, before=date(2024, 4, 1)), key=lambda m: m.id) == expected[:2]
    once = history["Once"]
    facts = load_facts([once], branch=branch, as_of=AS_OF).facts[once.pk]
    assert facts.attended == frozenset({m3.pk})
    assert sorted(facts.branch_meetings, key=lambda m: m.id) == expected


def test_a_branch_west_of_greenwich_counts_its_evening_meetings(branch):
    # 20:00 and 23:00 in New York on the 14th are the 15th in UTC and London: meetings before the 15th there.
    branch.time_zone = "America/New_York"
    branch.save(update_fields=["time_zone"])
    ny = ZoneInfo("America/New_York")
    evening = _meeting(branch, (2024, 6, 14), 20, 0, tz=ny)
    late = _meeting(branch, (2024, 6, 14), 23, 0, tz=ny)
    kim = Person.objects.create(branch=branch, first_name="Kim")
    _went(evening, kim)
    _went(late, kim)
    assert admitted(branch, {"attended": {"min": 2, "of_last": 2}}) == {"Kim"}
    assert [m.starts_on for m in branch_meeting_facts(branch, before=AS_OF)] == [date(2024, 6, 14)] * 2


def test_a_branch_with_no_time_zone_recorded_still_decides(branch):
    # Midday UTC: the same date whatever the fallback zone is.
    branch.time_zone = ""
    branch.save(update_fields=["time_zone"])
    m = _meeting(branch, (2024, 6, 1), 12, 0, tz=ZoneInfo("UTC"))
    kim = Person.objects.create(branch=branch, first_name="Kim")
    _went(m, kim)
    Person.objects.create(branch=branch, first_name="Lee")
    assert admitted(branch, {"attended": {"min": 1, "of_last": 1}}) == {"Kim"}
