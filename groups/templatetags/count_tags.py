"""The stage-by-stage table of a count for templates:
`{% count_table result as table %}` (groups/counting/table.py lays it out)."""

from django import template

from ..counting.table import method_name, stage_table

register = template.Library()


@register.simple_tag
def count_table(result: dict):
    return stage_table(result or {})


@register.filter
def count_method(method: str) -> str:
    return method_name(method or "")
