"""Read helpers shared by views and the API. Each returns a queryset with what
its pages need joined in, so list pages run a fixed number of queries."""

from __future__ import annotations

import math
from datetime import date, datetime, time
from decimal import Decimal

from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from . import sql
from .eligibility import (
    Decision,
    MembershipFacts,
    PersonFacts,
    RuleError,
    evaluate,
    normalise_postcode,
    summarise,
    uses_attended,
)
from .eligibility_sql import branch_meeting_facts, compile_rule
from .models import Attendance, AuditEvent, Branch, Category, Invitation, Meeting, Membership, Person, Reply, Rule
from .models.meetings import QuorumCombine


def audit_events(
    branch: Branch,
    *,
    action: str = "",
    person: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.filter(branch=branch).select_related("actor")
    if action:
        qs = qs.filter(action=action)
    if person:
        qs = qs.filter(person_id=person)
    tz = timezone.get_current_timezone()
    if date_from:
        qs = qs.filter(at__gte=datetime.combine(date_from, time.min, tzinfo=tz))
    if date_to:
        qs = qs.filter(at__lte=datetime.combine(date_to, time.max, tzinfo=tz))
    return qs


# --- meetings ---


def meeting_rule_summary(rule) -> str:
    """A meeting's rule in plain English, from the eligibility engine. None
    means no rule: anyone."""
    if rule is None:
        return "Anyone may come."
    return rule_summary(rule)


def quorum_description(meeting) -> str:
    """How many must be present, in words (CONTRACT.md §4)."""
    number, pct = meeting.quorum, meeting.quorum_percent
    if pct is not None:
        pct_text = f"{pct.normalize():f}% of those eligible to vote"
    if number is not None and pct is not None:
        which = "greater" if meeting.quorum_combine == "greater" else "lesser"
        return f"The {which} of {number:,} people and {pct_text}."
    if number is not None:
        return f"{number:,} {'person' if number == 1 else 'people'} eligible to vote."
    if pct is not None:
        return f"{pct_text[0].upper()}{pct_text[1:]}."
    return "No quorum set."


def meeting_reply_counts(meeting) -> dict[str, int]:
    """Invited and replies from Invitation rows (all 0 when none)."""
    from django.db.models import Count, Q

    from .models import Reply

    counts = meeting.invitations.aggregate(
        invited=Count("id"),
        yes=Count("id", filter=Q(reply=Reply.YES)),
        no=Count("id", filter=Q(reply=Reply.NO)),
        maybe=Count("id", filter=Q(reply=Reply.MAYBE)),
    )
    counts["no_reply"] = counts["invited"] - counts["yes"] - counts["no"] - counts["maybe"]
    counts["capacity_left"] = None if meeting.capacity is None else max(meeting.capacity - counts["yes"], 0)
    return counts


def upcoming_meetings(branch: Branch, *, now: datetime, include_drafts: bool = True):
    from .models import Meeting, MeetingStatus

    qs = Meeting.objects.filter(branch=branch, starts_at__gte=now).select_related("attendance_rule")
    if not include_drafts:
        qs = qs.exclude(status=MeetingStatus.DRAFT)
    return qs.order_by("starts_at", "id")


def past_meetings(branch: Branch, *, now: datetime, include_drafts: bool = True):
    from .models import Meeting, MeetingStatus

    qs = Meeting.objects.filter(branch=branch, starts_at__lt=now).select_related("attendance_rule")
    if not include_drafts:
        qs = qs.exclude(status=MeetingStatus.DRAFT)
    return qs.order_by("-starts_at", "-id")


# --------------------------------------------------------------------------
# Door: search, eligible counts, quorum

DOOR_RESULTS = 10


def eligible_person_ids(branch: Branch, rule, as_of: date) -> list[int]:
    """Ids of the branch's people the rule admits on as_of (null rule = everyone),
    by name, through the compiled filter."""
    people = Person.objects.filter(branch=branch) if rule is None else eligible_people(branch, rule, as_of)
    return list(people.order_by("last_name", "first_name", "id").values_list("id", flat=True))


def expected_people(meeting: Meeting, *, paper_list: bool = False) -> tuple[list[int], str]:
    """Who is expected at a meeting, in name order: the invited when there are
    invitations ("invited"), otherwise everyone the attendance rule admits on
    the eligibility date ("eligible"). The badges, the sign-in sheet and the
    paper-list check-in all start from this list. A paper list ticked after
    the meeting may name people the rule refuses, so with `paper_list` an
    uninvited meeting with a rule offers the whole branch ("everyone").
    Returns (person ids, which)."""
    from .services.meetings import effective_eligibility_date

    branch = meeting.branch
    invited = list(
        Invitation.objects.filter(meeting=meeting)
        .order_by("person__last_name", "person__first_name", "person_id")
        .values_list("person_id", flat=True)
    )
    if invited:
        return invited, "invited"
    rule, which = meeting.attendance_rule, "eligible"
    if paper_list and rule is not None:
        rule, which = None, "everyone"
    return eligible_person_ids(branch, rule, effective_eligibility_date(meeting)), which


def count_eligible(branch: Branch, rule, as_of: date) -> int:
    """How many of the branch's people the rule admits on as_of: the ONE place
    quorum gets "eligible to vote in total" from. One COUNT query."""
    if rule is None:
        return Person.objects.filter(branch=branch).count()
    return eligible_people(branch, rule, as_of).count()


def quorum_needed(meeting: Meeting, eligible: int) -> int:
    """The number needed: meeting.quorum and/or ceil(quorum_percent% of eligible);
    with both, the greater (default) or the lesser. 0 when no quorum is set."""
    options = []
    if meeting.quorum is not None:
        options.append(meeting.quorum)
    if meeting.quorum_percent is not None:
        options.append(math.ceil(Decimal(meeting.quorum_percent) * eligible / 100))
    if not options:
        return 0
    return min(options) if meeting.quorum_combine == QuorumCombine.LESSER else max(options)


def quorum(meeting: Meeting) -> dict:
    """CONTRACT.md §4's quorum, plus `guests`.

    present: checked in, not undone and not marked as left (guests included);
    present_eligible: present people the voting rule admitted at check-in
    (never guests, never override entrants the voting rule refuses);
    eligible: the branch's people the voting rule admits at the eligibility date.
    With no quorum set, quorum is 0 and the meeting is quorate."""
    from .door import eligibility_date

    here = Attendance.objects.filter(meeting=meeting, undone_at__isnull=True, left_at__isnull=True)
    counts = here.aggregate(
        present=Count("id"),
        guests=Count("id", filter=Q(person__isnull=True)),
        present_eligible=Count("id", filter=Q(person__isnull=False, may_vote=True)),
    )
    eligible = count_eligible(meeting.branch, meeting.voting_rule, eligibility_date(meeting))
    needed = quorum_needed(meeting, eligible)
    return {
        "eligible": eligible,
        "present": counts["present"],
        "present_eligible": counts["present_eligible"],
        "quorum": needed,
        "quorate": counts["present_eligible"] >= needed,
        "guests": counts["guests"],
    }


# --------------------------------------------------------------------------
# The door's hot path, in hand-written SQL (see groups/sql.py for why): the
# meeting with its rules, the search, and the facts behind each card.


def door_meeting(branch: Branch, meeting_id) -> Meeting | None:
    """The branch's meeting with both its rules, in one query; None when the id
    is not a meeting of this branch."""
    pk = sql.as_id(meeting_id)
    if pk is None:
        return None
    rows = sql.fetch(
        f"SELECT {sql.columns(Meeting, 'm')}, {sql.columns(Rule, 'ar')}, {sql.columns(Rule, 'vr')}"  # noqa: S608 (column lists and placeholders only)
        " FROM groups_meeting m"
        " LEFT OUTER JOIN groups_rule ar ON ar.id = m.attendance_rule_id"
        " LEFT OUTER JOIN groups_rule vr ON vr.id = m.voting_rule_id"
        " WHERE m.id = %s AND m.branch_id = %s",
        [pk, branch.pk],
    )
    if not rows:
        return None
    row, width, rule_width = rows[0], sql.width(Meeting), sql.width(Rule)
    meeting = sql.read(Meeting, row[:width])
    for name, start in (("attendance_rule", width), ("voting_rule", width + rule_width)):
        values = row[start : start + rule_width]
        # As select_related would: the related object (or None) cached on the meeting.
        Meeting._meta.get_field(name).set_cached_value(meeting, sql.read(Rule, values) if values[0] else None)
    meeting.branch = branch  # the same row (filtered by it above)
    return meeting


def door_person(branch: Branch, person_id) -> Person | None:
    """One person of the branch by id (from a form), or None."""
    pk = sql.as_id(person_id)
    if pk is None:
        return None
    rows = sql.fetch(
        f"SELECT {sql.columns(Person, 'p')} FROM groups_person p WHERE p.id = %s AND p.branch_id = %s",  # noqa: S608
        [pk, branch.pk],
    )
    return sql.read(Person, rows[0]) if rows else None


def _like_prefix(text: str) -> str:
    """A LIKE pattern for "starts with `text`", its wildcards escaped (escape character: backslash)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _name_term(*conditions: str, order: tuple[str, str]) -> tuple[str, str]:
    """People of the branch whose name columns start with the given prefixes,
    ignoring case, in the order of the door-search index that answers it:
    NOCASE columns on SQLite (migration 0005), UPPER(name) COLLATE "C" on
    PostgreSQL (migration 0007). Both read only the first rows of a prefix
    shared by thousands. The index columns are written exactly as the
    indexes store them, or the planner would not use them."""
    if connection.vendor == "postgresql":
        where = [f'(UPPER(p.{column}) COLLATE "C") LIKE UPPER(%s)' for column in conditions]
        by = [f'(UPPER(p.{column}) COLLATE "C")' for column in order]
    else:
        where = [f"p.{column} LIKE %s ESCAPE '\\'" for column in conditions]
        by = [f"p.{column} COLLATE NOCASE" for column in order]
    return " AND ".join(where), ", ".join([*by, "p.id"])


def door_search(branch: Branch, q: str, *, limit: int = DOOR_RESULTS) -> list[Person]:
    """People matching what the steward typed: name prefixes ("ana", "ana sil",
    "silva"), an exact membership number, email or postcode. At most `limit`,
    sorted by last name then first name.

    One statement: a UNION ALL of one small indexed search per way of
    matching, never an OR across columns (neither SQLite nor PostgreSQL can
    answer such an OR from indexes, and a branch of 100,000 people would be
    scanned on every keystroke). Each way contributes its first `limit`
    people in its own index order (a first-name match by first name), so with
    more matches than fit, the ten shown are a sample the steward narrows by
    typing more."""
    q = " ".join((q or "").split())
    if not q:
        return []
    person = f"SELECT {sql.columns(Person, 'p')} FROM groups_person p WHERE p.branch_id = %s AND "  # noqa: S608 (column lists and placeholders only)
    terms: list[tuple[str, list]] = [
        (
            person + "p.id IN (SELECT m.person_id FROM groups_membership m WHERE m.branch_id = %s AND m.number = %s)",  # noqa: S608 (column lists and placeholders only)
            [branch.pk, branch.pk, q],
        )
    ]
    if "@" in q:
        # Repeats the unique index's condition (email <> ''), so that partial index answers it.
        terms.append((person + "LOWER(p.email) = %s AND p.email <> ''", [branch.pk, q.lower()]))
    elif any(ch.isdigit() for ch in q):
        pc = normalise_postcode(q)
        if pc:
            terms.append((person + "p.postcode = %s", [branch.pk, pc]))
    else:
        words = q.split(" ")
        for columns, prefixes, order in (
            (("last_name",), [q], ("last_name", "first_name")),
            (("first_name",), [q], ("first_name", "last_name")),
            (("first_name", "last_name"), [words[0], " ".join(words[1:])], ("first_name", "last_name")),
        ):
            if len(prefixes) > 1 and len(words) < 2:
                continue
            where, by = _name_term(*columns, order=order)
            terms.append((f"{person}{where} ORDER BY {by}", [branch.pk, *map(_like_prefix, prefixes)]))
    statement = " UNION ALL ".join(
        f"SELECT * FROM ({text} LIMIT {int(limit)}) t{i}"  # noqa: S608 (only column lists and placeholders)
        for i, (text, _) in enumerate(terms)
    )
    found: dict[int, Person] = {}
    for row in sql.fetch(statement, [value for _, params in terms for value in params]):
        found.setdefault(row[0], row)
    people = [sql.read(Person, row) for row in found.values()]
    return sorted(people, key=lambda p: (p.last_name.upper(), p.first_name.upper(), p.pk))[:limit]


def _card_category(facts) -> str:
    """The category to show on a card: the first active membership's, else the first one's."""
    for m in facts.memberships:
        if m.status == "active":
            return m.category_name
    if facts.memberships:
        m = facts.memberships[0]
        return f"{m.category_name} ({m.status})"
    return "No membership recorded"


def facts_without_history(branch: Branch, people: list[Person], *, meeting: Meeting | None = None):
    """For people already loaded: their PersonFacts without attendance history
    (only for rules with no ``attended`` condition — see
    eligibility.uses_attended), the branch's category names (cached on
    ``branch`` for category_names), and, with ``meeting``, their live
    check-ins at it (id and time only; other fields load on first use). One
    statement whatever the number of people.

    Returns (facts by person id, attendance by person id)."""
    ids = [p.pk for p in people]
    marks = sql.placeholders(len(ids))
    # PostgreSQL types a UNION's columns pair by pair, so the check-in time's
    # column (NULL until the last part) is typed from the first part on.
    no_time = "CAST(NULL AS TIMESTAMP WITH TIME ZONE)" if connection.vendor == "postgresql" else "NULL"
    parts = [
        # kind 0: memberships, with their categories
        'SELECT 0, m.person_id, c."order", m.started_on, m.id, c.slug, c.name, m.status,'  # noqa: S608 (column lists and placeholders only)
        f" m.continuous_since, m.ended_on, m.dues_paid_until, {no_time}"
        " FROM groups_membership m INNER JOIN groups_category c ON c.id = m.category_id"
        # By person only: these people are the branch's, and a branch_id test here tempts
        # SQLite (no statistics) to walk every membership of the branch.
        f" WHERE m.person_id IN ({marks})",
        # kind 1: the branch's categories, to name one a person does not hold
        f'SELECT 1, NULL, c."order", NULL, c.id, c.slug, c.name, NULL, NULL, NULL, NULL, {no_time}'  # noqa: S608
        " FROM groups_category c WHERE c.branch_id = %s",
    ]
    params: list = [*ids, branch.pk]
    if meeting is not None:
        # kind 2: live check-ins at this meeting
        parts.append(
            "SELECT 2, a.person_id, NULL, NULL, a.id, NULL, NULL, NULL, NULL, NULL, NULL, a.checked_in_at"  # noqa: S608 (column lists and placeholders only)
            f" FROM groups_attendance a WHERE a.meeting_id = %s AND a.undone_at IS NULL AND a.person_id IN ({marks})"
        )
        params += [meeting.pk, *ids]
    rows = sql.fetch(" UNION ALL ".join(parts), params) if ids else []
    memberships: dict[int, list] = {pk: [] for pk in ids}
    categories, here = [], {}
    for kind, person_id, order, started_on, pk, slug, name, status, since, ended_on, paid, at in rows:
        if kind == 0:
            memberships[person_id].append((order, started_on, pk, slug, name, status, since, ended_on, paid))
        elif kind == 1:
            categories.append((order, name, slug))
        else:
            here[person_id] = Attendance.from_db(
                DEFAULT_DB_ALIAS,
                ["id", "meeting_id", "person_id", "checked_in_at"],
                [pk, meeting.pk, person_id, sql.convert(Attendance, "checked_in_at", at)],
            )
    branch._category_names = {slug: name for _, name, slug in sorted(categories)}
    return {p.pk: facts_from_memberships(p, memberships[p.pk]) for p in people}, here


def facts_from_memberships(person: Person, rows) -> PersonFacts:
    """PersonFacts with no attendance history from raw membership rows
    (category order, started_on, id, slug, name, status, continuous_since,
    ended_on, dues_paid_until), in the order the engine expects."""
    day = sql.converter(Membership, "started_on")
    held = []
    for _, started_on, _, slug, name, status, since, ended_on, paid in sorted(
        ((o, day(s), pk, *rest) for o, s, pk, *rest in rows),
        key=lambda r: (r[0], r[1] is None, r[1] or date.min, r[2]),
    ):
        held.append(
            MembershipFacts(
                category_slug=slug,
                category_name=name,
                status=status,
                started_on=started_on,
                continuous_since=day(since),
                ended_on=day(ended_on),
                dues_paid_until=day(paid),
            )
        )
    return PersonFacts(
        memberships=tuple(held),
        date_of_birth=person.date_of_birth,
        ward=person.ward,
        postcode=person.postcode,
        attended=frozenset(),
        branch_meetings=(),
    )


def check_in_reads(meeting_id: int, person_id: int | None) -> tuple[tuple | None, list[tuple]]:
    """What a check-in reads inside its transaction, in one statement: the
    meeting's status, its rules' ids and versions and the id of the
    attendance rule's current version; and the person's memberships as
    facts_from_memberships takes them. (None, []) when the meeting is gone."""
    rows = sql.fetch(
        "SELECT cur.status, cur.attendance_rule_id, cur.attendance_version, cur.voting_rule_id,"
        " cur.voting_version, cur.version_id, c.\"order\", ms.started_on, ms.id, c.slug, c.name, ms.status,"
        " ms.continuous_since, ms.ended_on, ms.dues_paid_until"
        " FROM (SELECT m.status, m.attendance_rule_id, ar.version AS attendance_version, m.voting_rule_id,"
        " vr.version AS voting_version, rv.id AS version_id"
        " FROM groups_meeting m"
        " LEFT OUTER JOIN groups_rule ar ON ar.id = m.attendance_rule_id"
        " LEFT OUTER JOIN groups_rule vr ON vr.id = m.voting_rule_id"
        " LEFT OUTER JOIN groups_ruleversion rv ON rv.rule_id = ar.id AND rv.version = ar.version"
        " WHERE m.id = %s) cur"
        " LEFT OUTER JOIN groups_membership ms ON ms.person_id = %s"
        " LEFT OUTER JOIN groups_category c ON c.id = ms.category_id",
        [meeting_id, person_id],
    )
    if not rows:
        return None, []
    return rows[0][:6], [row[6:] for row in rows if row[8] is not None]


def door_cards(branch, meeting: Meeting, people: list[Person]) -> list[dict]:
    """One card per person: the attendance Decision, their category and any
    check-in. A fixed number of queries whatever the number of people: one,
    unless the rule asks about attendance history."""
    from .door import decide as door_decide
    from .door import eligibility_date, needs_attended

    if not people:
        return []
    as_of = eligibility_date(meeting)
    if needs_attended(meeting.attendance_rule):
        from .door import door_facts

        facts = door_facts([p.pk for p in people], branch=branch, as_of=as_of, people=people, names=True)
        here = {
            a.person_id: a
            for a in Attendance.objects.filter(meeting=meeting, person__in=people, undone_at__isnull=True)
        }
    else:
        facts, here = facts_without_history(branch, people, meeting=meeting)
    names = getattr(branch, "_category_names", None)
    cards = []
    for person in people:
        f = facts[person.pk]
        cards.append(
            {
                "person": person,
                "category": _card_category(f),
                "memberships": f.memberships,
                "decision": door_decide(meeting.attendance_rule, f, as_of, names=names),
                "attendance": here.get(person.pk),
            }
        )
    return cards


def attendance_rows(meeting: Meeting) -> QuerySet[Attendance]:
    """Everyone checked in (undone ones too), with who did what, for lists and exports."""
    return (
        Attendance.objects.filter(meeting=meeting)
        .select_related("person", "checked_in_by", "undone_by")
        .order_by("checked_in_at", "id")
    )


def apologies(meeting: Meeting) -> QuerySet[Person]:
    """People who replied "no" to their invitation."""
    return Person.objects.filter(invitations__meeting=meeting, invitations__reply=Reply.NO).order_by(
        "last_name", "first_name", "id"
    )


# --------------------------------------------------------------------------
# Eligibility: facts, decisions, compiled filters (issue 4)


def category_names(branch: Branch) -> dict[str, str]:
    """slug → name for the branch's categories (one query, cached on the branch object)."""
    cached = getattr(branch, "_category_names", None)
    if cached is None:
        cached = dict(Category.objects.filter(branch=branch).values_list("slug", "name"))
        branch._category_names = cached
    return cached


