"""The branch's privacy notice (issue 15 item 6): as the organisers saved it,
or the template they start from, filled with the branch's name and its
retention schedule."""

from __future__ import annotations

from ..models import Branch, PrivacyNotice
from .retention import schedule_of

LABELS = {
    "what_held": "What we hold about you",
    "why": "Why we hold it",
    "condition": "The condition for special-category data (UK GDPR Article 9)",
    "retention": "How long we keep it",
    "rights": "Your rights",
    "contact": "Who to contact",
}


def template_for(branch: Branch) -> dict[str, str]:
    """The template's text for each section, for this branch."""
    s = schedule_of(branch)
    name = branch.name
    return {
        "what_held": (
            "Your name, email address, phone number and postcode if you gave them; your membership categories, "
            "numbers and dates; the meetings you were invited to, your answers and whether you came; votes you "
            "cast by name (never secret ballots); and whether you agreed to be contacted, with when and how."
        ),
        "why": (
            f"To run {name}: to tell you about meetings, check at the door who may attend and vote under our "
            "rules, and keep a true record of our meetings. We email you about meetings (service messages) "
            "only if you agreed, and about campaigns only if you agreed to that separately."
        ),
        "condition": (
            "Membership of a political party shows political opinion, which is special-category data. We rely "
            "on Article 9(2)(d): the data of our members, former members and people in regular contact with "
            f"{name}, processed for its legitimate activities and not disclosed outside it without your consent. "
            "Our lawful basis under Article 6 is our legitimate interests, and your consent for email."
        ),
        "retention": (
            f"We erase the data of former members {s.former_member_years} years after their last membership "
            f"ended, registrations of interest nobody reviewed after {s.interest_days} days, and uploaded "
            f"membership lists after {s.upload_hours} hours. Attendance stays only as anonymous counts."
        ),
        "rights": (
            "You may see everything we hold about you (signed in: My details, Download my data; or ask us — we "
            "answer within a month), have it corrected, have it erased, object to campaigning at any time, and "
            "withdraw consent with one click from any email we send. You may complain to the Information "
            "Commissioner's Office (ico.org.uk)."
        ),
        "contact": f"The organisers of {name}. Write to us at: (the branch's email address).",
    }


def notice_of(branch: Branch) -> tuple[dict[str, str], PrivacyNotice | None]:
    """Each section's text (saved, else the template's) and the saved notice, if any."""
    saved = PrivacyNotice.objects.filter(branch=branch).first()
    if saved is None:
        return template_for(branch), None
    return {key: getattr(saved, key) for key in PrivacyNotice.SECTIONS}, saved


def sections(texts: dict[str, str]) -> list[tuple[str, str, str]]:
    """(key, heading, text) in the notice's order."""
    return [(key, LABELS[key], texts[key]) for key in PrivacyNotice.SECTIONS]
