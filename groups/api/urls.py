"""/api/v1/ — see CONTRACT.md §4. Branch endpoints nest under
branches/{branch_slug}/; register each concept's viewset below."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from . import lean
from .errors import not_found
from .meetings import MeetingViewSet
from .views import (
    agenda,
    branches,
    categories,
    counts,
    delegates,
    docs,
    door,
    elections,
    imports,
    member_elections,
    minutes,
    motions,
    people,
    person_data,
    positions,
    records,
    rules,
    speakers,
    votes,
)

BRANCH = r"branches/(?P<branch_slug>[-a-zA-Z0-9_]+)"
MEETING = rf"{BRANCH}/meetings/(?P<meeting_id>[0-9]+)"

router = SimpleRouter()
router.register("branches", branches.BranchViewSet, basename="api-branch")
router.register(rf"{BRANCH}/categories", categories.CategoryViewSet, basename="api-category")
router.register(rf"{BRANCH}/meetings", MeetingViewSet, basename="api-meeting")
router.register(rf"{BRANCH}/people", people.PersonViewSet, basename="api-person")
router.register(rf"{BRANCH}/people", person_data.PersonDataViewSet, basename="api-person-data")  # data/, erase/
router.register(rf"{BRANCH}/imports", imports.ImportViewSet, basename="api-import")
router.register(rf"{BRANCH}/rules", rules.RuleViewSet, basename="api-rule")
router.register(rf"{BRANCH}/counts", counts.CountViewSet, basename="api-count")
router.register(BRANCH, delegates.DelegatesViewSet, basename="api-branch-delegates")  # delegates/
router.register(rf"{BRANCH}/positions", positions.PositionViewSet, basename="api-position")
router.register(
    rf"{BRANCH}/positions/(?P<position_id>[0-9]+)/holders", positions.HolderViewSet, basename="api-position-holder"
)
router.register(rf"{BRANCH}/elections", elections.ElectionViewSet, basename="api-election")
router.register(
    rf"{BRANCH}/elections/(?P<election_id>[0-9]+)/nominations", elections.NominationViewSet, basename="api-nomination"
)
# Members' own nominations and the tellers' paper ballots, under one election.
ELECTION = rf"{BRANCH}/elections/(?P<election_id>[0-9]+)"
router.register(ELECTION, member_elections.MemberNominationViewSet, basename="api-member-nomination")
router.register(ELECTION, member_elections.TellerViewSet, basename="api-tellers")
# The door, under a meeting (the meetings endpoints themselves are another module's).
router.register(rf"{MEETING}/checkins", door.CheckInViewSet, basename="api-checkin")
router.register(rf"{MEETING}/votes", votes.VoteViewSet, basename="api-vote")
router.register(rf"{MEETING}/speakers", speakers.SpeakerViewSet, basename="api-speaker")
router.register(rf"{MEETING}/agenda", agenda.AgendaItemViewSet, basename="api-agenda")
router.register(rf"{MEETING}/motions", motions.MotionViewSet, basename="api-motion")
router.register(rf"{MEETING}/points-of-order", motions.PointOfOrderViewSet, basename="api-point-of-order")
router.register(MEETING, door.MeetingDoorViewSet, basename="api-meeting-door")  # door/ and quorum/
router.register(MEETING, minutes.MinutesViewSet, basename="api-minutes")  # minutes/, minutes/draft/, minutes/approve/
router.register(rf"{BRANCH}/decisions", minutes.DecisionRegisterViewSet, basename="api-decision")
router.register(MEETING, records.MeetingRecordViewSet, basename="api-meeting-record")  # record/, close/, reopen/

urlpatterns = [
    # The schema describes the API and holds nobody's data: not rate limited
    # (schemathesis and the docs page read it without a token, before any database).
    path("schema/", SpectacularAPIView.as_view(throttle_classes=[]), name="api_schema"),
    path("docs/", docs.DocsView.as_view(), name="api_docs"),
    path("me/data/", person_data.MyDataView.as_view(), name="api_my_data"),
    # BLT download at the name CONTRACT §7 gives it (the router would add a slash).
    re_path(
        rf"^{BRANCH}/elections/(?P<pk>[0-9]{{1,18}})/ballots\.blt$",
        elections.ElectionViewSet.as_view({"get": "blt"}),
        name="api-election-blt",
    ),
    # Hot writes answered without DRF's request cycle, ahead of their router
    # routes (same pattern and name), which document them and answer the rest (api/lean.py).
    lean.ahead_of(router, "api-vote-ballots", votes.lean_ballot),
    lean.ahead_of(router, "api-election-ballots", elections.lean_ballot),
    *router.urls,
    # Last: anything else under /api/v1/ answers JSON 404.
    re_path(r"^.*$", not_found, name="api_not_found"),
]
