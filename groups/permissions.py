"""The one place that answers "may this user do this in this branch?".

Capabilities are named for what a person does, and each maps to the roles
that may do it. Views declare the capability they need (see
groups.views.base.branch_view); the API asks the same functions.

Access rules that keep data inside its branch:
- no role in the branch at all → 404 (nothing about the branch leaks);
- a role, but too low for the capability → 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from .models import Branch, Meeting, MeetingStatus, Role, RoleName
from .sql.roles import roles_with_branches

ORGANISER, STEWARD, MEMBER = RoleName.ORGANISER, RoleName.STEWARD, RoleName.MEMBER

CAPABILITIES: dict[str, frozenset[str]] = {
    # everyone with a role
    "view_branch": frozenset({ORGANISER, STEWARD, MEMBER}),
    "view_own": frozenset({ORGANISER, STEWARD, MEMBER}),
    # the door
    "door": frozenset({ORGANISER, STEWARD}),
    "view_people": frozenset({ORGANISER, STEWARD}),
    "view_meetings": frozenset({ORGANISER, STEWARD}),
    # organisers manage everything
    # least privilege at the door (issue 15 item 5): stewards see door fields
    # only (name, number, category, postcode, the Decision); a person's full
    # record — notes, date of birth, phone, email, consent, attendance — is
    # the organisers', and reading it is audited
    "view_person_full": frozenset({ORGANISER}),
    "manage_people": frozenset({ORGANISER}),
    "export_people": frozenset({ORGANISER}),
    # a person's data (issue 15): subject access for anyone in the branch, and erasure
    "view_person_data": frozenset({ORGANISER}),
    "erase_people": frozenset({ORGANISER}),
    # the branch's retention schedule and privacy notice (issue 15 items 3, 6)
    "manage_privacy": frozenset({ORGANISER}),
    "import_people": frozenset({ORGANISER}),
    "manage_categories": frozenset({ORGANISER}),
    "manage_rules": frozenset({ORGANISER}),
    "manage_meetings": frozenset({ORGANISER}),
    "manage_roles": frozenset({ORGANISER}),
    "view_audit": frozenset({ORGANISER}),
    "view_reports": frozenset({ORGANISER}),
    "override": frozenset({ORGANISER}),
    "count_ballots": frozenset({ORGANISER}),
    # decision-making meetings: chairing is the organisers' for now; anyone
    # with a role may try to vote — whether they may is the meeting's rules'
    # answer (groups.eligibility.voting.may_vote), for their own person only
    "chair": frozenset({ORGANISER}),
    "manage_standing_orders": frozenset({ORGANISER}),
    # minutes (issue 12 item 8): the secretary (an organiser) drafts, edits
    # and approves them; anyone with a role reads approved minutes and the
    # decisions register (view_branch)
    "manage_minutes": frozenset({ORGANISER}),
    "vote": frozenset({ORGANISER, STEWARD, MEMBER}),
    # the speakers' list: anyone with a role may ask; whether they may is
    # "checked in, not left" (groups.services.speakers), never the voting rule
    "speak": frozenset({ORGANISER, STEWARD, MEMBER}),
    # positions (issue 13): who holds which office is known to the branch's
    # organisers and stewards; appointing, ending terms and the alerts are the
    # organisers'. Self-declared values (special-category data) only organisers
    # see, and each look is audited.
    "view_positions": frozenset({ORGANISER, STEWARD}),
    "manage_positions": frozenset({ORGANISER}),
    "manage_attributes": frozenset({ORGANISER}),
    "view_attributes": frozenset({ORGANISER}),
    # elections (issue 13): organisers set them up, take nominations, close
    # and count; anyone with a role sees them and their results and may try to
    # vote (whether they may is the election's rule: services/election_ballots.py)
    "manage_elections": frozenset({ORGANISER}),
    # members nominate themselves (or another, where the positions allow) and
    # withdraw their own nomination; whether they may is the election's voting
    # rule (services/nominations.py). Tellers enter paper ballots: organisers
    # and stewards; accepting the agreed papers and the count stay the organisers'.
    "nominate": frozenset({ORGANISER, STEWARD, MEMBER}),
    "tell_ballots": frozenset({ORGANISER, STEWARD}),
    # delegates due (issue 13 item 7): counts of members, women (self-declared)
    # and under-27s — never who; the organisers', audited when it reads answers
    "view_delegates": frozenset({ORGANISER}),
}


def role_in(user, branch: Branch) -> str | None:
    """The user's role in the branch, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return None
    cache = user.__dict__.setdefault("_rollcall_roles", {})
    if branch.pk not in cache:
        cache[branch.pk] = Role.objects.filter(user=user, branch=branch).values_list("role", flat=True).first()
    return cache[branch.pk]


