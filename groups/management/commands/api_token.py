from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from groups.services.tokens import create_token


class Command(BaseCommand):
    help = (
        "Make a new API token for the user with this email address and print its key (shown only now). "
        "Earlier tokens keep working until revoked on the API tokens page or expired."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="Made with manage.py api_token")
        parser.add_argument("--days", type=int, default=None, help="How long it lasts (default API_TOKEN_DAYS).")

    def handle(self, *args, email, name, days, **options):
        users = list(get_user_model().objects.filter(email__iexact=email.strip())[:2])
        if not users:
            raise CommandError(f"No user has the email address {email}.")
        if len(users) > 1:
            raise CommandError(f"More than one user has the email address {email}; use the admin instead.")
        from groups.errors import RollcallError

        try:
            token, key = create_token(user=users[0], actor=None, name=name, days=days)
        except RollcallError as exc:
            raise CommandError(exc.message) from exc
        expires = f"{token.expires_at:%d %b %Y}"
        self.stderr.write(f"Made the API token “{token.name}” for {users[0].email}, expiring {expires}.")
        self.stdout.write(key)
