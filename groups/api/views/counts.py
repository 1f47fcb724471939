"""POST /api/v1/branches/{slug}/counts/: count an uploaded BLT file (a paper
ballot counted elsewhere, a recount) by the pure groups.counting, storing
nothing but the audit row saying a count was run (CONTRACT.md §7). Organisers only."""

from __future__ import annotations

import json

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from ...services.counts import count_upload
from ..serializers.counts import CountRequestSerializer, CountResultSerializer
from ..uploads import check_size, upload_responses
from .base import BranchScopedViewSet

DEFAULT_MAX_BYTES = 2 * 1024 * 1024


def max_bytes() -> int:
    return getattr(settings, "COUNT_MAX_BYTES", DEFAULT_MAX_BYTES)


class CountViewSet(BranchScopedViewSet):
    parser_classes = [MultiPartParser, FormParser]
    serializer_class = CountRequestSerializer
    permission = {"create": "count_ballots"}
    throttle_scope = "uploads"

    @extend_schema(
        tags=["counts"],
        summary="Count a BLT file of ballots — nothing is stored but an audit row (organisers)",
        description=(
            "Multipart form. `file`: the ballots in BLT (CONTRACT.md §7), at most "
            f"{DEFAULT_MAX_BYTES // (1024 * 1024)} MB. `method`: fptp, block, irv, scottish_stv (SSI 2007/42 "
            "rules 45–52) or meek_stv (the PR Foundation's reference rule). `seed`: optional text that decides "
            "any tie left to lot; one is chosen when none is given, and the answer always says which. "
            '`constraints`: optional JSON list such as [{"candidates": ["Ada", "Bea"], "min": 1}], by guard and '
            "doom; `if_unmet`: vacant (default) or anyone, for a constraint that cannot be met. Answers 200 with "
            "every stage of the count; 400 naming the line of a malformed file "
            '({"detail", "code": "malformed_blt", "lines": [{"line", "message"}]}), or saying what else is wrong.'
        ),
        request=CountRequestSerializer,
        responses=upload_responses(
            CountResultSerializer,
            '{"detail", "code", "lines"?} for a file that cannot be read or counted; '
            'field errors such as {"file": ["…"]} or {"constraints": ["…"]}.',
        ),
    )
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        upload = data["file"]
        check_size(
            upload,
            limit=max_bytes(),
            too_big="Put identical ballots on one line with their number as the weight (BLT's first number) "
            "and send it again.",
            empty="The file is empty. Send the ballots as a BLT file.",
        )
        result = count_upload(
            branch=self.get_branch(),
            actor=request.user,
            content=upload.read(),
            method=data["method"],
            seed=data.get("seed") or None,
            constraints=_json_list(data.get("constraints")),
            if_unmet=data.get("if_unmet", "vacant"),
        )
        return Response(result.as_dict())


def _json_list(raw):
    if raw in (None, ""):
        return None
    try:
        return json.loads(raw)
    except ValueError:
        raise ValidationError(
            {"constraints": ['Give a JSON list, e.g. [{"candidates": ["Ada", "Bea"], "min": 1}].']}
        ) from None