def can(user, branch: Branch, need: str) -> bool:
    role = role_in(user, branch)
    if role is None:
        return False
    if need == "override":
        return role == ORGANISER or (role == STEWARD and branch.stewards_may_override)
    return role in CAPABILITIES[need]


def capabilities(user, branch: Branch) -> set[str]:
    return {need for need in CAPABILITIES if can(user, branch, need)}


def branches_for(user, need: str = "view_branch") -> QuerySet[Branch]:
    """Branches where the user may do `need`: the queryset twin of access_branch."""
    if not getattr(user, "is_authenticated", False):
        return Branch.objects.none()
    roles = CAPABILITIES[need]
    qs = Branch.objects.filter(roles__user=user, roles__role__in=roles)
    return qs.distinct().order_by("name")


def _branches_with_roles(user) -> dict[str, Branch]:
    """Every branch the user has a role in, by slug, in one query, cached on the
    user object for the request. It fills role_in's cache and gives the header's
    branch switcher its list (cached_branches), so a branch page asks the
    database once for "which branch, which role, which other branches"."""
    if "_rollcall_branches" not in user.__dict__:
        roles = user.__dict__.setdefault("_rollcall_roles", {})
        branches: dict[str, Branch] = {}
        # Hand-written (groups/sql/roles.py): every branch page runs this first.
        for role, branch in roles_with_branches(user.pk):
            if branch.slug not in branches:
                branches[branch.slug] = branch
                roles[branch.pk] = role
        user.__dict__["_rollcall_branches"] = branches
    return user.__dict__["_rollcall_branches"]


def cached_branches(user) -> list[Branch] | None:
    """branches_for(user) as a sorted list when access_branch already loaded
    it in this request; None otherwise."""
    branches = user.__dict__.get("_rollcall_branches")
    if branches is None:
        return None
    return sorted(branches.values(), key=lambda b: (b.name, b.pk))


def access_branch(user, slug: str, need: str = "view_branch") -> Branch:
    """Fetch a branch and authorise in one call: 404 without any role, 403 when
    the role is too low."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    branch = _branches_with_roles(user).get(slug)
    if branch is None:  # no such branch, or no role in it: the same 404
        raise Http404
    if not can(user, branch, need):
        raise PermissionDenied
    return branch


def scoped(queryset: QuerySet, branch: Branch, field: str = "branch") -> QuerySet:
    """Restrict a queryset to one branch; every object fetched by id goes through this."""
    return queryset.filter(**{field: branch})


def get_in_branch(queryset: QuerySet, branch: Branch, field: str = "branch", **lookup):
    """One object of the branch, or 404 — never another branch's object."""
    try:
        return scoped(queryset, branch, field).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# --- meetings: a draft is not yet called ---------------------------------------


def may_see_meeting(user, meeting: Meeting) -> bool:
    """Organisers and stewards see every meeting of their branch, drafts too
    (they prepare them); anyone else with a role sees a meeting once it is
    published — and after, cancelled or held — never while it is a draft."""
    return meeting.status != MeetingStatus.DRAFT or can(user, meeting.branch, "view_meetings")


def access_meeting(user, branch: Branch, meeting_id, queryset: QuerySet[Meeting] | None = None) -> Meeting:
    """One meeting of the branch that the user may see, or 404: a draft does
    not exist yet for a member."""
    meeting = get_in_branch(queryset if queryset is not None else Meeting.objects.all(), branch, pk=meeting_id)
    if not may_see_meeting(user, meeting):
        raise Http404
    return meeting


def called_meetings_for(user) -> QuerySet[Meeting]:
    """The meetings of every branch where the user has a role, drafts left out
    even for organisers: what goes out to a calendar is what has been called."""
    if not getattr(user, "is_authenticated", False):
        return Meeting.objects.none()
    branch_ids = Role.objects.filter(user=user).values("branch_id")
    return Meeting.objects.filter(branch_id__in=branch_ids).exclude(status=MeetingStatus.DRAFT)
