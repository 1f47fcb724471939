"""URLs for minutes and the decisions register, mounted under /b/<slug>/."""

from django.urls import path

from ..views import minutes

M = "meetings/<int:meeting_id>/minutes/"

branch_patterns: list = [
    path(M, minutes.meeting_minutes, name="meeting_minutes"),
    path(M + "draft/", minutes.minutes_draft, name="minutes_draft"),
    path(M + "edit/", minutes.minutes_edit, name="minutes_edit"),
    path(M + "approve/", minutes.minutes_approve, name="minutes_approve"),
    path(M + "minutes.pdf", minutes.minutes_pdf_download, name="minutes_pdf"),
    path(M + "minutes.md", minutes.minutes_markdown, name="minutes_markdown"),
    path("decisions/", minutes.decisions_register, name="decisions_register"),
]