def _definition(definition_or_rule) -> dict:
    return definition_or_rule.definition if isinstance(definition_or_rule, Rule) else definition_or_rule


def rule_summary(rule: Rule, *, branch: Branch | None = None) -> str:
    """The rule in plain English, naming the branch's categories. Pass the
    rule's ``branch`` when summarising many rules, so its category names are
    fetched once."""
    try:
        return summarise(rule.definition, category_names=category_names(branch or rule.branch))
    except RuleError as exc:
        return f"This rule cannot be read ({exc})."


def eligible_people(branch: Branch, definition_or_rule, as_of: date) -> QuerySet[Person]:
    """The branch's people the rule admits on ``as_of``, as one filter."""
    q = compile_rule(_definition(definition_or_rule), as_of, branch=branch)
    return Person.objects.filter(branch=branch).filter(q)


_MEMBERSHIP_FACTS = (
    "category__order",
    "started_on",
    "id",
    "person_id",
    "category__slug",
    "category__name",
    "status",
    "continuous_since",
    "ended_on",
    "dues_paid_until",
)


def _category_rows(branch: Branch) -> QuerySet:
    """The branch's categories shaped like _MEMBERSHIP_FACTS rows, membership fields empty."""
    date_null, int_null, text_null = (Value(None, output_field=f) for f in (DateField(), IntegerField(), CharField()))
    return (
        Category.objects.filter(branch=branch)
        .order_by()
        .values_list(
            "order",
            date_null,
            int_null,
            int_null,
            "slug",
            "name",
            text_null,
            date_null,
            date_null,
            date_null,
        )
    )


