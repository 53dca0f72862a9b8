"""Public reads from a PostgreSQL read replica (TICCOOP_REPLICA_URL; docs/scaling.md).

Only when TICCOOP_REPLICA_URL is set: settings.py then adds the ``replica`` alias, this
router and :class:`PublicReadMiddleware`.  A request is a *public read* when it is a GET or
HEAD without a session cookie (anonymous: nobody signed in, so nothing of theirs to read back)
to one of the public paths (the public portal, certificate and institution search, open
data, the public API).  Its reads go to the replica, every other read and every write to
the primary (``default``); within a public read, a write or an open transaction on the
primary sends the rest of the request's reads to the primary too, so a request never reads
older data than it wrote.

Certificate **verification** (the verify page and ``/api/certificates/verify``) stays on the
primary: a replica lags by milliseconds to seconds, and a certificate revoked a moment ago
must not verify as valid from a replica that has not replayed the revocation yet.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
PRIMARY = "default"

# Paths whose anonymous GETs may read the replica (anchored at the start of the path).
PUBLIC_PATHS = re.compile(
    r"^/(?:$|certificates/(?:$|[^/]+/$)|institutions/(?:$|[^/]+/$)|public/"
    r"|api/(?:certificates(?:$|/(?!verify)[^/]+$)|institutions(?:$|/[^/]+$)|regions|public/))"
)
# Never from the replica, even when a path above would match: the status of a certificate.
PRIMARY_ONLY_PATHS = re.compile(r"^/(?:verify/|api/certificates/verify)")


@dataclass
class _Mark:
    public: bool = False
    wrote: bool = False


_request: ContextVar[_Mark | None] = ContextVar("ticcoop_public_read", default=None)


def is_public_read(request: HttpRequest) -> bool:
    """Anonymous (no session cookie) GET/HEAD of a public path, verification excepted."""
    path = request.path_info
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and PUBLIC_PATHS.match(path) is not None
        and PRIMARY_ONLY_PATHS.match(path) is None
    )


class PublicReadMiddleware:
    """Marks public reads for :class:`ReplicaRouter` (a context variable: thread-safe)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request.set(_Mark(public=is_public_read(request)))
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)


class ReplicaRouter:
    """Reads of a public read → ``replica``; everything else → ``default``."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str:
        mark = _request.get()
        if mark is None or not mark.public or mark.wrote:
            return PRIMARY
        if connections[PRIMARY].in_atomic_block:  # inside a transaction: read what it sees
            return PRIMARY
        return REPLICA

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        mark = _request.get()
        if mark is not None:
            mark.wrote = True  # the rest of this request reads its own writes
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # one database seen through two connections

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == PRIMARY  # the replica follows the primary's schema by replication
