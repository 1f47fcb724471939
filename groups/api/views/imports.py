"""/api/v1/branches/{slug}/imports/: the member import (CONTRACT.md §3) through
the same service as the upload pages and `manage.py import_members`."""

import json

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from ...services.imports import import_members
from ..schema import ErrorSerializer
from ..serializers.imports import ImportReportSerializer, ImportRequestSerializer
from .base import BranchScopedViewSet


def _limit_mb() -> int:
    return settings.IMPORT_MAX_BYTES // (1024 * 1024)


def _json_map(name: str, raw) -> dict[str, str] | None:
    """mapping / category_map: a JSON object of text to text, sent as a form field."""
    if raw in (None, ""):
        return None
    try:
        value = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        value = None
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise ValidationError({name: ['Give a JSON object of text to text, e.g. {"Surname": "last_name"}.']})
    if len(value) > 1000:
        raise ValidationError({name: ["Give at most 1,000 entries."]})
    return value


class ImportViewSet(BranchScopedViewSet):
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = ImportRequestSerializer
    permission = {"create": "import_people"}
    throttle_scope = "uploads"

    @extend_schema(
        tags=["imports"],
        summary="Import a membership list (CSV) — all or nothing (organisers)",
        description=(
            "Multipart form. `file`: the CSV (CONTRACT.md §3), at most "
            f"{settings.IMPORT_MAX_BYTES // (1024 * 1024)} MB. `dry_run`: true to check the file and count what "
            "would change without writing anything. `mapping`: optional JSON object, file column → field name "
            '("" ignores the column), e.g. {"Surname": "last_name", "Branch": ""}; columns not named are '
            "matched by their header. `category_map`: optional JSON object, value in the category column → "
            'category slug, or "new" to create a category of that name. `status_map`: optional JSON object, value '
            "in the status column → active, lapsed, suspended or resigned (common values such as “Gone” are "
            "guessed). Answers 200 with the import report "
            "when the file is good (written unless dry_run), 400 with the same report when any row is bad "
            "(nothing is written), and 400 with field errors when the request itself is bad (no file, too big)."
        ),
        request=ImportRequestSerializer,
        responses={
            200: ImportReportSerializer,
            400: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description='The report, with "ok": false, "file_error" and "errors" saying what to fix; '
                'or field errors such as {"file": ["…"]}.',
            ),
            401: ErrorSerializer,
            403: ErrorSerializer,
            404: ErrorSerializer,
            415: OpenApiResponse(ErrorSerializer, description="Not a multipart form (or a malformed one)."),
        },
    )
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise ValidationError(
                {
                    "file": [
                        f"The file is {upload.size / 1048576:.1f} MB; the limit is {_limit_mb()} MB. "
                        "Split the list into smaller files and import them one after another."
                    ]
                }
            )
        if upload.size == 0:
            raise ValidationError({"file": ["The file is empty. Export the membership list as CSV and send that."]})
        mapping = _json_map("mapping", request.data.get("mapping"))
        category_map = _json_map("category_map", request.data.get("category_map"))
        status_map = _json_map("status_map", request.data.get("status_map"))
        report = import_members(
            branch=self.get_branch(),
            source=upload,
            actor=request.user,
            dry_run=serializer.validated_data.get("dry_run", False),
            mapping=mapping,
            category_map=category_map,
            status_map=status_map,
        )
        return Response(report.as_dict(), status=status.HTTP_200_OK if report.ok else status.HTTP_400_BAD_REQUEST)
