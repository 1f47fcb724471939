"""The import request (multipart) and the import report, as the schema shows
them. The report is ImportReport.as_dict() (groups/imports/report.py)."""

from rest_framework import serializers

from .base import CharField


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="The membership list: CSV (UTF-8 or Windows-1252, comma or semicolon), "
        "or an Excel .xlsx or OpenDocument .ods workbook (its first sheet)."
    )
    dry_run = serializers.BooleanField(required=False, default=False, help_text="Check and count only; write nothing.")
    mapping = CharField(
        required=False,
        allow_blank=True,
        max_length=100_000,
        help_text='JSON object: file column → field name ("" ignores the column).',
    )
    category_map = CharField(
        required=False,
        allow_blank=True,
        max_length=100_000,
        help_text='JSON object: value in the category column → category slug, or "new" to create it.',
    )
    status_map = CharField(
        required=False,
        allow_blank=True,
        max_length=100_000,
        help_text="JSON object: value in the status column → active, lapsed, suspended or resigned.",
    )


class RowErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="Line number in the file (the header is line 1).")
    column = serializers.CharField()
    reason = serializers.CharField()


class CategoryValueSerializer(serializers.Serializer):
    value = serializers.CharField(help_text="A value found in the category column.")
    rows = serializers.IntegerField()
    category = serializers.CharField(allow_null=True, help_text='The slug it maps to, "new", or "" when unknown.')


class ImportReportSerializer(serializers.Serializer):
    ok = serializers.BooleanField(help_text="True when the file has no error.")
    dry_run = serializers.BooleanField()
    applied = serializers.BooleanField(help_text="True when the rows were written.")
    file_error = serializers.CharField(help_text="Why the file as a whole cannot be imported; empty otherwise.")
    encoding = serializers.CharField()
    encoding_label = serializers.CharField()
    delimiter = serializers.CharField()
    delimiter_label = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField(), help_text="The file's headers, in order.")
    mapping = serializers.DictField(child=serializers.CharField(), help_text='Column → field ("" = ignored).')
    ignored_columns = serializers.ListField(child=serializers.CharField())
    category_values = CategoryValueSerializer(many=True)
    unknown_categories = serializers.ListField(child=serializers.CharField())
    status_values = serializers.ListField(
        child=serializers.DictField(), help_text='{"value", "rows", "status"}: "" when not matched yet.'
    )
    unknown_statuses = serializers.ListField(child=serializers.CharField())
    categories_created = serializers.ListField(child=serializers.CharField())
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    blocked = serializers.IntegerField(help_text="Rows with a problem: rows = created + updated + unchanged + blocked.")
    preview = serializers.ListField(
        child=serializers.DictField(child=serializers.JSONField()),
        help_text="The first good rows as they will be stored: line, names, email, phone, postcode, "
        "date_of_birth and joined (as 14 Apr 1990), category (its name), status.",
    )
    near_duplicates = serializers.ListField(
        child=serializers.DictField(child=serializers.JSONField()),
        help_text="New rows resembling someone (first 200): line, name, person (their id) or other_line, "
        "other_name, same (postcode or date of birth). Never blocks.",
    )
    near_duplicate_count = serializers.IntegerField()
    warnings = serializers.ListField(
        child=serializers.CharField(), help_text="What may surprise (no consent column…); never blocks."
    )
    errors = RowErrorSerializer(many=True, help_text="Every bad row by line, column and reason (first 1,000).")
    error_count = serializers.IntegerField()
    errors_truncated = serializers.BooleanField()
