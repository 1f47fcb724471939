"""The app as gunicorn serves it in bench/door.py's load run, plus the bare
view (one indexed query through the same middleware) at /bench/bare/…, so the
floor is loaded through the same server, workers and database in the same run."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.urls import include, path  # noqa: E402
from door import bare  # noqa: E402

urlpatterns = [path("bench/bare/<slug:slug>/<int:person_id>/", bare), path("", include("config.urls"))]
settings.ROOT_URLCONF = __name__
application = get_wsgi_application()
