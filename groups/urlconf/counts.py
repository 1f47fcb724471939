"""URLs for counting uploaded ballots and the delegates due (issue 13, items 6 and 7). Mounted under /b/<slug>/."""

from django.urls import path

from ..views import counts, delegates

branch_patterns: list = [
    path("counts/", counts.count_page, name="count_page"),
    path("counts/delegates/", delegates.delegate_entitlement, name="delegate_entitlement"),
]
urlpatterns: list = []
