"""Reads shared by views and the API, by noun. Each list returns a queryset
with what its pages need joined in, so list pages run a fixed number of
queries.

- ``audit``: the audit trail, filtered.
- ``meetings``: upcoming and past meetings, replies, a meeting's rules and quorum in words.
- ``attendance``: who is here, apologies, quorum, a person's check-ins.
- ``door``: the door's meeting, person, search and cards (hand-written SQL in groups/sql/door.py).
- ``rules``: a rule in plain English, who it admits by category, what changing it changes.
- ``me``: a member's own view (their linked person, My meetings).

Eligibility itself (facts, decide, the compiled filter) is groups.eligibility.
"""
