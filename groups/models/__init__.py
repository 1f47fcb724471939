from .api_tokens import ApiToken
from .attendance import Attendance, CheckInMethod
from .attributes import AttributeDefinition, DeclarationSource, SelfDeclaredAttribute
from .audit import AuditAction, AuditEvent
from .branch import Branch, Role, RoleInvitation, RoleName
from .consent import Channel, ConsentMethod, ConsentRecord, Purpose
from .door import DoorRefusal, DoorScan, OverrideRequest, OverrideStatus, ScanOutcome
from .elections import (
    BallotMode,
    Election,
    ElectionBallot,
    ElectionEntitlement,
    ElectionStatus,
    ElectionVoterMark,
    Nomination,
    NominationStatus,
    NomineeConsent,
    TellerEntry,
)
from .meetings import (
    CalendarFeed,
    Invitation,
    KindDefault,
    Meeting,
    MeetingKind,
    MeetingStatus,
    QuorumCombine,
    Reply,
    SendStatus,
)
from .minutes import Minutes, MinutesStatus
from .motions import AgendaItem, AgendaKind, AmendAction, Motion, MotionRevision, MotionState, Procedure
from .people import Category, Membership, MembershipStatus, Person
from .points_of_order import PointOfOrder, PointState
from .positions import HolderSource, Position, PositionAlert, PositionHolder, RecheckPlan
from .rate_limits import RateCount
from .records import MeetingRecord
from .retention import PrivacyNotice, RetentionSchedule
from .rules import Rule, RuleVersion
from .speakers import SpeakerRequest, SpeakersListSettings, SpeakerStatus, SpeakingKind
from .standing_orders import Preset, QuestionKind, StandingOrders
from .subject_access import SubjectAccessRequest
from .votes import Ballot, Choice, Vote, VotedMark, VoteEntitlement, VoteMethod, VoteResult, VoteStatus

__all__ = [
    "BallotMode",
    "Election",
    "ElectionBallot",
    "ElectionEntitlement",
    "ElectionStatus",
    "ElectionVoterMark",
    "Nomination",
    "NominationStatus",
    "NomineeConsent",
    "TellerEntry",
    "Minutes",
    "MinutesStatus",
    "AgendaItem",
    "ApiToken",
    "AgendaKind",
    "AmendAction",
    "Motion",
    "MotionRevision",
    "MotionState",
    "PointOfOrder",
    "PointState",
    "Procedure",
    "Attendance",
    "Ballot",
    "Choice",
    "AttributeDefinition",
    "AuditAction",
    "AuditEvent",
    "Branch",
    "CalendarFeed",
    "Channel",
    "ConsentMethod",
    "ConsentRecord",
    "Purpose",
    "Category",
    "CheckInMethod",
    "DeclarationSource",
    "DoorScan",
    "ScanOutcome",
    "DoorRefusal",
    "Invitation",
    "KindDefault",
    "Meeting",
    "MeetingKind",
    "MeetingRecord",
    "PrivacyNotice",
    "RetentionSchedule",
    "MeetingStatus",
    "Membership",
    "OverrideRequest",
    "OverrideStatus",
    "MembershipStatus",
    "Person",
    "HolderSource",
    "Position",
    "PositionAlert",
    "PositionHolder",
    "RecheckPlan",
    "Preset",
    "QuestionKind",
    "QuorumCombine",
    "RateCount",
    "Reply",
    "SendStatus",
    "Role",
    "RoleInvitation",
    "RoleName",
    "Rule",
    "RuleVersion",
    "SelfDeclaredAttribute",
    "SpeakerRequest",
    "SubjectAccessRequest",
    "SpeakerStatus",
    "SpeakersListSettings",
    "SpeakingKind",
    "StandingOrders",
    "Vote",
    "VoteEntitlement",
    "VoteMethod",
    "VoteResult",
    "VoteStatus",
    "VotedMark",
]
