from django import template
from django.utils.html import format_html

from .. import normalise

register = template.Library()

_STATUS = {
    "active": ("✓", "status-ok"),
    "lapsed": ("!", "status-warn"),
    "suspended": ("!", "status-warn"),
    "resigned": ("✕", "status-no"),
}


@register.simple_tag
def membership_status(membership):
    """A status as a word with an icon, never colour alone."""
    icon, css = _STATUS.get(membership.status, ("", ""))
    return format_html(
        '<span class="tag {}"><span aria-hidden="true">{} </span>{}</span>', css, icon, membership.get_status_display()
    )


@register.filter
def phone_display(value):
    return normalise.phone_display(value)


@register.filter
def member_since(membership):
    return membership.continuous_since or membership.started_on


@register.filter
def earliest_since(person):
    """The earliest start of any membership (uses the prefetched memberships)."""
    dates = [m.continuous_since or m.started_on for m in person.memberships.all()]
    return min(dates) if dates else None


@register.filter
def email_wbr(value):
    """An email address that may wrap after the @ rather than mid-word."""
    if not value or "@" not in value:
        return value
    local, domain = value.rsplit("@", 1)
    return format_html("{}@<wbr>{}", local, domain)


@register.filter
def when(value, fmt="j M Y, H:i"):
    """An ISO date or time from a data export (queries/subject_access.py) as
    people read it, in the page's time zone; "—" for none."""
    from datetime import date, datetime

    from django.utils import timezone
    from django.utils.dateformat import format as date_format

    if not value:
        return "—"
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return value
    if len(str(value)) == 10:
        return date_format(date.fromisoformat(str(value)), "j M Y")
    if timezone.is_aware(parsed):
        parsed = timezone.localtime(parsed)
    return date_format(parsed, fmt)
