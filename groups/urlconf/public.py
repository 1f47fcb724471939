"""URLs for public pages (signed links). branch_patterns are mounted under /b/<slug>/; urlpatterns at the site root."""

from django.urls import path

from ..views import invitation_people, invitations

branch_patterns: list = []
urlpatterns: list = [
    # Before r/<token>/: where a test email's links lead.
    path("r/test/", invitation_people.rsvp_test, name="rsvp_test"),
    path("r/<str:token>/", invitations.rsvp, name="rsvp"),
    path("unsubscribe/<str:token>/", invitations.unsubscribe, name="unsubscribe"),
]
