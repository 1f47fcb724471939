"""The door's reads: the meeting with its rules, one person, the search, the
last check-ins, and the memberships behind the cards (see the package
docstring for why by hand)."""

from __future__ import annotations

from functools import cache, lru_cache

from django.db import DEFAULT_DB_ALIAS, connection

from ..models import Attendance, Branch, Category, Meeting, Membership, Person, Rule
from .core import Table, convert, converter, fetch, placeholders, read, width


@cache
def _meeting_statement() -> str:
    m, ar, vr = Table(Meeting, "m"), Table(Rule, "ar"), Table(Rule, "vr")
    return (
        f"SELECT {m.all}, {ar.all}, {vr.all} FROM {m}"
        f" LEFT OUTER JOIN {ar} ON {ar.id} = {m.attendance_rule}"
        f" LEFT OUTER JOIN {vr} ON {vr.id} = {m.voting_rule}"
        f" WHERE {m.id} = %s AND {m.branch} = %s"
    )


def meeting_with_rules(branch_id: int, pk: int) -> Meeting | None:
    """The branch's meeting with both its rules cached on it, as
    select_related would leave them; None when it is not this branch's."""
    rows = fetch(_meeting_statement(), [pk, branch_id])
    if not rows:
        return None
    row, size, rule_size = rows[0], width(Meeting), width(Rule)
    meeting = read(Meeting, row[:size])
    for name, start in (("attendance_rule", size), ("voting_rule", size + rule_size)):
        values = row[start : start + rule_size]
        Meeting._meta.get_field(name).set_cached_value(meeting, read(Rule, values) if values[0] else None)
    return meeting


@cache
def _person_statement() -> str:
    p = Table(Person, "p")
    # Never a tombstone (Person.objects leaves them out too): an erased person cannot be checked in.
    return f"SELECT {p.all} FROM {p} WHERE {p.id} = %s AND {p.branch} = %s AND {p.erased_at} IS NULL"


def person(branch_id: int, pk: int) -> Person | None:
    rows = fetch(_person_statement(), [pk, branch_id])
    return read(Person, rows[0]) if rows else None


# --------------------------------------------------------------------------
# The search


