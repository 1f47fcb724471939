"""Pre-release security review: ids from request bodies and query strings.
Out-of-range numbers ("99999999999999999999", which no row id can be),
digits int() refuses ("²", thousands of digits) and another branch's ids
must each give a readable answer, never a 500 or a write."""

import pytest
from django.urls import reverse

from groups.models import Attendance, Category, Invitation, Membership, MembershipStatus

from ..invitation_helpers import members_meeting, person
from ..meetings_helpers import at, make_meeting
from ..test_import_views import token_of, upload

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"  # above 2**63: SQLite raises OverflowError, PostgreSQL a DataError
BAD_IDS = [HUGE, "\u00b2", "9" * 5000]  # "²".isdigit() is True, yet int("²") raises


@pytest.fixture
def theirs(other_branch):
    """A party member of another branch."""
    Category.objects.create(branch=other_branch, slug="party-member", name="Party member")
    return person(other_branch, "Tom")


@pytest.fixture
def browser(client_for, organiser):
    client = client_for(organiser)
    client.raise_request_exception = False
    return client


@pytest.fixture
def past_meeting(branch, organiser):
    meeting = make_meeting(branch, organiser, starts_at=at(2020, 5, 14))
    return meeting


@pytest.mark.parametrize("bad", BAD_IDS)
def test_bulk_check_in_refuses_impossible_ids_with_a_message(browser, branch, past_meeting, bad):
    url = reverse("attendance_bulk", args=[branch.slug, past_meeting.pk])
    response = browser.post(url, {"person": bad}, follow=True)
    assert response.status_code == 200
    assert not Attendance.objects.filter(meeting=past_meeting).exists()


def test_bulk_check_in_refuses_another_branchs_person(browser, branch, theirs, past_meeting):
    mine = person(branch, "Ann")
    url = reverse("attendance_bulk", args=[branch.slug, past_meeting.pk])
    response = browser.post(url, {"person": [mine.pk, theirs.pk]}, follow=True)
    assert "not in this branch" in response.content.decode()
    assert not Attendance.objects.filter(meeting=past_meeting).exists()


@pytest.mark.parametrize("bad", BAD_IDS)
def test_invitations_page_ignores_impossible_chosen_people(browser, branch, organiser, bad):
    meeting = members_meeting(branch, organiser)
    url = reverse("meeting_invitations", args=[branch.slug, meeting.pk])
    assert browser.get(url, {"person": bad}).status_code == 200
    response = browser.post(url, {"action": "send", "who": "people", "person": bad}, follow=True)
    assert response.status_code == 200
    assert not Invitation.objects.filter(meeting=meeting).exists()


def test_invitations_never_go_to_another_branchs_person(browser, branch, theirs, organiser):
    meeting = members_meeting(branch, organiser)
    url = reverse("meeting_invitations", args=[branch.slug, meeting.pk])
    browser.post(url, {"action": "send", "who": "people", "person": [theirs.pk]}, follow=True)
    assert not Invitation.objects.filter(person=theirs).exists()


@pytest.mark.parametrize("confirm", ["", "yes"])
def test_bulk_people_action_with_impossible_ids_says_select_someone(browser, branch, confirm):
    ann = person(branch, "Ann")
    url = reverse("people_bulk", args=[branch.slug])
    data = {"action": "set_status", "status": "lapsed", "person": [HUGE, str(ann.pk)], "confirm": confirm}
    response = browser.post(url, data, follow=True)
    assert response.status_code == 200
    data = {"action": "set_status", "status": "lapsed", "person": [HUGE], "confirm": confirm}
    response = browser.post(url, data, follow=True)
    assert response.status_code == 200
    assert "Select at least one person first." in response.content.decode()
    if not confirm:
        assert Membership.objects.get(person=ann).status == MembershipStatus.ACTIVE


def test_bulk_people_action_leaves_another_branch_alone(browser, branch, theirs):
    url = reverse("people_bulk", args=[branch.slug])
    data = {"action": "set_status", "status": "lapsed", "person": [theirs.pk], "confirm": "yes"}
    browser.post(url, data, follow=True)
    assert Membership.objects.get(person=theirs).status == MembershipStatus.ACTIVE


@pytest.mark.parametrize("bad", ["\u00b2", "9" * 5000])
def test_import_mapping_with_a_nonsense_category_count(browser, branch, bad):
    token = token_of(upload(browser, branch))
    url = reverse("import_preview", args=[branch.slug, token])
    response = browser.post(url, {"category-count": bad})
    assert response.status_code == 302


@pytest.mark.parametrize("bad", ["\u00b2", "9" * 5000])
def test_rule_editor_remove_with_a_nonsense_index(browser, branch, bad):
    url = reverse("rule_new", args=[branch.slug])
    data = {"name": "Draft", "count": "1", "c0-kind": "age", "c0-min_age": "18", "action": f"remove-{bad}"}
    response = browser.post(url, data)
    assert response.status_code == 200
    assert 'name="c0-min_age" value="18"' in response.content.decode()


# --- NUL characters: PostgreSQL refuses them in text (DataError → 500) ---


def test_door_search_ignores_a_nul_character(browser, branch, organiser):
    meeting = members_meeting(branch, organiser, starts_at=at(2030, 5, 14))
    person(branch, "Annabel")
    for name in ("door", "door_search"):
        response = browser.post(reverse(name, args=[branch.slug, meeting.pk]), {"q": "Annabel\x00"})
        assert response.status_code == 200
        assert "Annabel" in response.content.decode()


def test_rule_page_search_ignores_a_nul_character(browser, branch):
    from groups.models import Rule

    person(branch, "Annabel")
    rule = Rule.objects.get(branch=branch, name="Party members only")
    response = browser.get(reverse("rule_detail", args=[branch.slug, rule.pk]), {"show": "eligible", "q": "Anna\x00"})
    assert response.status_code == 200
    assert "Annabel" in response.content.decode()


def test_door_guest_and_undo_drop_nul_characters(browser, branch, organiser):
    meeting = members_meeting(branch, organiser, starts_at=at(2030, 5, 14))
    url = reverse("door_guest", args=[branch.slug, meeting.pk])
    assert browser.post(url, {"guest_name": "Jo\x00 Guest", "guest_email": "jo@example.org\x00"}).status_code == 302
    guest = Attendance.objects.get(meeting=meeting)
    assert (guest.guest_name, guest.guest_email) == ("Jo Guest", "jo@example.org")
    url = reverse("door_undo", args=[branch.slug, meeting.pk, guest.pk])
    assert browser.post(url, {"reason": "Mistake\x00"}).status_code == 302
    guest.refresh_from_db()
    assert guest.undone_at is not None and guest.undo_reason == "Mistake"
