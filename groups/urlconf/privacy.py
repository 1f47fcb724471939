"""URLs for a person's data and the branch's privacy (issue 15). branch_patterns
are mounted under /b/<slug>/; urlpatterns at the site root."""

from django.urls import path

from ..views import privacy

branch_patterns: list = [
    path("retention/", privacy.retention, name="retention"),
]
urlpatterns: list = []
