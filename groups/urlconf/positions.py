"""URLs for positions and self-declared attributes (issue 13). branch_patterns are mounted under /b/<slug>/."""

from django.urls import path

from ..views import attributes, positions

branch_patterns: list = [
    path("positions/", positions.position_list, name="position_list"),
    path("positions/new/", positions.position_new, name="position_new"),
    path("positions/<int:position_id>/", positions.position_detail, name="position_detail"),
    path("positions/<int:position_id>/edit/", positions.position_edit, name="position_edit"),
    path("positions/<int:position_id>/appoint/", positions.position_appoint, name="position_appoint"),
    path("positions/holders/<int:holder_id>/end/", positions.holder_end, name="holder_end"),
    path("positions/questions/", attributes.attribute_list, name="attribute_list"),
    path("positions/questions/new/", attributes.attribute_new, name="attribute_new"),
    path("positions/questions/<int:attribute_id>/edit/", attributes.attribute_edit, name="attribute_edit"),
    path("people/<int:person_id>/self-declared/", attributes.person_attributes, name="person_attributes"),
    path("me/self-declared/", attributes.my_attributes, name="my_attributes"),
]
urlpatterns: list = []
