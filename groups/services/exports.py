"""Every export of member data leaves an audit row, and this module writes
them all: the people CSV (the list or one person), a meeting's attendance
CSV, its sign-in sheet, its call list and the reports' "not come lately" CSV. An audit row
says who exported what and how many rows — never the values, nor the search
text. The views call one of these before they send the file."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import nullcontext

from django.db import transaction

from ..models import AuditAction, Branch, Meeting, Person
from . import audit


@transaction.atomic(durable=True)
def record_people_export(
    *, branch: Branch, actor, rows: int, people: int, person: Person | None = None, filters: Iterable[str] = ()
) -> None:
    """The people list as CSV (with the names of the filters used), or one person's rows."""
    what = f"person {person.pk}" if person is not None else f"{people:,} {'person' if people == 1 else 'people'}"
    audit.record(
        actor=actor,
        branch=branch,
        action=AuditAction.PERSON_EXPORT,
        object_type="person" if person is not None else "",
        object_id=person.pk if person is not None else "",
        person_id=person.pk if person is not None else None,
        summary=f"Exported {rows:,} row{'s' if rows != 1 else ''} ({what}) as CSV",
        changes={"rows": rows, "people": people, "filters": sorted(filters)},
    )


@transaction.atomic(durable=True)
def record_attendance_export(*, meeting: Meeting, actor, rows: int) -> None:
    audit.record(
        actor=actor,
        branch=meeting.branch,
        action=AuditAction.ATTENDANCE_EXPORT,
        obj=meeting,
        summary=f"Exported the attendance of {meeting.title}",
        changes={"rows": rows},
    )


@transaction.atomic(durable=True)
def record_sign_in_sheet(*, meeting: Meeting, actor, lines: int, which: str) -> None:
    """The printable sheet: names (and postcodes) of those expected, or of those who came."""
    audit.record(
        actor=actor,
        branch=meeting.branch,
        action=AuditAction.ATTENDANCE_EXPORT_SIGN_IN_SHEET,
        obj=meeting,
        summary=f"Printed the sign-in sheet of {meeting.title} ({'who came' if which == 'attended' else 'expected'})",
        changes={"lines": lines, "list": which},
    )


@transaction.atomic(durable=True)
def record_absent_export(*, branch: Branch, actor, rows: int, meetings: int) -> None:
    audit.record(
        actor=actor,
        branch=branch,
        action=AuditAction.REPORTS_EXPORT_ABSENT,
        summary=f"Exported the people who have not come to any of the last {meetings} meetings",
        changes={"rows": rows, "meetings": meetings},
    )


@transaction.atomic(durable=True)
def record_call_list_export(*, meeting: Meeting, actor, rows: int) -> None:
    """A meeting's call list: who to phone because email cannot reach them or they have not answered."""
    audit.record(
        actor=actor,
        branch=meeting.branch,
        action=AuditAction.INVITATIONS_EXPORT_CALL_LIST,
        obj=meeting,
        summary=f"Exported the call list of {meeting.title} ({rows:,} {'person' if rows == 1 else 'people'})",
        changes={"rows": rows},
    )


@transaction.atomic(durable=True)
def record_subject_access(*, person: Person, actor, counts: dict[str, int], own: bool) -> None:
    """A person's data downloaded (subject access): by an organiser, or by themselves."""
    audit.record(
        actor=actor,
        branch=person.branch,
        action=AuditAction.PERSON_SUBJECT_ACCESS,
        object_type="person",
        object_id=person.pk,
        person_id=person.pk,
        summary=f"{'They downloaded their own data' if own else f'Downloaded the data held about person {person.pk}'}",
        changes={"own": own, **counts},
    )


@transaction.atomic(durable=True)
def record_person_view(*, person: Person, actor, via: str) -> None:
    """An organiser read a person's full record (notes, date of birth, phone,
    email): on the person's page (via="page") or through the API (via="api").
    The member sees these on My details ("who looked at my record")."""
    audit.record(
        actor=actor,
        branch=person.branch,
        action=AuditAction.PERSON_VIEW,
        object_type="person",
        object_id=person.pk,
        person_id=person.pk,
        summary=f"Read the full record of person {person.pk} ({'the API' if via == 'api' else 'their page'})",
        changes={"via": via},
    )


class PeopleRead:
    """The audit row of one API page of full records, for a statement that
    reads the page and writes the row at once (PostgreSQL's name walk,
    groups/sql/people_walk.py): the row's values but the number of people,
    which the statement counts; `written` once it has. Its summary and
    changes are people_read_summary's and record_people_read's
    (tests/people/test_people_walk.py holds the two rows equal)."""

    def __init__(self, *, branch: Branch, actor, page: int, filters: Iterable[str]) -> None:
        self.branch, self.actor, self.page, self.filters = branch, actor, page, sorted(filters)
        self.actor_id = actor.pk if getattr(actor, "is_authenticated", False) else None
        self.action = AuditAction.PEOPLE_READ
        self.written = False

    def record(self, people: int) -> None:
        """Written the usual way, when no statement wrote it."""
        if not self.written:
            record_people_read(
                branch=self.branch, actor=self.actor, people=people, page=self.page, filters=self.filters
            )


def audited_read():
    """Around a statement that writes a PeopleRead's row: as record_people_read,
    its own durable transaction — none needed in autocommit, a caller's
    refused (RuntimeError), a test's joined."""
    if transaction.get_autocommit():
        return nullcontext()
    return transaction.atomic(durable=True, savepoint=False)


def people_read_summary(people: int, page: int) -> str:
    return f"Read {people:,} {'person' if people == 1 else 'people'}'s full records through the API (page {page})"


def record_people_read(*, branch: Branch, actor, people: int, page: int, filters: Iterable[str] = ()) -> None:
    """A page of full records read through the API's people list: how many,
    which page, the names of the filters used — never the values.

    One INSERT in autocommit: a statement is its own durable transaction, so
    no BEGIN and COMMIT around it (two statements of the nine each API page
    made, bench/people_list.py). Inside a transaction (a test's, or a caller's
    by mistake, which would make the row wait for its commit) Django's own
    durable check decides, as for every other service: a caller's is refused
    (RuntimeError), the test's joined without a savepoint."""
    with audited_read():
        _record_people_read(branch=branch, actor=actor, people=people, page=page, filters=filters)


def _record_people_read(*, branch: Branch, actor, people: int, page: int, filters: Iterable[str]) -> None:
    audit.record(
        actor=actor,
        branch=branch,
        action=AuditAction.PEOPLE_READ,
        summary=people_read_summary(people, page),
        changes={"people": people, "page": page, "filters": sorted(filters)},
    )
