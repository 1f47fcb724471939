"""The organiser's people pages: list, filters, forms, bulk actions, delete, cross-branch 404s."""

import re
from datetime import date

import pytest
from django.urls import reverse

from groups.models import AuditEvent, Category, Membership, Person

from .factories import MembershipFactory, PersonFactory, person_with_membership


def _url(name, branch, *args):
    return reverse(name, args=[branch.slug, *args])


def _member(branch, category="party-member", **kwargs):
    """person_with_membership with this file's spelling: `person__` keywords
    are the Person's, the rest the Membership's."""
    person = {k[8:]: v for k, v in kwargs.items() if k.startswith("person__")}
    membership = {k: v for k, v in kwargs.items() if not k.startswith("person__")}
    return person_with_membership(branch, category, membership=membership, **person)


def _names(response):
    """Names as the list shows them, in order."""
    return re.findall(r'class="person-name">([^<]+)</a>', response.content.decode())


# --- list -------------------------------------------------------------------


def test_empty_state_offers_to_add_a_person(branch, organiser, client_for):
    response = client_for(organiser).get(_url("people_list", branch))
    html = response.content.decode()
    assert "No people yet — import your membership list" in html
    assert _url("person_create", branch) in html


def test_steward_sees_the_list_without_change_controls(branch, steward, client_for):
    _member(branch, person__last_name="Visible")
    html = client_for(steward).get(_url("people_list", branch)).content.decode()
    assert "Visible" in html
    assert _url("person_create", branch) not in html
    assert 'name="person"' not in html
    assert _url("people_export", branch) not in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "ada"}, ["Lovelace, Ada"]),
        ({"q": "ada lovelace"}, ["Lovelace, Ada"]),
        ({"q": "grace@navy"}, ["Hopper, Grace"]),
        ({"q": "L0042"}, ["Hopper, Grace"]),
        ({"q": "N4 1AA"}, ["Noether, Emmy"]),
        ({"q": "n4 1aa"}, ["Noether, Emmy"]),
        ({"q": "N4"}, ["Noether, Emmy"]),
        ({"q": "LOVE"}, ["Lovelace, Ada"]),
        ({"q": "l0042"}, ["Hopper, Grace"]),
        ({"q": "ada hopper"}, []),
        ({"category": "supporter"}, ["Noether, Emmy"]),
        ({"status": "lapsed"}, ["Hopper, Grace"]),
        ({"category": "party-member", "status": "lapsed"}, ["Hopper, Grace"]),
        ({"ward": "Harringay"}, ["Noether, Emmy"]),
        ({"consent": "email"}, ["Lovelace, Ada"]),
        ({"consent": "phone"}, ["Hopper, Grace"]),
        ({"consent": "any"}, ["Hopper, Grace", "Lovelace, Ada"]),
        ({"consent": "none"}, ["Noether, Emmy"]),
    ],
)
def test_search_and_filters(branch, organiser, client_for, query, expected):
    _member(
        branch,
        person__first_name="Ada",
        person__last_name="Lovelace",
        person__consent_email=True,
        person__ward="Tottenham Green",
        person__postcode="N15 4AB",
    )
    _member(
        branch,
        number="L0042",
        status="lapsed",
        person__first_name="Grace",
        person__last_name="Hopper",
        person__email="grace@navy.example",
        person__consent_phone=True,
    )
    _member(
        branch,
        "supporter",
        person__first_name="Emmy",
        person__last_name="Noether",
        person__ward="Harringay",
        person__postcode="N4 1AA",
    )
    response = client_for(organiser).get(_url("people_list", branch), query)
    assert response.status_code == 200
    assert sorted(_names(response)) == sorted(expected)


