"""URLs for reports. branch_patterns are mounted under /b/<slug>/; urlpatterns at the site root."""

branch_patterns: list = []
urlpatterns: list = []
