"""The door's offline shell: the service worker served by the app under the
strict CSP, the web app manifest, and signing out wiping the device."""

import json
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static

from groups.views.door_offline import STATIC_FILES

pytestmark = pytest.mark.django_db


def test_the_service_worker_is_served_from_the_root_for_the_door_pages(client):
    response = client.get("/door-sw.js")  # no sign-in needed: it holds nobody's data
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/b/"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    script = response.content.decode()
    assert "meetings\\/[0-9]+\\/door\\/$" in script
    for name in STATIC_FILES:
        assert finders.find(name), name  # every file it keeps exists
        assert json.dumps(static(name)) in script


def test_the_door_page_links_the_manifest_and_the_offline_script(client_for, steward, branch):
    from ..factories import MeetingFactory

    meeting = MeetingFactory(branch=branch)
    html = client_for(steward).get(f"/b/{branch.slug}/meetings/{meeting.pk}/door/").content.decode()
    assert 'rel="manifest"' in html and "door_offline.js" in html and "idb-8.0.4.umd.js" in html
    assert f"/api/v1/branches/{branch.slug}/meetings/{meeting.pk}/door-list/" in html
    manifest = json.loads(Path(finders.find("groups/door.webmanifest")).read_text())
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"


def test_signing_out_wipes_the_device(client_for, steward):
    client = client_for(steward)
    response = client.post("/accounts/logout/")
    assert response.status_code in (200, 302)
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert "Clear-Site-Data" not in client_for(steward).get("/").headers
