from functools import cache

from django.urls import reverse

from .permissions import branches_for, cached_branches, capabilities

# The branch's sections: (label, URL name, capability needed, URL-name prefixes
# that count as "in this section"). Later sections add a line here.
BRANCH_SECTIONS = [
    # Import and categories live inside People (its page links to both).
    ("People", "people_list", "view_people", ("people_", "person_", "import_", "category_")),
    # The decisions register is a tab of Meetings (and a button on My meetings).
    ("Meetings", "meeting_list", "view_meetings", ("meeting_", "decisions_")),
    ("Door", "door_index", "door", ("door", "attendance_", "signin_sheet")),
    ("Rules", "rule_list", "manage_rules", ("rule_",)),
    ("Positions", "position_list", "view_positions", ("position_", "holder_", "attribute_")),
    # A count of an uploaded file and the delegates due are reached from Elections
    # (one section, so an organiser's navigation still fits two rows on a phone).
    ("Elections", "election_list", "view_branch", ("election_", "nomination_", "count_", "delegate_")),
    ("Reports", "reports", "view_reports", ("reports",)),
    ("Team", "role_list", "manage_roles", ("role_",)),
    ("Audit", "audit_log", "view_audit", ("audit_",)),
    ("My meetings", "my_meetings", "view_own", ("my_",)),
]


ACCOUNT_PAGES = ("account_email", "account_change_password", "account_set_password", "mfa_")


def navigation(request):
    """What the header needs: the user's branches (for the switcher), the
    current branch, and the sections the user may open in it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    branch = getattr(request, "branch", None)
    current = getattr(getattr(request, "resolver_match", None), "url_name", "") or ""
    if branch is None and current.startswith(ACCOUNT_PAGES):
        # One's own account pages keep the branch's navigation when there is only one branch to mean.
        cached = cached_branches(user)
        mine = cached if cached is not None else list(branches_for(user))
        branch = mine[0] if len(mine) == 1 else None
    # Each is worked out when a template first asks (templates call what they are given):
    # a page's header does, an htmx fragment (a door search, a tap's answer) never does,
    # and it used to pay for every capability and every section's reverse() all the same.
    nav_caps = cache(lambda: capabilities(user, branch) if branch else set())

    def nav_items():
        caps = nav_caps()
        return [
            {
                "label": label,
                "url": reverse(name, args=[branch.slug]),
                "current": current.startswith(prefixes),
            }
            for label, name, need, prefixes in BRANCH_SECTIONS
            if branch and need in caps
        ]

    def lazy_branches():
        cached = cached_branches(user)
        return cached if cached is not None else list(branches_for(user))

    return {"nav_branch": branch, "nav_caps": nav_caps, "nav_items": cache(nav_items), "nav_branches": lazy_branches}
