"""Bad input found by the second review: each gets a message (or is tidied),
never a 500 page and never half-written data. Several of these were 500s only
on PostgreSQL (NUL characters, values longer or larger than a column holds),
so CI runs them on both databases."""

from datetime import date

import pytest
from django.http import QueryDict
from django.test import RequestFactory
from django.urls import reverse

from groups.eligibility.engine import RuleError, validate
from groups.errors import Conflict, InvalidInput
from groups.middleware import StripNulMiddleware
from groups.models import Attendance, AuditEvent, Category, Person, RoleInvitation, Rule
from groups.services import attendance as attendance_services
from groups.services import categories as category_services
from groups.services import registrations
from groups.services import roles as role_services
from groups.services.imports import import_members

from .factories import AttendanceFactory, PersonFactory
from .meetings_helpers import at, make_meeting

pytestmark = pytest.mark.django_db

TOO_LONG_EMAIL = "a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".org"  # a valid shape, 313 characters


# --- NUL characters: dropped once, for every view --------------------------------


def test_nul_characters_are_dropped_from_query_strings_and_forms():
    seen = {}

    def view(request):
        seen["GET"], seen["POST"] = request.GET, request.POST

    factory = RequestFactory()
    StripNulMiddleware(view)(factory.post("/b/x/door/?q=Ann%00a", {"reason-1": "Speaker\x00", "n\x00": "x"}))
    assert seen["GET"]["q"] == "Anna"
    assert seen["POST"]["reason-1"] == "Speaker" and seen["POST"]["n"] == "x"
    assert isinstance(seen["POST"], QueryDict) and not seen["POST"]._mutable


def test_the_api_reads_its_own_bodies():
    """The API parses JSON and multipart itself (DRF): the middleware leaves its POST unread."""
    seen = {}

    def view(request):
        seen["read"] = hasattr(request, "_post")

    StripNulMiddleware(view)(RequestFactory().post("/api/v1/branches/x/imports/", {"dry_run": "true"}))
    assert seen["read"] is False


def test_a_nul_in_a_paper_list_reason_is_dropped(client_for, branch, organiser):
    meeting = make_meeting(branch, organiser, status="published")
    sam = PersonFactory(branch=branch, first_name="Sam")  # no membership: the rule refuses him
    url = reverse("attendance_bulk", args=[branch.slug, meeting.pk])
    client_for(organiser).post(url, {"person": [sam.pk], f"reason-{sam.pk}": "Chair agreed\x00"})
    assert Attendance.objects.get(person=sam).override_reason == "Chair agreed"


def test_a_rule_cannot_name_a_ward_with_a_nul_in_it():
    with pytest.raises(RuleError):
        validate({"area": {"wards": ["Harringay\x00"]}})


