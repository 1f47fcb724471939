from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from groups.demo import DEMO_PASSWORD, DEMO_USERS, build_demo


class Command(BaseCommand):
    help = "Create (or recreate) the fictional demo branch and its three demo users."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=300, help="How many people the demo branch has.")

    def handle(self, *args, people: int, **options):
        if not settings.DEBUG:
            raise CommandError("The demo creates users with a published password, so it only runs with DEBUG=true.")
        if people < 0:
            raise CommandError("--people must be zero or more.")
        branch = build_demo(people=people)
        self.stdout.write(self.style.SUCCESS(f"Demo branch “{branch.name}” is ready at /b/{branch.slug}/"))
        self.stdout.write(f"Sign in with any of these (password: {DEMO_PASSWORD}):")
        for email, role in DEMO_USERS:
            self.stdout.write(f"  {email:28} {role.label}")
