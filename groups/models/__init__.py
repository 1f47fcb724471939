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
from .people import Category, Membership, MembershipStatus, Person
from .rate_limits import RateCount
from .records import MeetingRecord
from .rules import Rule, RuleVersion

__all__ = [
    "Attendance",
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
]
