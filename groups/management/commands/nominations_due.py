from django.core.management.base import BaseCommand

from groups.services.nomination_schedule import run_due_nominations


class Command(BaseCommand):
    help = (
        "Open and close every election's nominations whose set time has come (the close checks consent and "
        "the holder rules). A worker (TASKS_BACKEND=database) does this by itself; this is for where none runs."
    )

    def handle(self, *args, **options):
        counts = run_due_nominations()
        done = ", ".join(f"{n} {what}" for what, n in sorted(counts.items())) or "nothing due"
        self.stdout.write(f"Nominations: {done}.")
