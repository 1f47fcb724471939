"""The OpenAPI schema states the errors every endpoint can answer, so clients
(and schemathesis, in tests/test_api_schemathesis.py) know their shape."""

from drf_spectacular import openapi
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in a sentence a person can read.")
    code = serializers.CharField(required=False, help_text="A stable code for programs, for domain errors.")


FIELD_ERRORS = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description='Bad input or a conflict: field errors ({"name": ["…"]}) or {"detail": …, "code": …}.',
)


class AutoSchema(openapi.AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        errors = {
            "401": OpenApiResponse(ErrorSerializer, description="Not signed in: no token, or a bad one."),
            "403": OpenApiResponse(ErrorSerializer, description="Your role does not allow this."),
            "429": OpenApiResponse(
                ErrorSerializer,
                description='Too many requests (groups/api/throttling.py): {"detail", "code": "throttled", '
                '"retry_after": seconds}, with a Retry-After header.',
            ),
        }
        if "{" in self.path or self._is_list_view():
            errors["404"] = OpenApiResponse(
                ErrorSerializer, description="No such object, a branch you have no role in, or no such page."
            )
        if self.method in ("POST", "PUT", "PATCH") or self._is_list_view():
            errors["400"] = FIELD_ERRORS  # bad body, or a bad query parameter (page_size=0)
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            errors["409"] = FIELD_ERRORS  # taken names: {"name": ["…"]}
        if self.method in ("POST", "PUT", "PATCH"):
            # DRF's answer to a body it cannot read as any of the endpoint's content types (a broken multipart one).
            errors["415"] = OpenApiResponse(
                ErrorSerializer, description="The body's content type is not one accepted here."
            )
        for code, response in errors.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code, direction=direction)
        return responses
