"""PostgreSQL's walk of the name index (groups/sql/people_walk.py): which
words it answers, that it gives the ORM's page and count (on the generated
branch of test_people_read_path, whose tests also hold it equal for every
query and sort), that another collation falls back to the general
statement, and that FOLDS names every character UPPER folds into an ASCII
letter on this database."""

import pytest
from django.db import connection

from groups.sql import people as sql_people
from groups.sql import people_walk

from .test_people_read_path import _orm, crowd  # noqa: F401  (the fixture)

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


def _walk(branch, word, sort="name", offset=0, limit=50):
    return people_walk.page_ids(branch.pk, word, sort=sort, offset=offset, limit=limit)


def _expected(branch, word, sort, offset, limit):
    ids = list(_orm(branch, {"q": word, "sort": sort}).values_list("pk", flat=True))
    return ids[offset : offset + limit], len(ids)


@pytest.mark.parametrize("sort", ["name", "-name"])
def test_the_walk_gives_the_orm_s_page_and_count(crowd, branch, sort):  # noqa: F811
    for word in ("now", "NOW", "nowak", "a", "si", "SIL", "ana", "o", "zzz", "evans"):
        for offset, limit in ((0, 50), (0, 7), (7, 7), (14, 7)):
            ids, count = _walk(branch, word, sort, offset, limit) or (None, None)
            want, total = _expected(branch, word, sort, offset, limit)
            assert ids == want, (word, sort, offset)
            assert count == (total if want else None), (word, sort, offset)


def test_it_answers_only_short_words_of_ascii_letters_sorted_by_name(crowd, branch):  # noqa: F811
    assert _walk(branch, "now") is not None and _walk(branch, "si", "-name") is not None
    assert _walk(branch, "L0007") is None and _walk(branch, "é") is None and _walk(branch, "o'b") is None
    assert _walk(branch, "now", sort="joined") is None
    assert _walk(branch, "now", offset=people_walk.MAX_ROWS) is None
    assert _walk(branch, "s" * 20) is None  # too many forms: the general statement


def test_the_forms_of_a_word_are_its_case_and_fold_variants_in_code_point_order():
    assert people_walk._forms("ab", {}) == ["AB", "Ab", "aB", "ab"]
    assert people_walk._forms("si", {"S": "ſ", "I": "ı"}) == sorted(
        a + b for a in ("S", "s", "ſ") for b in ("I", "i", "ı")
    )
    assert people_walk._forms("a1", {}) is None and people_walk._forms("", {}) is None


def test_another_collation_takes_the_general_statement(crowd, branch, monkeypatch):  # noqa: F811
    """Under a collation whose order is not code points (the case forms of a
    prefix interleave), _folds is None: no walk, and the same page."""
    walked = sql_people.page_ids(branch.pk, words=["now"], whole_postcode="", sort="name", offset=0, limit=50)
    monkeypatch.setitem(people_walk._ready, connection.settings_dict["NAME"], None)
    assert _walk(branch, "now") is None
    general = sql_people.page_ids(branch.pk, words=["now"], whole_postcode="", sort="name", offset=0, limit=50)
    assert general == walked


def test_the_collation_check_reads_this_database_as_code_point_order(db, monkeypatch):
    monkeypatch.setattr(people_walk, "_ready", {})
    with connection.cursor() as cursor:
        cursor.execute("SELECT datcollate FROM pg_database WHERE datname = current_database()")
        collate = cursor.fetchone()[0]
    folds = people_walk._folds()
    assert (folds is not None) == (collate.lower() in people_walk.C_COLLATIONS)