def test_a_nul_in_a_branch_slug_is_a_json_404(api, organiser, branch):
    response = api(organiser).get("/api/v1/branches/%00/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"


# --- dates at the end of the calendar ---------------------------------------------


def test_reports_for_a_period_ending_in_the_year_9999(client_for, branch, organiser):
    url = reverse("reports", args=[branch.slug])
    response = client_for(organiser).get(url, {"date_from": "0001-01-01", "date_to": "9999-12-31"})
    assert response.status_code == 200


def test_an_attendance_rule_as_of_the_last_day_of_the_calendar(client_for, branch, organiser):
    rule = Rule.objects.create(branch=branch, name="Regulars", definition={"attended": {"min": 1, "of_last": 3}})
    url = reverse("rule_detail", args=[branch.slug, rule.pk])
    assert client_for(organiser).get(url, {"as_of": "9999-12-31"}).status_code == 200


def test_a_meeting_eligibility_date_must_be_a_plausible_year(branch, organiser):
    with pytest.raises(InvalidInput, match="eligibility date") as refused:
        make_meeting(branch, organiser, eligibility_date=date(9999, 12, 31))
    assert refused.value.code == "bad_year"


@pytest.mark.parametrize("field", ["quorum", "capacity"])
def test_quorum_and_capacity_beyond_any_meeting_are_refused(branch, organiser, field):
    with pytest.raises(InvalidInput, match="0 or more") as refused:
        make_meeting(branch, organiser, **{field: 3_000_000_000})
    assert refused.value.code == f"bad_{field}"


# --- emails longer than an address can be ----------------------------------------


def test_a_guest_email_longer_than_an_address_is_refused(branch, organiser, steward):
    meeting = make_meeting(branch, organiser, status="published")
    with pytest.raises(InvalidInput, match="guest's email"):
        attendance_services.check_in(meeting=meeting, guest_name="Pat", guest_email=TOO_LONG_EMAIL, actor=steward)
    assert not Attendance.objects.exists()


def test_registering_interest_with_an_over_long_email_asks_for_an_address(branch, organiser):
    meeting = make_meeting(branch, organiser, kind="open", status="published", starts_at=at(2030, 10, 27))
    with pytest.raises(InvalidInput, match="at most 254 characters") as refused:
        registrations.register_interest(meeting=meeting, name="Ann", email=TOO_LONG_EMAIL, consent_email=True)
    assert list(refused.value.details["errors"]) == ["email"]
    assert not Person.objects.exists()


def test_a_role_invitation_to_an_over_long_email_is_refused(branch, organiser):
    with pytest.raises(InvalidInput):
        role_services.invite_to_role(branch=branch, email=TOO_LONG_EMAIL, role="member", actor=organiser)
    assert not RoleInvitation.objects.exists()


def test_a_new_person_at_the_door_with_a_bad_postcode_is_asked_again(client_for, branch, organiser):
    meeting = make_meeting(branch, organiser, status="published", attendance_rule=None)
    url = reverse("door_new_person", args=[branch.slug, meeting.pk])
    response = client_for(organiser).post(url, {"first_name": "Kim", "postcode": "NOT A CODE"})
    assert response.status_code == 200
    assert "“NOT A CODE” is not a UK postcode (for example N15 4AB)." in response.content.decode()
    assert not Person.objects.exists() and not Attendance.objects.exists()


# --- refusals that used to be database errors ----------------------------------------


def test_rejecting_a_registration_of_someone_who_came_keeps_them(branch, organiser):
    meeting = make_meeting(branch, organiser, kind="open", status="published", starts_at=at(2030, 10, 27))
    registrations.register_interest(meeting=meeting, name="Ann Able", email="ann@example.org", consent_email=True)
    ann = Person.objects.get(email="ann@example.org")
    AttendanceFactory(meeting=meeting, person=ann)
    with pytest.raises(Conflict, match="approve them instead"):
        registrations.reject_supporter(person=ann, actor=organiser)
    assert Person.objects.filter(pk=ann.pk).exists()
    assert not AuditEvent.objects.filter(action="person.reject").exists()


def test_an_import_names_a_full_name_too_long_for_its_columns(branch, organiser, tmp_path):
    source = tmp_path / "members.csv"
    source.write_text(f"Name,Email\n{'A' * 120} Smith,ann@example.org\nBo Lee,bo@example.org\n", encoding="utf-8")
    report = import_members(branch=branch, source=source, actor=organiser)
    assert [(e.line, e.column) for e in report.errors] == [(2, "Name")]
    assert "longer than 100 characters" in report.errors[0].reason
    assert not Person.objects.exists()  # all or nothing


def test_a_category_whose_slug_is_also_a_rule_word_can_be_removed(branch, organiser):
    """ "Everyone" is a key of the preset rules' language, not a category they name."""
    everyone = category_services.create_category(branch=branch, actor=organiser, name="Everyone")
    assert everyone.slug == "everyone"
    Rule.objects.create(branch=branch, name="Anyone", definition={"everyone": True})
    assert not category_services.slug_in_use(everyone)
    category_services.delete_category(category=everyone, actor=organiser)
    assert not Category.objects.filter(pk=everyone.pk).exists()
    # A category a rule does name stays.
    party = Category.objects.get(branch=branch, slug="party-member")
    assert "Party members only" in category_services.rules_naming(party)


# --- ids that are not whole numbers -------------------------------------------------


def test_the_api_refuses_an_id_that_is_not_a_whole_number(api, steward, organiser, branch):
    meeting = make_meeting(branch, organiser, status="published", attendance_rule=None)
    first = PersonFactory(branch=branch)
    url = f"/api/v1/branches/{branch.slug}/meetings/{meeting.pk}/checkins/"
    response = api(steward).post(url, {"person": first.pk + 0.9}, format="json")
    assert response.status_code == 400 and "person" in response.json()
    assert api(steward).post(url, {"person": True}, format="json").status_code == 400  # not person 1
    assert not Attendance.objects.exists()  # not person {first.pk}, silently
    rule = Rule.objects.get(branch=branch, name="Party members only")
    evaluate = f"/api/v1/branches/{branch.slug}/rules/{rule.pk}/evaluate/"
    assert api(organiser).post(evaluate, {"person": first.pk + 0.9}, format="json").status_code == 400
    meetings = f"/api/v1/branches/{branch.slug}/meetings/{meeting.pk}/"
    assert api(organiser).patch(meetings, {"attendance_rule": rule.pk + 0.5}, format="json").status_code == 400
