"""Positions and self-declared attributes (issue 13): stewards may see who
holds what; organisers manage positions, appoint, end terms, define the
questions and alone see (and record) a person's answers; every role opens
its own "About me"."""

from datetime import date

from groups.models import AttributeDefinition, Person, Position, PositionHolder
from groups.services import positions as position_services

from . import Entry


def _position(w):
    position = Position.objects.create(branch=w.branch, slug="chair", name="Chair")
    return {"slug": w.branch.slug, "position_id": position.pk}


def _appointee(w):
    return {"person": Person.objects.create(branch=w.branch, first_name="Ana").pk, "started_on": "2025-01-01"}


def _holder(w):
    position = Position.objects.create(branch=w.branch, slug="secretary", name="Secretary")
    person = Person.objects.create(branch=w.branch, first_name="Bo")
    holder = position_services.appoint(position=position, person=person, started_on=date(2025, 1, 1), actor=w.organiser)
    assert PositionHolder.objects.filter(pk=holder.pk).exists()
    return {"slug": w.branch.slug, "holder_id": holder.pk}


def _attribute(w):
    definition = AttributeDefinition.objects.create(
        branch=w.branch, key="gender", name="Gender", purpose="Balance", options=[{"value": "woman", "label": "Woman"}]
    )
    return {"slug": w.branch.slug, "attribute_id": definition.pk}


def _person(w):
    return {"slug": w.branch.slug, "person_id": Person.objects.create(branch=w.branch, first_name="Cy").pk}


ENTRIES = {
    "position_list": Entry(need="view_positions"),
    "position_new": Entry(need="manage_positions"),
    "position_detail": Entry(kwargs=_position, need="view_positions"),
    "position_edit": Entry(kwargs=_position, need="manage_positions"),
    "position_appoint": Entry(kwargs=_position, need="manage_positions", method="post", data=_appointee),
    "holder_end": Entry(
        kwargs=_holder, need="manage_positions", method="post", data=lambda w: {"ended_on": "2025-06-01"}
    ),
    "attribute_list": Entry(need="manage_attributes"),
    "attribute_new": Entry(need="manage_attributes"),
    "attribute_edit": Entry(kwargs=_attribute, need="manage_attributes"),
    "person_attributes": Entry(kwargs=_person, need="view_attributes"),
    "my_attributes": Entry(need="view_own"),
}
