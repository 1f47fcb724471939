"""JSON errors everywhere in the API: domain errors become {"detail", "code"};
Django's 404/403 become DRF's JSON; nothing falls through to an HTML page."""

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ..errors import Conflict, NotAllowed, RollcallError

STATUS_FOR = {NotAllowed: status.HTTP_403_FORBIDDEN, Conflict: status.HTTP_409_CONFLICT}


def exception_handler(exc, context):
    if isinstance(exc, RollcallError):
        code = next((s for cls, s in STATUS_FOR.items() if isinstance(exc, cls)), status.HTTP_400_BAD_REQUEST)
        return Response({"detail": exc.message, "code": exc.code, **exc.details}, status=code)
    return drf_exception_handler(exc, context)
