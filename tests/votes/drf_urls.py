"""The project's URLs with the lean views left out (groups/api/lean.py): every
API route answered by its DRF view, to compare the lean path's answers with."""

from django.urls import include, path

import config.urls as project
from groups.api import urls as api

api_patterns = [p for p in api.urlpatterns if getattr(p.callback, "fallback", None) is None]
urlpatterns = [
    path("api/v1/", include(api_patterns)),
    *[p for p in project.urlpatterns if str(p.pattern) != "api/v1/"],
]
handler400, handler403, handler404, handler500 = (
    project.handler400,
    project.handler403,
    project.handler404,
    project.handler500,
)
