"""The people list's search, filters and sorting (django-filter). The page,
its CSV export and the API share this one definition, so an export holds
exactly the people the page shows."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import F, OuterRef, Q, Subquery

from .models import Branch, Membership, MembershipStatus, Person
from .normalise import NormaliseError, postcode
from .sql import people as sql_people
from .sql.people_ways import ORDERS

CONSENT_CHOICES = [
    ("email", "Agreed to email"),
    ("phone", "Agreed to phone calls"),
    ("any", "Agreed to either"),
    ("none", "Agreed to neither"),
]
SORT_CHOICES = [
    ("name", "Name (A to Z)"),
    ("-name", "Name (Z to A)"),
    ("joined", "Joined (longest first)"),
    ("-joined", "Joined (newest first)"),
    ("category", "Category"),
]


class PeopleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="filter_nothing",
        help_text="Start of a name, email or postcode, or a membership number",
        widget=forms.TextInput(attrs={"type": "search", "inputmode": "search", "autocomplete": "off"}),
    )
    category = django_filters.ChoiceFilter(label="Category", method="filter_nothing", empty_label="All categories")
    status = django_filters.ChoiceFilter(
        label="Membership status", choices=MembershipStatus.choices, method="filter_nothing", empty_label="Any status"
    )
    ward = django_filters.ChoiceFilter(label="Ward", method="filter_nothing", empty_label="All wards")
    consent = django_filters.ChoiceFilter(
        label="Consent", choices=CONSENT_CHOICES, method="filter_nothing", empty_label="Anyone"
    )
    sort = django_filters.ChoiceFilter(
        label="Sort by", choices=SORT_CHOICES, method="filter_nothing", empty_label=None, null_label=None
    )

    class Meta:
        model = Person
        fields: list[str] = []

    # Filters on what only organisers see (issue 15 item 5): a steward's list
    # neither shows nor filters on ward or consent.
    FULL_RECORD_FILTERS = ("ward", "consent")

    def __init__(self, data=None, *args, branch: Branch, door_only: bool = False, every_choice: bool = True, **kwargs):
        """`every_choice=False` (the API, the export): the category and ward
        choices are read only when the query uses them, as nothing shows the
        selects — two queries fewer on every search. `door_only`: a steward's
        list, without the ward and consent filters."""
        super().__init__(data, *args, queryset=Person.objects.filter(branch=branch), **kwargs)
        self.branch = branch
        given = data or {}
        self.categories = list(branch.categories.all()) if every_choice or given.get("category") else []
        self.filters["category"].extra["choices"] = [(c.slug, c.name) for c in self.categories]
        if door_only:
            for name in self.FULL_RECORD_FILTERS:
                del self.filters[name]
        else:
            wards = branch_wards(branch) if every_choice or given.get("ward") else []
            self.filters["ward"].extra["choices"] = [(w, w) for w in wards]
        self.form.fields["sort"].required = False

    def filter_nothing(self, queryset, name, value):
        # Everything happens in filter_queryset: category and status must hold
        # for one and the same membership.
        return queryset

    def active_filters(self) -> list[str]:
        """Names of the filters in use (for the audit: names, never values)."""
        if not self.is_bound or not self.form.is_valid():
            return []
        return sorted(k for k, v in self.form.cleaned_data.items() if v and k != "sort")

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        # "People with a membership that..." as `id IN (memberships...)`: the
        # database reads the matching memberships by index once, instead of
        # probing every person's memberships (an EXISTS per row).
        memberships = Membership.objects.filter(branch=self.branch)
        if data.get("category") or data.get("status"):
            m = memberships
            if data.get("category"):
                ids = [c.pk for c in self.categories if c.slug == data["category"]]
                m = m.filter(category_id__in=ids)
            if data.get("status"):
                m = m.filter(status=data["status"])
            queryset = queryset.filter(pk__in=m.values("person_id"))
        if data.get("ward"):
            queryset = queryset.filter(ward__iexact=data["ward"])
        consent = data.get("consent")
        if consent == "email":
            queryset = queryset.filter(consent_email=True)
        elif consent == "phone":
            queryset = queryset.filter(consent_phone=True)
        elif consent == "any":
            queryset = queryset.filter(Q(consent_email=True) | Q(consent_phone=True))
        elif consent == "none":
            queryset = queryset.filter(consent_email=False, consent_phone=False)
        return sort_people(search_people(queryset, data.get("q") or "", self.branch), data.get("sort") or "name")


def branch_wards(branch: Branch) -> list[str]:
    """The distinct non-empty wards of the branch's people, in order, without
    reading every person (groups.sql.people)."""
    return sql_people.branch_wards(branch.pk)


def search_people(queryset, text: str, branch: Branch):
    """Each word must start a first name, last name, email or postcode, or be a
    membership number. Prefix matches, so that the case-insensitive indexes
    (migration 'people_search_indexes') answer them at 100,000 people; a whole
    postcode typed with its space ("N4 1AA") is one term."""
    words, whole_postcode = search_terms(text)
    if whole_postcode:
        return queryset.filter(postcode__istartswith=whole_postcode)
    if not words:
        return queryset
    return queryset.filter(pk__in=sql_people.search_ids(branch.pk, words))


def search_terms(text: str) -> tuple[list[str], str]:
    """(words, whole postcode) of a search: a whole postcode typed with its
    space ("n4 1aa" → "N4 1AA") is one term and no words; else at most six words."""
    text = text.strip()
    try:
        whole_postcode = postcode(text) if " " in text else ""
    except NormaliseError:
        whole_postcode = ""
    return ([] if whole_postcode else text.split()[:6]), whole_postcode


def fast_terms(data: dict) -> tuple[list[str], str, str] | None:
    """(words, whole postcode, sort) when a list's cleaned query is a search
    and a sort that groups.sql.people pages by hand (no category, status,
    ward or consent; sorted by name or by joining); None otherwise, for the
    queryset of PeopleFilter.qs."""
    if any(data.get(name) for name in ("category", "status", "ward", "consent")):
        return None
    sort = data.get("sort") or "name"
    if sort not in ORDERS:
        return None
    words, whole_postcode = search_terms(data.get("q") or "")
    return words, whole_postcode, sort


def sort_people(queryset, sort: str):
    if sort in ("joined", "-joined"):
        # Person.member_since is stored and indexed (branch, member_since, names):
        # the earliest continuous_since or started_on of their memberships.
        key = F("member_since").asc(nulls_last=True) if sort == "joined" else F("member_since").desc(nulls_last=True)
        return queryset.order_by(key, "last_name", "first_name", "id")
    if sort == "category":
        first = (
            Membership.objects.filter(person=OuterRef("pk")).order_by("category__order").values("category__order")[:1]
        )
        queryset = queryset.annotate(first_category=Subquery(first))
        return queryset.order_by(F("first_category").asc(nulls_last=True), "last_name", "first_name", "id")
    if sort == "-name":
        return queryset.order_by("-last_name", "-first_name", "-id")
    return queryset.order_by("last_name", "first_name", "id")
