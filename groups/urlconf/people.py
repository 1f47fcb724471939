"""URLs for people. branch_patterns are mounted under /b/<slug>/; urlpatterns at the site root."""

from django.urls import path

from ..views import categories, people, person_data

branch_patterns: list = [
    path("people/", people.people_list, name="people_list"),
    path("people/new/", people.person_create, name="person_create"),
    path("people/bulk/", people.people_bulk, name="people_bulk"),
    path("people/export.csv", people.people_export, name="people_export"),
    path("people/<int:person_id>/", people.person_detail, name="person_detail"),
    path("people/<int:person_id>/edit/", people.person_edit, name="person_edit"),
    path("people/<int:person_id>/delete/", people.person_delete, name="person_delete"),
    path("people/<int:person_id>/export.csv", people.person_export, name="person_export"),
    path("people/<int:person_id>/erase/", person_data.person_erase, name="person_erase"),
    path("people/<int:person_id>/data/", person_data.person_data, name="person_data"),
    path("people/<int:person_id>/data.json", person_data.person_data_json, name="person_data_json"),
    path("people/<int:person_id>/data/requests/", person_data.access_request_log, name="access_request_log"),
    path(
        "people/<int:person_id>/data/requests/<int:request_id>/answered/",
        person_data.access_request_answered,
        name="access_request_answered",
    ),
    path("categories/", categories.category_list, name="category_list"),
    path("categories/<int:category_id>/rename/", categories.category_rename, name="category_rename"),
    path("categories/<int:category_id>/move/", categories.category_move, name="category_move"),
    path("categories/<int:category_id>/delete/", categories.category_delete, name="category_delete"),
]
urlpatterns: list = []
