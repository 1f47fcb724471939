from .api_tokens import ApiToken
from .attendance import Attendance, CheckInMethod
from .attributes import AttributeDefinition, DeclarationSource, SelfDeclaredAttribute
from .audit import AuditAction, AuditEvent
from .branch import Branch, Role, RoleInvitation, RoleName
from .door import DoorRefusal, OverrideRequest, OverrideStatus
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
from .motions import AgendaItem, AgendaKind, Motion, MotionState
from .people import Category, Membership, MembershipStatus, Person
from .rate_limits import RateCount
from .records import MeetingRecord
from .rules import Rule, RuleVersion
from .standing_orders import Preset, QuestionKind, StandingOrders
from .votes import Ballot, Choice, Vote, VotedMark, VoteEntitlement, VoteMethod, VoteResult, VoteStatus

__all__ = [
    "AgendaItem",
    "ApiToken",
    "AgendaKind",
    "Motion",
    "MotionState",
    "Attendance",
    "Ballot",
    "Choice",
    "AttributeDefinition",
    "AuditAction",
    "AuditEvent",
    "Branch",
    "CalendarFeed",
    "Category",
    "CheckInMethod",
    "DeclarationSource",
    "DoorRefusal",
    "Invitation",
    "KindDefault",
    "Meeting",
    "MeetingKind",
    "MeetingRecord",
    "MeetingStatus",
    "Membership",
    "OverrideRequest",
    "OverrideStatus",
    "MembershipStatus",
    "Person",
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
    "StandingOrders",
    "Vote",
    "VoteEntitlement",
    "VoteMethod",
    "VoteResult",
    "VoteStatus",
    "VotedMark",
]