def load_facts(
    people, *, branch: Branch, as_of: date | None = None, attended: bool = True, names: bool = False
) -> dict[int, PersonFacts]:
    """PersonFacts for many people in four queries whatever their number:
    people, memberships (with categories), attendance, the branch's meetings.
    With ``attended=False`` the last two are skipped (the facts then hold no
    attendance history: only for rules without an ``attended`` condition —
    see eligibility.uses_attended). With ``names=True`` the memberships come
    in the same query as the branch's category names (UNION ALL), which are
    then cached on ``branch`` for ``category_names``: one query, not two.

    ``people`` is a queryset of Person, a list of Person objects (then the
    people query is skipped) or ids. ``as_of`` limits the meetings fetched to
    those that may have started before it.
    """
    if isinstance(people, QuerySet):
        rows = list(people.values_list("id", "date_of_birth", "ward", "postcode"))
    else:
        items = list(people)
        if items and isinstance(items[0], Person):
            rows = [(p.pk, p.date_of_birth, p.ward, p.postcode) for p in items]
        else:
            rows = list(
                Person.objects.filter(branch=branch, pk__in=items).values_list(
                    "id", "date_of_birth", "ward", "postcode"
                )
            )
    ids = [r[0] for r in rows]
    memberships: dict[int, list[MembershipFacts]] = {pk: [] for pk in ids}
    went: dict[int, set[int]] = {pk: set() for pk in ids}
    # A queryset is passed on as a subquery, not as a list of 100,000 ids.
    wanted = people.values("pk") if isinstance(people, QuerySet) else ids
    if ids:
        # Plain tuples, not model instances: this runs on every door keystroke.
        rows_m = Membership.objects.filter(person_id__in=wanted).order_by().values_list(*_MEMBERSHIP_FACTS)
        if names:
            # UNION ALL the branch's category names (rows without a membership id): each
            # half answered by its own index, in one round trip.
            rows_m = list(rows_m.union(_category_rows(branch), all=True))
            categories = sorted((r for r in rows_m if r[2] is None), key=lambda r: (r[0], r[5]))
            branch._category_names = {r[4]: r[5] for r in categories}
            rows_m = [r for r in rows_m if r[2] is not None]
        for _, started_on, _, person_id, slug, name, status, since, ended_on, paid in sorted(
            rows_m, key=lambda r: (r[0], r[1] is None, r[1] or date.min, r[2])
        ):
            memberships[person_id].append(
                MembershipFacts(
                    category_slug=slug,
                    category_name=name,
                    status=status,
                    started_on=started_on,
                    continuous_since=since,
                    ended_on=ended_on,
                    dues_paid_until=paid,
                )
            )
    if ids and attended:
        for person_id, meeting_id in (
            Attendance.objects.filter(person_id__in=wanted, undone_at__isnull=True, meeting__branch=branch)
            .order_by()
            .values_list("person_id", "meeting_id")
        ):
            went[person_id].add(meeting_id)
    meetings = tuple(branch_meeting_facts(branch, before=as_of)) if attended else ()
    return {
        pk: PersonFacts(
            memberships=tuple(memberships[pk]),
            date_of_birth=dob,
            ward=ward,
            postcode=postcode,
            attended=frozenset(went[pk]),
            branch_meetings=meetings,
        )
        for pk, dob, ward, postcode in rows
    }


