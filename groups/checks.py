"""Deployment checks (`manage.py check --deploy`) beyond Django's own."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register

CONSOLE_MAIL = "django.core.mail.backends.console.EmailBackend"


@register(Tags.security, deploy=True)
def email_configured(app_configs, **kwargs):
    """With no EMAIL_URL, mail goes to the console, which in production is
    the error log: password-reset, sign-in and RSVP links would be written
    there for anyone who reads the logs."""
    if not settings.DEBUG and settings.EMAIL_BACKEND == CONSOLE_MAIL:
        return [
            Error(
                "EMAIL_URL is not set, so emails (with their password-reset and RSVP links) would be "
                "printed to the server's log.",
                hint="Set EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.org:587.",
                id="rollcall.E001",
            )
        ]
    return []
