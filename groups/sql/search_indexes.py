"""The search indexes Model.Meta cannot declare (migrations 0005, 0006, 0007, 0029, 0032):
each database writes a case-insensitive index differently (COLLATE NOCASE on
SQLite, UPPER(col) on PostgreSQL), so they are raw SQL.

Why they are re-made after every migrate (groups.apps, post_migrate): on
SQLite, Django changes a table by copying it into a new one and re-creating
only the indexes it knows from the models. Migration 0021 did that to
groups_person, and every index here on that table silently went: the door's
and the people list's name searches read the whole branch (18-40x the bare
view at 100,000 people) until migration 0027 made them again."""

from __future__ import annotations

SQLITE = [
    # 0005: the door's name searches, which also give its order.
    "CREATE INDEX IF NOT EXISTS person_branch_last_ci ON groups_person "
    "(branch_id, last_name COLLATE NOCASE, first_name COLLATE NOCASE)",
    "CREATE INDEX IF NOT EXISTS person_branch_first_ci ON groups_person "
    "(branch_id, first_name COLLATE NOCASE, last_name COLLATE NOCASE)",
    # 0006: the people list's search (groups/sql/people.py).
    *(
        f'CREATE INDEX IF NOT EXISTS "person_search_{c}" ON "groups_person" ("{c}" COLLATE NOCASE)'
        for c in ("first_name", "last_name", "email", "postcode")
    ),
    'CREATE INDEX IF NOT EXISTS "membership_search_number" ON "groups_membership" ("number" COLLATE NOCASE)',
]

POSTGRESQL = [
    # 0006: the membership number, any case.
    'CREATE INDEX IF NOT EXISTS "membership_search_number" ON "groups_membership" '
    '(UPPER("number"::text) text_pattern_ops)',
    # 0027: the people list's name search answered from the index alone (an
    # index-only scan: the names and the id are in it), where the others
    # above made PostgreSQL read a heap row per match: 3,839 rows in 1,595
    # blocks for "Nowa" at 100,000 people, 83 ms → 3.7 ms (EXPLAIN ANALYZE).
    "CREATE INDEX IF NOT EXISTS person_branch_last_cover ON groups_person "
    "(branch_id, UPPER(last_name::text) text_pattern_ops) INCLUDE (id, last_name, first_name)",
    "CREATE INDEX IF NOT EXISTS person_branch_first_cover ON groups_person "
    "(branch_id, UPPER(first_name::text) text_pattern_ops) INCLUDE (id, first_name, last_name)",
    # 0032: email and postcode the same way (the column too: PostgreSQL
    # reads an expression index alone only with the column in it), in place
    # of 0006's, so a search's prepared statement is cheap in its generic
    # plan too (groups/sql/people_ways.py pg_ways).
    "CREATE INDEX IF NOT EXISTS person_branch_email_cover ON groups_person "
    "(branch_id, UPPER(email::text) text_pattern_ops) INCLUDE (id, email)",
    "CREATE INDEX IF NOT EXISTS person_branch_postcode_cover ON groups_person "
    "(branch_id, UPPER(postcode::text) text_pattern_ops) INCLUDE (id, postcode)",
    # 0007: the door's name searches, in the order they show.
    "CREATE INDEX IF NOT EXISTS person_branch_last_c ON groups_person "
    '(branch_id, (UPPER(last_name) COLLATE "C"), (UPPER(first_name) COLLATE "C"))',
    "CREATE INDEX IF NOT EXISTS person_branch_first_c ON groups_person "
    '(branch_id, (UPPER(first_name) COLLATE "C"), (UPPER(last_name) COLLATE "C"))',
]

# Dropped by 0032 on PostgreSQL: each answered only what an index above
# answers as well or better (every search is a branch's), and each index on
# groups_person costs the planner time in every scan of it (~12 % of a
# search's planning for these four names' indexes; bench/RESULTS.md).
# 0005's (branch, UPPER(name), UPPER(other name)) text_pattern_ops and
# 0006's UPPER(name) beside the covering name indexes; 0006's email and
# postcode, replaced by their covering ones.
DROPPED_POSTGRESQL = [
    "person_branch_last_ci",
    "person_branch_first_ci",
    "person_search_first_name",
    "person_search_last_name",
    "person_search_email",
    "person_search_postcode",
]

# 0029: the door's close matches ("Adeymi" for Adeyemi; groups/sql/door.py
# `close_matches`), found by trigram similarity where the prefix search found
# nobody: the last name, the first name, and the whole name as the statement
# writes it (the expression exactly, or the planner would not use it). Three
# indexes, not one of three columns: at 100,000 people the three-column GIN
# index took 14 ms to find the candidates of "akharturner" where the last
# name's own took 1.3 ms (EXPLAIN ANALYZE, 2 Dec 2026). Needs pg_trgm
# (migration 0029 creates it), so they are made only once that is there.
TRIGRAM = [
    "CREATE INDEX IF NOT EXISTS person_last_trgm ON groups_person USING gin (last_name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS person_first_trgm ON groups_person USING gin (first_name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS person_name_trgm ON groups_person USING gin "
    "((first_name || ' ' || last_name) gin_trgm_ops)",
]

STATEMENTS = {"sqlite": SQLITE, "postgresql": POSTGRESQL}


def _statements(connection) -> list[str]:
    """The statements for this database: the trigram index only where pg_trgm is installed
    (an earlier migration, 0027, runs `ensure` before 0029 has created it)."""
    statements = STATEMENTS.get(connection.vendor, [])
    if connection.vendor == "postgresql" and has_trigrams(connection):
        statements = statements + TRIGRAM
    return statements


def has_trigrams(connection) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        return cursor.fetchone() is not None


def names(vendor: str, *, trigrams: bool = False) -> list[str]:
    """The index names this database should have (`trigrams`: with pg_trgm installed)."""
    statements = STATEMENTS.get(vendor, []) + (TRIGRAM if trigrams and vendor == "postgresql" else [])
    return [_name(s) for s in statements]


def _name(statement: str) -> str:
    return statement.split(" IF NOT EXISTS ")[1].split(" ON ")[0].strip('"')


def missing(connection) -> list[str]:
    """Which of them the database lacks."""
    wanted = [_name(s) for s in _statements(connection)]
    if not wanted:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        else:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")
        present = {row[0] for row in cursor.fetchall()}
    return [n for n in wanted if n not in present]


def ensure(connection) -> list[str]:
    """Create the ones missing (CREATE INDEX IF NOT EXISTS); returns their
    names. Nothing while either table does not exist (migrating to zero)."""
    tables = set(connection.introspection.table_names())
    if not {"groups_person", "groups_membership"} <= tables:
        return []
    gone = missing(connection)
    if gone:
        with connection.cursor() as cursor:
            for statement in _statements(connection):
                cursor.execute(statement)
    return gone
