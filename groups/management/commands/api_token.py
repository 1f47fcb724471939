from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from groups.services.tokens import get_or_create_token


class Command(BaseCommand):
    help = "Print the API token of the user with this email address (creating one if they have none)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        users = list(get_user_model().objects.filter(email__iexact=email.strip())[:2])
        if not users:
            raise CommandError(f"No user has the email address {email}.")
        if len(users) > 1:
            raise CommandError(f"More than one user has the email address {email}; use the admin instead.")
        token, created = get_or_create_token(user=users[0], actor=None)
        if created:
            self.stderr.write(f"Created a new API token for {users[0].email}.")
        self.stdout.write(token.key)
