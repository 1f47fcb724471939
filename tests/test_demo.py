import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from groups.models import Attendance, Branch, Meeting, Person


@pytest.mark.django_db
def test_demo_recreates_itself_on_a_second_run(settings):
    settings.DEBUG = True
    call_command("demo", people=40)
    first = Branch.objects.get(slug="demo")
    call_command("demo", people=40)
    branch = Branch.objects.get(slug="demo")
    assert branch.pk != first.pk
    assert Branch.objects.filter(slug="demo").count() == 1
    assert Person.objects.filter(branch=branch).count() >= 40
    assert Meeting.objects.filter(branch=branch).exists()
    # Nothing of the first demo is left behind.
    assert not Person.objects.filter(branch_id=first.pk).exists()
    assert not Attendance.objects.filter(meeting__branch_id=first.pk).exists()


@pytest.mark.django_db
def test_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo")


@pytest.mark.django_db
def test_a_demo_that_fails_part_way_leaves_no_half_demo(monkeypatch):
    from groups import demo

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(demo, "DEMO_STEPS", [*demo.DEMO_STEPS[:2], broken])
    with pytest.raises(RuntimeError):
        demo.build_demo(people=10)
    assert not Branch.objects.filter(slug="demo").exists()
    assert not Person.objects.exists() and not Meeting.objects.exists()
