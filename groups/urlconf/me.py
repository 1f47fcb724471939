"""URLs for me (a member's own view). branch_patterns are mounted under /b/<slug>/; urlpatterns at the site root."""

from django.urls import path

from ..views import api_tokens, me, person_data, sessions

branch_patterns: list = [
    path("me/meetings/", me.my_meetings_page, name="my_meetings"),
    path("me/meetings/<int:meeting_id>/reply/", me.my_meeting_reply, name="my_meeting_reply"),
    path("me/details/", me.my_details, name="my_details"),
    path("me/data/", person_data.my_data, name="my_data"),
    path("me/data.json", person_data.my_data_json, name="my_data_json"),
    path("people/<int:person_id>/unlink-account/", me.person_unlink_user, name="person_unlink_user"),
]
urlpatterns: list = [
    path("account/sessions/sign-out-everywhere/", sessions.sign_out_everywhere, name="sign_out_everywhere"),
    path("account/api-tokens/", api_tokens.api_tokens, name="api_tokens"),
    path("account/api-tokens/<int:token_id>/revoke/", api_tokens.api_token_revoke, name="api_token_revoke"),
]
