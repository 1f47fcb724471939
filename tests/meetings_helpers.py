"""Shared helpers for the meeting tests."""

from datetime import datetime
from zoneinfo import ZoneInfo

from groups.services import meetings as services

LONDON = ZoneInfo("Europe/London")


def at(y, m, d, hh=19, mm=30):
    return datetime(y, m, d, hh, mm, tzinfo=LONDON)


def make_meeting(branch, actor, **kw):
    values = {"title": "Branch meeting", "kind": "organisational", "starts_at": at(2030, 5, 14)}
    values.update(kw)
    return services.create_meeting(branch=branch, actor=actor, **values)
