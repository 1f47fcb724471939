"""Positions and self-declared answers in a person's data (CONTRACT §8):
subject access lists them; erasure leaves the terms as history without words
about them, ends a current term, and deletes the answers and the alerts."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from groups.models import Membership, PositionAlert, PositionHolder, Rule, SelfDeclaredAttribute
from groups.queries.subject_access import subject_access
from groups.services import attributes as attribute_services
from groups.services import positions as services
from groups.services.erasure import erase_person

from ..factories import person_with_membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def held(branch, organiser):
    rule = Rule.objects.get(branch=branch, name="Party members only")
    chair = services.create_position(branch=branch, slug="chair", name="Chair", holder_rule=rule, actor=organiser)
    ana = person_with_membership(branch, "party-member", first_name="Ana", membership={"started_on": date(2015, 3, 1)})
    services.appoint(position=chair, person=ana, started_on=date(2025, 5, 1), actor=organiser)
    gender = attribute_services.define_attribute(
        branch=branch, key="gender", name="Gender", purpose="Balance", options="Woman\nMan", actor=organiser
    )
    attribute_services.record_with_consent(person=ana, definition=gender, value="woman", consent=True, actor=organiser)
    Membership.objects.filter(person=ana).update(status="lapsed")
    services.recheck_holders(branch=branch, at=datetime(2025, 9, 1, 6, tzinfo=ZoneInfo("Europe/London")))
    ana.refresh_from_db()
    return ana


def test_subject_access_lists_positions_and_answers(held):
    data = subject_access(held)
    [term] = data["positions"]
    assert term["position"] == "Chair" and term["started_on"] == "2025-05-01" and term["ended_on"] is None
    assert term["decision_when_appointed"]["eligible"] is True
    assert [a["answer"] for a in data["self_declared"]] == ["Woman"]


def test_erasure(held, organiser):
    counts = erase_person(person=held, actor=organiser, reason="They asked us to")
    assert counts["positions"] == 1 and counts["position_alerts"] == 1 and counts["attributes"] == 1
    term = PositionHolder.objects.get(person_id=held.pk)
    assert term.ended_on is not None and term.decision == {} and term.end_reason == "erased"
    assert not PositionAlert.objects.exists() and not SelfDeclaredAttribute.objects.exists()
