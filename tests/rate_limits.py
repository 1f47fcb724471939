"""What the API's rate limit adds to a request's queries (groups/api/throttling.py):
one statement on the database's counter, none when Redis counts."""

from django.conf import settings

RATE_LIMIT_QUERIES = 0 if "redis" in settings.CACHES["default"]["BACKEND"].lower() else 1
