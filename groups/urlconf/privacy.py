"""URLs for a person's data and the branch's privacy (issue 15). branch_patterns
are mounted under /b/<slug>/; urlpatterns at the site root."""

from django.urls import path

from ..views import privacy

branch_patterns: list = [
    path("retention/", privacy.retention, name="retention"),
    path("privacy/", privacy.privacy_notice_edit, name="privacy_notice_edit"),
    path("people/<int:person_id>/consent/", privacy.person_consent, name="person_consent"),
]
urlpatterns: list = [
    path("privacy/<slug:slug>/", privacy.privacy_notice, name="privacy_notice"),
    path("confirm/<str:token>/", privacy.confirm_email, name="confirm_email"),
]
