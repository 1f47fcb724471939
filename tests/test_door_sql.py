"""The hand-written SQL (groups/sql/) gives exactly what the ORM would: the
same objects and values, only this branch's rows, and search text taken
literally."""

from datetime import UTC, date, datetime, timedelta

import pytest

from groups import sql
from groups.eligibility.loading import load_facts
from groups.models import Attendance, Branch, Category, Meeting, Membership, Person, Rule, RuleVersion
from groups.permissions import access_branch
from groups.queries import door as queries
from groups.services import rules as rule_services
from groups.services.branches import create_branch
from groups.sql.checkin import check_in_reads

from .factories import AttendanceFactory, MeetingFactory, MembershipFactory, PersonFactory

pytestmark = pytest.mark.django_db


def member(branch, first_name, last_name, **kwargs):
    person = PersonFactory(branch=branch, first_name=first_name, last_name=last_name, **kwargs)
    MembershipFactory(
        person=person,
        category=Category.objects.get(branch=branch, slug="party-member"),
        started_on=date(2016, 2, 29),
        dues_paid_until=date(2027, 1, 31),
    )
    return person


def same_fields(a, b):
    return {f.attname: getattr(a, f.attname) for f in type(a)._meta.concrete_fields} == {
        f.attname: getattr(b, f.attname) for f in type(b)._meta.concrete_fields
    }


@pytest.mark.parametrize(
    "value, expected",
    [
        ("42", 42),
        (" 7 ", 7),
        (42, 42),
        ("0", None),
        ("-3", None),
        ("4.0", None),
        ("", None),
        (None, None),
        ("٣", None),  # an Arabic-Indic digit: isdigit() but not an id
        (str(2**63), None),  # beyond 64 bits: SQLite would raise OverflowError
        (str(2**63 - 1), 2**63 - 1),
    ],
)
def test_as_id_accepts_only_database_ids(value, expected):
    assert sql.as_id(value) == expected


def test_door_meeting_reads_what_the_orm_reads_with_both_rules_cached(branch, django_assert_num_queries):
    attend = Rule.objects.get(branch=branch, name="Party members only")
    vote = Rule.objects.get(branch=branch, name="Party members of six months or more")
    made = MeetingFactory(branch=branch, attendance_rule=attend, voting_rule=vote, quorum=3)
    with django_assert_num_queries(1):
        meeting = queries.door_meeting(branch, str(made.pk))
        # The rules came with it, JSON definitions decoded, as select_related would give them.
        assert meeting.attendance_rule.definition == attend.definition
        assert meeting.voting_rule.name == vote.name
        assert meeting.branch is branch
    orm = Meeting.objects.get(pk=made.pk)
    assert same_fields(meeting, orm)
    assert meeting.starts_at.tzinfo is not None and meeting.starts_at == orm.starts_at
    assert same_fields(meeting.attendance_rule, attend) and same_fields(meeting.voting_rule, vote)


def test_door_meeting_without_rules_caches_none(branch, django_assert_num_queries):
    made = MeetingFactory(branch=branch, attendance_rule=None, voting_rule=None)
    with django_assert_num_queries(1):
        meeting = queries.door_meeting(branch, made.pk)
        assert meeting.attendance_rule is None and meeting.voting_rule is None


def test_door_meeting_and_person_never_answer_for_another_branch(branch, other_branch):
    theirs = MeetingFactory(branch=other_branch)
    their_person = PersonFactory(branch=other_branch)
    assert queries.door_meeting(branch, theirs.pk) is None
    assert queries.door_person(branch, their_person.pk) is None
    assert queries.door_meeting(other_branch, theirs.pk).pk == theirs.pk
    assert queries.door_person(other_branch, str(their_person.pk)).pk == their_person.pk
    for junk in ("", "abc", "0", str(2**64), "1; DROP TABLE groups_person"):
        assert queries.door_person(branch, junk) is None
        assert queries.door_meeting(branch, junk) is None


def test_door_person_is_the_orm_person(branch):
    made = PersonFactory(branch=branch, date_of_birth=date(2000, 2, 29), postcode="N1 1AA", notes="Uses a wheelchair")
    person = queries.door_person(branch, made.pk)
    assert same_fields(person, Person.objects.get(pk=made.pk))
    assert person.date_of_birth == date(2000, 2, 29) and isinstance(person.date_of_birth, date)


def test_branch_list_from_access_branch_is_the_orm_branch(branch, steward):
    got = access_branch(steward, branch.slug, "door")
    assert same_fields(got, Branch.objects.get(pk=branch.pk))
    assert got.created_at.tzinfo is not None


