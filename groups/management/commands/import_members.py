"""python manage.py import_members BRANCH_SLUG FILE.csv [--dry-run] [--map "Column=field"] [--category "Value=slug"]
[--status "Value=status"]"""

from django.core.management.base import BaseCommand, CommandError

from groups.imports.mapping import FIELDS, NEW_CATEGORY
from groups.models import Branch
from groups.services.imports import import_members


def _pairs(items, what):
    out = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise CommandError(f'{what} takes "Name=value", not "{item}".')
        out[key.strip()] = value.strip()
    return out


class Command(BaseCommand):
    help = "Import a membership list (CSV) into a branch: the same import, and the same report, as the web page."

    def add_arguments(self, parser):
        parser.add_argument("branch", help="the branch's short name (slug)")
        parser.add_argument("file", help="the CSV file")
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        parser.add_argument(
            "--map",
            action="append",
            metavar="COLUMN=FIELD",
            help=f"feed a column to a field (empty to ignore it); fields: {', '.join(FIELDS)}",
        )
        parser.add_argument(
            "--category",
            action="append",
            metavar="VALUE=SLUG",
            help=f'the branch category a value in the file stands for; "{NEW_CATEGORY}" creates one of that name',
        )
        parser.add_argument(
            "--status",
            action="append",
            metavar="VALUE=STATUS",
            help="the status a value in the file stands for (active, lapsed, suspended or resigned); "
            "common ones such as Gone are guessed",
        )

    def handle(self, *args, branch, file, dry_run, map, category, status, **options):
        try:
            target = Branch.objects.get(slug=branch)
        except Branch.DoesNotExist:
            raise CommandError(f"There is no branch “{branch}”.") from None
        try:
            source = open(file, "rb")  # noqa: SIM115
        except OSError as exc:
            raise CommandError(f"Cannot open {file}: {exc.strerror}.") from None
        with source:
            report = import_members(
                branch=target,
                source=source,
                actor=None,
                dry_run=dry_run,
                mapping=_pairs(map, "--map") or None,
                category_map=_pairs(category, "--category") or None,
                status_map=_pairs(status, "--status") or None,
            )
        write = self.stdout.write
        if report.encoding:
            write(f"File: {report.rows:,} rows, {report.encoding_label}, separated by {report.delimiter_label}s")
        for column, field in report.column_mapping:
            write(f"  {column} → {field or 'ignored'}")
        for entry in report.category_values:
            write(f"  category “{entry['value']}” ({entry['rows']:,} rows) → {entry['category'] or 'not matched'}")
        for entry in report.status_values:
            write(f"  status “{entry['value']}” ({entry['rows']:,} rows) → {entry['status'] or 'not matched'}")
        for warning in report.warnings:
            write(f"Note: {warning}")
        if report.near_duplicate_count:
            write(f"Possible duplicates: {report.near_duplicate_count:,} new rows look like someone already here")
        if report.file_error:
            raise CommandError(report.file_error)
        counts = f"{report.created:,} created, {report.updated:,} updated, {report.unchanged:,} unchanged"
        if report.blocked:
            counts += f", {report.blocked:,} blocked"
        for e in report.errors:
            self.stderr.write(f"line {e.line}, {e.column}: {e.reason}")
        if report.errors_truncated:
            self.stderr.write(f"(showing {len(report.errors):,} of {report.error_count:,} problems)")
        if not report.ok:
            raise CommandError(f"{report.error_count:,} problem(s); nothing was written. (Would be: {counts}.)")
        if report.dry_run:
            write(self.style.SUCCESS(f"Dry run, nothing written. Would be: {counts}."))
        else:
            if report.categories_created:
                write(f"New categories: {', '.join(report.categories_created)}")
            write(self.style.SUCCESS(f"Imported: {counts}."))
