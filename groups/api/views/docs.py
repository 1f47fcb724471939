"""The schema and the browsable docs. Swagger UI's files come from
drf-spectacular-sidecar (no CDN); the split view serves its start-up script as
a file, and our template drops the inline <style>, so the strict CSP holds."""

from drf_spectacular.views import SpectacularSwaggerSplitView


class DocsView(SpectacularSwaggerSplitView):
    template_name = "groups/api/swagger_ui.html"
    url_name = "api_schema"
    title = "Rollcall API"
    throttle_classes: list = []  # public, no data (like the schema, groups/api/urls.py)
