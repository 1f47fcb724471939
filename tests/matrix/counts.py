"""Counting uploaded ballots and the delegates due (issue 13 items 6, 7): organisers only."""

from . import Entry

ENTRIES = {
    "count_page": Entry(need="count_ballots"),
    "delegate_entitlement": Entry(need="view_delegates"),
}
