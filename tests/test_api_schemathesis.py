"""Schemathesis against the live schema, through the WSGI app: generated
requests (valid and invalid) to every endpoint, as a staff user who organises
the branch. No answer may be a server error, and every answer must match the
schema (status codes, content types, bodies)."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token

from config.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)


@pytest.fixture
def token(organiser, branch):
    organiser.is_staff = True  # so that POST /branches/ is exercised beyond its 403
    organiser.save()
    return Token.objects.create(user=organiser).key


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, token):
    if case.path_parameters and "branch_slug" in case.path_parameters:
        case.path_parameters["branch_slug"] = "green-lanes"  # the real branch, not a random 404
    case.call_and_validate(headers={"Authorization": f"Token {token}"})