def test_folds_names_every_character_upper_folds_into_an_ascii_letter(db):
    """Over every code point: what this database's UPPER turns into A–Z from
    outside ASCII is in FOLDS (else a name starting with it would be missed)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT string_agg(chr(i), '' ORDER BY i) FROM generate_series(128, 1114111) i"
            " WHERE i NOT BETWEEN 55296 AND 57343 AND ascii(upper(chr(i))) BETWEEN 65 AND 90"
        )
        found = cursor.fetchone()[0] or ""
    assert set(found) <= set(people_walk.FOLDS)


AUDIT_COLUMNS = ("actor_id", "branch_id", "action", "object_type", "object_id", "person_id", "summary", "changes")


def test_the_walk_writes_the_audit_row_record_people_read_writes(crowd, branch, organiser):  # noqa: F811
    from groups.models import AuditEvent
    from groups.services import exports

    before = set(AuditEvent.objects.values_list("pk", flat=True))
    for sort, page, size in (("name", 1, 7), ("-name", 2, 7), ("name", 1, 1)):
        read = exports.PeopleRead(branch=branch, actor=organiser, page=page, filters=["q"])
        ids, _ = _walk(branch, "now", sort, (page - 1) * size, size) or (None, None)
        assert ids and len(ids) == size
        written = people_walk.page_ids(branch.pk, "now", sort=sort, offset=(page - 1) * size, limit=size, audit=read)
        assert written == (ids, _) and read.written
        exports.record_people_read(branch=branch, actor=organiser, people=len(ids), page=page, filters=["q"])
        rows = list(AuditEvent.objects.exclude(pk__in=before).order_by("pk").values(*AUDIT_COLUMNS, "at"))
        before |= set(AuditEvent.objects.values_list("pk", flat=True))
        assert len(rows) == 2
        walked, recorded = rows
        assert {k: walked[k] for k in AUDIT_COLUMNS} == {k: recorded[k] for k in AUDIT_COLUMNS}
        assert recorded["summary"].startswith(f"Read {size} ")
        assert abs((walked["at"] - recorded["at"]).total_seconds()) < 60
        # Once written, not again: a second read of the page writes nothing.
        people_walk.page_ids(branch.pk, "now", sort=sort, offset=(page - 1) * size, limit=size, audit=read)
        assert not AuditEvent.objects.exclude(pk__in=before).exists()


def test_an_empty_page_writes_no_audit_row(crowd, branch, organiser):  # noqa: F811
    from groups.models import AuditEvent
    from groups.services import exports

    count = AuditEvent.objects.count()
    read = exports.PeopleRead(branch=branch, actor=organiser, page=1, filters=["q"])
    assert people_walk.page_ids(branch.pk, "zzz", sort="name", offset=0, limit=50, audit=read) == ([], None)
    assert not read.written and AuditEvent.objects.count() == count


def test_the_api_writes_one_audit_row_per_page_read_by_the_walk(crowd, api, organiser, branch):  # noqa: F811
    from groups.models import AuditEvent

    client, url = api(organiser), "/api/v1/branches/green-lanes/people/"
    count = AuditEvent.objects.filter(action="people.read").count()
    assert client.get(url, {"q": "now", "page_size": 5, "page": 2}).status_code == 200
    assert client.get(url, {"q": "zzz"}).json()["count"] == 0
    assert client.get(url, {"q": "now", "page": 99}).status_code == 404
    rows = list(AuditEvent.objects.filter(action="people.read").order_by("pk").values("summary", "changes"))[count:]
    assert rows == [
        {
            "summary": "Read 5 people's full records through the API (page 2)",
            "changes": {"people": 5, "page": 2, "filters": ["q"]},
        }
    ]


def test_the_walk_reads_the_records_people_json_writes(crowd, branch, organiser):  # noqa: F811
    """With `records`, the page's records come in the walk's statement: the
    same ids and count as without, and the same JSON as people_json's own
    statement for those ids (which test_people_json_bytes holds to the
    serializer's bytes)."""
    from groups.api.serializers.people import PersonSerializer
    from groups.services import exports
    from groups.sql import people_json

    fields = tuple(PersonSerializer.Meta.fields)
    for word in ("now", "a", "si", "ana", "zzz"):
        for sort, offset, limit in (("name", 0, 50), ("-name", 0, 7), ("name", 7, 7), ("-name", 14, 3)):
            plain = _walk(branch, word, sort, offset, limit)
            read = exports.PeopleRead(branch=branch, actor=organiser, page=1, filters=["q"])
            walked = people_walk.page_ids(
                branch.pk, word, sort=sort, offset=offset, limit=limit, audit=read, records=fields
            )
            if not plain[0]:
                assert walked == ([], None), word
                continue
            ids, count, records = walked
            assert (ids, count) == plain, (word, sort, offset)
            assert records == people_json.people_json(branch.pk, ids, fields), (word, sort, offset)
            assert records[1] == len(ids)
