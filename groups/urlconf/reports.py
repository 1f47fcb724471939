"""URLs for reports. branch_patterns are mounted under /b/<slug>/; urlpatterns at the site root."""

from django.urls import path

from ..views import reports

branch_patterns: list = [
    path("reports/", reports.reports, name="reports"),
    path("reports/not-come.csv", reports.reports_absent_csv, name="reports_absent_csv"),
]
urlpatterns: list = []