def test_category_and_status_must_hold_for_the_same_membership(branch, organiser, client_for):
    # A lapsed party member who is an active supporter is not an active party member.
    person = _member(branch, status="lapsed", person__last_name="Mixed")
    MembershipFactory(person=person, category=branch.categories.get(slug="supporter"))
    response = client_for(organiser).get(_url("people_list", branch), {"category": "party-member", "status": "active"})
    assert _names(response) == []


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Alpha, A", "Beta, B", "Gamma, C"]),
        ("-name", ["Gamma, C", "Beta, B", "Alpha, A"]),
        ("joined", ["Gamma, C", "Alpha, A", "Beta, B"]),
        ("-joined", ["Beta, B", "Alpha, A", "Gamma, C"]),
        ("category", ["Beta, B", "Gamma, C", "Alpha, A"]),
    ],
)
def test_sorting(branch, organiser, client_for, sort, expected):
    _member(branch, "supporter", started_on=date(2012, 1, 1), person__last_name="Alpha", person__first_name="A")
    _member(branch, "party-member", started_on=date(2015, 1, 1), person__last_name="Beta", person__first_name="B")
    # Gamma started later but has been a member continuously since 2005.
    _member(
        branch,
        "registered-supporter",
        started_on=date(2016, 1, 1),
        continuous_since=date(2005, 1, 1),
        person__last_name="Gamma",
        person__first_name="C",
    )
    response = client_for(organiser).get(_url("people_list", branch), {"sort": sort})
    assert _names(response) == expected


def test_pagination_keeps_the_filters(branch, organiser, client_for):
    for i in range(55):
        _member(branch, "supporter", person__last_name=f"Person{i:02d}")
    client = client_for(organiser)
    first = client.get(_url("people_list", branch), {"category": "supporter"})
    html = first.content.decode()
    assert len(_names(first)) == 50
    assert "Page 1 of 2" in html
    assert "category=supporter&amp;page=2" in html
    second = client.get(_url("people_list", branch), {"category": "supporter", "page": 2})
    assert len(_names(second)) == 5


@pytest.mark.parametrize("count", [3, 30])
def test_list_runs_a_fixed_number_of_queries(branch, organiser, client_for, django_assert_num_queries, count):
    for i in range(count):
        person = _member(branch, number=f"N{i}", person__ward=f"Ward {i % 4}", person__last_name=f"Evans{i}")
        MembershipFactory(person=person, category=branch.categories.get(slug="supporter"))
    client = client_for(organiser)
    client.get(_url("people_list", branch))  # warm the session
    with django_assert_num_queries(8):
        response = client.get(_url("people_list", branch), {"q": "eva", "category": "supporter", "sort": "joined"})
    assert response.status_code == 200
    assert len(_names(response)) == count


# --- create and edit --------------------------------------------------------


def _form_data(**overrides):
    data = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.org",
        "phone": "07700 900154",
        "postcode": "n15 4ab",
        "ward": "Tottenham Green",
        "date_of_birth": "1990-04-14",
        "consent_email": "on",
        "notes": "",
        "m-TOTAL_FORMS": "1",
        "m-INITIAL_FORMS": "0",
        "m-MIN_NUM_FORMS": "0",
        "m-MAX_NUM_FORMS": "1000",
        "m-0-id": "",
        "m-0-category": "party-member",
        "m-0-number": "L123",
        "m-0-status": "active",
        "m-0-started_on": "14/04/2015",
    }
    data.update(overrides)
    return data


def test_create_a_person_with_a_membership(branch, organiser, client_for):
    response = client_for(organiser).post(_url("person_create", branch), _form_data())
    person = Person.objects.get(branch=branch)
    assert response.status_code == 302
    assert response["Location"] == _url("person_detail", branch, person.pk)
    assert (person.phone, person.postcode, person.consent_email) == ("+447700900154", "N15 4AB", True)
    membership = person.memberships.get()
    assert (membership.category.slug, membership.number, membership.started_on) == (
        "party-member",
        "L123",
        date(2015, 4, 14),
    )


def test_empty_extra_row_is_ignored(branch, organiser, client_for):
    data = _form_data(**{"m-TOTAL_FORMS": "2", "m-1-id": "", "m-1-category": "", "m-1-status": "active"})
    client_for(organiser).post(_url("person_create", branch), data)
    assert Membership.objects.count() == 1


