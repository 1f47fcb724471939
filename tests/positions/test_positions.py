"""Positions (issue 13, item 1): appointing checks the holder rule and refuses
with its reasons; seats; ending a term keeps the history; the daily re-check
alerts organisers (pinned clock) and its task is planned once a day; the pages
and their query counts; another branch's ids answer 404."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django_tasks import default_task_backend

from groups.errors import Conflict, NotAllowed
from groups.models import AuditEvent, Membership, Person, Position, PositionAlert, PositionHolder, RecheckPlan, Rule
from groups.services import positions as services

from ..factories import person_with_membership

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def party_rule(branch):
    return Rule.objects.get(branch=branch, name="Party members only")


@pytest.fixture
def chair(branch, organiser, party_rule):
    return services.create_position(
        branch=branch, slug="chair", name="Chair", holder_rule=party_rule, seats=1, term_months=12, actor=organiser
    )


@pytest.fixture
def ana(branch):
    return person_with_membership(
        branch, "party-member", first_name="Ana", last_name="Silva", membership={"started_on": date(2015, 3, 1)}
    )


@pytest.fixture
def bo(branch):
    return person_with_membership(
        branch, "supporter", first_name="Bo", last_name="Ng", membership={"started_on": date(2020, 1, 1)}
    )


def test_appoint_someone_the_rule_admits(chair, ana, organiser):
    holder = services.appoint(position=chair, person=ana, started_on=date(2025, 5, 1), actor=organiser)
    assert holder.ended_on is None and holder.decision["eligible"] is True
    assert AuditEvent.objects.filter(action="position.appoint", person_id=ana.pk).exists()


def test_appoint_refused_with_the_rules_reason(chair, bo, organiser):
    with pytest.raises(NotAllowed) as refused:
        services.appoint(position=chair, person=bo, started_on=date(2025, 5, 1), actor=organiser)
    assert refused.value.code == "not_eligible"
    assert "Bo Ng may not hold Chair: No active Party member membership (holds: Supporter)" in refused.value.message
    assert refused.value.details["decision"]["eligible"] is False
    assert not PositionHolder.objects.exists()


def test_seats_and_already_holding(chair, ana, branch, organiser):
    services.appoint(position=chair, person=ana, started_on=date(2025, 5, 1), actor=organiser)
    with pytest.raises(Conflict, match="already holds Chair"):
        services.appoint(position=chair, person=ana, started_on=date(2025, 5, 2), actor=organiser)
    other = person_with_membership(branch, "party-member", first_name="Cy", membership={"started_on": date(2010, 1, 1)})
    with pytest.raises(Conflict, match="its seat is filled"):
        services.appoint(position=chair, person=other, started_on=date(2025, 5, 2), actor=organiser)


def test_ending_a_term_keeps_the_history(chair, ana, branch, organiser):
    first = services.appoint(position=chair, person=ana, started_on=date(2024, 5, 1), actor=organiser)
    services.end_term(holder=first, ended_on=date(2025, 4, 30), reason="Stood down at the AGM", actor=organiser)
    cy = person_with_membership(branch, "party-member", first_name="Cy", membership={"started_on": date(2010, 1, 1)})
    services.appoint(position=chair, person=cy, started_on=date(2025, 5, 1), actor=organiser)
    terms = list(PositionHolder.objects.filter(position=chair).order_by("started_on"))
    assert [(t.person_id, t.ended_on) for t in terms] == [(ana.pk, date(2025, 4, 30)), (cy.pk, None)]
    with pytest.raises(Conflict, match="already ended"):
        services.end_term(holder=first, ended_on=date(2025, 5, 1), actor=organiser)


def test_daily_recheck_alerts_when_a_holder_no_longer_qualifies(chair, ana, branch, organiser):
    services.appoint(position=chair, person=ana, started_on=date(2025, 5, 1), actor=organiser)
    morning = datetime(2025, 9, 1, 6, 0, tzinfo=LONDON)
    assert services.recheck_holders(branch=branch, at=morning) == {"checked": 1, "raised": 0, "resolved": 0}
    # Her membership lapses.
    Membership.objects.filter(person=ana).update(status="lapsed")
    assert services.recheck_holders(branch=branch, at=morning + timedelta(days=1))["raised"] == 1
    [alert] = PositionAlert.objects.filter(resolved_at__isnull=True)
    assert alert.found_on == date(2025, 9, 2)
    assert alert.reasons == ["Party member membership is lapsed, not active"]
    # The next morning: still one alert, not two.
    assert services.recheck_holders(branch=branch, at=morning + timedelta(days=2))["raised"] == 0
    assert PositionAlert.objects.count() == 1
    # Organisers see it on the dashboard and the positions page, with the reason.
    assert AuditEvent.objects.filter(action="position.alert", person_id=ana.pk).count() == 1
    # Renewed: resolved by the next re-check.
    Membership.objects.filter(person=ana).update(status="active")
    assert services.recheck_holders(branch=branch, at=morning + timedelta(days=3))["resolved"] == 1
    assert not PositionAlert.objects.filter(resolved_at__isnull=True).exists()


def test_alert_shown_to_organisers_not_stewards(chair, ana, branch, organiser, steward, client_for):
    services.appoint(position=chair, person=ana, started_on=date(2025, 5, 1), actor=organiser)
    Membership.objects.filter(person=ana).update(status="lapsed")
    services.recheck_holders(branch=branch, at=datetime(2025, 9, 1, 6, 0, tzinfo=LONDON))
    client = client_for(organiser)
    for url in (reverse("branch_dashboard", args=[branch.slug]), reverse("position_list", args=[branch.slug])):
        page = client.get(url).content.decode()
        assert "no longer qualif" in page and "Party member membership is lapsed, not active" in page
    page = client_for(steward).get(reverse("position_list", args=[branch.slug])).content.decode()
    assert "Ana Silva" in page and "lapsed" not in page


def test_ending_the_term_resolves_the_alert(chair, ana, branch, organiser):
    holder = services.appoint(position=chair, person=ana, started_on=date(2025, 5, 1), actor=organiser)
    Membership.objects.filter(person=ana).update(status="lapsed")
    services.recheck_holders(branch=branch, at=datetime(2025, 9, 1, 6, 0, tzinfo=LONDON))
    services.end_term(holder=holder, ended_on=date(2025, 9, 1), actor=organiser)
    assert PositionAlert.objects.get().resolution == "term ended"


def test_the_recheck_task_is_planned_once_a_day(
    chair, ana, branch, organiser, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.appoint(position=chair, person=ana, started_on=date(2025, 5, 1), actor=organiser)
    [queued] = [r for r in default_task_backend.results if r.task.name == "recheck"]
    plan = RecheckPlan.objects.get(branch=branch)
    assert queued.task.run_after == plan.planned_for
    assert plan.planned_for.astimezone(branch.zone).time().hour == 6
    # A second appointment the same day queues nothing more.
    cy = person_with_membership(branch, "party-member", first_name="Cy", membership={"started_on": date(2010, 1, 1)})
    other = services.create_position(branch=branch, slug="secretary", name="Secretary", actor=organiser)
    with django_capture_on_commit_callbacks(execute=True):
        services.appoint(position=other, person=cy, started_on=date(2025, 5, 1), actor=organiser)
    assert len([r for r in default_task_backend.results if r.task.name == "recheck"]) == 1
    # Run when due: re-checks and plans the next morning; a stale run does nothing.
    due = plan.planned_for
    assert services.run_planned_recheck(branch_id=branch.pk, planned_for=due - timedelta(hours=1), now=due) is None
    with django_capture_on_commit_callbacks(execute=True):
        counts = services.run_planned_recheck(branch_id=branch.pk, planned_for=due, now=due)
    assert counts["checked"] == 2
    assert RecheckPlan.objects.get(branch=branch).planned_for == due + timedelta(days=1)
    assert len([r for r in default_task_backend.results if r.task.name == "recheck"]) == 2


def test_a_lowered_seat_count_below_the_holders_is_refused(branch, ana, organiser):
    delegates = services.create_position(branch=branch, slug="delegate", name="Delegate", seats=2, actor=organiser)
    cy = person_with_membership(branch, "party-member", first_name="Cy", membership={"started_on": date(2010, 1, 1)})
    for person in (ana, cy):
        services.appoint(position=delegates, person=person, started_on=date(2025, 5, 1), actor=organiser)
    with pytest.raises(Conflict, match="2 people hold it now"):
        services.update_position(position=delegates, name="Delegate", seats=1, actor=organiser)


def test_a_rule_deciding_a_position_cannot_be_deleted(chair, party_rule, organiser):
    from groups.services.rules import delete_rule

    with pytest.raises(Conflict, match="decides who may hold Chair"):
        delete_rule(rule=party_rule, actor=organiser)


# --- pages ------------------------------------------------------------------


def test_appoint_page_refuses_with_the_reason(chair, bo, branch, organiser, client_for):
    client = client_for(organiser)
    url = reverse("position_appoint", args=[branch.slug, chair.pk])
    page = client.post(url, {"person": bo.pk, "started_on": "2025-05-01"}, follow=True).content.decode()
    assert "may not hold Chair: No active Party member membership (holds: Supporter)" in page
    found = client.get(reverse("position_detail", args=[branch.slug, chair.pk]), {"q": "Bo"}).content.decode()
    assert "Appoint" in found and "Bo Ng" in found


def test_person_page_and_my_details_show_positions(chair, ana, branch, organiser, member, client_for):
    services.appoint(position=chair, person=ana, started_on=date(2025, 5, 1), actor=organiser)
    page = client_for(organiser).get(reverse("person_detail", args=[branch.slug, ana.pk])).content.decode()
    assert "Chair" in page and "since 1 May 2025" in page
    Person.objects.filter(pk=ana.pk).update(user=member)
    page = client_for(member).get(reverse("my_details", args=[branch.slug])).content.decode()
    assert "Positions you hold and held" in page and "Chair" in page


def test_list_page_query_count_does_not_grow(branch, organiser, client_for, django_assert_max_num_queries):
    client = client_for(organiser)
    url = reverse("position_list", args=[branch.slug])

    def add(n):
        for _ in range(n):
            position = Position.objects.create(branch=branch, slug=f"delegate-{Position.objects.count()}", name="D")
            for _ in range(2):
                PositionHolder.objects.create(
                    position=position,
                    person=Person.objects.create(branch=branch, first_name="P"),
                    started_on=date(2025, 1, 1),
                    appointed_at=datetime(2025, 1, 1, tzinfo=LONDON),
                )

    add(1)
    client.get(url)
    add(10)
    with django_assert_max_num_queries(9):
        assert client.get(url).status_code == 200


def test_another_branchs_position_and_holder_answer_404(chair, ana, organiser, outsider, other_branch, client_for):
    holder = services.appoint(position=chair, person=ana, started_on=date(2025, 5, 1), actor=organiser)
    client = client_for(outsider)  # an organiser of the other branch
    assert client.get(reverse("position_detail", args=[other_branch.slug, chair.pk])).status_code == 404
    assert client.get(reverse("position_edit", args=[other_branch.slug, chair.pk])).status_code == 404
    end = reverse("holder_end", args=[other_branch.slug, holder.pk])
    assert client.post(end, {"ended_on": "2025-06-01"}).status_code == 404
    assert PositionHolder.objects.get(pk=holder.pk).ended_on is None
