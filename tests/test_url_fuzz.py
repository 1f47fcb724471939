"""Every URL of the matrix, as its organiser: nonsense in query strings and
POST bodies never gives a 500; another branch's object under our slug is
404; a GET writes no audit event but an export's or a subject access's."""

import pytest
from django.urls import reverse

from tests.cross_branch import make_far_branch, snapshot
from tests.test_permission_matrix import ENTRIES, World

BAD_GET = [
    {"page": "abc"},
    {"page": "99999999999999999999"},
    {"as_of": "2020-13-45"},
    {"as_of": "x"},
    {"date_from": "bogus", "date_to": "2020-02-31"},
    {"sort": "bogus"},
    {"month": "2024-13"},
    {"month": "13"},
    {"month": "abc"},
    {"month": "9999-12"},
    {"month": "0001-01"},
    {"kind": "bogus"},
    {"show": "bogus"},
    {"q": "\x00"},
    {"other": "abc"},
    {"other": "99999999999999999999"},
    {"person": "99999999999999999999"},
    {"list": "bogus"},
    {"category": "nope"},
    {"status": "bogus"},
    {"format": "bogus"},
    {"per_page": "abc"},
    {"year": "abc"},
    {"since": "abc"},
    {"from": "abc"},
    {"to": "abc"},
    {"as_of": "99999-01-01"},
    {"person": "\u00b2"},
    {"person": "9" * 5000},
    {"page": "\u00b2"},
    {"page": "9" * 5000},
    {"other": "\u00b2"},
]
BAD_POST = [
    {"guest_name": "Jo\x00", "guest_email": "jo\x00@example.org", "q": "\x00", "reason": "\x00"},
    {"guest_name": "Jo\x00"},
    {"guest_name": "Jo", "guest_email": "jo\x00@example.org"},
    {"person": "1", "override_reason": "\x00"},
    {"override_reason": "\x00", "name": "R\x00", "description": "\x00", "reply": "\x00", "email": "a\x00@b.org"},
    {"first_name": "A\x00", "last_name": "\x00", "title": "\x00", "location": "\x00", "catval-0": "\x00"},
    {},
    {"person": "abc"},
    {"person": "99999999999999999999"},
    {"action": "bogus"},
    {"action": "send", "who": "people", "person": "abc"},
    {"action": "send", "who": "people", "person": "99999999999999999999"},
    {"person": "\u00b2"},
    {"person": "9" * 5000},
    {"action": "send", "who": "people", "person": "\u00b2"},
    {"action": "send", "who": "people", "person": "9" * 5000},
    {"category-count": "\u00b2"},
    {"category-count": "9" * 5000},
    {"action": "remove", "remove": "\u00b2"},
    {"action": "remove", "remove": "9" * 5000},
    {"action": "set_status", "status": "lapsed", "person": "\u00b2"},
    {"page": "\u00b2"},
    {"direction": "\u00b2"},
    {"action": "remove-\u00b2"},
    {"action": "remove-" + "9" * 5000},
    {"action": "send", "who": "categories", "category": "nope"},
    {"direction": "bogus"},
    {"reply": "bogus"},
    {"category-count": "abc"},
    {"category-count": "99999999"},
    {"person": "1", "confirm": "yes", "action": "bogus"},
    {"starts_at": "bogus", "kind": "bogus"},
    {"as_of": "bogus"},
    {"role": "bogus"},
    {"rule": "abc"},
    {"form-TOTAL_FORMS": "abc"},
    {"add_membership": "1", "form-TOTAL_FORMS": "x"},
    {"reason": "x" * 10000},
]


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_no_500(name, branch, organiser, other_branch, outsider, steward, member, client):
    entry = ENTRIES[name]
    world = World(branch=branch, organiser=organiser, other_branch=other_branch)
    client.force_login(organiser)
    client.raise_request_exception = False
    url = reverse(name, kwargs=entry.kwargs(world))
    bad = []
    for q in BAD_GET:
        r = client.get(url, q)
        if r.status_code >= 500:
            bad.append(("GET", q, r.status_code))
    for d in BAD_POST:
        r = client.post(url, d)
        if r.status_code >= 500:
            bad.append(("POST", d, r.status_code))
    assert not bad, bad