def test_invalid_membership_row_shows_the_summary_and_keeps_what_was_typed(branch, organiser, client_for):
    _member(branch, number="L123", person__email="someone@example.org")
    data = _form_data(**{"m-0-started_on": "2016-01-01", "m-0-ended_on": "2015-01-01", "phone": "12"})
    response = client_for(organiser).post(_url("person_create", branch), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html
    assert 'href="#id_m-0-ended_on">Membership 1: Ended on: The end date must be on or after the start date.' in html
    assert (
        'href="#id_m-0-number">Membership 1: Membership number: Someone else in this branch already has '
        "Party member number L123." in html
    )
    assert 'href="#id_phone">Phone: “12” is not a valid phone number' in html
    # What was typed is still there.
    assert 'value="Lovelace"' in html
    assert 'value="L123"' in html
    assert 'value="2015-01-01"' in html
    assert Person.objects.filter(branch=branch).count() == 1


def test_unparseable_date_is_reported_by_the_form(branch, organiser, client_for):
    response = client_for(organiser).post(_url("person_create", branch), _form_data(**{"m-0-started_on": "soon"}))
    assert response.status_code == 400
    assert "Membership 1: Started on: Enter a real date, for example 14/04/2016." in response.content.decode()


def test_add_another_membership_redisplays_without_saving(branch, organiser, client_for):
    data = _form_data(add_membership="1")
    response = client_for(organiser).post(_url("person_create", branch), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert not Person.objects.exists()
    assert 'name="m-1-category"' in html
    assert 'value="L123"' in html
    assert 'value="Lovelace"' in html
    assert "There is a problem" not in html


def test_edit_updates_memberships_and_removes_ticked_ones(branch, organiser, client_for):
    person = _member(branch, number="L1", person__first_name="Ada", person__last_name="L")
    supporter = MembershipFactory(person=person, category=branch.categories.get(slug="supporter"))
    party = person.memberships.get(category__slug="party-member")
    client = client_for(organiser)
    page = client.get(_url("person_edit", branch, person.pk)).content.decode()
    assert 'value="L1"' in page
    data = _form_data(
        first_name="Ada",
        last_name="L",
        email=person.email,
        **{
            "m-TOTAL_FORMS": "3",
            "m-INITIAL_FORMS": "2",
            "m-0-id": str(party.pk),
            "m-0-category": "party-member",
            "m-0-number": "L1",
            "m-0-status": "lapsed",
            "m-0-started_on": party.started_on.isoformat(),
            "m-1-id": str(supporter.pk),
            "m-1-category": "supporter",
            "m-1-status": "active",
            "m-1-started_on": supporter.started_on.isoformat(),
            "m-1-DELETE": "on",
            "m-2-id": "",
            "m-2-category": "",
            "m-2-status": "active",
        },
    )
    response = client.post(_url("person_edit", branch, person.pk), data)
    assert response.status_code == 302
    assert list(person.memberships.values_list("category__slug", "status")) == [("party-member", "lapsed")]
    event = AuditEvent.objects.get(action="person.update", person_id=person.pk)
    assert event.changes[f"memberships.{party.pk}.status"] == {"old": "active", "new": "lapsed"}


def test_detail_shows_memberships_and_consent(branch, organiser, client_for):
    person = _member(
        branch, number="L77", person__first_name="Ada", person__phone="+447700900154", person__consent_email=True
    )
    html = client_for(organiser).get(_url("person_detail", branch, person.pk)).content.decode()
    assert "L77" in html
    assert "07700 900154" in html
    # Consent per channel and purpose (meetings, campaigning).
    assert re.search(r"<dt>Email</dt><dd><span class=\"tag status-ok\">.*Meetings: agreed", html)
    assert re.search(r"<dt>Phone</dt><dd><span class=\"tag status-no\">.*Meetings: not agreed", html)


# --- delete -------------------------------------------------------------------


def test_delete_asks_first_then_deletes(branch, organiser, client_for):
    person = _member(branch, person__first_name="Ada", person__last_name="Gone")
    client = client_for(organiser)
    page = client.get(_url("person_delete", branch, person.pk))
    assert "Delete Ada Gone?" in page.content.decode()
    assert Person.objects.filter(pk=person.pk).exists()
    response = client.post(_url("person_delete", branch, person.pk), follow=True)
    assert "Deleted Ada Gone and their memberships." in response.content.decode()
    assert not Person.objects.filter(pk=person.pk).exists()


def test_delete_of_someone_who_came_to_a_meeting_is_refused_with_a_message(branch, organiser, client_for):
    from .factories import AttendanceFactory, MeetingFactory

    person = _member(branch, person__first_name="Ada", person__last_name="Came")
    AttendanceFactory(meeting=MeetingFactory(branch=branch), person=person)
    response = client_for(organiser).post(_url("person_delete", branch, person.pk), follow=True)
    assert response.status_code == 200
    assert "checked in at 1 meeting, and attendance records stay" in response.content.decode()
    assert Person.objects.filter(pk=person.pk).exists()


# --- bulk ---------------------------------------------------------------------


def test_bulk_action_confirms_with_the_count_then_changes(branch, organiser, client_for):
    people = [_member(branch) for _ in range(3)] + [_member(branch, status="lapsed")]
    client = client_for(organiser)
    ids = [p.pk for p in people]
    data = {
        "person": ids,
        "action": "set_status",
        "status": "lapsed",
        "category": "",
        "return_to": _url("people_list", branch) + "?status=active",
    }
    confirm = client.post(_url("people_bulk", branch), data)
    html = confirm.content.decode()
    assert confirm.status_code == 200
    assert "This will change 3 people" in html
    assert "1 of them is already like this" in html
    assert Membership.objects.filter(status="lapsed").count() == 1  # nothing changed yet
    done = client.post(_url("people_bulk", branch), {**data, "confirm": "yes"})
    assert done.status_code == 302
    assert done["Location"] == _url("people_list", branch) + "?status=active"
    assert Membership.objects.filter(status="lapsed").count() == 4


def test_bulk_without_a_selection_explains(branch, organiser, client_for):
    response = client_for(organiser).post(
        _url("people_bulk", branch), {"action": "set_status", "status": "lapsed"}, follow=True
    )
    assert "Select at least one person first." in response.content.decode()


def test_bulk_return_to_cannot_leave_the_site(branch, organiser, client_for):
    person = _member(branch)
    response = client_for(organiser).post(
        _url("people_bulk", branch),
        {
            "person": [person.pk],
            "action": "add_category",
            "category": "supporter",
            "confirm": "yes",
            "return_to": "https://evil.example/",
        },
    )
    assert response["Location"] == _url("people_list", branch)


# --- another branch's person ---------------------------------------------------


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("person_detail", "get"),
        ("person_edit", "get"),
        ("person_edit", "post"),
        ("person_delete", "get"),
        ("person_delete", "post"),
        ("person_export", "get"),
    ],
)
def test_another_branchs_person_is_404(branch, organiser, client_for, other_branch, name, method):
    theirs = PersonFactory(branch=other_branch)
    response = getattr(client_for(organiser), method)(
        _url(name, branch, theirs.pk), _form_data() if method == "post" else {}
    )
    assert response.status_code == 404
    assert Person.objects.filter(pk=theirs.pk).exists()


