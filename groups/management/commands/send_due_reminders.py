from django.core.management.base import BaseCommand

from groups.services.reminders import send_due_reminders


class Command(BaseCommand):
    help = (
        "Send every automatic invitation reminder whose time has come. The database task "
        "backend does this by itself; run this from cron when tasks run inline."
    )

    def handle(self, *args, **options):
        n = send_due_reminders()
        self.stdout.write(f"Reminders due for {n} meeting{'s' if n != 1 else ''}.")
