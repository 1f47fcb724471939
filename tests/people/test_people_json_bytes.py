"""The API people list's body is, byte for byte, what DRF's PersonSerializer
and the API's renderer wrote for the same page (the read path builds the
records by hand, groups/queries/people.py api_people): empty and null
fields, names outside ASCII (and characters JSON must escape or DRF escapes
itself, U+2028), several memberships in their order, none, and erased
people left out. Run on SQLite and on PostgreSQL."""

from datetime import date

import pytest
from django.db.models import Prefetch

from groups.api.serializers.people import PersonSerializer
from groups.models import Category, Membership, Person
from groups.services import member_since

from ..factories import MembershipFactory, PersonFactory

URL = "/api/v1/branches/green-lanes/people/"


@pytest.fixture
def odd_people(branch, other_branch, organiser):
    from groups.services.erasure import erase_person

    cats = list(Category.objects.filter(branch=branch).order_by("order"))
    add = PersonFactory
    plain = add(branch=branch, first_name="Ana", last_name="Nowak", email="", phone="", postcode="", ward="")
    accented = add(
        branch=branch,
        first_name="Zoë",
        last_name="Nowakowska-Łęcka",
        email="zoe@example.org",
        phone="+44 20 7946 0000",
        postcode="N15 4AB",
        ward="St Ann's",
        date_of_birth=date(1990, 2, 28),
        notes='Says "hi" \\ waves\nnext line\ttab \u2028 \u2029 and 🙂',
        consent_email=True,
        consent_phone=True,
    )
    many = add(branch=branch, first_name="Ben", last_name="nowak", email="ben@example.org")
    # Several memberships, made out of their order: the list shows category order, then start, then id.
    MembershipFactory(person=many, category=cats[-1], number="", status="lapsed", started_on=date(2001, 1, 1))
    MembershipFactory(
        person=many,
        category=cats[0],
        number="L0042",
        status="active",
        started_on=date(2010, 5, 1),
        continuous_since=date(2009, 1, 1),
        ended_on=None,
        dues_paid_until=date(2030, 12, 31),
    )
    MembershipFactory(person=many, category=cats[0], number="", status="resigned", started_on=date(2005, 1, 1))
    MembershipFactory(person=accented, category=cats[1], number="Ł-7", status="active", started_on=date(2020, 1, 1))
    gone = add(branch=branch, first_name="Nora", last_name="Nowak", email="nora@example.org")
    MembershipFactory(person=gone, category=cats[0], number="L0099", status="active", started_on=date(2015, 1, 1))
    erase_person(person=gone, actor=organiser, reason="Asked to be forgotten")
    add(branch=other_branch, first_name="Ana", last_name="Nowak", email="elsewhere@example.org")
    member_since.refresh_branch(branch)
    return [plain, accented, many]


# Every character JSON escapes (the control characters; NUL PostgreSQL cannot
# store), some it does not (DEL, "/", a byte-order mark, U+FFFF) and a few a
# writer might: the database writes the records (groups/sql/people_json.py).
ODD = (
    "".join(chr(c) for c in range(1, 32))
    + '\x7f/ </script> \ufeff \uffff \u00e9 e\u0301 "q" \\ \u2028\u2029 \U0001f642'
)


@pytest.fixture
def odd_text(odd_people, branch):
    cats = list(Category.objects.filter(branch=branch).order_by("order"))
    person = PersonFactory(branch=branch, first_name=ODD, last_name="Oddity" + ODD, notes=ODD, ward=ODD, phone="")
    MembershipFactory(person=person, category=cats[0], number="Odd-1" + ODD[:5], started_on=date(2019, 3, 1))
    return person


def _serializer_body(response, ids):
    """The response's body as DRF would have written it: its own count and
    links, the results from PersonSerializer, through the same renderer."""
    memberships = Prefetch(
        "memberships",
        queryset=Membership.objects.select_related("category").order_by("category__order", "started_on", "id"),
    )
    people = {p.pk: p for p in Person.objects.filter(pk__in=ids).prefetch_related(memberships)}
    data = {**response.data, "results": PersonSerializer([people[pk] for pk in ids], many=True).data}
    return response.accepted_renderer.render(data, response.accepted_media_type, response.renderer_context)


@pytest.mark.parametrize("q", ["", "now", "NOWAK", "zo", "L0042", "n15", "ben@"])
def test_the_body_is_byte_for_byte_the_serializer_s(odd_people, api, organiser, q):
    response = api(organiser).get(URL, {"q": q} if q else {})
    assert response.status_code == 200
    ids = [p["id"] for p in response.json()["results"]]
    assert ids, q
    assert response.content == _serializer_body(response, ids), q


@pytest.mark.parametrize("q", ["odd", ""])
def test_characters_json_escapes_are_escaped_as_drf_escapes_them(odd_text, api, organiser, q):
    response = api(organiser).get(URL, {"q": q, "page_size": 200} if q else {"page_size": 200})
    ids = [p["id"] for p in response.json()["results"]]
    assert odd_text.pk in ids
    assert response.content == _serializer_body(response, ids)
    assert response.json()["results"][ids.index(odd_text.pk)]["notes"] == ODD


@pytest.mark.parametrize("accept", ["application/json; indent=4", "application/json; indent=0", "*/*"])
def test_a_pretty_printed_body_is_drf_s_too(odd_text, api, organiser, accept):
    response = api(organiser).get(URL, {"q": "now"}, HTTP_ACCEPT=accept)
    assert response.status_code == 200
    ids = [p["id"] for p in response.json()["results"]]
    assert ids and response.content == _serializer_body(response, ids)
    assert (b"\n    " in response.content) == accept.endswith("4")


def test_no_one_found_is_an_empty_list(odd_people, api, organiser):
    response = api(organiser).get(URL, {"q": "zzzz"})
    assert response.content == b'{"count":0,"next":null,"previous":null,"results":[]}'


def test_the_odd_records_are_on_the_page_and_the_erased_one_is_not(odd_people, api, organiser):
    body = api(organiser).get(URL, {"q": "now"}).json()
    plain, accented, many = odd_people
    by_id = {p["id"]: p for p in body["results"]}
    assert set(by_id) == {plain.pk, accented.pk, many.pk}  # not Nora (erased), not the other branch's Ana
    assert by_id[plain.pk]["date_of_birth"] is None and by_id[plain.pk]["memberships"] == []
    assert by_id[accented.pk]["first_name"] == "Zoë" and "🙂" in by_id[accented.pk]["notes"]
    assert [m["status"] for m in by_id[many.pk]["memberships"]] == ["resigned", "active", "lapsed"]


def test_the_u2028_in_a_note_is_escaped_as_drf_escapes_it(odd_people, api, organiser):
    content = api(organiser).get(URL, {"q": "zo"}).content
    assert b"\\u2028" in content and "\u2028".encode() not in content
    assert "Zoë".encode() in content  # UTF-8, not \u escapes
