from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from groups.models import Branch
from groups.services.retention import apply_retention, clear_expired_sessions, plan_daily_run


class Command(BaseCommand):
    help = (
        "Apply every branch's retention schedule now: erase people whose memberships all ended long ago "
        "and registrations of interest never reviewed, delete old import uploads, expired role invitations "
        "and sign-in sessions. --dry-run prints what it would do and changes nothing. The database task "
        "backend runs this daily by itself (--plan makes sure each branch's daily run is queued)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Print what would go; change nothing.")
        parser.add_argument("--branch", help="Only this branch (its slug).")
        parser.add_argument("--at", help="Apply as at this ISO time instead of now (for checking).")
        parser.add_argument("--plan", action="store_true", help="Queue each branch's daily run; apply nothing.")

    def handle(self, *args, dry_run=False, branch=None, at=None, plan=False, **options):
        when = timezone.now()
        if at:
            try:
                when = datetime.fromisoformat(at)
            except ValueError:
                raise CommandError("--at takes an ISO time, e.g. 2026-12-01T03:00:00+00:00.") from None
            if timezone.is_naive(when):
                when = timezone.make_aware(when)
        branches = Branch.objects.order_by("slug")
        if branch:
            branches = branches.filter(slug=branch)
            if not branches.exists():
                raise CommandError(f"No branch has the slug {branch!r}.")
        if plan:
            for b in branches:
                due = plan_daily_run(branch=b, now=when)
                self.stdout.write(f"{b.slug}: next run {due:%Y-%m-%d %H:%M} UTC")
            return
        verb = "would" if dry_run else "did"
        for b in branches:
            run = apply_retention(branch=b, at=when, dry_run=dry_run)
            c = run.counts()
            self.stdout.write(
                f"{b.slug}: {verb} erase {c['former_members']} former member(s) "
                f"(memberships all ended before {run.plan.ended_before:%Y-%m-%d}) and "
                f"{c['interest']} unreviewed registration(s) of interest; "
                f"{verb} delete {c['uploads']} import upload(s) and {c['role_invitations']} expired role invitation(s)"
            )
        sessions = clear_expired_sessions(at=when, dry_run=dry_run)
        self.stdout.write(f"Site: {verb} delete {sessions} expired sign-in session(s).")
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
