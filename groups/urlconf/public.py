"""URLs for public pages (signed links). branch_patterns are mounted under /b/<slug>/; urlpatterns at the site root."""

from django.urls import path

from ..views import invitations

branch_patterns: list = []
urlpatterns: list = [
    path("r/<str:token>/", invitations.rsvp, name="rsvp"),
    path("unsubscribe/<str:token>/", invitations.unsubscribe, name="unsubscribe"),
]
