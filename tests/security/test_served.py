"""Rate limits and headers replayed against the app served by gunicorn in a
subprocess (tests/served.py: config/gunicorn.conf.py, DEBUG off, two workers,
one trusted proxy), where the test client cannot show them: limits counted
across workers in the shared cache, the client address as the proxy passes
it, headers on the wire, errors gunicorn answers itself, the access log."""

from __future__ import annotations

import re
import socket
import time
from pathlib import Path

import pytest
import requests

from ..served import API_RATE

# The served app runs on a copy of the test database, so the session must make one even when
# these are the only tests run (pytest-django sets up only the databases its tests ask for).
# Transactional: the copy is taken with every connection closed, outside a test's transaction.
pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
TOO_MANY = "Too many failed login attempts"


def sign_in(served, email: str, password: str, client_address: str) -> requests.Response:
    """A sign-in as the reverse proxy passes it on (it appends the address it saw)."""
    session = requests.Session()
    form = session.get(f"{served.url}/accounts/login/", headers={"X-Forwarded-For": client_address}, timeout=10)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    return session.post(
        f"{served.url}/accounts/login/",
        data={"login": email, "password": password, "csrfmiddlewaretoken": csrf},
        # The CSRF cookie is Secure (production): sent by hand over the test's plain HTTP.
        headers={"X-Forwarded-For": client_address, "Cookie": f"csrftoken={form.cookies['csrftoken']}"},
        allow_redirects=False,
        timeout=10,
    )


def test_failed_sign_ins_through_the_proxy_count_per_client_not_for_everyone(served):
    steward, password = served.seed["steward"], served.seed["password"]
    for i in range(11):  # made-up accounts from one attacker, through the proxy
        sign_in(served, f"nobody{i}@example.org", "wrong-password-123", "198.51.100.66")
    assert TOO_MANY in sign_in(served, "nobody99@example.org", "x", "198.51.100.66").text
    # Every request reached gunicorn from the proxy's one address; the steward, elsewhere, still signs in.
    response = sign_in(served, steward, password, "203.0.113.10")
    assert response.status_code == 302 and TOO_MANY not in response.text
    # Guessing the steward's password from one address slows that address down for that account only.
    for _ in range(6):
        sign_in(served, steward, "wrong-password-123", "198.51.100.67")
    assert TOO_MANY in sign_in(served, steward, password, "198.51.100.67").text
    assert sign_in(served, steward, password, "203.0.113.11").status_code == 302


def test_the_api_answers_429_with_retry_after_in_json_across_workers(served):
    people = f"{served.url}/api/v1/branches/{served.seed['slug']}/people/"
    with requests.Session() as http:
        http.headers["Authorization"] = f"Token {served.seed['token']}"
        answered = 0
        # Fixed one-minute windows: a run that starts near a window's end may see two.
        for _ in range(2 * API_RATE + 1):
            over = http.get(people, timeout=10)
            if over.status_code != 200:
                break
            answered += 1
    assert answered <= 2 * API_RATE  # two workers, one count
    assert over.status_code == 429
    assert int(over.headers["Retry-After"]) > 0
    assert over.headers["Content-Type"] == "application/json"
    assert over.json()["code"] == "throttled" and over.json()["retry_after"] == int(over.headers["Retry-After"])


def test_bad_tokens_are_limited_per_client_address(served):
    people = f"{served.url}/api/v1/branches/{served.seed['slug']}/people/"
    bad = {"Authorization": "Token not-a-real-token", "X-Forwarded-For": "198.51.100.80"}
    codes = [requests.get(people, headers=bad, timeout=10).status_code for _ in range(32)]
    assert codes[0] == 401 and codes[-1] == 429
    # Another client's good token is not caught by that address's limit.
    good = {"Authorization": f"Token {served.seed['door_token']}", "X-Forwarded-For": "203.0.113.20"}
    assert requests.get(people, headers=good, timeout=10).status_code == 200


def test_answers_with_personal_data_are_not_stored_and_every_answer_has_a_permissions_policy(served):
    meeting = f"{served.url}/api/v1/branches/{served.seed['slug']}/meetings/{served.seed['meeting_id']}"
    door = requests.get(
        f"{meeting}/door/",
        params={"q": "Lovelace"},
        headers={"Authorization": f"Token {served.seed['door_token']}"},
        timeout=10,
    )
    assert door.status_code == 200 and door.json()["count"] == 1
    assert "no-store" in door.headers["Cache-Control"] and "private" in door.headers["Cache-Control"]
    assert "camera=()" in door.headers["Permissions-Policy"]
    login = requests.get(f"{served.url}/accounts/login/", timeout=10)
    assert "camera=()" in login.headers["Permissions-Policy"]
    assert (
        "script-src" in login.headers["Content-Security-Policy"]
        and "unsafe-inline" not in (login.headers["Content-Security-Policy"].split("script-src", 1)[1].split(";")[0])
    )


def test_a_door_search_leaves_no_name_in_the_access_log(served):
    meeting = f"{served.url}/api/v1/branches/{served.seed['slug']}/meetings/{served.seed['meeting_id']}"
    headers = {"Authorization": f"Token {served.seed['door_token']}"}
    posted = requests.post(f"{meeting}/door/", json={"q": "Lovelace"}, headers=headers, timeout=10)
    assert posted.status_code == 200 and posted.json()["count"] == 1
    # The deprecated GET too (CONTRACT §4 keeps it): gunicorn logs its path alone.
    assert requests.get(f"{meeting}/door/", params={"q": "Lovelace"}, headers=headers, timeout=10).status_code == 200
    door = f"/api/v1/branches/{served.seed['slug']}/meetings/{served.seed['meeting_id']}/door/"
    log = served.access_log()
    for _ in range(50):  # gunicorn writes the line once the answer is sent: the last one may lag
        if f'"POST {door}"' in log and f'"GET {door}"' in log:
            break
        time.sleep(0.1)
        log = served.access_log()
    assert f'"POST {door}"' in log and f'"GET {door}"' in log  # both requests were logged…
    assert "Lovelace" not in log and "q=" not in log  # …without what was typed


def _raw(served, request: bytes) -> bytes:
    with socket.create_connection((served.host, served.port), timeout=10) as s:
        s.sendall(request)
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
    return answer


def test_an_over_long_request_line_under_the_api_is_a_414_as_documented(served):
    answer = _raw(served, b"GET /api/v1/branches/?q=" + b"a" * 5000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 414")
    # gunicorn answers before the app: its plain page, which docs/API.md tells clients to expect.
    api_doc = (ROOT / "docs" / "API.md").read_text()
    assert "414" in api_doc and "431" in api_doc


def test_an_over_long_header_is_refused_not_a_server_error(served):
    answer = _raw(served, b"GET /api/v1/branches/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n")
    status = int(answer.split(b" ", 2)[1])
    assert status in (400, 431)