def _like_prefix(text: str) -> str:
    """A LIKE pattern for "starts with `text`", its wildcards escaped (escape character: backslash)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _name_term(p: Table, *fields: str, order: tuple[str, str]) -> tuple[str, str]:
    """People whose name columns start with the given prefixes, ignoring case,
    in the order of the door-search index that answers it: NOCASE columns on
    SQLite (migration 0005), UPPER(name) COLLATE "C" on PostgreSQL (migration
    0007). Both read only the first rows of a prefix shared by thousands. The
    index columns are written exactly as the indexes store them, or the
    planner would not use them."""
    if connection.vendor == "postgresql":
        where = [f'(UPPER({getattr(p, f)}) COLLATE "C") LIKE UPPER(%s)' for f in fields]
        by = [f'(UPPER({getattr(p, f)}) COLLATE "C")' for f in order]
    else:
        where = [f"{getattr(p, f)} LIKE %s ESCAPE '\\'" for f in fields]
        by = [f"{getattr(p, f)} COLLATE NOCASE" for f in order]
    return " AND ".join(where), ", ".join([*by, p.id])


def _search_terms(
    branch_id: int, q: str, *, postcode: str, columns: str, ordered: bool = True
) -> list[tuple[str, list]]:
    """One (statement, params) per way of matching `q`, each selecting `columns` of the person;
    a name's in its index's order unless not `ordered` (a count takes any `cap` rows: if a way
    has that many, the count says "cap+" whichever they are, and with fewer it takes them all)."""
    p, ms = Table(Person, "p"), Table(Membership, "m")
    person = f"SELECT {columns} FROM {p} WHERE {p.branch} = %s AND "
    terms: list[tuple[str, list]] = [
        (
            person + f"{p.id} IN (SELECT {ms.person} FROM {ms} WHERE {ms.branch} = %s AND {ms.number} = %s)",
            [branch_id, branch_id, q],
        )
    ]
    if "@" in q:
        # Repeats the unique index's condition (email <> ''), so that partial index answers it.
        terms.append((person + f"LOWER({p.email}) = %s AND {p.email} <> ''", [branch_id, q.lower()]))
    elif any(ch.isdigit() for ch in q):
        if postcode:
            terms.append((person + f"{p.postcode} = %s", [branch_id, postcode]))
    else:
        words = q.split(" ")
        rest = " ".join(words[1:])
        for fields, prefixes, order in (
            (("last_name",), [q], ("last_name", "first_name")),
            (("first_name",), [q], ("first_name", "last_name")),
            (("first_name", "last_name"), [words[0], rest], ("first_name", "last_name")),
            # Surname first ("adeyemi emre"), as a register lists people: the
            # last-name index answers it, the first name filters what it finds.
            (("last_name", "first_name"), [words[0], rest], ("last_name", "first_name")),
        ):
            if len(prefixes) > 1 and len(words) < 2:
                continue
            where, by = _name_term(p, *fields, order=order)
            order_by = f" ORDER BY {by}" if ordered else ""
            terms.append((f"{person}{where}{order_by}", [branch_id, *map(_like_prefix, prefixes)]))
    return terms


def search(branch_id: int, q: str, *, postcode: str, limit: int) -> list[Person]:
    """The branch's people matching `q` (whitespace already collapsed): an
    exact membership number, email or postcode (`postcode`: `q` normalised as
    one), or name prefixes ("ana", "ana sil", "silva"); at most `limit` from
    each way of matching, each person once, in no particular order.

    One statement: a UNION ALL of one small indexed search per way of
    matching, never an OR across columns (neither SQLite nor PostgreSQL can
    answer such an OR from indexes, and a branch of 100,000 people would be
    scanned on every keystroke). Each way contributes its first `limit`
    people in its own index order (a first-name match by first name)."""
    terms = _search_terms(branch_id, q, postcode=postcode, columns=Table(Person, "p").all)
    found: dict[int, tuple] = {}
    for row in fetch(_union_all(terms, limit), [value for _, params in terms for value in params]):
        found.setdefault(row[0], row)
    return [read(Person, row) for row in found.values()]


def _union_all(terms: list[tuple[str, list]], limit: int) -> str:
    return " UNION ALL ".join(f"SELECT * FROM ({text} LIMIT {int(limit)}) t{i}" for i, (text, _) in enumerate(terms))


def _count_union(terms: list[tuple[str, list]], cap: int) -> str:
    # UNION, not UNION ALL: someone found by first and by last name counts once.
    return " UNION ".join(f"SELECT * FROM ({text} LIMIT {int(cap)}) c{i}" for i, (text, _) in enumerate(terms))


def search_and_count(branch_id: int, q: str, *, postcode: str, limit: int, cap: int) -> tuple[list[Person], int]:
    """`search`'s people, and how many people the search could find for `q`,
    counted up to `cap` (each way of matching stops at `cap`, so a one-letter
    prefix in a branch of 100,000 reads at most `cap` index entries per way),
    in one statement: the count is an uncorrelated subquery beside the rows,
    which both databases run once. The caller shows the count only when there
    are more than it shows; when there are not, every way of matching found
    fewer than `limit` and the count reads no more than the search did. (It
    was a second statement, asked only then; one round trip fewer, and on
    SQLite it measured cheaper than both a CTE with a CASE and two statements.)
    Keep `cap` small: on PostgreSQL each entry counted is a heap fetch (the id is
    not in the name indexes), 0.3 ms at 61 against 1.4 ms at 500 (EXPLAIN ANALYZE)."""
    p = Table(Person, "p")
    terms = _search_terms(branch_id, q, postcode=postcode, columns=p.all)
    counted = _search_terms(branch_id, q, postcode=postcode, columns=p.id, ordered=False)
    statement = (
        f"SELECT found.*, (SELECT COUNT(*) FROM ({_count_union(counted, cap)}) c)"
        f" FROM ({_union_all(terms, limit)}) found"
    )
    params = [value for _, params in counted for value in params] + [value for _, params in terms for value in params]
    found: dict[int, tuple] = {}
    total = 0
    for row in fetch(statement, params):
        found.setdefault(row[0], row[:-1])
        total = int(row[-1])
    return [read(Person, row) for row in found.values()], min(total, cap)


# --------------------------------------------------------------------------
# Close matches: a name mistyped by a letter or two, asked only when the
# search above found nobody (groups.queries.door.door_results)

# The whole name as the trigram index has it (groups/sql/search_indexes.py TRIGRAM).
_WHOLE_NAME = "({first} || ' ' || {last})"


def close_matches(branch_id: int, words: list[str], *, limit: int) -> list[tuple[float, Person]]:
    """PostgreSQL: the branch's people whose names are most like `words`
    (pg_trgm's similarity, above its threshold: the `%` operator, which the
    trigram index answers), best first, at most `limit` per way, as (similarity,
    person). One word: like a last or a first name; more: like the whole name,
    either way round (trigrams do not keep the words' order, so "adeyemi emer"
    is as close to Emre Adeyemi as "emer adeyemi"). One statement."""
    p = Table(Person, "p")
    typed = " ".join(words)
    if len(words) == 1:
        columns = [p.last_name, p.first_name]
    else:
        columns = [_WHOLE_NAME.format(first=p.first_name, last=p.last_name)]
    parts, params = [], []
    for i, column in enumerate(columns):
        parts.append(
            f"SELECT * FROM (SELECT similarity({column}, %s) AS s, {p.all} FROM {p}"
            f" WHERE {column} %% %s AND {p.branch} = %s AND {p.erased_at} IS NULL"
            f" ORDER BY 1 DESC, {p.id} LIMIT {int(limit)}) t{i}"
        )
        params += [typed, typed, branch_id]
    return [(float(row[0]), read(Person, row[1:])) for row in fetch(" UNION ALL ".join(parts), params)]


@cache
def _distinct_names_statement() -> str:
    p = Table(Person, "p")
    # Each name once (a branch of 100,000 has far fewer names than people): reading every row
    # of the branch, even from its index alone, cost 50-65 ms of SQLite's and Python's time.
    # NOCASE as the door's name indexes hold them, so SQLite reads each name in the index's
    # order, without a temporary B-tree of its own (each case of a name once: `named` finds them all).
    return (
        f"SELECT 0, * FROM (SELECT DISTINCT {p.last_name} COLLATE NOCASE FROM {p} WHERE {p.branch} = %s)"
        f" UNION ALL SELECT 1, * FROM (SELECT DISTINCT {p.first_name} COLLATE NOCASE FROM {p} WHERE {p.branch} = %s)"
    )


def distinct_names(branch_id: int) -> tuple[list[str], list[str]]:
    """SQLite: the branch's last names and first names, each once, for matching
    mistyped names in Python (an erased person's names are empty)."""
    lasts, firsts = [], []
    for kind, name in fetch(_distinct_names_statement(), [branch_id, branch_id]):
        (firsts if kind else lasts).append(name)
    return lasts, firsts


def named(branch_id: int, ways: list[dict[str, list[str]]], *, limit: int) -> list[tuple[int, str, str]]:
    """SQLite: (id, first name, last name) of the branch's people whose names
    are among those given, one way per dict ({"last_name": [...], "first_name":
    [...]}: both, where both are given), at most `limit` a way; from the door's
    name indexes alone (NOCASE, as they are written). One statement."""
    p = Table(Person, "p")
    parts, params = [], []
    for i, way in enumerate(ways):
        where = " AND ".join(f"{getattr(p, f)} COLLATE NOCASE IN ({placeholders(len(v))})" for f, v in way.items())
        parts.append(
            f"SELECT * FROM (SELECT {p.id}, {p.first_name}, {p.last_name} FROM {p}"
            f" WHERE {p.branch} = %s AND {where} LIMIT {int(limit)}) n{i}"
        )
        params += [branch_id, *(name for names in way.values() for name in names)]
    return fetch(" UNION ALL ".join(parts), params) if parts else []


def people(branch_id: int, ids: list[int]) -> dict[int, Person]:
    """The branch's people with these ids, never a tombstone, by id."""
    if not ids:
        return {}
    p = Table(Person, "p")
    statement = (
        f"SELECT {p.all} FROM {p} WHERE {p.id} IN ({placeholders(len(ids))})"
        f" AND {p.branch} = %s AND {p.erased_at} IS NULL"
    )
    return {row[0]: read(Person, row) for row in fetch(statement, [*ids, branch_id])}


# --------------------------------------------------------------------------
# The quorum's figures (polled every 5 s by each device at the door)


@cache
def _quorum_statement() -> str:
    a, b = Table(Attendance, "a"), Table(Branch, "b")
    return (
        f"SELECT COUNT({a.id}), COUNT(CASE WHEN {a.person} IS NULL THEN 1 END),"
        f" COUNT(CASE WHEN {a.person} IS NOT NULL AND {a.may_vote} THEN 1 END),"
        f" (SELECT {b.people_version} FROM {b} WHERE {b.id} = %s)"
        f" FROM {a} WHERE {a.meeting} = %s AND {a.undone_at} IS NULL AND {a.left_at} IS NULL"
    )


def quorum_figures(meeting_id: int, branch_id: int) -> tuple[int, int, int, int]:
    """(present, guests, present and may vote) among the meeting's live
    check-ins, and the branch's people_version read in the same statement,
    before the eligible count it keys (groups/eligibility/count_cache.py)."""
    present, guests, voters, version = fetch(_quorum_statement(), [branch_id, meeting_id])[0]
    return present, guests, voters, version or 0


# --------------------------------------------------------------------------
# The last check-ins


@cache
def _recent_statement() -> str:
    a, p = Table(Attendance, "a"), Table(Person, "p")
    return (
        f"SELECT {a.all}, {p.all} FROM {a} LEFT OUTER JOIN {p} ON {p.id} = {a.person}"
        f" WHERE {a.meeting} = %s AND {a.undone_at} IS NULL"
        f" ORDER BY {a.checked_in_at} DESC, {a.id} DESC LIMIT %s"
    )


def recent_check_ins(meeting_id: int, n: int) -> list[Attendance]:
    """The meeting's last `n` live check-ins, newest first, each with its
    person cached (None for a guest), as select_related("person") leaves them.
    By hand: every tap in door mode sends them back, and Django took longer to
    build this query's SQL than to run it (bench/RESULTS.md "Door", 1 Dec 2026)."""
    size = width(Attendance)
    field = Attendance._meta.get_field("person")
    out = []
    for row in fetch(_recent_statement(), [meeting_id, int(n)]):
        attendance = read(Attendance, row[:size])
        field.set_cached_value(attendance, read(Person, row[size:]) if row[size] is not None else None)
        out.append(attendance)
    return out


# --------------------------------------------------------------------------
# The memberships behind the cards


@lru_cache(maxsize=256)
def _memberships_statement(n: int, vendor: str, here: bool) -> str:
    m, c, a = Table(Membership, "m"), Table(Category, "c"), Table(Attendance, "a")
    marks = placeholders(n)
    # PostgreSQL types a UNION's columns pair by pair, so the check-in time's
    # column (NULL until the last part) is typed from the first part on.
    no_time = "CAST(NULL AS TIMESTAMP WITH TIME ZONE)" if vendor == "postgresql" else "NULL"
    parts = [
        # kind 0: memberships, with their categories
        f"SELECT 0, {m.person}, {c.order}, {m.started_on}, {m.id}, {c.slug}, {c.name}, {m.status},"
        f" {m.continuous_since}, {m.ended_on}, {m.dues_paid_until}, {no_time}"
        f" FROM {m} INNER JOIN {c} ON {c.id} = {m.category}"
        # By person only: these people are the branch's, and a branch_id test here tempts
        # SQLite (no statistics) to walk every membership of the branch.
        f" WHERE {m.person} IN ({marks})",
        # kind 1: the branch's categories, to name one a person does not hold
        f"SELECT 1, NULL, {c.order}, NULL, {c.id}, {c.slug}, {c.name}, NULL, NULL, NULL, NULL, {no_time}"
        f" FROM {c} WHERE {c.branch} = %s",
    ]
    if here:
        # kind 2: live check-ins at this meeting
        parts.append(
            f"SELECT 2, {a.person}, NULL, NULL, {a.id}, NULL, NULL, NULL, NULL, NULL, NULL, {a.checked_in_at}"
            f" FROM {a} WHERE {a.meeting} = %s AND {a.undone_at} IS NULL AND {a.person} IN ({marks})"
        )
    return " UNION ALL ".join(parts)


def memberships_with_names(
    person_ids: list[int], *, branch_id: int, meeting_id: int | None = None
) -> tuple[dict[int, list[tuple]], list[tuple[int, str, str]], dict[int, Attendance]]:
    """In one statement: these people's memberships as membership rows (see
    groups.eligibility.loading.facts_from_rows), the branch's categories as
    (order, name, slug), and with ``meeting_id`` their live check-ins at that
    meeting (id and time only; other fields load on first use), by person id.
    Dates come typed, as the ORM gives them."""
    if not person_ids:
        return {}, [], {}
    params: list = [*person_ids, branch_id]
    if meeting_id is not None:
        params += [meeting_id, *person_ids]
    rows = fetch(_memberships_statement(len(person_ids), connection.vendor, meeting_id is not None), params)
    day = converter(Membership, "started_on")
    memberships: dict[int, list[tuple]] = {pk: [] for pk in person_ids}
    categories, here = [], {}
    for kind, person_id, order, started_on, pk, slug, name, status, since, ended_on, paid, at in rows:
        if kind == 0:
            memberships[person_id].append(
                (order, day(started_on), pk, slug, name, status, day(since), day(ended_on), day(paid))
            )
        elif kind == 1:
            categories.append((order, name, slug))
        else:
            here[person_id] = Attendance.from_db(
                DEFAULT_DB_ALIAS,
                ["id", "meeting_id", "person_id", "checked_in_at"],
                [pk, meeting_id, person_id, convert(Attendance, "checked_in_at", at)],
            )
    return memberships, categories, here
