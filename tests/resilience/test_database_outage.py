"""The database out of reach: pages and the API say "try again shortly" (503
with Retry-After) instead of "something went wrong" (500), and say it without
touching the database themselves."""

import pytest
from django.db import OperationalError, connection


def _cut_off(execute, sql, params, many, context):
    raise OperationalError("could not connect to server: Connection refused")


@pytest.fixture
def database_down(db):
    """Every statement from here on fails as a dropped connection does."""
    with connection.execute_wrapper(_cut_off):
        yield


def test_a_page_answers_503_with_retry_after(client_for, organiser, branch):
    client = client_for(organiser)
    client.raise_request_exception = False
    with connection.execute_wrapper(_cut_off):
        response = client.get(f"/b/{branch.slug}/people/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    html = response.content.decode()
    assert "back in a moment" in html and "nothing you sent was saved" in html
    assert "Traceback" not in html and "OperationalError" not in html


def test_the_api_answers_503_json_with_retry_after(api, organiser, branch):
    client = api(organiser)
    client.raise_request_exception = False
    with connection.execute_wrapper(_cut_off):
        response = client.get(f"/api/v1/branches/{branch.slug}/people/")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "30"
    assert response.json()["code"] == "unavailable"
    assert response.json()["retry_after"] == 30


def test_a_sign_in_page_for_someone_signed_out_answers_503_too(client, database_down):
    client.raise_request_exception = False
    response = client.post("/accounts/login/", {"login": "a@example.org", "password": "x"})
    assert response.status_code == 503


def test_other_errors_are_still_a_500(api, organiser, branch, monkeypatch):
    from groups.api.views import people

    def broken(self, *args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(people.PersonViewSet, "list", broken)
    client = api(organiser)
    client.raise_request_exception = False
    response = client.get(f"/api/v1/branches/{branch.slug}/people/")
    assert response.status_code == 500
    assert "Retry-After" not in response
