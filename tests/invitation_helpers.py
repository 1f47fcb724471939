"""Shared helpers for the invitation and My meetings tests."""

from __future__ import annotations

import re
from datetime import date

from groups.models import Category, Membership, Person, Rule

from .meetings_helpers import make_meeting


def person(branch, first, *, category="party-member", status="active", email=None, consent=True, **kw):
    p = Person.objects.create(
        branch=branch,
        first_name=first,
        last_name="Test",
        email=f"{first.lower()}@example.org" if email is None else email,
        consent_email=consent,
        **kw,
    )
    if category:
        Membership.objects.create(
            person=p,
            branch=branch,
            category=Category.objects.get(branch=branch, slug=category),
            status=status,
            started_on=date(2020, 1, 1),
        )
    return p


def members_meeting(branch, actor, **kw):
    """A published organisational meeting for party members only."""
    values = {"status": "published", "attendance_rule": Rule.objects.get(branch=branch, name="Party members only")}
    values.update(kw)
    return make_meeting(branch, actor, **values)


def links_in(message) -> dict[str, str]:
    """The answer, unsubscribe and door links of an invitation email."""
    body = message.body
    return {
        "rsvp": re.search(r"https?://\S+/r/\S+/", body).group(0),
        "unsubscribe": re.search(r"https?://\S+/unsubscribe/\S+/", body).group(0),
        "door": re.search(r"https?://\S+/qr\.svg", body).group(0),
    }


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)