def test_bulk_cannot_touch_another_branchs_people(branch, organiser, client_for, other_branch):
    cat = Category.objects.create(branch=other_branch, name="Party member", slug="party-member")
    theirs = MembershipFactory(person__branch=other_branch, category=cat)
    client_for(organiser).post(
        _url("people_bulk", branch),
        {"person": [theirs.person_id], "action": "set_status", "status": "resigned", "confirm": "yes"},
    )
    theirs.refresh_from_db()
    assert theirs.status == "active"


def test_unknown_filter_values_show_an_error_not_a_crash(branch, organiser, client_for):
    _member(branch, person__last_name="Still")
    response = client_for(organiser).get(
        _url("people_list", branch), {"category": "astronaut", "sort": "shoe-size", "page": "x"}
    )
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert _names(response) == ["Still, " + Person.objects.get().first_name]


def test_the_person_form_has_its_headings_in_order(branch, organiser, client_for):
    import re

    html = client_for(organiser).get(_url("person_create", branch)).content.decode()
    main = html[html.index("<main") :]
    levels = [int(n) for n in re.findall(r"<h([1-6])", main)]
    assert levels[0] == 1 and 2 in levels
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:], strict=False)), levels


def test_the_categories_page_shows_names_not_slugs(branch, organiser, client_for):
    html = client_for(organiser).get(_url("category_list", branch)).content.decode()
    assert "Party member" in html and ">party-member<" not in html
