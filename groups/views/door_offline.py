"""The door's offline shell: the service worker, served by the app from the
site's root so that its scope can cover the door pages (/b/…); its script
names the static files to keep, by their served (hashed) names.

The door page itself (groups/static/groups/door_offline.js) downloads the
door list into IndexedDB and queues check-ins while offline."""

from __future__ import annotations

import hashlib
import json
from functools import cache

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.views.decorators.http import require_GET

# What the door page loads: kept by the service worker so the page opens with no network.
STATIC_FILES = (
    "groups/rollcall.css",
    "groups/favicon.svg",
    "groups/app.js",
    "groups/door.js",
    "groups/door_close.js",
    "groups/door_offline.js",
    "groups/door_scan.js",
    "groups/vendor/idb-8.0.4.umd.js",
    "groups/vendor/jsQR-1.4.0.js",  # the scanner's decoder where the browser has no BarcodeDetector
    "groups/door.webmanifest",
    "django_htmx/htmx-2.min.js",
    "django_htmx/django-htmx.js",
)
SCOPE = "/b/"


@cache
def _script() -> str:
    files = [static(name) for name in STATIC_FILES]
    version = hashlib.sha256("\n".join(files).encode()).hexdigest()[:12]
    return render_to_string(
        "groups/door/service_worker.js", {"files": json.dumps(files), "version": version, "scope": SCOPE}
    )


@login_not_required
@require_GET
def service_worker(request):
    """The service worker's script. It holds nobody's data (the door list lives
    in the page's IndexedDB), so it needs no sign-in."""
    response = HttpResponse(_script(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = SCOPE
    return response
