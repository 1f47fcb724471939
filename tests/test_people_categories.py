"""Categories: services and the page."""

import pytest
from django.urls import reverse

from groups.errors import Conflict, InvalidInput
from groups.models import AuditEvent, Category
from groups.services import categories as svc

from .factories import MembershipFactory


def _slugs(branch):
    return list(Category.objects.filter(branch=branch).order_by("order", "name").values_list("slug", flat=True))


def test_create_adds_at_the_end_with_a_slug(branch, organiser):
    category = svc.create_category(branch=branch, actor=organiser, name="  Young  members ")
    assert (category.name, category.slug) == ("Young members", "young-members")
    assert _slugs(branch)[-1] == "young-members"
    assert AuditEvent.objects.filter(action="category.create", branch=branch).exists()


def test_create_refuses_a_duplicate_name_ignoring_case(branch, organiser):
    with pytest.raises(InvalidInput) as exc:
        svc.create_category(branch=branch, actor=organiser, name="party MEMBER")
    assert exc.value.details["errors"] == {"name": ["This branch already has a category called “party MEMBER”."]}


def test_rename_keeps_the_slug_while_memberships_use_it(branch, organiser):
    party = branch.categories.get(slug="party-member")
    MembershipFactory(person__branch=branch, category=party)
    svc.rename_category(category=party, actor=organiser, name="Full member")
    party.refresh_from_db()
    assert (party.name, party.slug) == ("Full member", "party-member")
    event = AuditEvent.objects.get(action="category.update")
    assert event.changes == {"name": {"old": "Party member", "new": "Full member"}}


def test_rename_keeps_the_slug_while_a_rule_names_it(branch, organiser):
    category = svc.create_category(branch=branch, actor=organiser, name="Youth")
    branch.rules.create(name="Youth only", definition={"membership": {"categories": ["youth"]}})
    svc.rename_category(category=category, actor=organiser, name="Young members")
    category.refresh_from_db()
    assert category.slug == "youth"


def test_rename_of_an_unused_category_updates_its_slug(branch, organiser):
    category = svc.create_category(branch=branch, actor=organiser, name="Youth")
    svc.rename_category(category=category, actor=organiser, name="Young members")
    category.refresh_from_db()
    assert category.slug == "young-members"


def test_move_up_and_down(branch, organiser):
    supporter = branch.categories.get(slug="supporter")
    svc.move_category(category=supporter, actor=organiser, direction="up")
    assert _slugs(branch) == ["party-member", "registered-supporter", "supporter", "affiliated-supporter"]
    party = branch.categories.get(slug="party-member")
    svc.move_category(category=party, actor=organiser, direction="up")  # already first: stays
    svc.move_category(category=party, actor=organiser, direction="down")
    assert _slugs(branch) == ["registered-supporter", "party-member", "supporter", "affiliated-supporter"]


def test_delete_is_refused_with_the_number_of_memberships(branch, organiser):
    supporter = branch.categories.get(slug="supporter")
    for _ in range(3):
        MembershipFactory(person__branch=branch, category=supporter)
    with pytest.raises(Conflict) as exc:
        svc.delete_category(category=supporter, actor=organiser)
    assert exc.value.code == "category_in_use"
    assert exc.value.message.startswith("3 memberships use this category, so it cannot be removed.")
    assert exc.value.details["memberships"] == 3
    assert Category.objects.filter(pk=supporter.pk).exists()


def test_delete_an_unused_category(branch, organiser):
    category = svc.create_category(branch=branch, actor=organiser, name="Youth")
    svc.delete_category(category=category, actor=organiser)
    assert not Category.objects.filter(pk=category.pk).exists()
    assert AuditEvent.objects.filter(action="category.delete").exists()


# --- the page ---------------------------------------------------------------


def test_categories_page_lists_with_counts(branch, organiser, client_for):
    MembershipFactory(person__branch=branch, category=branch.categories.get(slug="supporter"))
    response = client_for(organiser).get(reverse("category_list", args=[branch.slug]))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Party member") < html.index("Registered supporter") < html.index("Affiliated supporter")


def test_add_category_through_the_page(branch, organiser, client_for):
    client = client_for(organiser)
    url = reverse("category_list", args=[branch.slug])
    response = client.post(url, {"name": "Youth"}, follow=True)
    assert "Added the category Youth." in response.content.decode()
    response = client.post(url, {"name": "youth"})
    assert response.status_code == 400
    assert "This branch already has a category called “youth”." in response.content.decode()


def test_removal_refused_on_the_page_says_how_many(branch, organiser, client_for):
    supporter = branch.categories.get(slug="supporter")
    MembershipFactory(person__branch=branch, category=supporter)
    MembershipFactory(person__branch=branch, category=supporter)
    response = client_for(organiser).post(reverse("category_delete", args=[branch.slug, supporter.pk]), follow=True)
    assert "2 memberships use this category, so it cannot be removed." in response.content.decode()


def test_rename_and_move_through_the_page(branch, organiser, client_for):
    client = client_for(organiser)
    supporter = branch.categories.get(slug="supporter")
    client.post(reverse("category_rename", args=[branch.slug, supporter.pk]), {"name": "Friend"})
    client.post(reverse("category_move", args=[branch.slug, supporter.pk]), {"direction": "up"})
    supporter.refresh_from_db()
    assert supporter.name == "Friend"
    assert _slugs(branch)[2] == supporter.slug


def test_another_branchs_category_is_404(branch, organiser, client_for, other_branch):
    theirs = Category.objects.create(branch=other_branch, name="Theirs", slug="theirs")
    client = client_for(organiser)
    assert client.get(reverse("category_rename", args=[branch.slug, theirs.pk])).status_code == 404
    assert client.post(reverse("category_move", args=[branch.slug, theirs.pk]), {"direction": "up"}).status_code == 404
    assert client.post(reverse("category_delete", args=[branch.slug, theirs.pk])).status_code == 404
    assert Category.objects.filter(pk=theirs.pk).exists()