def membership_facts(m: Membership) -> MembershipFacts:
    """The engine's view of one membership (its category loaded with it)."""
    return MembershipFacts(
        category_slug=m.category.slug,
        category_name=m.category.name,
        status=m.status,
        started_on=m.started_on,
        continuous_since=m.continuous_since,
        ended_on=m.ended_on,
        dues_paid_until=m.dues_paid_until,
    )


def person_facts(person: Person, *, as_of: date) -> PersonFacts:
    """One person's facts in two queries: memberships with categories, and the
    branch's meetings before ``as_of`` each marked with whether they attended."""
    branch = person.branch
    rows = Membership.objects.filter(person=person).select_related("category").order_by()
    memberships = tuple(membership_facts(m) for m in sorted(rows, key=lambda m: (m.category.order, m.started_on, m.id)))
    went = Attendance.objects.filter(person=person, meeting=OuterRef("pk"), undone_at__isnull=True)
    meetings = branch_meeting_facts(branch, before=as_of, attended_by=went)
    return PersonFacts(
        memberships=memberships,
        date_of_birth=person.date_of_birth,
        ward=person.ward,
        postcode=person.postcode,
        attended=frozenset(m.id for m, went in meetings if went),
        branch_meetings=tuple(m for m, _ in meetings),
    )


