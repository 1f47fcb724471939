"""What a check-in reads inside its transaction, and its INSERT (see the
package docstring for why by hand; groups/services/attendance.py for the rest)."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import NamedTuple

from django.db.models import Q

from ..models import Attendance, Category, Meeting, Membership, Rule, RuleVersion
from .core import Table, column_list, converter, fetch, insert


class MeetingState(NamedTuple):
    """The meeting as it stands inside the check-in's transaction."""

    status: str
    attendance_rule_id: int | None
    attendance_version: int | None
    voting_rule_id: int | None
    voting_version: int | None
    # The attendance rule's current RuleVersion, which a check-in records.
    attendance_version_id: int | None
    # Set once the meeting is closed: its record is history, nobody checks in.
    closed_at: datetime | None


@cache
def _statement() -> str:
    m, ar, vr, rv = Table(Meeting, "m"), Table(Rule, "ar"), Table(Rule, "vr"), Table(RuleVersion, "rv")
    ms, c = Table(Membership, "ms"), Table(Category, "c")
    return (
        "SELECT cur.status, cur.attendance_rule_id, cur.attendance_version, cur.voting_rule_id,"
        f" cur.voting_version, cur.version_id, cur.closed_at,"
        f" {c.order}, {ms.started_on}, {ms.id}, {c.slug}, {c.name}, {ms.status},"
        f" {ms.continuous_since}, {ms.ended_on}, {ms.dues_paid_until}"
        f" FROM (SELECT {m.status} AS status, {m.attendance_rule} AS attendance_rule_id,"
        f" {ar.version} AS attendance_version, {m.voting_rule} AS voting_rule_id,"
        f" {vr.version} AS voting_version, {rv.id} AS version_id, {m.closed_at} AS closed_at"
        f" FROM {m}"
        f" LEFT OUTER JOIN {ar} ON {ar.id} = {m.attendance_rule}"
        f" LEFT OUTER JOIN {vr} ON {vr.id} = {m.voting_rule}"
        f" LEFT OUTER JOIN {rv} ON {rv.rule} = {ar.id} AND {rv.version} = {ar.version}"
        f" WHERE {m.id} = %s) cur"
        f" LEFT OUTER JOIN {ms} ON {ms.person} = %s"
        f" LEFT OUTER JOIN {c} ON {c.id} = {ms.category}"
    )


def check_in_reads(meeting_id: int, person_id: int | None) -> tuple[MeetingState | None, list[tuple]]:
    """In one statement: the meeting's state, and the person's memberships as
    membership rows (see groups.eligibility.loading.facts_from_rows), dates
    typed as the ORM gives them. (None, []) when the meeting is gone."""
    rows = fetch(_statement(), [meeting_id, person_id])
    if not rows:
        return None, []
    day = converter(Membership, "started_on")
    memberships = [
        (order, day(started), pk, slug, name, status, day(since), day(ended), day(paid))
        for *_, order, started, pk, slug, name, status, since, ended, paid in rows
        if pk is not None
    ]
    state = rows[0][:7]
    return MeetingState(*state[:6], converter(Meeting, "closed_at")(state[6])), memberships


@cache
def _conflict_target() -> str:
    """The partial unique index on (meeting, person) that makes a second
    check-in of the same person clash, named from the model."""
    (one,) = (c for c in Attendance._meta.constraints if c.name == "one_attendance_per_person")
    if one.condition != Q(person__isnull=False):  # the WHERE below must be the index's own
        raise ValueError(f"one_attendance_per_person changed ({one.condition}): change this conflict target too")
    person = Attendance._meta.get_field("person").column
    return f'({column_list(Attendance, *one.fields)}) WHERE "{person}" IS NOT NULL'


def insert_attendance(attendance: Attendance) -> bool:
    """INSERT a new check-in unless this person already has a row for this
    meeting (then False, and the instance stays unsaved): one statement, no
    savepoint. On PostgreSQL it waits for a concurrent insert of the same
    person to commit."""
    return insert(attendance, on_conflict=_conflict_target())
