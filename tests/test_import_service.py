"""The member import service (CONTRACT.md §3): bad files, matching, all or nothing."""

from datetime import date
from pathlib import Path

import pytest

from groups.imports import cleaning
from groups.imports import report as import_report
from groups.models import AuditEvent, Category, Membership, Person
from groups.services.imports import import_members

FIX = Path(__file__).parent / "fixtures" / "import"
PARTY = {"Labour Party member": "party-member"}


def run(branch, organiser, name, **kwargs):
    return import_members(branch=branch, source=FIX / name, actor=organiser, **kwargs)


def reasons(report):
    return [(e.line, e.column, e.reason) for e in report.errors]


# --- the party's own export ---------------------------------------------------


def test_party_export_previews_without_errors_once_its_category_is_mapped(branch, organiser):
    first = run(branch, organiser, "party-export.csv", dry_run=True)
    assert first.encoding == "utf-8-sig" and first.delimiter == ","
    assert first.unknown_categories == ["Labour Party member"]
    assert first.error_count == 1 and "Labour Party member" in first.errors[0].reason
    assert set(first.ignored_columns) == {"Address 1", "Polling District"}
    mapping = dict(first.column_mapping)
    assert mapping["Surname"] == "last_name" and mapping["Email Address"] == "email"
    assert mapping["Mobile Number"] == "phone" and mapping["Ward Name"] == "ward"
    assert mapping["Membership Type"] == "category" and mapping["Membership Status"] == "status"
    assert mapping["Date Joined"] == "joined" and mapping["Continuous Membership Since"] == "continuous_since"
    assert mapping["Paid Up To"] == "dues_paid_until" and mapping["DOB"] == "date_of_birth"
    assert mapping["Membership Number"] == "membership_number"

    preview = run(branch, organiser, "party-export.csv", dry_run=True, category_map=PARTY)
    assert preview.ok, reasons(preview)
    assert (preview.rows, preview.created, preview.updated, preview.unchanged) == (240, 240, 0, 0)
    assert Person.objects.count() == 0  # a dry run writes nothing

    done = run(branch, organiser, "party-export.csv", category_map=PARTY)
    assert done.applied and done.created == 240
    assert Person.objects.filter(branch=branch).count() == 240
    assert Membership.objects.filter(branch=branch, category__slug="party-member").count() == 144
    liam = Person.objects.get(branch=branch, memberships__number="L100000")
    assert (liam.first_name, liam.last_name, liam.postcode) == ("Liam", "Hughes", "N15 5DN")
    una = Person.objects.get(branch=branch, memberships__number="S100002")
    assert una.postcode == "N15 6GD" and una.phone == "+447700900049"
    m = una.memberships.get()
    assert m.status == "active" and m.started_on == date(1986, 5, 9) and m.continuous_since == date(1984, 9, 3)
    jon = Membership.objects.get(number="L100007")
    assert jon.started_on == date(2012, 8, 30)  # the ISO date among the UK ones
    assert Membership.objects.get(number="L100000").status == "lapsed"


def test_reimporting_the_same_file_changes_nothing(branch, organiser):
    run(branch, organiser, "party-export.csv", category_map=PARTY)
    again = run(branch, organiser, "party-export.csv", category_map=PARTY)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 240)
    assert Person.objects.count() == 240 and Membership.objects.count() == 240


def test_one_audit_event_with_counts_only(branch, organiser):
    run(branch, organiser, "good.csv")
    event = AuditEvent.objects.get(action="people.import")
    assert event.actor == organiser and event.branch == branch
    assert event.changes == {"rows": 3, "created": 3, "updated": 0, "unchanged": 0, "categories_created": 0}
    assert "Ada" not in str(event.changes) and "ada@" not in event.summary


# --- matching -----------------------------------------------------------------


def test_matches_by_membership_number_then_email_and_updates(branch, organiser):
    party = Category.objects.get(branch=branch, slug="party-member")
    by_number = Person.objects.create(branch=branch, first_name="Old", last_name="Name", email="old@example.org")
    Membership.objects.create(person=by_number, branch=branch, category=party, number="M1", started_on=date(2000, 1, 1))
    by_email = Person.objects.create(
        branch=branch, first_name="Bob", last_name="Baker", email="BOB@example.org", ward="Kept ward"
    )
    report = run(branch, organiser, "good.csv")
    assert report.ok and (report.created, report.updated, report.unchanged) == (1, 2, 0)
    by_number.refresh_from_db()
    assert (by_number.first_name, by_number.email, by_number.postcode) == ("Ada", "ada@example.org", "N15 4AB")
    assert by_number.memberships.get().started_on == date(2020, 1, 15)
    by_email.refresh_from_db()
    assert by_email.ward == "Kept ward"  # no such column: left as it was
    assert by_email.postcode == "N15 6GD"
    supporter = by_email.memberships.get()
    assert (supporter.category.slug, supporter.number, supporter.status) == ("supporter", "M2", "lapsed")
    assert Person.objects.count() == 3


