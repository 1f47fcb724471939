"""The people list's hand-checked plain search (groups/api/views/people.py
_plain_search) agrees with PersonQuerySerializer, whose rules it repeats: for
every query it takes it gives the serializer's validated data, and every query
it passes on (None) is one the serializer refuses or that has a filter (or a
sort) only the serializer handles. No database."""

import itertools
import random

from django.http import QueryDict

from groups.api.serializers.people import PersonQuerySerializer
from groups.api.views.people import _plain_search

QS = ["", " ", "  ana  ", "Nowak", "N15 3AB", "a" * 200, " " + "a" * 200 + " ", "a" * 201, "a\x00b", "\x00",
      "ana\ud800", "\udfff", "\t\nana\r", "Chloé", "1234", "ſilva"]  # fmt: skip
SORTS = ["", "name", "-name", "joined", "-joined", "category", "-category", "Name", " name", "bogus"]
OTHER = [{}, {"page": "2"}, {"page_size": "10"}, {"category": "full"}, {"status": ""}, {"ward": "x"},
         {"consent": "email"}, {"consent": "bogus"}]  # fmt: skip


def _queries():
    for q, sort, other in itertools.product([None, *QS], [None, *SORTS], OTHER):
        params = QueryDict(mutable=True)
        if q is not None:
            params["q"] = q
        if sort is not None:
            params["sort"] = sort
        params.update(other)
        yield params
    rng = random.Random(15)
    for _ in range(500):  # repeated keys (the last counts), random text around the edges
        params = QueryDict(mutable=True)
        for _ in range(rng.randint(1, 3)):
            length = rng.choice([0, 3, 199, 200, 201, 202])
            params.appendlist("q", "".join(rng.choice(" aZé\x00\ud800\t-") for _ in range(length)))
        if rng.random() < 0.5:
            params.appendlist("sort", rng.choice(SORTS))
        yield params


def test_plain_search_agrees_with_the_serializer():
    taken = 0
    for params in _queries():
        plain = _plain_search(params)
        query = PersonQuerySerializer(data=params)
        valid = query.is_valid()
        if plain is not None:
            taken += 1
            assert valid, (params, query.errors)
            assert plain == dict(query.validated_data), params
        else:
            # Passed on: refused by the serializer, or a filter or sort the fast check does not take.
            filtered = any(k in params for k in ("category", "status", "ward", "consent"))
            other = filtered or params.get("sort") == "category"
            assert not valid or other, params
    assert taken > 100  # the fast path was exercised, not only passed on
