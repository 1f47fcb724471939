"""What the preview shows besides the counts: the first rows as Rollcall
will store them (names split, dates read as dates, postcode normalised, the
category they land in), so a wrong date order or a wrong column is seen
before anything is written; and warnings about the file as a whole."""

from __future__ import annotations

from datetime import date

from .mapping import NEW_CATEGORY, Plan, header_key
from .report import ImportReport

PREVIEW_ROWS = 5
_CONSENT_WORDS = ("consent", "optin", "optedin", "permission", "gdpr", "contactable", "canemail", "emailok")
NO_CONSENT = (
    "The file has no consent column: everyone it adds will be “No consent”, so nobody can be emailed "
    "until they say yes (on their page, or when they next sign in at the door)."
)
CONSENT_IGNORED = (
    "“{column}” is not imported: a list is no record of anyone agreeing. Everyone the file adds will be "
    "“No consent”, so nobody can be emailed until they say yes (on their page, or at the door)."
)


def shown_date(value: date | None) -> str:
    """14 Apr 1990: the month as a word, so 04/05 read the wrong way round shows."""
    return f"{value.day} {value:%b %Y}" if value else ""


def add_rows(plan: Plan, batch: list[tuple[int, dict]], report: ImportReport) -> None:
    """Keep the first PREVIEW_ROWS good rows of the file, as they will be stored."""
    for line, values in batch:
        if len(report.preview) >= PREVIEW_ROWS:
            return
        slug = values.get("category", "")
        category = plan.categories.get(slug)
        if category is not None:
            category_name = category.name
        elif slug == NEW_CATEGORY:
            category_name = "(a new category)"
        else:
            category_name = ""
        report.preview.append(
            {
                "line": line,
                "first_name": values.get("first_name", ""),
                "last_name": values.get("last_name", ""),
                "email": values.get("email", ""),
                "phone": values.get("phone", ""),
                "postcode": values.get("postcode", ""),
                "date_of_birth": shown_date(values.get("date_of_birth")),
                "category": category_name,
                "status": values.get("status", "active" if slug else ""),
                "joined": shown_date(values.get("joined") or values.get("continuous_since")),
                "dues_paid_until": shown_date(values.get("dues_paid_until")),
            }
        )


def add_warnings(plan: Plan, report: ImportReport) -> None:
    """Warnings never block the import; they say what the organiser may not expect."""
    if not report.created:
        return
    consent = [c for c in plan.columns if any(w in header_key(c) for w in _CONSENT_WORDS)]
    if consent:
        report.warnings.append(CONSENT_IGNORED.format(column=consent[0]))
    else:
        report.warnings.append(NO_CONSENT)