@pytest.mark.parametrize("typed", ["%", "_", "a%", "A_n", "\\", "Ann\\"])
def test_search_takes_wildcards_literally(branch, typed):
    ann = member(branch, "Ann", "Lee")
    member(branch, "Bob", "Anders")
    found = queries.door_results(branch, typed)
    # Nobody matches exactly; "Ann\\" is Ann with a stray character, so she is a close
    # match (issue 14 item 1: the fallback ignores punctuation and needs three letters).
    assert (found.people, found.close) == (([ann], True) if typed == "Ann\\" else ([], False))


def test_search_finds_names_with_wildcard_characters_in_them(branch):
    odd = member(branch, "Zoë", "Per%_Cent\\Name")
    member(branch, "Zoe", "PerxxCent")
    assert [p.pk for p in queries.door_search(branch, "per%_cent\\")] == [odd.pk]
    assert [p.pk for p in queries.door_search(branch, "zoë per%")] == [odd.pk]


def test_search_matches_each_way_and_only_in_this_branch(branch, organiser):
    other_branch = create_branch(name="Elsewhere", slug="elsewhere", actor=organiser)
    ana = member(branch, "Ana", "Silva", email="Ana.Silva@Example.org", postcode="N1 7GU")
    silvana = member(branch, "Silvana", "Okafor")
    member(other_branch, "Ana", "Silva", email="ana.silva@example.org", postcode="N1 7GU")
    MembershipFactory(person=silvana, category=Category.objects.get(branch=branch, slug="supporter"), number="L0001234")
    assert [p.pk for p in queries.door_search(branch, "silv")] == [silvana.pk, ana.pk]  # Okafor, Silva
    assert [p.pk for p in queries.door_search(branch, "ana sil")] == [ana.pk]
    assert [p.pk for p in queries.door_search(branch, "ana.silva@example.ORG")] == [ana.pk]
    assert [p.pk for p in queries.door_search(branch, "n17gu")] == [ana.pk]
    assert [p.pk for p in queries.door_search(branch, "L0001234")] == [silvana.pk]
    found = {p.pk: p for p in queries.door_search(branch, "silva")}
    assert same_fields(found[ana.pk], Person.objects.get(pk=ana.pk))


def test_the_cards_facts_give_dates_and_aware_times(branch):
    meeting = MeetingFactory(branch=branch)
    ann = member(branch, "Ann", "Lee")
    at = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # the night the clocks change
    AttendanceFactory(meeting=meeting, person=ann, checked_in_at=at)
    gone = member(branch, "Bo", "Lee")
    AttendanceFactory(meeting=meeting, person=gone, undone_at=at + timedelta(minutes=5))
    loaded = load_facts([ann, gone], branch=branch, history=False, names=True, here_at=meeting)
    facts, here = loaded.facts, loaded.here
    m = facts[ann.pk].memberships[0]
    assert (m.started_on, m.dues_paid_until, m.category_slug) == (date(2016, 2, 29), date(2027, 1, 31), "party-member")
    assert here[ann.pk].checked_in_at == at
    assert here[ann.pk].pk == Attendance.objects.get(person=ann).pk
    assert gone.pk not in here  # an undone check-in is not "in"
    assert loaded.names["party-member"] == "Party member"


# --- what a check-in reads inside its transaction -------------------------------


def orm_check_in_reads(meeting_id, person_id):
    """check_in_reads's answer, read through the ORM."""
    meeting = Meeting.objects.select_related("attendance_rule", "voting_rule").filter(pk=meeting_id).first()
    if meeting is None:
        return None, []
    attend, vote = meeting.attendance_rule, meeting.voting_rule
    version_id = (
        RuleVersion.objects.filter(rule=attend, version=attend.version).values_list("id", flat=True).first()
        if attend
        else None
    )
    state = (
        meeting.status,
        meeting.attendance_rule_id,
        attend.version if attend else None,
        meeting.voting_rule_id,
        vote.version if vote else None,
        version_id,
        meeting.closed_at,
    )
    rows = [
        (
            m.category.order,
            m.started_on,
            m.pk,
            m.category.slug,
            m.category.name,
            m.status,
            m.continuous_since,
            m.ended_on,
            m.dues_paid_until,
        )
        for m in Membership.objects.filter(person_id=person_id).select_related("category").order_by("pk")
    ]
    return state, rows


def read_sorted(meeting_id, person_id):
    state, rows = check_in_reads(meeting_id, person_id)
    return (None if state is None else tuple(state)), sorted(rows, key=lambda r: r[2])


