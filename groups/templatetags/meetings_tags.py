"""Markdown for meeting agendas and descriptions: rendered, then sanitised with
nh3 so that no script, style or event handler can come through."""

import re

import markdown as md
import nh3
from django import template
from django.utils.safestring import mark_safe

register = template.Library()

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "h2", "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "td": set()}


_HEADING = re.compile(r"<(/?)h([1-5])>")


def render_markdown(text: str, *, shift_headings: bool = False) -> str:
    """`shift_headings`: for a document inside a page that has its own h1 (the
    minutes), the document's headings move one level down."""
    html = md.markdown(text or "", extensions=["sane_lists", "tables"], output_format="html")
    if shift_headings:
        html = _HEADING.sub(lambda m: f"<{m[1]}h{int(m[2]) + 1}>", html)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def render_minutes(text: str) -> str:
    return render_markdown(text, shift_headings=True)


@register.filter(name="markdown")
def markdown_filter(text: str) -> str:
    return mark_safe(render_markdown(text))  # noqa: S308 (sanitised by nh3 above)


@register.filter(name="minutes_html")
def minutes_filter(text: str) -> str:
    return mark_safe(render_minutes(text))  # noqa: S308 (sanitised by nh3 above)
