"""URLs for the speakers' list, mounted under /b/<slug>/."""

from django.urls import path

from ..views import speakers as views

M = "meetings/<int:meeting_id>"

branch_patterns: list = [
    path(f"{M}/speakers/", views.meeting_speakers, name="meeting_speakers"),
    path(f"{M}/speakers/settings/", views.speakers_settings, name="speakers_settings"),
    path(f"{M}/speakers/call/", views.speakers_call, name="speakers_call"),
    path(f"{M}/speakers/<int:request_id>/done/", views.speakers_done, name="speakers_done"),
    path(f"{M}/speakers/<int:request_id>/move/", views.speakers_move, name="speakers_move"),
    path(f"{M}/speakers/<int:request_id>/remove/", views.speakers_remove, name="speakers_remove"),
    path(f"{M}/speak/", views.speak, name="speak"),
    path(f"{M}/speak/ask/", views.speak_ask, name="speak_ask"),
    path(f"{M}/speak/<int:request_id>/withdraw/", views.speak_withdraw, name="speak_withdraw"),
]
