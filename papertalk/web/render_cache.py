"""A short-lived cache of rendered pages and API answers, answered before routing.

Trending pages are the same for every reader for a few seconds: under load, the first request for a URL
renders it and the next ones, for ``render_cache_seconds``, get the same bytes (with their ETag, and a 304
when the reader already has them) straight from this middleware, without a thread hop or a query."""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass

from starlette.types import ASGIApp, Receive, Scope, Send

from papertalk.web.viewer import is_personal_request

MAX_ENTRIES = 2000
STALE_SECONDS = 60  # an expired entry is still served for this long while one request renders it anew
CLAIM_SECONDS = 10  # a renderer that has not delivered by then lets another request try


@dataclass(frozen=True, slots=True)
class Entry:
    expires: float
    body: bytes
    media_type: str
    etag: str


def etag_of(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


class RenderCache:
    """URL -> rendered body, each kept for ``seconds``; bounded, thread-safe."""

    def __init__(self, seconds: int, max_entries: int = MAX_ENTRIES) -> None:
        self.seconds = seconds
        self.max_entries = max_entries
        self._entries: dict[str, Entry] = {}
        self._claims: dict[str, float] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> Entry | None:
        """A fresh entry; or an expired one while another request is already rendering it anew (so a
        busy page is rendered once per period, not by every request that arrives as it expires)."""
        entry = self._entries.get(key)
        if entry is None:
            return None
        now = time.monotonic()
        if now <= entry.expires:
            return entry
        if now > entry.expires + STALE_SECONDS:
            return None
        with self._lock:
            claimed = self._claims.get(key)
            if claimed is not None and now - claimed < CLAIM_SECONDS:
                return entry  # someone is rendering it: serve the previous rendering meanwhile
            self._claims[key] = now
        return None  # this request renders it

    def put(self, key: str, body: bytes, media_type: str, etag: str) -> None:
        if self.seconds <= 0:
            return
        now = time.monotonic()
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries = {k: v for k, v in self._entries.items() if v.expires > now}
                if len(self._entries) >= self.max_entries:
                    self._entries.clear()
            self._entries[key] = Entry(now + self.seconds, body, media_type, etag)
            self._claims.pop(key, None)


def cache_key(scope: Scope) -> str:
    query = bytes(scope.get("query_string", b"")).decode("latin-1")
    path = str(scope["path"])
    return path + ("?" + query if query else "")


class CachedPages:
    """ASGI middleware answering GET requests for URLs in the cache, before routing."""

    def __init__(self, app: ASGIApp, cache: RenderCache, max_age: int) -> None:
        self.app = app
        self.cache = cache
        self.max_age = max_age

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        entry = None
        # HEAD arrives as GET (head_requests.py); a signed-in reader's answers are theirs: never from the cache
        if scope["type"] == "http" and scope["method"] == "GET" and not is_personal_request(scope.get("headers", [])):
            entry = self.cache.get(cache_key(scope))
        if entry is None:
            await self.app(scope, receive, send)
            return
        match = any(
            name == b"if-none-match" and entry.etag.encode() in value for name, value in scope.get("headers", [])
        )
        headers = [
            (b"etag", entry.etag.encode()),
            (b"cache-control", f"public, max-age={self.max_age}".encode()),
            (b"vary", b"Accept-Encoding"),
        ]
        if match:
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        headers += [
            (b"content-type", entry.media_type.encode()),
            (b"content-length", str(len(entry.body)).encode()),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": entry.body})
