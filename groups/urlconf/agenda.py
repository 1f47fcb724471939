"""URLs for the agenda, the order paper (motions) and points of order, mounted under /b/<slug>/."""

from django.urls import path

from ..views import agenda, motions, points_of_order

M = "meetings/<int:meeting_id>/"

branch_patterns: list = [
    path(M + "agenda/", agenda.meeting_agenda, name="meeting_agenda"),
    path(M + "agenda/new/", agenda.agenda_item_add, name="agenda_item_add"),
    path(M + "agenda/current/", agenda.agenda_current, name="agenda_current"),
    path(M + "agenda/<int:item_id>/edit/", agenda.agenda_item_edit, name="agenda_item_edit"),
    path(M + "agenda/<int:item_id>/move/", agenda.agenda_item_move, name="agenda_item_move"),
    path(M + "agenda/<int:item_id>/remove/", agenda.agenda_item_remove, name="agenda_item_remove"),
    path(M + "motions/", motions.meeting_motions, name="meeting_motions"),
    path(M + "motions/new/", motions.motion_submit, name="motion_submit"),
    path(M + "motions/procedural/", motions.motion_procedural, name="motion_procedural"),
    path(M + "motions/<int:motion_id>/<slug:action>/", motions.motion_action, name="motion_action"),
    path(M + "points-of-order/", points_of_order.meeting_points, name="meeting_points"),
    path(M + "points-of-order/new/", points_of_order.point_raise, name="point_raise"),
    path(M + "points-of-order/<int:point_id>/rule/", points_of_order.point_rule, name="point_rule"),
    path(M + "points-of-order/<int:point_id>/challenge/", points_of_order.point_challenge, name="point_challenge"),
]