def decide(person: Person, rule_or_definition, as_of: date) -> Decision:
    """One person's Decision. A rule that never asks about attendance needs
    one statement (facts_without_history: memberships and the branch's category names);
    one that does, two queries for the facts (with attendance history) and
    one for the names unless already cached on ``person.branch``."""
    branch = person.branch
    definition = _definition(rule_or_definition)
    if not uses_attended(definition):
        facts = facts_without_history(branch, [person])[0][person.pk]
        return evaluate(definition, facts, as_of, category_names=branch._category_names)
    facts = person_facts(person, as_of=as_of)
    return evaluate(definition, facts, as_of, category_names=category_names(branch))


def person_decisions(person: Person, as_of: date) -> list[tuple[Rule, Decision]]:
    """The person's Decision under each of the branch's rules (a fixed number of queries)."""
    branch = person.branch
    facts = person_facts(person, as_of=as_of)
    names = category_names(branch)
    out = []
    for rule in Rule.objects.filter(branch=branch).order_by("name"):
        try:
            decision = evaluate(rule.definition, facts, as_of, category_names=names)
        except RuleError as exc:
            decision = Decision(False, (f"This rule cannot be read ({exc}).",))
        out.append((rule, decision))
    return out


def decisions_for(
    people: list[Person], definition: dict, *, branch: Branch, as_of: date
) -> list[tuple[Person, Decision]]:
    """Decisions for a page of people: four queries whatever the page size."""
    facts = load_facts(people, branch=branch, as_of=as_of)
    names = category_names(branch)
    return [(p, evaluate(definition, facts[p.pk], as_of, category_names=names)) for p in people]


