"""Counts behind the API's rate limits when there is no Redis: one row per
caller, scope and window (groups/api/throttling.py, groups/sql/rate_limits.py)."""

from django.db import models


class RateCount(models.Model):
    """Requests from one caller in one scope's window. ``key`` names all three
    (``door:user-7:1764595200``); ``expires`` (seconds since 1970) is the
    window's end, after which the row is only waiting to be deleted."""

    key = models.CharField(max_length=200, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires = models.BigIntegerField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
