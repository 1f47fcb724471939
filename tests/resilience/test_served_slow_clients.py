"""Two slow clients no longer take the app down (issue 16, faults): against
the app served by gunicorn with config/gunicorn.conf.py and two workers, two
uploads that announce 21 MB and send 1 KB stay open while a door search is
answered within a second. With two sync workers both were held until
gunicorn's timeout killed them (30 s)."""

from __future__ import annotations

import socket
import time

import pytest
import requests

# The served app runs on a copy of the test database, so the session must make one even when
# these are the only tests run (pytest-django sets up only the databases its tests ask for).
# Transactional: the copy is taken with every connection closed, outside a test's transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def _stall_an_upload(served) -> socket.socket:
    s = socket.create_connection((served.host, served.port), timeout=10)
    s.sendall(
        f"POST /b/{served.seed['slug']}/import/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: multipart/form-data; boundary=stall\r\n"
        f"Content-Length: {21 * 1024 * 1024}\r\n\r\n".encode()
        + b"--stall\r\n"
        + b"x" * 1024
    )
    return s


def test_two_stalled_uploads_do_not_delay_a_door_search(served):
    door = f"{served.url}/api/v1/branches/{served.seed['slug']}/meetings/{served.seed['meeting_id']}/door/"
    with requests.Session() as http:
        http.headers["Authorization"] = f"Token {served.seed['door_token']}"
        for _ in range(4):  # both workers warm: imports done, database connected
            assert http.get(door, params={"q": "ada"}, timeout=10).status_code == 200
        stalled = [_stall_an_upload(served) for _ in range(2)]
        try:
            time.sleep(0.5)  # both uploads are being read by the app
            slowest = 0.0
            for _ in range(6):
                started = time.monotonic()
                response = http.get(door, params={"q": "ada"}, timeout=10)
                slowest = max(slowest, time.monotonic() - started)
                assert response.status_code == 200 and response.json()["count"] == 1
        finally:
            for s in stalled:
                s.close()
    assert slowest < 1.0, f"a door search took {slowest:.2f} s behind two stalled uploads"