def test_other_branches_people_are_never_matched(branch, organiser, other_branch):
    Person.objects.create(branch=other_branch, first_name="Ada", email="ada@example.org")
    report = run(branch, organiser, "good.csv")
    assert report.created == 3
    assert Person.objects.filter(branch=other_branch).count() == 1


def test_email_of_someone_else_than_the_numbered_member_is_an_error(branch, organiser):
    party = Category.objects.get(branch=branch, slug="party-member")
    numbered = Person.objects.create(branch=branch, first_name="X", email="x@example.org")
    Membership.objects.create(person=numbered, branch=branch, category=party, number="M1", started_on=date(2000, 1, 1))
    Person.objects.create(branch=branch, first_name="Ada", email="ada@example.org")
    report = run(branch, organiser, "good.csv")
    assert not report.ok
    assert reasons(report)[0][:2] == (2, "Email")
    assert "belongs to someone else" in report.errors[0].reason


# --- bad files ------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, words",
    [
        ("binary.csv", "not a CSV file: it contains binary data"),
        ("utf16.csv", "UTF-16"),
        ("unknown-encoding.csv", "cannot read the file's text encoding"),
        ("prose.csv", "not a header row"),
        ("no-header.csv", "not a header row"),
        ("no-name-column.csv", "No column holds people's names"),
    ],
)
def test_unreadable_files_say_what_to_fix(branch, organiser, name, words):
    report = run(branch, organiser, name)
    assert words in report.file_error
    assert not report.ok and not report.applied
    assert Person.objects.count() == 0


def test_unknown_category_is_offered_for_creation(branch, organiser):
    report = run(branch, organiser, "unknown-category.csv")
    assert report.unknown_categories == ["Young Labour"]
    assert reasons(report) == [
        (
            2,
            "Category",
            "“Young Labour” is not one of this branch's categories (2 rows): "
            "choose the category it stands for, or create it",
        )
    ]
    assert Person.objects.count() == 0
    created = run(branch, organiser, "unknown-category.csv", category_map={"young labour": "new"})
    assert created.applied and created.categories_created == ["Young Labour"]
    young = Category.objects.get(branch=branch, name="Young Labour")
    assert young.slug == "young-labour" and young.memberships.count() == 2


def test_the_same_person_twice_names_the_first_line(branch, organiser):
    report = run(branch, organiser, "same-person-twice.csv")
    assert reasons(report) == [
        (4, "Membership number", "the same membership number as line 2"),
        (5, "Email", "the same email as line 3"),
    ]
    assert Person.objects.count() == 0


def test_invalid_values_are_each_reported_by_line_and_column(branch, organiser):
    report = run(branch, organiser, "invalid-values.csv")
    got = {(line, column): reason for line, column, reason in reasons(report)}
    assert set(got) == {(2, "Email"), (3, "Phone"), (4, "Postcode"), (5, "Joined"), (6, "Joined"), (7, "Date of birth")}
    assert got[(2, "Email")] == "“ada@example” is not an email address (for example name@example.org)"
    assert "not a real date" in got[(5, "Joined")]
    assert "DD/MM/YYYY or YYYY-MM-DD" in got[(6, "Joined")] and "DD/MM/YYYY" in got[(7, "Date of birth")]
    assert "not a UK postcode" in got[(4, "Postcode")]
    assert "phone number" in got[(3, "Phone")]
    assert Person.objects.count() == 0


def test_a_status_must_be_one_of_the_four(branch, organiser):
    report = run(branch, organiser, "bad-status.csv")
    assert reasons(report) == [
        (
            2,
            "Status",
            "“expelled” is not a status Rollcall knows (1 row): choose the status it stands for "
            "(active, lapsed, suspended or resigned)",
        )
    ]
    assert report.unknown_statuses == ["expelled"] and report.blocked == 1


def test_formula_cells_are_stored_as_plain_text(branch, organiser):
    report = run(branch, organiser, "formula-cells.csv")
    assert report.applied, reasons(report)
    ada = Person.objects.get(email="ada@example.org")
    assert ada.first_name == '=HYPERLINK("http://evil.example")' and ada.notes == "@SUM(A1:A9)"
    bob = Person.objects.get(email="bob@example.org")
    # Rollcall's export escapes formulas with an apostrophe: importing it back drops it.
    assert bob.last_name == "=1+2" and bob.notes == "+rest -of note"


