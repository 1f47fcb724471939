from groups.models import Category

from ..factories import MembershipFactory, PersonFactory
from . import Entry


def _person(w):
    person = PersonFactory(branch=w.branch)
    return {"slug": w.branch.slug, "person_id": person.pk}


def _category(w):
    category = Category.objects.create(branch=w.branch, name="Youth", slug="youth", order=9)
    return {"slug": w.branch.slug, "category_id": category.pk}


def _bulk_data(w):
    person = MembershipFactory(person__branch=w.branch, category=w.branch.categories.get(slug="supporter")).person
    return {"person": [person.pk], "action": "set_status", "status": "lapsed"}


ENTRIES = {
    "people_list": Entry(need="view_people"),
    "person_detail": Entry(kwargs=_person, need="view_people"),
    "person_create": Entry(need="manage_people"),
    "person_edit": Entry(kwargs=_person, need="manage_people"),
    "person_delete": Entry(kwargs=_person, need="manage_people"),
    "people_bulk": Entry(need="manage_people", method="post", data=_bulk_data),
    "people_export": Entry(need="export_people"),
    "person_export": Entry(kwargs=_person, need="export_people"),
    "person_erase": Entry(kwargs=_person, need="erase_people"),
    "person_data": Entry(kwargs=_person, need="view_person_data"),
    "person_data_json": Entry(kwargs=_person, need="view_person_data"),
    "retention": Entry(need="manage_privacy"),
    "privacy_notice_edit": Entry(need="manage_privacy"),
    "person_consent": Entry(
        kwargs=_person,
        need="manage_people",
        method="post",
        data=lambda w: {"what": "email:campaigning", "given": "yes"},
    ),
    "category_list": Entry(need="manage_categories"),
    "category_rename": Entry(kwargs=_category, need="manage_categories"),
    "category_move": Entry(
        kwargs=_category, need="manage_categories", method="post", data=lambda w: {"direction": "up"}
    ),
    "category_delete": Entry(kwargs=_category, need="manage_categories", method="post"),
}


def _access_request(w):
    from django.utils import timezone

    from groups.models import SubjectAccessRequest

    person = PersonFactory(branch=w.branch)
    logged = SubjectAccessRequest.objects.create(
        person=person, received_on=timezone.localdate(), due_on=timezone.localdate(), logged_at=timezone.now()
    )
    return {"slug": w.branch.slug, "person_id": person.pk, "request_id": logged.pk}


ENTRIES["access_request_log"] = Entry(
    kwargs=_person, need="view_person_data", method="post", data=lambda w: {"received_on": "2026-11-30"}
)
ENTRIES["access_request_answered"] = Entry(kwargs=_access_request, need="view_person_data", method="post")
