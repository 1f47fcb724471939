"""URLs for votes and standing orders, mounted under /b/<slug>/."""

from django.urls import path

from ..views import votes as views

branch_patterns: list = [
    path("standing-orders/", views.standing_orders, name="standing_orders"),
    path("meetings/<int:meeting_id>/votes/", views.meeting_votes, name="meeting_votes"),
    path("meetings/<int:meeting_id>/votes/projector/", views.vote_projector, name="vote_projector"),
    path("meetings/<int:meeting_id>/votes/new/", views.vote_create, name="vote_create"),
    path("meetings/<int:meeting_id>/votes/<int:vote_id>/open/", views.vote_open, name="vote_open"),
    path("meetings/<int:meeting_id>/votes/<int:vote_id>/tally/", views.vote_tally, name="vote_tally"),
    path("meetings/<int:meeting_id>/votes/<int:vote_id>/close/", views.vote_close, name="vote_close"),
    path("meetings/<int:meeting_id>/vote/", views.vote_now, name="vote_now"),
    path("meetings/<int:meeting_id>/vote/<int:vote_id>/", views.vote_cast, name="vote_cast"),
]
