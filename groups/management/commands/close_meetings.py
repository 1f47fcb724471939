from django.core.management.base import BaseCommand

from groups.services.records import close_due_meetings


class Command(BaseCommand):
    help = (
        "Close every meeting that ended more than 6 hours ago and freeze its record. A worker "
        "(TASKS_BACKEND=database) does this by itself; this is for where none runs."
    )

    def handle(self, *args, **options):
        closed = close_due_meetings()
        self.stdout.write(f"Closed {closed} meeting{'s' if closed != 1 else ''}.")
