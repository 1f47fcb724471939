"""Hand-written SQL: the statements the door's hot path and every page's
first reads run, and nowhere else (tests/test_layout.py fails on SQL written
anywhere else in groups/).

Why this exists: at the door each request runs a handful of tiny indexed
queries, and Django spends 0.2–0.5 ms of Python building each statement
(joins, expressions, ORDER BY) against 0.02–0.1 ms running it (bench/door.py,
bench/RESULTS.md "Door"). The statements that run on every keystroke and every
check-in are therefore written once, here, as plain SQL that SQLite and
PostgreSQL both accept, with table and column names taken from the models'
_meta (``core.Table``). Tests compare what each returns with what the ORM
returns, field by field (tests/test_door_sql.py).

- ``core``: names from _meta, reading rows as the ORM does, one INSERT.
- ``door``: the meeting with its rules, one person, the search (with the
  count of the rest), the quorum's check-in figures with the branch's
  people_version, the last check-ins, and the memberships (with the
  branch's category names and who is in) behind the cards.
- ``checkin``: what a check-in reads inside its transaction, and its INSERT.
- ``auth``: the session and the signed-in user, and the session's update.
- ``roles``: the user's branches with their role in each.
"""

from .core import (
    MAX_ID,
    Table,
    as_id,
    column_list,
    columns,
    convert,
    converter,
    fetch,
    insert,
    placeholders,
    read,
    width,
)

__all__ = [
    "MAX_ID",
    "Table",
    "as_id",
    "column_list",
    "columns",
    "convert",
    "converter",
    "fetch",
    "insert",
    "placeholders",
    "read",
    "width",
]
