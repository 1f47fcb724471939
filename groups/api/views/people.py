"""/api/v1/branches/{slug}/people/: organisers and stewards read, organisers
write — through groups.services.people, like the pages."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from ...filters import PeopleFilter, fast_terms
from ...models import Membership, Person
from ...permissions import can
from ...queries import people as people_queries
from ...queries.door import door_search
from ...services import exports
from ...services import people as people_services
from ..renderers import JSONRenderer, JSONText
from ..serializers.door import DoorQuerySerializer
from ..serializers.people import DoorPersonSerializer, PersonQuerySerializer, PersonSerializer
from .base import BranchScopedViewSet

ERRORS_NOTE = (
    "Field errors use the form's field names; a membership's are named \"memberships.<index>.<field>\" "
    '(index into the list sent), e.g. {"email": ["…"], "memberships.0.category": ["…"]}.'
)


def flat_errors(errors) -> dict:
    """DRF's nested errors for memberships, named as the service names them:
    {"memberships": [{}, {"started_on": [...]}]} → {"memberships.1.started_on": [...]}."""
    out = {}
    for field, value in errors.items():
        if field == "memberships" and isinstance(value, list) and value and isinstance(value[0], dict):
            for index, item in enumerate(value):
                for key, messages in item.items():
                    out[f"memberships.{index}.{key}"] = messages
        elif field == "memberships" and isinstance(value, dict):
            # {"non_field_errors": [...]} for a membership that is not an object
            for key, messages in value.items():
                if isinstance(messages, dict):
                    for sub, m in messages.items():
                        out[f"memberships.{key}.{sub}"] = m
                else:
                    out[f"memberships.{key}"] = messages
        else:
            out[field] = value
    return out


def memberships_prefetch() -> Prefetch:
    return Prefetch(
        "memberships",
        queryset=Membership.objects.select_related("category").order_by("category__order", "started_on", "id"),
    )


@extend_schema_view(
    list=extend_schema(
        tags=["people"],
        summary="The branch's people (organisers); the door search (stewards)",
        description="Organisers: the same search and filters as the people page, paged, full records; "
        "each page read is audited. An unknown category, ward or sort is a 400. "
        "Stewards: the door search — `q` (a name's start, an exact membership number, email or postcode) "
        "finds at most 10 people, with the door fields only (id, first_name, last_name, postcode, "
        "memberships' category, number and status); nothing typed finds nobody.",
        parameters=[PersonQuerySerializer],
    ),
    retrieve=extend_schema(
        tags=["people"],
        summary="One person with their memberships",
        description="Organisers: the full record (audited). Stewards: the door fields only.",
    ),
    create=extend_schema(
        tags=["people"], summary="Add a person, with their memberships (organisers)", description=ERRORS_NOTE
    ),
    partial_update=extend_schema(
        tags=["people"],
        summary="Change a person (organisers): only the fields sent change",
        description=ERRORS_NOTE,
    ),
    destroy=extend_schema(
        tags=["people"],
        summary="Delete a person and their memberships (organisers)",
        description="Refused (409, code person_has_attendance) for someone checked in at a meeting.",
    ),
)
class PersonViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    BranchScopedViewSet,
):
    serializer_class = PersonSerializer
    http_method_names = ["get", "post", "patch", "delete", "options", "head"]
    lookup_value_regex = "[0-9]+"
    parser_classes = [JSONParser]  # nested memberships need JSON; forms would blur "left out" and "empty"
    filter_backends: list = []
    renderer_classes = [JSONRenderer]  # JSONRenderer's, taking the list's records as JSON text
    permission = {
        "list": "view_people",
        "retrieve": "view_people",
        "create": "manage_people",
        "partial_update": "manage_people",
        "destroy": "manage_people",
    }

    def get_queryset(self):
        if self.is_schema_generation():
            return Person.objects.none()
        return Person.objects.filter(branch=self.get_branch()).prefetch_related(memberships_prefetch())

    def full_records(self) -> bool:
        """Organisers read full records; a steward the door fields only."""
        return self.is_schema_generation() or can(self.request.user, self.get_branch(), "view_person_full")

    def get_serializer_class(self):
        return PersonSerializer if self.full_records() else DoorPersonSerializer

    def list(self, request, *args, **kwargs):
        if not self.full_records():
            return self._door_list()
        # The people page's read path (groups/queries/people.py): the page's
        # ids and the count in one statement for a search, the rows and
        # memberships in one more, written as PersonSerializer would write
        # them (tests/people/test_people_read_path.py holds them equal).
        branch = self.get_branch()
        data, queryset, filters = self._query()
        paginator = self.paginator
        limit = paginator.get_page_size(request)
        number = paginator.get_page_number(request, None)
        # The audit row: written with the page where one statement can
        # (PostgreSQL's name walk), else after it, as before.
        audit = exports.PeopleRead(branch=branch, actor=request.user, page=number, filters=filters)
        fields = tuple(PersonSerializer.Meta.fields)
        found = people_queries.people_ids(
            branch, data, queryset, offset=(number - 1) * limit, limit=limit, audit=audit, records=fields
        )
        with exports.audited_read():
            found.count()  # the page's statement: paging past the end (a 404) raises only after it
        ids = paginator.paginate_queryset(found, request, view=self)
        # The records as JSON text from the database, put into the body as
        # they are (groups/api/renderers.py): the serializer's bytes. PostgreSQL's
        # name walk reads them with the page; otherwise one more statement.
        results, found_people = found.records(ids) or people_queries.api_people_json(branch, ids, fields)
        if found_people:
            audit.page = paginator.page.number
            audit.record(found_people)
        return paginator.get_paginated_response(JSONText(results))

    def _query(self):
        """(cleaned query, the filter's queryset or None, names of the filters
        used). PeopleFilter is built only when the query filters on more
        than a search (groups.filters.fast_terms): building it copies every
        filter and its form, which a plain search does not need."""
        data = _plain_search(self.request.query_params)
        if data is None:
            query = PersonQuerySerializer(data=self.request.query_params)
            query.is_valid(raise_exception=True)  # lengths, choices
            data = query.validated_data
        if fast_terms(data) is not None:
            return data, None, sorted(k for k, v in data.items() if v and k != "sort")
        filterset = PeopleFilter(self.request.query_params, branch=self.get_branch(), every_choice=False)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        return filterset.form.cleaned_data, filterset.qs, filterset.active_filters()

    def _door_list(self):
        """A steward's list is the door search, never a page-through export."""
        query = DoorQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        ids = [p.pk for p in door_search(self.get_branch(), query.validated_data.get("q", ""))]
        found = {p.pk: p for p in self.get_queryset().filter(pk__in=ids)} if ids else {}
        people = [found[pk] for pk in ids if pk in found]
        results = DoorPersonSerializer(people, many=True).data
        return Response({"count": len(results), "next": None, "previous": None, "results": results})

    def retrieve(self, request, *args, **kwargs):
        person = self.get_object()
        if self.full_records():
            exports.record_person_view(person=person, actor=request.user, via="api")
        return Response(self.get_serializer(person).data)

    def _valid(self, serializer) -> dict:
        if not serializer.is_valid():
            raise ValidationError(flat_errors(serializer.errors))
        return dict(serializer.validated_data)

    def _fresh(self, person) -> dict:
        return self.get_serializer(self.get_queryset().get(pk=person.pk)).data

    def create(self, request, *args, **kwargs):
        data = self._valid(self.get_serializer(data=request.data))
        memberships = [_membership(m) for m in data.pop("memberships", [])]
        person = people_services.create_person(
            branch=self.get_branch(), actor=request.user, data=data, memberships=memberships
        )
        return Response(self._fresh(person), status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        person = self.get_object()
        data = self._valid(self.get_serializer(person, data=request.data, partial=True))
        memberships = data.pop("memberships", None)
        if memberships is not None:
            memberships = [_membership(m) for m in memberships]
        person = people_services.update_person(person=person, actor=request.user, data=data, memberships=memberships)
        return Response(self._fresh(person))

    def destroy(self, request, *args, **kwargs):
        people_services.delete_person(person=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


FILTER_PARAMS = ("category", "status", "ward", "consent")
PLAIN_SORTS = ("", "name", "-name", "joined", "-joined")


def _plain_search(params) -> dict | None:
    """PersonQuerySerializer's validated data for a query with only `q` and a
    name or joining sort, checked by hand: building the serializer deep-copies
    its six fields on every request (~0.35 ms of a ~1.7 ms search by number at
    100,000 people, bench/people_list.py). None for anything else (a filter, an
    invalid value), which the serializer then checks and words as before.
    The same rules as its fields (tests/people/test_plain_search.py): q at most
    200 characters as sent, then trimmed, no NUL or surrogate characters; sort
    one of its choices or blank."""
    if any(name in params for name in FILTER_PARAMS):
        return None
    data = {}
    if "q" in params:
        sent = params.get("q")
        q = sent.strip()
        # The limit is on what was sent, before trimming (serializers/base.py), unless it is all blank.
        if (q and len(sent) > 200) or "\x00" in q or any("\ud800" <= c <= "\udfff" for c in q):
            return None
        data["q"] = q
    if "sort" in params:
        sort = params.get("sort")
        if sort not in PLAIN_SORTS:
            return None
        data["sort"] = sort
    return data


def _membership(values: dict) -> dict:
    values = dict(values)
    if values.get("id") is None:
        values.pop("id", None)
    return values