def test_check_in_reads_what_the_orm_reads_field_by_field(branch, django_assert_num_queries):
    attend = Rule.objects.get(branch=branch, name="Party members only")
    vote = Rule.objects.get(branch=branch, name="Party members of six months or more")
    meeting = MeetingFactory(branch=branch, attendance_rule=attend, voting_rule=vote)
    ann = member(branch, "Ann", "Lee")
    MembershipFactory(
        person=ann,
        category=Category.objects.get(branch=branch, slug="supporter"),
        status="lapsed",
        started_on=date(2012, 2, 29),
        continuous_since=date(2010, 1, 1),
        ended_on=date(2020, 12, 31),
        dues_paid_until=None,
    )
    with django_assert_num_queries(1):
        state, rows = read_sorted(meeting.pk, ann.pk)
    assert (state, rows) == orm_check_in_reads(meeting.pk, ann.pk)
    assert len(rows) == 2
    # Dates are dates on SQLite too (stored there as text), as the ORM gives them.
    for row in rows:
        assert all(isinstance(v, date) for v in (row[1], row[6], row[7], row[8]) if v is not None)
    assert rows[1][1:] == (
        date(2012, 2, 29),
        rows[1][2],
        "supporter",
        "Supporter",
        "lapsed",
        date(2010, 1, 1),
        date(2020, 12, 31),
        None,
    )


def test_check_in_reads_a_meeting_whose_rules_changed(branch, organiser):
    attend = Rule.objects.get(branch=branch, name="Party members only")
    meeting = MeetingFactory(branch=branch, attendance_rule=attend, voting_rule=None)
    ann = member(branch, "Ann", "Lee")
    before, _ = read_sorted(meeting.pk, ann.pk)
    rule_services.update_rule(rule=attend, actor=organiser, definition={"membership": {"categories": ["supporter"]}})
    after, rows = read_sorted(meeting.pk, ann.pk)
    assert (after, rows) == orm_check_in_reads(meeting.pk, ann.pk)
    assert before[2] == 1 and after[2] == 2  # the attendance rule's version
    assert after[5] == RuleVersion.objects.get(rule=attend, version=2).pk != before[5]
    assert after[3] is None and after[4] is None  # no voting rule


def test_check_in_reads_someone_with_no_membership_a_guest_and_a_meeting_gone(branch):
    meeting = MeetingFactory(branch=branch, attendance_rule=None, voting_rule=None)
    nobody = PersonFactory(branch=branch)
    assert read_sorted(meeting.pk, nobody.pk) == orm_check_in_reads(meeting.pk, nobody.pk)
    assert read_sorted(meeting.pk, nobody.pk)[1] == []
    assert read_sorted(meeting.pk, None) == ((meeting.status, None, None, None, None, None, None), [])
    gone = meeting.pk
    meeting.delete()
    assert check_in_reads(gone, nobody.pk) == (None, [])


def test_the_last_check_ins_are_what_the_orm_reads_with_their_people(branch, django_assert_num_queries):
    """groups.sql.door.recent_check_ins: the door's "Last check-ins", by hand (every tap in door mode
    sends them back): the same rows, order and fields as the ORM with select_related, guests and all."""
    meeting, other = MeetingFactory(branch=branch), MeetingFactory(branch=branch)
    at = datetime(2026, 12, 1, 19, 0, tzinfo=UTC)
    people = [member(branch, n, "Recent") for n in ("Ann", "Bob", "Cat", "Dan")]
    for i, person in enumerate(people):
        AttendanceFactory(meeting=meeting, person=person, checked_in_at=at + timedelta(minutes=i % 2))
    AttendanceFactory(meeting=meeting, person=None, guest_name="A Guest", checked_in_at=at + timedelta(minutes=5))
    AttendanceFactory(meeting=other, person=member(branch, "Eve", "Elsewhere"), checked_in_at=at)
    undone = Attendance.objects.filter(meeting=meeting, person=people[3]).get()
    undone.undone_at = at + timedelta(minutes=9)
    undone.save()
    orm = list(
        Attendance.objects.filter(meeting=meeting, undone_at__isnull=True)
        .select_related("person")
        .order_by("-checked_in_at", "-id")[:3]
    )
    with django_assert_num_queries(1):
        mine = queries.recent_check_ins(meeting, 3)
        people_read = [a.person for a in mine]  # cached: no query of their own
    fields = [f.attname for f in Attendance._meta.concrete_fields]
    assert [[getattr(a, f) for f in fields] for a in mine] == [[getattr(a, f) for f in fields] for a in orm]
    person_fields = [f.attname for f in Person._meta.concrete_fields]
    assert [p and [getattr(p, f) for f in person_fields] for p in people_read] == [
        a.person and [getattr(a.person, f) for f in person_fields] for a in orm
    ]
    assert mine[0].person is None and mine[0].guest_name == "A Guest"
    assert len(queries.recent_check_ins(meeting, 5)) == 4  # the undone one is not among them