def test_windows_1252_file(branch, organiser):
    report = run(branch, organiser, "windows-1252.csv")
    assert report.applied and (report.encoding, report.delimiter) == ("cp1252", ";")
    zoe = Person.objects.get(email="zoe@example.org")
    assert (zoe.first_name, zoe.last_name, zoe.ward, zoe.notes) == ("Zoë", "Brontë", "St Ann’s", "Paid £5 – cash")
    # No join date in the file: a new membership starts on the day of the import.
    assert Person.objects.get(email="jose@example.org").memberships.get().category.slug == "party-member"


def test_semicolon_file_with_variant_headers_and_one_name_column(branch, organiser):
    report = run(branch, organiser, "semicolon.csv")
    assert report.applied, (report.file_error, reasons(report))
    assert dict(report.column_mapping) == {
        "Name": "name",
        "E-mail": "email",
        "Mobile": "phone",
        "Post code": "postcode",
        "Membership type": "category",
        "Member no": "membership_number",
        "Join date": "joined",
    }
    mary = Person.objects.get(email="mary@example.org")
    assert (mary.first_name, mary.last_name) == ("Mary Ann", "Evans")
    assert Person.objects.get(email="ada@example.org").postcode == "N15 4AB"


def test_mapping_can_be_changed_and_columns_ignored(branch, organiser):
    report = run(branch, organiser, "good.csv", mapping={"Phone": "", "postcode": "notes"})
    assert report.applied and "Phone" in report.ignored_columns
    ada = Person.objects.get(email="ada@example.org")
    assert (ada.phone, ada.postcode, ada.notes) == ("", "", "N15 4AB")


def test_unknown_field_in_the_mapping_is_refused(branch, organiser):
    report = run(branch, organiser, "good.csv", mapping={"Phone": "shoe_size"})
    assert "“shoe_size” is not a field" in report.file_error


# --- all or nothing -------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_one_bad_row_means_nothing_is_written(branch, organiser):
    report = run(branch, organiser, "mixed-one-bad.csv")
    assert reasons(report) == [(4, "Joined", "“31/02/2020” is not a real date")]
    assert not report.applied
    assert (report.created, report.rows) == (3, 4)
    assert Person.objects.count() == 0 and Membership.objects.count() == 0
    assert not AuditEvent.objects.filter(action="people.import").exists()


@pytest.mark.django_db(transaction=True)
def test_a_failure_while_writing_rolls_every_row_back(branch, organiser, monkeypatch):
    monkeypatch.setattr(cleaning, "BATCH_SIZE", 2)
    real = Membership.objects.bulk_create
    calls = []

    def failing(objs, *args, **kwargs):
        calls.append(len(objs))
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(objs, *args, **kwargs)

    monkeypatch.setattr(Membership.objects, "bulk_create", failing)
    with pytest.raises(RuntimeError):
        run(branch, organiser, "good.csv")
    assert calls == [2, 1]
    assert Person.objects.count() == 0 and Membership.objects.count() == 0
    assert not AuditEvent.objects.filter(action="people.import").exists()


def test_errors_are_capped_but_counted(branch, organiser, tmp_path, monkeypatch):
    monkeypatch.setattr(import_report, "MAX_ERRORS_SHOWN", 5)
    path = tmp_path / "many.csv"
    path.write_text("First name,Email\n" + "".join(f"P{i},not-an-email-{i}\n" for i in range(12)))
    report = import_members(branch=branch, source=path, actor=organiser)
    assert report.error_count == 12 and len(report.errors) == 5 and report.errors_truncated
    assert report.as_dict()["errors"][0] == {
        "line": 2,
        "column": "Email",
        "reason": "“not-an-email-0” is not an email address (for example name@example.org)",
    }


def test_report_is_json_friendly(branch, organiser):
    import json

    data = run(branch, organiser, "good.csv", dry_run=True).as_dict()
    again = json.loads(json.dumps(data))
    assert again["ok"] and again["dry_run"] and again["created"] == 3
    assert again["mapping"]["Membership number"] == "membership_number"


def test_creating_a_category_the_branch_already_has_uses_that_one(branch, organiser, tmp_path):
    """Mapping a value to "create it" when the branch has (or the file repeats) that
    name: the one category of that name, not a failed import."""
    source = tmp_path / "members.csv"
    source.write_text(
        "First name,Last name,Email,Category\n"
        "Ann,Lee,ann@example.org,PARTY MEMBER\n"
        "Bo,Lee,bo@example.org,Young Labour\n"
        "Cy,Lee,cy@example.org,young  labour\n",
        encoding="utf-8",
    )
    report = import_members(
        branch=branch,
        source=source,
        actor=organiser,
        category_map={"party member": "new", "young labour": "new"},
    )
    assert report.applied, reasons(report)
    assert report.categories_created == ["Young Labour"]
    assert Category.objects.filter(branch=branch, name__iexact="party member").count() == 1
    assert Membership.objects.get(person__first_name="Ann").category.slug == "party-member"
    assert Membership.objects.filter(category__name="Young Labour").count() == 2
