"""What every file-upload endpoint shares: the answers its schema documents
besides success, and the refusal of an empty or too-large file. (The member
import in views/imports.py predates this and can move to it.)"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework.exceptions import ValidationError

from .schema import ErrorSerializer


def upload_responses(ok, bad_request: str) -> dict:
    return {
        200: ok,
        400: OpenApiResponse(OpenApiTypes.OBJECT, description=bad_request),
        401: ErrorSerializer,
        403: ErrorSerializer,
        404: ErrorSerializer,
        415: OpenApiResponse(ErrorSerializer, description="Not a multipart form (or a malformed one)."),
    }


def check_size(upload, *, limit: int, too_big: str, empty: str) -> None:
    """400 {"file": [...]} for a file over `limit` bytes (`too_big` says what to do) or an empty one."""
    if upload.size > limit:
        raise ValidationError(
            {"file": [f"The file is {upload.size / 1048576:.1f} MB; the limit is {limit / 1048576:.0f} MB. {too_big}"]}
        )
    if upload.size == 0:
        raise ValidationError({"file": [empty]})
