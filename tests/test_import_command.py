"""manage.py import_members: the same import and report as the web page."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from groups.models import Category, Person

FIX = Path(__file__).parent / "fixtures" / "import"


def command(*args):
    out, err = StringIO(), StringIO()
    call_command("import_members", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_dry_run_prints_the_report_and_writes_nothing(branch):
    out, _ = command(
        branch.slug, str(FIX / "party-export.csv"), "--dry-run", "--category", "Labour Party member=party-member"
    )
    assert "240 rows, UTF-8 (with BOM), separated by commas" in out
    assert "Address 1 → ignored" in out and "Surname → last_name" in out
    assert "Dry run, nothing written. Would be: 240 created, 0 updated, 0 unchanged." in out
    assert Person.objects.count() == 0


def test_import_then_reimport(branch):
    args = (branch.slug, str(FIX / "party-export.csv"), "--category", "Labour Party member=party-member")
    out, _ = command(*args)
    assert "Imported: 240 created, 0 updated, 0 unchanged." in out
    out, _ = command(*args)
    assert "Imported: 0 created, 0 updated, 240 unchanged." in out


def test_errors_go_to_stderr_with_a_non_zero_exit(branch):
    with pytest.raises(CommandError, match="6 problem"):
        command(branch.slug, str(FIX / "invalid-values.csv"))
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_members", branch.slug, str(FIX / "invalid-values.csv"), stdout=StringIO(), stderr=err)
    assert "line 2, Email: “ada@example” is not an email address" in err.getvalue()
    assert "line 7, Date of birth:" in err.getvalue()
    assert Person.objects.count() == 0


def test_map_and_new_category_options(branch):
    out, _ = command(
        branch.slug, str(FIX / "unknown-category.csv"), "--category", "Young Labour=new", "--map", "Phone="
    )
    assert "New categories: Young Labour" in out
    assert Category.objects.filter(branch=branch, slug="young-labour").exists()
    assert Person.objects.count() == 3


@pytest.mark.parametrize(
    "args, message",
    [
        (("nowhere", "x.csv"), "There is no branch “nowhere”"),
        (("green-lanes", "/no/such/file.csv"), "Cannot open /no/such/file.csv"),
        (("green-lanes", str(FIX / "binary.csv")), "binary data"),
        (("green-lanes", str(FIX / "good.csv"), "--map", "Phone"), 'takes "Name=value"'),
    ],
)
def test_bad_arguments_and_files_exit_non_zero(branch, args, message):
    with pytest.raises(CommandError, match=message):
        command(*args)


def test_exit_code_is_non_zero_on_errors(branch):
    # manage.py turns a CommandError into sys.exit(error.returncode); run_from_argv itself
    # would close the test's database connection, so the error is checked here.
    err = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_members", branch.slug, str(FIX / "bad-status.csv"), stdout=StringIO(), stderr=err)
    assert error.value.returncode == 1
    assert "line 2, Status: “expelled” is not a status" in err.getvalue()
    command(branch.slug, str(FIX / "good.csv"))  # no error: exit code 0
    assert Person.objects.count() == 3


def test_a_status_value_can_be_mapped(branch, tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("First name,Category,Status\nAna,Party member,Gone\nBen,Party member,Paused\n")
    with pytest.raises(CommandError, match="1 problem"):
        command(branch.slug, str(path), "--dry-run")
    out, _ = command(branch.slug, str(path), "--status", "Paused=suspended")
    assert "status “Gone” (1 rows) → lapsed" in out and "status “Paused” (1 rows) → suspended" in out
    assert "nobody can be emailed" in out
    assert sorted(Person.objects.values_list("memberships__status", flat=True)) == ["lapsed", "suspended"]
