"""The people list's search, filters and sorting (django-filter). The page,
its CSV export and the API share this one definition, so an export holds
exactly the people the page shows."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from .models import Branch, Membership, MembershipStatus, Person

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
        help_text="Name, email, membership number or postcode",
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

    def __init__(self, data=None, *args, branch: Branch, **kwargs):
        super().__init__(data, *args, queryset=Person.objects.filter(branch=branch), **kwargs)
        self.branch = branch
        self.categories = list(branch.categories.all())
        self.filters["category"].extra["choices"] = [(c.slug, c.name) for c in self.categories]
        wards = (
            Person.objects.filter(branch=branch)
            .exclude(ward="")
            .order_by("ward")
            .values_list("ward", flat=True)
            .distinct()
        )
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
        memberships = Membership.objects.filter(person=OuterRef("pk"))
        if data.get("category") or data.get("status"):
            m = memberships
            if data.get("category"):
                m = m.filter(category__slug=data["category"])
            if data.get("status"):
                m = m.filter(status=data["status"])
            queryset = queryset.filter(Exists(m))
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
        for word in (data.get("q") or "").split()[:6]:
            queryset = queryset.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
                | Q(postcode__icontains=word)
                | Exists(memberships.filter(number__iexact=word))
            )
        return sort_people(queryset, data.get("sort") or "name")


def sort_people(queryset, sort: str):
    if sort in ("joined", "-joined"):
        since = (
            Membership.objects.filter(person=OuterRef("pk"))
            .annotate(since=Coalesce("continuous_since", "started_on"))
            .order_by("since")
            .values("since")[:1]
        )
        queryset = queryset.annotate(joined=Subquery(since))
        key = F("joined").asc(nulls_last=True) if sort == "joined" else F("joined").desc(nulls_last=True)
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