def eligibility_counts(branch: Branch, definition: dict, as_of: date) -> dict:
    """Eligible / not eligible overall and by category held (any status).

    Someone holding two categories counts under each; people with no
    membership have their own row. Two queries plus compiling.
    """
    q = compile_rule(definition, as_of, branch=branch)
    people = Person.objects.filter(branch=branch)
    totals = people.aggregate(total=Count("pk"), eligible=Count("pk", filter=q))
    flag = Case(When(q, then=Value(True)), default=Value(False), output_field=BooleanField())
    rows = (
        people.annotate(ok=flag)
        .values("memberships__category_id", "ok")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    by_cat: dict[int | None, dict[str, int]] = {}
    for row in rows:
        entry = by_cat.setdefault(row["memberships__category_id"], {"eligible": 0, "not_eligible": 0})
        entry["eligible" if row["ok"] else "not_eligible"] += row["n"]
    categories = []
    for cat in Category.objects.filter(branch=branch):
        entry = by_cat.get(cat.pk, {"eligible": 0, "not_eligible": 0})
        categories.append({"name": cat.name, **entry})
    if None in by_cat:
        categories.append({"name": "No membership", **by_cat[None]})
    return {
        "total": totals["total"],
        "eligible": totals["eligible"],
        "not_eligible": totals["total"] - totals["eligible"],
        "categories": categories,
    }


def compare_rules(branch: Branch, old: dict, new: dict, as_of: date, *, limit: int = 50) -> dict:
    """Who gains and who loses eligibility going from ``old`` to ``new``:
    counts, counts by category and up to ``limit`` names each."""
    q_old = compile_rule(old, as_of, branch=branch)
    q_new = compile_rule(new, as_of, branch=branch)
    people = Person.objects.filter(branch=branch)
    out = {}
    for key, q in (("gains", q_new & ~q_old), ("loses", q_old & ~q_new)):
        changed = people.filter(q)
        count = changed.count()
        cats = (
            Category.objects.filter(branch=branch)
            .annotate(n=Count("memberships__person", filter=Q(memberships__person__in=changed), distinct=True))
            .filter(n__gt=0)
            .values_list("name", "n")
        )
        names = list(changed.order_by("last_name", "first_name", "id")[:limit])
        out[key] = {"count": count, "categories": list(cats), "people": names, "more": max(0, count - len(names))}
    return out


def person_attendance(person: Person) -> QuerySet[Attendance]:
    """A person's check-ins (not undone), newest first, with their meetings."""
    return (
        Attendance.objects.filter(person=person, undone_at__isnull=True)
        .select_related("meeting")
        .order_by("-checked_in_at")
    )


# --------------------------------------------------------------------------
# Members' own view (issue 5): the meetings a linked person may attend


def linked_person(user, branch: Branch) -> Person | None:
    """The Person of this branch linked to the user (never looked up by an id
    from the URL)."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Person.objects.filter(branch=branch, user=user).select_related("branch").first()


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def why_not(rule: Rule, decision: Decision, memberships) -> str:
    """Plain English for a refusal: "This meeting is for party members only —
    you are a registered supporter." (Decision.reasons add the detail.)"""
    audience = rule.name[:1].lower() + rule.name[1:]
    active = [m.category_name for m in memberships if m.status == "active"]
    if active:
        names = [n.lower() for n in dict.fromkeys(active)]
        you = f"you are {_article(names[0])} " + " and ".join(names)
    elif memberships:
        m = memberships[0]
        you = f"your {m.category_name.lower()} membership is {m.status}"
    else:
        you = "we have no membership recorded for you"
    return f"This meeting is for {audience} — {you}."


def my_meetings(branch: Branch, person: Person, *, now: datetime, limit: int | None = None) -> list[dict]:
    """Upcoming published meetings of the branch with, for this person, the
    Decision of each meeting's attendance rule, their invitation and reply,
    and a plain-English reason when they may not come. A fixed number of
    queries whatever the number of meetings."""
    from .models import Invitation, MeetingStatus
    from .services.meetings import effective_eligibility_date

    meetings = list(
        Meeting.objects.filter(branch=branch, status=MeetingStatus.PUBLISHED, starts_at__gte=now)
        .select_related("attendance_rule")
        .order_by("starts_at", "id")
    )
    if not meetings:
        return []
    facts = load_facts([person], branch=branch)[person.pk]
    names = category_names(branch)
    invitations = {
        i.meeting_id: i for i in Invitation.objects.filter(person=person, meeting__in=[m.pk for m in meetings])
    }
    rows = []
    for meeting in meetings:
        meeting.branch = branch
        rule = meeting.attendance_rule
        if rule is None:
            decision = Decision(True, ("Open to everyone",))
        else:
            try:
                decision = evaluate(rule.definition, facts, effective_eligibility_date(meeting), category_names=names)
            except RuleError as exc:
                decision = Decision(False, (f"This meeting's rule cannot be read ({exc}).",))
        rows.append(
            {
                "meeting": meeting,
                "decision": decision,
                "invitation": invitations.get(meeting.pk),
                "why": "" if decision.eligible else why_not(rule, decision, facts.memberships),
            }
        )
    if limit is not None:
        rows = [r for r in rows if r["decision"].eligible][:limit]
    return rows
