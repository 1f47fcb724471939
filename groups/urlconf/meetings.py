"""URLs for meetings. branch_patterns are mounted under /b/<slug>/; urlpatterns at the site root."""

from django.urls import path

from ..views import calendars, invitation_people, invitations, registrations
from ..views import meetings as views

branch_patterns: list = [
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/calendar/", views.meeting_calendar, name="meeting_calendar"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/usual-rules/", views.meeting_kind_defaults, name="meeting_kind_defaults"),
    path("meetings/pending/", registrations.meeting_pending, name="meeting_pending"),
    path(
        "meetings/pending/<int:person_id>/approve/",
        registrations.meeting_pending_approve,
        name="meeting_pending_approve",
    ),
    path(
        "meetings/pending/<int:person_id>/reject/", registrations.meeting_pending_reject, name="meeting_pending_reject"
    ),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:meeting_id>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:meeting_id>/duplicate/", views.meeting_duplicate, name="meeting_duplicate"),
    path("meetings/<int:meeting_id>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:meeting_id>/publish/", views.meeting_publish, name="meeting_publish"),
    path("meetings/<int:meeting_id>/close/", views.meeting_close, name="meeting_close"),
    path("meetings/<int:meeting_id>/reopen/", views.meeting_reopen, name="meeting_reopen"),
    path("meetings/<int:meeting_id>/invitations/", invitations.meeting_invitations, name="meeting_invitations"),
    path(
        "meetings/<int:meeting_id>/invitations/call-list.csv",
        invitation_people.call_list_csv,
        name="meeting_invitations_call_list",
    ),
    path(
        "meetings/<int:meeting_id>/invitations/preview/",
        invitation_people.invitation_preview,
        name="meeting_invitations_preview",
    ),
    path(
        "meetings/<int:meeting_id>/invitations/reminder/",
        invitation_people.reminder_setting,
        name="meeting_invitations_reminder",
    ),
    path(
        "meetings/<int:meeting_id>/invitations/progress/",
        invitations.meeting_invitations_progress,
        name="meeting_invitations_progress",
    ),
    path("meetings/<int:meeting_id>/meeting.ics", calendars.meeting_ics, name="meeting_ics"),
]
urlpatterns: list = [
    # Public: only published open meetings (anything else is 404).
    path("m/<slug:slug>/<int:meeting_id>/", registrations.public_meeting, name="public_meeting"),
    path("m/<slug:slug>/open-meetings.ics", calendars.public_feed, name="public_feed"),
    # A user's private feed (secret token in the URL) and where to manage it.
    path("calendar/<str:token>.ics", calendars.private_feed, name="private_feed"),
    path("account/calendar/", calendars.calendar_feed_settings, name="calendar_feed_settings"),
]
