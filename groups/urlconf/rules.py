"""URLs for rules. branch_patterns are mounted under /b/<slug>/; urlpatterns at the site root."""

from django.urls import path

from ..views import rules

branch_patterns: list = [
    path("rules/", rules.rule_list, name="rule_list"),
    path("rules/new/", rules.rule_new, name="rule_new"),
    path("rules/<int:rule_id>/", rules.rule_detail, name="rule_detail"),
    path("rules/<int:rule_id>/edit/", rules.rule_edit, name="rule_edit"),
    path("rules/<int:rule_id>/compare/", rules.rule_compare, name="rule_compare"),
    path("rules/<int:rule_id>/delete/", rules.rule_delete, name="rule_delete"),
]
urlpatterns: list = []
