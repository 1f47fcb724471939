"""URLs for door. branch_patterns are mounted under /b/<slug>/; urlpatterns at the site root."""

from django.urls import path

from ..views import door, door_overrides

M = "meetings/<int:meeting_id>/"

branch_patterns: list = [
    path("door/", door.door_index, name="door_index"),
    path(f"{M}door/", door.door, name="door"),
    path(f"{M}door/search/", door.door_search, name="door_search"),
    path(f"{M}door/check-in/", door.door_check_in, name="door_check_in"),
    path(f"{M}door/guest/", door.door_guest, name="door_guest"),
    path(f"{M}door/new-person/", door.door_new_person, name="door_new_person"),
    path(f"{M}door/attendance/<int:attendance_id>/undo/", door.door_undo, name="door_undo"),
    path(f"{M}door/attendance/<int:attendance_id>/left/", door.door_left, name="door_left"),
    path(f"{M}door/ask/", door_overrides.door_ask, name="door_ask"),
    path(f"{M}door/ask/<int:request_id>/", door_overrides.door_ask_status, name="door_ask_status"),
    path(f"{M}door/requests/", door_overrides.door_requests, name="door_requests"),
    path(
        f"{M}door/requests/<int:request_id>/approve/",
        door_overrides.door_request_approve,
        name="door_request_approve",
    ),
    path(
        f"{M}door/requests/<int:request_id>/decline/",
        door_overrides.door_request_decline,
        name="door_request_decline",
    ),
    path(f"{M}door/p/<str:token>/", door.door_qr_open, name="door_qr_open"),
    path(f"{M}door/p/<str:token>/qr.svg", door.door_qr_image, name="door_qr_image"),
    path(f"{M}quorum/", door.door_quorum, name="door_quorum"),
    path(f"{M}badges/", door.door_badges, name="door_badges"),
    path(f"{M}attendance/", door.attendance_list, name="attendance_list"),
    path(f"{M}attendance.csv", door.attendance_csv, name="attendance_csv"),
    path(f"{M}attendance/bulk/", door.attendance_bulk, name="attendance_bulk"),
    path(f"{M}attendance/review/<int:scan_id>/", door.door_review, name="door_review"),
    path(f"{M}sign-in-sheet.pdf", door.signin_sheet, name="signin_sheet"),
]
urlpatterns: list = []
