"""Signal receivers: link a user to their Person records when they sign in
or confirm an email address (groups.services.linking)."""

from allauth.account.signals import email_confirmed, user_logged_in
from django.dispatch import receiver

from .services.linking import link_user_to_people


@receiver(user_logged_in, dispatch_uid="rollcall_link_on_login")
def link_on_login(sender, request, user, **kwargs):
    link_user_to_people(user)


@receiver(email_confirmed, dispatch_uid="rollcall_link_on_confirm")
def link_on_confirm(sender, request, email_address, **kwargs):
    link_user_to_people(email_address.user)


# --- API tokens and sessions (issue 16) ---------------------------------

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.signals import user_logged_in as django_user_logged_in  # noqa: E402
from django.db.models.signals import pre_save  # noqa: E402

from . import sessions  # noqa: E402
from .services.tokens import revoke_all_within  # noqa: E402


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="rollcall_revoke_tokens")
def revoke_tokens_on_password_or_deactivation(sender, instance, update_fields=None, **kwargs):
    """A new password (by any path: allauth's change and reset pages, the
    admin, `changepassword`) or a deactivated account revokes every API token
    of the user. Saves that touch neither field (last_login at each sign-in)
    cost nothing."""
    if instance.pk is None or (update_fields is not None and not {"password", "is_active"} & set(update_fields)):
        return
    before = get_user_model().objects.filter(pk=instance.pk).values("password", "is_active").first()
    if before is None:
        return
    if before["is_active"] and not instance.is_active:
        revoke_all_within(user=instance, actor=None, why="the account was deactivated")
    elif before["password"] != instance.password:
        revoke_all_within(user=instance, actor=None, why="the password changed")


@receiver(django_user_logged_in, dispatch_uid="rollcall_session_started")
def start_session_clock(sender, request, user, **kwargs):
    sessions.start(request, user)
