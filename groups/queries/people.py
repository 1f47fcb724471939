"""The people list's read path, shared by the people page and the API list:
which people a search and sort find, paged, and (for the API) each as the
JSON the person serializer writes, without the serializer.

The search itself is groups.filters (search_terms; PeopleFilter for the
filters on memberships, ward and consent); a plain search sorted by name or
by joining is counted and paged by hand in one statement
(groups/sql/people.py page_ids), anything else through PeopleFilter's
queryset. Either way the page is a list of ids that Django's Paginator (and
DRF's, with its next/previous links and 404 past the end) slices from a
``PeopleIds``."""

from __future__ import annotations

from collections.abc import Callable

from ..models import Branch
from ..sql import MAX_ID
from ..sql import people as sql_people
from ..sql import people_json as sql_people_json

Fetch = Callable[[int, int], tuple[list[int], "int | None"]]


class PeopleIds:
    """The ids the list finds, in order, as Paginator pages them: ``count()``
    and slices. The page asked for (``offset``, ``limit``) is read with the
    count in one statement; a slice elsewhere (Paginator.get_page falling
    back to the last page) reads again. ``load`` turns a page's ids into what
    the page shows."""

    def __init__(self, fetch: Fetch, count: Callable[[], int], *, offset: int, limit: int, load=list) -> None:
        self._fetch, self._count, self._load = fetch, count, load
        self._offset, self._limit = offset, limit
        self._ids: list[int] | None = None
        self._total: int | None = None
        self._records: tuple[list[int], tuple[str, int]] | None = None

    def _read(self, offset: int, limit: int) -> list[int]:
        if offset + limit > MAX_ID:
            return []  # ?page=10**30: past any end, and beyond what a driver takes (a 500)
        ids, total, *records = self._fetch(offset, limit)
        if total is not None:
            self._total = total
        if records:  # the records of these ids, read with them (groups/sql/people_walk.py)
            self._records = (ids, records[0])
        return ids

    def records(self, ids: list[int]) -> tuple[str, int] | None:
        """The JSON records (text, how many) of these ids when the page's
        statement read them too; else None."""
        if self._records is not None and self._records[0] == ids:
            return self._records[1]
        return None

    def count(self) -> int:
        if self._total is None and self._ids is None:
            self._ids = self._read(self._offset, self._limit)
        if self._total is None:
            self._total = self._count()  # the page is past the end: no row brought the count
        return self._total

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if not isinstance(key, slice) or key.step not in (None, 1):
            raise TypeError("PeopleIds is sliced by Paginator only")
        start, stop = key.start or 0, key.stop
        if self._ids is not None and start == self._offset and stop is not None and stop - start <= self._limit:
            ids = self._ids[: stop - start]
        else:
            ids = self._read(start, (stop - start) if stop is not None else self._limit)
        return self._load(ids)


def people_ids(
    branch: Branch, data: dict, queryset=None, *, offset: int, limit: int, load=list, audit=None, records=None
) -> PeopleIds:
    """The people of `branch` a list's cleaned query `data` finds (q, sort
    and the filters of groups.filters.PeopleFilter). `queryset`: the
    filterset's ``qs``, or a callable giving it, used when the query is not
    one groups.sql.people pages by hand. `audit`: the API page's PeopleRead,
    for a statement that can write its row with the page (groups.sql.people
    page_ids), and `records` (PersonSerializer's fields) for one that can
    read the page's records with it (``PeopleIds.records``)."""
    from ..filters import fast_terms

    terms = fast_terms(data)
    if terms is not None:
        words, whole_postcode, sort = terms

        def fetch(off: int, lim: int):
            return sql_people.page_ids(
                branch.pk,
                words=words,
                whole_postcode=whole_postcode,
                sort=sort,
                offset=off,
                limit=lim,
                audit=audit,
                records=records,
            )

        def count() -> int:
            return sql_people.count(branch.pk, words=words, whole_postcode=whole_postcode)

        return PeopleIds(fetch, count, offset=offset, limit=limit, load=load)

    qs = queryset() if callable(queryset) else queryset

    def fetch_orm(off: int, lim: int):
        return list(qs.values_list("pk", flat=True)[off : off + lim]), None

    return PeopleIds(fetch_orm, qs.count, offset=offset, limit=limit, load=load)


def api_people_json(branch: Branch, ids: list[int], fields: tuple[str, ...]) -> tuple[str, int]:
    """These people (the branch's, in this order) as the JSON text
    PersonSerializer(many=True) and the API's renderer write (`fields`: its
    fields), and how many were found (groups/sql/people_json.py)."""
    return sql_people_json.people_json(branch.pk, ids, fields)
