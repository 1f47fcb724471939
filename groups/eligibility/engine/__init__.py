"""The eligibility engine: facts, validation, evaluation for one person,
plain-English reasons and summaries, postcode rules.

Pure code: no Django, no database, no clock (tests/test_layout.py fails if
anything here imports Django). The caller gathers a person's facts
(``PersonFacts``) and the as-of date; ``evaluate`` returns a ``Decision`` with
one readable sentence per condition that decided it. CONTRACT.md §2 is the
spec for the rule language.

Exact semantics, which a database compiler of the same rules must reproduce
(the helpers named here are public so it can reuse them):

* ``membership`` holds when ONE membership meets every part of the block:
  category slug in ``categories`` (any when omitted); status in ``statuses``
  (default ``["active"]``); ``started_on <= as_of`` (a missing start date never
  counts) and ``ended_on`` missing or ``>= as_of``; with
  ``since = continuous_since or started_on`` (``membership_since``):
  ``min_days`` → ``since <= as_of - min_days``; ``joined_by`` →
  ``since <= joined_by``; ``joined_from`` → ``since >= joined_from``;
  ``dues_paid`` → ``dues_paid_until >= as_of - dues_grace_days`` (a missing
  paid-until date never counts).
* ``age`` holds when a date of birth is recorded, is not after as-of, and the
  whole-year age on as-of (``age_on``) is within the inclusive bounds.
  Equivalently ``lo <= date_of_birth <= hi`` with ``(lo, hi) = dob_range(...)``.
* ``area`` holds when the stripped, case-folded ward equals one of ``wards``
  (same treatment), or the person's postcode, normalised by
  ``normalise_postcode``, matches one of ``postcodes`` (stored normalised by
  ``validate``) under ``postcode_matches``:
  a prefix with no space is an outward code P and matches
  ``postcode == P or postcode.startswith(P + " ")``; a prefix with a space (a
  sector such as "N15 4", or a full postcode) matches
  ``postcode.startswith(P)``. So "N15" matches "N15 4AB" but not "N1 5AB".
* ``attended`` holds when the person attended at least ``min`` of
  ``last_meetings(branch_meetings, as_of, of_last)``: the branch's meetings
  that started (local date) before as-of and were not cancelled, the last
  ``of_last`` of them by ``(starts_on, id)``.
* ``attribute`` holds when the person has declared a value for the question
  ``key`` and it is one of ``any`` (a withdrawn value is no value).
* ``office`` holds when one of the person's terms in a position whose slug is
  in ``positions`` covers as-of (``holds_office``: ``started_on <= as_of`` and
  ``ended_on`` empty or ``>= as_of``).
* ``{"all": []}`` and ``{"everyone": true}`` hold for everyone; ``not``
  inverts its rule.
"""

from __future__ import annotations

from .evaluation import evaluate
from .facts import (
    CONDITIONS,
    DECLARED_CONDITIONS,
    MAX_AGE,
    MAX_DEPTH,
    STATUSES,
    Decision,
    MeetingFacts,
    MembershipFacts,
    OfficeFacts,
    PersonFacts,
    RuleError,
    age_on,
    dob_range,
    holds_office,
    last_meetings,
    membership_since,
)
from .postcodes import normalise_postcode, normalise_postcode_prefix, postcode_matches, ward_key
from .reasons import duration_text, format_date, summarise
from .validation import category_slugs, uses_attended, uses_declared, validate

__all__ = [
    "CONDITIONS",
    "DECLARED_CONDITIONS",
    "OfficeFacts",
    "holds_office",
    "uses_declared",
    "category_slugs",
    "MAX_AGE",
    "MAX_DEPTH",
    "STATUSES",
    "Decision",
    "MeetingFacts",
    "MembershipFacts",
    "PersonFacts",
    "RuleError",
    "age_on",
    "dob_range",
    "duration_text",
    "evaluate",
    "format_date",
    "last_meetings",
    "membership_since",
    "normalise_postcode",
    "normalise_postcode_prefix",
    "postcode_matches",
    "summarise",
    "uses_attended",
    "validate",
    "ward_key",
]