# URLs that carry no object of a branch under a branch's slug, so there is no
# other branch's object to put in them: pages of a whole branch (no id), pages
# about the signed-in user, and signed links (the token is the key, no slug).
# Written out so that a new URL with an id cannot slip out of the 404 check.
WITHOUT_A_BRANCH_OBJECT = {
    # the branch's own pages
    "audit_log",
    "branch_dashboard",
    "category_list",
    "decisions_register",
    "door_index",
    "import_upload",
    "meeting_calendar",
    "meeting_create",
    "meeting_kind_defaults",
    "meeting_list",
    "meeting_pending",
    "my_data",
    "my_data_json",
    "my_details",
    "my_meetings",
    "people_bulk",  # its ids are in the body: see test_another_branchs_ids_in_a_form_change_nothing
    "people_export",
    "people_list",
    "person_create",
    "privacy_notice",  # public: the branch's privacy notice
    "privacy_notice_edit",
    "public_feed",
    "reports",
    "reports_absent_csv",
    "retention",
    "role_list",
    "rule_list",
    "rule_new",
    "standing_orders",
    "position_list",
    "position_new",
    "attribute_list",  # the branch's self-declared questions
    "attribute_new",
    "election_list",
    "election_new",
    "my_elections",
    "count_page",  # counts an uploaded file: nothing of the branch's by id
    "delegate_entitlement",  # its category and position ids are a form's choices, scoped to the branch
    # the signed-in user's own pages, and pages outside any branch
    "my_attributes",
    "api_token_revoke",
    "api_tokens",
    "sign_out_everywhere",
    "calendar_feed_settings",
    "healthz",
    "door_service_worker",  # /door-sw.js: the same script for every branch
    "home",
    # signed links
    "confirm_email",  # the register-interest form's double opt-in
    "private_feed",
    "role_invitation_accept",
    "rsvp",
    "rsvp_test",  # where a test email's links lead: no object at all
    "unsubscribe",
}
WITH_A_BRANCH_OBJECT = sorted(set(ENTRIES) - WITHOUT_A_BRANCH_OBJECT)


@pytest.fixture
def far(db):
    """The other branch, built for real (tests/cross_branch.py), as the matrix's World."""
    made = make_far_branch()
    return World(branch=made.branch, organiser=made.organiser, other_branch=None)


def _routes(patterns, prefix=""):
    """(URL name, the whole route with its <parameters>) of every named pattern."""
    from django.urls import URLResolver

    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _routes(p.url_patterns, prefix + str(p.pattern))
        elif p.name:
            yield p.name, prefix + str(p.pattern)


def test_the_urls_without_a_branch_object_are_the_listed_ones():
    import re

    from django.urls import get_resolver

    routes = dict(_routes(get_resolver().url_patterns))
    for name in sorted(ENTRIES):
        params = set(re.findall(r"<(?:\w+:)?(\w+)>", routes[name]))
        has_object = "slug" in params and params != {"slug"}
        assert has_object == (name not in WITHOUT_A_BRANCH_OBJECT), (name, routes[name])
    assert set(ENTRIES) >= WITHOUT_A_BRANCH_OBJECT, sorted(WITHOUT_A_BRANCH_OBJECT - set(ENTRIES))


@pytest.mark.parametrize("name", WITH_A_BRANCH_OBJECT)
def test_other_branch_object_under_own_slug_is_404(name, branch, organiser, far, client):
    entry = ENTRIES[name]
    kwargs = entry.kwargs(far)
    body = entry.data(far) if entry.data else {}
    kwargs["slug"] = branch.slug
    client.force_login(organiser)
    url = reverse(name, kwargs=kwargs)
    before = snapshot()
    r = getattr(client, entry.method)(url, body)
    assert r.status_code == 404, (url, r.status_code)
    assert snapshot() == before, f"{name} wrote to the database while answering 404"


@pytest.mark.parametrize("name", ["door_check_in", "people_bulk"])
def test_another_branchs_ids_in_a_form_change_nothing(name, branch, organiser, far, client):
    """Our own URL, with the other branch's people in the POST body."""
    entry = ENTRIES[name]
    world = World(branch=branch, organiser=organiser, other_branch=far.branch)
    url = reverse(name, kwargs=entry.kwargs(world))
    body = {**entry.data(far), "confirm": "yes"}  # the bulk change's "yes, do it", not its preview
    client.force_login(organiser)
    before = snapshot()
    r = client.post(url, body)
    assert r.status_code in (200, 302, 400, 404), r.status_code
    assert snapshot() == before, f"{name} changed something for another branch's people"


def test_comparing_with_another_branchs_rule_shows_nothing_of_it(branch, organiser, far, client):
    from groups.models import Rule

    ours = Rule.objects.filter(branch=branch).order_by("pk").first()
    theirs = Rule.objects.get(branch=far.branch, name="Far rule")
    client.force_login(organiser)
    r = client.get(reverse("rule_compare", kwargs={"slug": branch.slug, "rule_id": ours.pk}), {"other": theirs.pk})
    assert r.status_code in (200, 404)
    assert "Far rule" not in r.content.decode()


@pytest.mark.parametrize("name", sorted(ENTRIES))
def test_get_changes_nothing(name, branch, organiser, other_branch, outsider, steward, member, client):
    from groups.models import AuditEvent

    entry = ENTRIES[name]
    world = World(branch=branch, organiser=organiser, other_branch=other_branch)
    url = reverse(name, kwargs=entry.kwargs(world))
    client.force_login(organiser)
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    r = client.get(url, entry.data(world) if entry.data else {})
    new = list(AuditEvent.objects.exclude(pk__in=before).values_list("action", flat=True))
    # Reading data out is audited (exports, subject access, a full record read: issue 15 item 5);
    # nothing else may write on a GET.
    assert all("export" in a or a in ("person.subject_access", "person.view") for a in new), (url, r.status_code, new)
    if entry.method == "post":
        assert r.status_code in (405, 404, 302, 200), r.status_code
