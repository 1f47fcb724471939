"""Eligibility: "may this person come (or vote), on this date, and why?"

- ``engine``: the pure rule engine (facts, validation, evaluation, reasons,
  postcode rules). No Django.
- ``compile``: a rule as a database filter (``Q``) on Person, for lists and counts.
- ``loading``: the one fact loader (memberships, attendance history, the
  branch's meetings, category names) for one person or many.
- ``decisions``: ``decide`` for one person, decisions for a page of people,
  and the compiled lists (eligible people, counts) that callers use.

tests/test_eligibility_agreement.py proves every one of these paths gives the
engine's answer.
"""
