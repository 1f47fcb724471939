"""The categories page: list, add, rename, reorder, remove."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from ..errors import InvalidInput, RollcallError
from ..models import Category
from ..people_forms import CategoryForm
from ..permissions import get_in_branch
from ..services import categories as category_services
from .base import add_service_error, branch_view


@branch_view("manage_categories")
def category_list(request, branch):
    form = CategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            category = category_services.create_category(branch=branch, actor=request.user, **form.cleaned_data)
        except InvalidInput as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, f"Added the category {category.name}.")
            return redirect("category_list", slug=branch.slug)
    categories = list(Category.objects.filter(branch=branch).annotate(used=Count("memberships")))
    return render(
        request,
        "groups/people/categories.html",
        {"branch": branch, "categories": categories, "form": form},
        status=400 if form.errors else 200,
    )


@branch_view("manage_categories")
def category_rename(request, branch, category_id):
    category = get_in_branch(Category.objects.all(), branch, pk=category_id)
    initial = {"name": category.name, "description": category.description}
    form = CategoryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        old = category.name
        try:
            category = category_services.rename_category(category=category, actor=request.user, **form.cleaned_data)
        except InvalidInput as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                f"Saved the category {category.name}."
                if old == category.name
                else f"Renamed {old} to {category.name}.",
            )
            return redirect("category_list", slug=branch.slug)
    return render(
        request,
        "groups/people/category_rename.html",
        {"branch": branch, "category": category, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
@branch_view("manage_categories")
def category_move(request, branch, category_id):
    category = get_in_branch(Category.objects.all(), branch, pk=category_id)
    try:
        category_services.move_category(
            category=category, actor=request.user, direction=request.POST.get("direction", "")
        )
    except RollcallError as exc:
        messages.error(request, exc.message)
    return redirect("category_list", slug=branch.slug)


@require_POST
@branch_view("manage_categories")
def category_delete(request, branch, category_id):
    category = get_in_branch(Category.objects.all(), branch, pk=category_id)
    try:
        category_services.delete_category(category=category, actor=request.user)
    except RollcallError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Removed the category {category.name}.")
    return redirect("category_list", slug=branch.slug)
