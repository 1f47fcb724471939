"""URLs for elections (issue 13). branch_patterns are mounted under /b/<slug>/."""

from django.urls import path

from ..views import elections, nominations

branch_patterns: list = [
    path("elections/", elections.election_list, name="election_list"),
    path("elections/new/", elections.election_new, name="election_new"),
    path("elections/<int:election_id>/", elections.election_detail, name="election_detail"),
    path("elections/<int:election_id>/open-nominations/", elections.election_open_nominations,
         name="election_open_nominations"),
    path("elections/<int:election_id>/close-nominations/", elections.election_close_nominations,
         name="election_close_nominations"),
    path("elections/<int:election_id>/nominate/", elections.election_nominate, name="election_nominate"),
    path("elections/nominations/<int:nomination_id>/withdraw/", elections.nomination_withdraw,
         name="nomination_withdraw"),
    path("elections/nominations/<int:nomination_id>/consent/", nominations.nomination_consent,
         name="nomination_consent"),
    path("elections/<int:election_id>/nomination-times/", nominations.election_nomination_times,
         name="election_nomination_times"),
    path("elections/<int:election_id>/close/", elections.election_close, name="election_close"),
    path("elections/<int:election_id>/ballot/", elections.election_ballot, name="election_ballot"),
    path("elections/<int:election_id>/result/", elections.election_result, name="election_result"),
    path("elections/<int:election_id>/result.pdf", elections.election_result_pdf, name="election_result_pdf"),
    path("elections/<int:election_id>/ballots.blt", elections.election_blt, name="election_blt"),
    path("elections/<int:election_id>/tellers/", elections.election_tellers, name="election_tellers"),
    path("elections/<int:election_id>/tellers/accept/", elections.election_accept_papers,
         name="election_accept_papers"),
    path("me/elections/", elections.my_elections, name="my_elections"),
    path("me/elections/<int:election_id>/nominate/", nominations.my_nominate, name="my_nominate"),
    path("me/nominations/<int:nomination_id>/withdraw/", nominations.my_nomination_withdraw,
         name="my_nomination_withdraw"),
    path("me/nominations/<int:nomination_id>/accept/", nominations.my_nomination_accept,
         name="my_nomination_accept"),
    path("me/nominations/<int:nomination_id>/decline/", nominations.my_nomination_decline,
         name="my_nomination_decline"),
]  # fmt: skip
urlpatterns: list = []
