"""The eligible count from the cache: the door polls quorum every 5 s per
device, and counting the whole branch (~115 ms at 100,000 people on
PostgreSQL) each time is most of the poll.

The key names everything the count depends on: the branch, its
people_version (raised by every write that can change who a rule admits:
groups/services/people_version.py), the as-of date, a hash of the rule's
definition, and a hash of this package's code (a deploy that changes what a
rule means starts afresh). The cache is settings.COUNTS_CACHE: Redis when
configured, else each process's memory (config/settings.py says why). Never
cached:

* a rule that looks at attendance (``attended``): a check-in changes its
  answer and check-ins do not raise the version;
* inside a transaction: the transaction's own writes may not be counted yet
  under the version it read, and its own read must see them.

The version must be read before the count (or in the same statement): a
count newer than its version is harmless, an older one is not.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from datetime import date
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.cache import caches

from ..models import Branch
from ..sql.core import in_own_transaction
from .engine import uses_attended

log = logging.getLogger(__name__)

# Counts for an old version are never asked for again; they go after this long.
TIMEOUT = 60 * 60


@cache
def _code() -> str:
    """A hash of the rule engine and compiler as deployed."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def key(branch_id: int, people_version: int, definition: dict, as_of: date) -> str:
    rule = hashlib.sha256(json.dumps(definition, sort_keys=True, separators=(",", ":")).encode()).hexdigest()[:24]
    return f"eligible:{_code()}:{branch_id}:{people_version}:{as_of.isoformat()}:{rule}"


def people_version(branch_id: int) -> int:
    """The branch's people_version as committed now (one query by primary key)."""
    return Branch.objects.filter(pk=branch_id).values_list("people_version", flat=True).first() or 0


def cached_count(
    branch_id: int, definition: dict, as_of: date, count: Callable[[], int], *, version: int | None = None
) -> int:
    """`count()`, or the figure it gave for this key before. `version` is the
    branch's people_version read by the caller before counting (in a statement
    it runs anyway); without it, it is read here."""
    if uses_attended(definition) or in_own_transaction():
        return count()
    if version is None:
        version = people_version(branch_id)
    name = key(branch_id, version, definition, as_of)
    try:
        found = caches[settings.COUNTS_CACHE].get(name)
    except Exception:  # a cache that is down makes the door slow, not wrong or broken
        log.warning("eligible count cache unreadable", exc_info=True)
        return count()
    if found is not None:
        return found
    found = count()
    try:
        caches[settings.COUNTS_CACHE].set(name, found, TIMEOUT)
    except Exception:
        log.warning("eligible count cache unwritable", exc_info=True)
    return found
