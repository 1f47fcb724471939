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
