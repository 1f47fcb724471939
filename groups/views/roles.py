from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ..errors import RollcallError
from ..forms import RoleChangeForm, RoleInviteForm
from ..models import Role, RoleInvitation, RoleName
from ..permissions import get_in_branch
from ..reauth import reauthentication_required
from ..services import roles as role_services
from .base import add_service_error, branch_view


@branch_view("manage_roles")
@reauthentication_required(allow_get=True)
def role_list(request, branch):
    form = RoleInviteForm(request.POST or None)
    invite_link = None
    if request.method == "POST" and form.is_valid():
        try:
            invitation, token = role_services.invite_to_role(
                branch=branch,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                actor=request.user,
                base_url=request.build_absolute_uri("/"),
            )
        except RollcallError as exc:
            add_service_error(form, exc, field="email")
        else:
            invite_link = request.build_absolute_uri(reverse("role_invitation_accept", args=[token]))
            messages.success(request, f"Invitation sent to {invitation.email}. The link works once, for 7 days.")
            form = RoleInviteForm()
    roles = list(Role.objects.filter(branch=branch).select_related("user").order_by("role", "user__email"))
    # The service refuses to remove or demote the last organiser; the page does not offer it.
    organisers = sum(r.role == RoleName.ORGANISER for r in roles)
    for r in roles:
        r.is_last_organiser = r.role == RoleName.ORGANISER and organisers == 1
    pending = RoleInvitation.objects.filter(branch=branch, accepted_at__isnull=True, revoked_at__isnull=True)
    return render(
        request,
        "groups/roles.html",
        {
            "branch": branch,
            "roles": roles,
            "pending": pending,
            "form": form,
            "invite_link": invite_link,
            "role_choices": RoleName.choices,
            "now_": timezone.now(),
        },
    )


@require_POST
@branch_view("manage_roles")
@reauthentication_required
def role_change(request, branch, role_id):
    role = get_in_branch(Role.objects.select_related("branch"), branch, pk=role_id)
    form = RoleChangeForm(request.POST)
    if form.is_valid():
        try:
            role_services.change_role(role=role, new_role=form.cleaned_data["role"], actor=request.user)
            label = RoleName(form.cleaned_data["role"]).label.lower()
            messages.success(request, f"{role.user.email} is now {'an' if label[0] in 'aeiou' else 'a'} {label}.")
        except RollcallError as exc:
            messages.error(request, exc.message)
    return redirect("role_list", slug=branch.slug)


@require_POST
@branch_view("manage_roles")
@reauthentication_required
def role_remove(request, branch, role_id):
    role = get_in_branch(Role.objects.select_related("branch", "user"), branch, pk=role_id)
    try:
        role_services.remove_role(role=role, actor=request.user)
        messages.success(request, f"{role.user.email} no longer has a role in {branch.name}.")
    except RollcallError as exc:
        messages.error(request, exc.message)
    return redirect("role_list", slug=branch.slug)


@require_POST
@branch_view("manage_roles")
def role_invitation_revoke(request, branch, invitation_id):
    invitation = get_in_branch(RoleInvitation.objects.select_related("branch"), branch, pk=invitation_id)
    if role_services.revoke_role_invitation(invitation=invitation, actor=request.user):
        messages.success(request, f"The invitation to {invitation.email} no longer works.")
    elif invitation.accepted_at:
        messages.info(request, f"{invitation.email} had already accepted; change or remove their role in the list.")
    else:
        messages.info(request, f"The invitation to {invitation.email} was already withdrawn.")
    return redirect("role_list", slug=branch.slug)


def role_invitation_accept(request, token):
    """Signed-in users only (the middleware sends others to sign in or sign up,
    then back here)."""
    invitation = role_services.find_invitation(token)
    if request.method == "POST":
        try:
            role = role_services.accept_role_invitation(token=token, user=request.user)
        except RollcallError as exc:
            return render(request, "groups/invitation_problem.html", {"message": exc.message}, status=400)
        messages.success(request, f"You are now {role.get_role_display().lower()} of {role.branch.name}.")
        return redirect("branch_dashboard", slug=role.branch.slug)
    return render(request, "groups/invitation_accept.html", {"invitation": invitation, "token": token})
