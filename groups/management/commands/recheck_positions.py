from django.core.management.base import BaseCommand

from groups.services.positions import recheck_all


class Command(BaseCommand):
    help = (
        "Check every current holder of a position against its rule and alert organisers about those who no "
        "longer qualify. A worker (TASKS_BACKEND=database) does this every morning by itself; this is for cron "
        "where none runs."
    )

    def handle(self, *args, **options):
        results = recheck_all()
        for slug, counts in results.items():
            self.stdout.write(
                f"{slug}: {counts['checked']} checked, {counts['raised']} new alerts, {counts['resolved']} resolved."
            )
        if not results:
            self.stdout.write("No branch has anyone holding a position.")
