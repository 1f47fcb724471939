"""Organiser pages for people: list, person, create/edit with memberships,
bulk actions, delete, CSV export. Thin: parse, call a service or query, render."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Prefetch
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .. import people_csv
from ..cleaning import PERSON_FIELDS
from ..errors import Conflict, InvalidInput, RollcallError
from ..filters import PeopleFilter, fast_terms
from ..models import Membership, Person
from ..people_forms import BulkForm, MembershipFormSet, PersonForm
from ..permissions import capabilities, get_in_branch
from ..queries import people as people_queries
from ..reauth import reauthentication_required
from ..services import exports
from ..services import people as people_services
from ..services.people import MEMBERSHIP_FIELDS
from .base import add_service_error, branch_view, paginate

PER_PAGE = 50
_TYPED = ("category", "number", "started_on", "continuous_since", "ended_on", "dues_paid_until")


def _memberships_prefetch():
    return Prefetch(
        "memberships",
        queryset=Membership.objects.select_related("category").order_by("category__order", "started_on", "id"),
    )


def _import_url(branch) -> str | None:
    try:
        return reverse("import_upload", args=[branch.slug])
    except NoReverseMatch:
        return None


@branch_view("view_people")
def people_list(request, branch):
    caps = capabilities(request.user, branch)
    filterset = PeopleFilter(request.GET or None, branch=branch, door_only="view_person_full" not in caps)
    data = _plain_search(filterset)
    if data is not None:
        # A search and a name or joining order (most pages): the ids and the
        # count in one statement, the search run once (groups/queries/people.py).
        people = people_queries.people_ids(
            branch, data, offset=(_page_number(request) - 1) * PER_PAGE, limit=PER_PAGE, load=_people_in_order
        )
    else:
        people = filterset.qs.prefetch_related(_memberships_prefetch())
    page, query = paginate(request, people, per_page=PER_PAGE)
    bulk_form = BulkForm(categories=filterset.categories, auto_id="bulk_%s") if "manage_people" in caps else None
    filtered = bool(filterset.active_filters())
    return render(
        request,
        "groups/people/list.html",
        {
            "branch": branch,
            "filter": filterset,
            "page": page,
            "query": query,
            "caps": caps,
            "bulk_form": bulk_form,
            "filtered": filtered,
            "import_url": _import_url(branch),
            "return_to": request.get_full_path(),
        },
    )


def _plain_search(filterset) -> dict | None:
    """The list's cleaned query when groups.sql.people pages it by hand; None
    for PeopleFilter's queryset (filters on memberships, ward or consent, the
    category order, or a query the form refused)."""
    if not filterset.is_bound:
        return {}
    if not filterset.form.is_valid():
        return None
    data = filterset.form.cleaned_data
    return data if fast_terms(data) is not None else None


def _page_number(request) -> int:
    """The page asked for, as Paginator.get_page reads it (anything else: 1;
    past the end, Paginator asks PeopleIds for the last page)."""
    try:
        return max(int(request.GET.get("page", 1)), 1)
    except (TypeError, ValueError):
        return 1


def _people_in_order(ids: list[int]) -> list[Person]:
    found = {p.pk: p for p in Person.objects.filter(pk__in=ids).prefetch_related(_memberships_prefetch())}
    return [found[pk] for pk in ids if pk in found]


@branch_view("view_people")
def person_detail(request, branch, person_id):
    from ..eligibility.decisions import person_decisions
    from ..queries.attendance import person_attendance
    from ..queries.consent import consent_history
    from ..queries.positions import positions_of

    person = get_in_branch(
        Person.objects.select_related("user").prefetch_related(_memberships_prefetch()), branch, pk=person_id
    )
    caps = capabilities(request.user, branch)
    as_of = branch.today()
    # A steward sees the door fields only (name, number, category, postcode,
    # the Decisions); an organiser's reading of the full record is audited.
    full = "view_person_full" in caps
    if full:
        exports.record_person_view(person=person, actor=request.user, via="page")
    return render(
        request,
        "groups/people/detail.html",
        {
            "branch": branch,
            "person": person,
            "caps": caps,
            "full": full,
            "as_of": as_of,
            "decisions": person_decisions(person, as_of),
            "attendances": person_attendance(person)[:20] if full else [],
            "terms": positions_of(person),
            "consent_rows": [
                ("Email", person.consent_email, person.campaign_email),
                ("Phone", person.consent_phone, person.campaign_phone),
            ],
            "consent_history": consent_history(person) if full else [],
        },
    )


# --- create and edit -------------------------------------------------------


def _person_initial(person: Person) -> dict:
    from ..normalise import phone_display

    initial = {f: getattr(person, f) for f in PERSON_FIELDS}
    initial["phone"] = phone_display(person.phone)
    return initial


def _membership_initial(person: Person) -> list[dict]:
    return [
        {"id": m.pk, **{f: getattr(m, f) for f in MEMBERSHIP_FIELDS if f != "category"}, "category": m.category.slug}
        for m in person.memberships.all()
    ]


def _posted_rows(data, prefix: str = "m") -> list[dict]:
    """The membership rows as typed, to redisplay after "Add another"."""
    try:
        total = min(int(data.get(f"{prefix}-TOTAL_FORMS", 0)), 50)
    except ValueError:
        total = 0
    fields = ("id", *MEMBERSHIP_FIELDS, "DELETE")
    return [{f: data.get(f"{prefix}-{i}-{f}", "") for f in fields} for i in range(total)]


def _person_form_page(request, branch, person: Person | None):
    categories = list(branch.categories.all())
    fs_kwargs = {"prefix": "m", "form_kwargs": {"categories": categories}}
    if request.method == "POST" and "add_membership" in request.POST:
        # Redisplay what was typed with one more empty row; nothing is saved.
        form = PersonForm(initial={k: request.POST.get(k, "") for k in PERSON_FIELDS})
        for name in ("consent_email", "consent_phone"):
            form.initial[name] = bool(request.POST.get(name))
        rows = [r for r in _posted_rows(request.POST) if r.get("id") or any(r.get(f) for f in _TYPED)]
        formset = MembershipFormSet(initial=rows, **fs_kwargs)
        return _render_form(request, branch, person, form, formset)
    if request.method == "POST":
        form = PersonForm(request.POST)
        formset = MembershipFormSet(request.POST, initial=_membership_initial(person) if person else None, **fs_kwargs)
        if form.is_valid() and formset.is_valid():
            rows, index_to_form = [], []
            for i, mform in enumerate(formset.forms):
                if not mform.cleaned_data or mform.cleaned_data.get("DELETE") or mform.is_blank():
                    continue
                row = {k: v for k, v in mform.cleaned_data.items() if k != "DELETE"}
                if not row.get("id"):
                    row.pop("id", None)
                rows.append(row)
                index_to_form.append(i)
            try:
                if person is None:
                    person = people_services.create_person(
                        branch=branch, actor=request.user, data=form.cleaned_data, memberships=rows
                    )
                    messages.success(request, f"Added {person}.")
                else:
                    people_services.update_person(
                        person=person, actor=request.user, data=form.cleaned_data, memberships=rows
                    )
                    messages.success(request, f"Saved the changes to {person}.")
            except InvalidInput as exc:
                add_service_error(form, exc, rows={"memberships": [formset.forms[i] for i in index_to_form]})
            else:
                return redirect("person_detail", slug=branch.slug, person_id=person.pk)
        return _render_form(request, branch, person, form, formset, status=400)
    if person is None:
        form = PersonForm(initial={"consent_email": True})
        formset = MembershipFormSet(**fs_kwargs)
    else:
        form = PersonForm(initial=_person_initial(person))
        formset = MembershipFormSet(initial=_membership_initial(person), **fs_kwargs)
    return _render_form(request, branch, person, form, formset)


def _render_form(request, branch, person, form, formset, status=200):
    membership_errors = []
    for i, mform in enumerate(formset.forms):
        if not mform.is_bound:
            continue
        for name, errs in mform.errors.items():
            field = mform[name] if name in mform.fields else None
            for error in errs:
                membership_errors.append(
                    {
                        "label": f"Membership {i + 1}" + (f": {field.label}" if field else ""),
                        "anchor": field.id_for_label if field else f"membership-{i}",
                        "message": error,
                    }
                )
    return render(
        request,
        "groups/people/form.html",
        {
            "branch": branch,
            "person": person,
            "form": form,
            "formset": formset,
            "membership_errors": membership_errors,
            "has_errors": bool(form.errors or membership_errors or formset.non_form_errors()),
        },
        status=status,
    )


@branch_view("manage_people")
def person_create(request, branch):
    return _person_form_page(request, branch, None)


@branch_view("manage_people")
def person_edit(request, branch, person_id):
    person = get_in_branch(Person.objects.prefetch_related(_memberships_prefetch()), branch, pk=person_id)
    return _person_form_page(request, branch, person)


@branch_view("manage_people")
def person_delete(request, branch, person_id):
    person = get_in_branch(Person.objects.prefetch_related(_memberships_prefetch()), branch, pk=person_id)
    if request.method == "POST":
        name = str(person)
        try:
            people_services.delete_person(person=person, actor=request.user)
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect("person_detail", slug=branch.slug, person_id=person.pk)
        messages.success(request, f"Deleted {name} and their memberships.")
        return redirect("people_list", slug=branch.slug)
    return render(request, "groups/people/delete.html", {"branch": branch, "person": person})


# --- bulk actions ----------------------------------------------------------


def _safe_return(request, branch, value: str) -> str:
    fallback = reverse("people_list", args=[branch.slug])
    if (
        value
        and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()})
        and value.startswith(fallback)
    ):
        return value
    return fallback


@require_POST
@branch_view("manage_people")
def people_bulk(request, branch):
    back = _safe_return(request, branch, request.POST.get("return_to", ""))
    form = BulkForm(request.POST, categories=list(branch.categories.all()))
    ids = request.POST.getlist("person")
    if not form.is_valid():
        first = next(iter(form.errors.values()))[0]
        messages.error(request, f"Choose what to do with the selected people: {first}")
        return redirect(back)
    action, value = form.cleaned_data["action"], form.value()
    try:
        if request.POST.get("confirm") == "yes":
            changed = people_services.bulk_update_people(
                branch=branch, actor=request.user, person_ids=ids, action=action, value=value
            )
            messages.success(request, f"Changed {changed:,} {'person' if changed == 1 else 'people'}.")
            return redirect(back)
        preview = people_services.preview_bulk_update(branch=branch, person_ids=ids, action=action, value=value)
    except RollcallError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    hidden = [(k, v) for k in ("action", "status", "category", "dues_paid_until") if (v := request.POST.get(k))]
    hidden += [("person", i) for i in ids]
    return render(
        request,
        "groups/people/bulk_confirm.html",
        {"branch": branch, "preview": preview, "hidden": hidden, "return_to": back},
    )


# --- export ----------------------------------------------------------------


def _csv_response(rows, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@branch_view("export_people")
@reauthentication_required
def people_export(request, branch):
    filterset = PeopleFilter(request.GET or None, branch=branch, every_choice=False)
    people = filterset.qs
    rows, count = people_csv.count_rows(people)
    exports.record_people_export(
        branch=branch, actor=request.user, rows=rows, people=count, filters=filterset.active_filters()
    )
    stream = people_csv.stream(people_csv.with_memberships(people).iterator(chunk_size=500))
    return _csv_response(stream, f"{branch.slug}-people.csv")


@branch_view("export_people")
@reauthentication_required
def person_export(request, branch, person_id):
    person = get_in_branch(people_csv.with_memberships(Person.objects.all()), branch, pk=person_id)
    rows = list(people_csv.person_rows(person))
    exports.record_people_export(branch=branch, actor=request.user, rows=len(rows), people=1, person=person)
    return _csv_response(people_csv.stream([person]), f"{branch.slug}-person-{person.pk}.csv")
