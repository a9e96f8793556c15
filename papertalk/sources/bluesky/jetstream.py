"""Live capture from Jetstream (``/subscribe``), Bluesky's JSON firehose, as a ``Fetcher``.

* ``bluesky:jetstream:arxiv`` reads every account's posts and keeps those whose raw bytes mention arXiv
  (see ``jetstream_events.EventFilter``); ``bluesky:jetstream:following`` asks the server for the
  followed accounts only (``wantedDids`` from the source's ``accounts`` option, filled by ``services.capture`` from the
  network ``following``) and keeps everything.
* Pages are cut every ``page_events`` events or ``page_seconds``; each page's cursor is the ``time_us``
  of its last event, committed with its posts (see ``services.capture``), so a kill loses nothing.
* On a disconnect the fetcher reconnects with a growing back-off from its last cursor minus
  ``rewind_us`` (Jetstream's advice for gapless playback); the repeats are absorbed by the idempotent
  import (at-least-once). Deletes become ``FetchedPage.deleted`` (tombstones).
* Messages are read many per socket read (``fetching.websocket``), so the transport costs little per event.
* ``pages`` returns once the stream has been quiet for ``idle_seconds`` (caught up: for ``papertalk
  fetch``), or when ``stop`` is set (the worker's Ctrl-C); reposts and quotes are hydrated via getPosts.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from urllib.parse import urlencode

from papertalk.fetching.pages import FetchedPage, FetchError, SourceSpec
from papertalk.fetching.websocket import WebSocketReader
from papertalk.sources.bluesky.hydrate import hydrate
from papertalk.sources.bluesky.jetstream_events import WANTED_COLLECTIONS, EventFilter, read_events
from papertalk.sources.bluesky.xrpc import XrpcClient

DEFAULT_JETSTREAM_URL = "wss://jetstream2.us-east.bsky.network/subscribe"
REWIND_US = 5_000_000  # replay the last 5 s after a reconnect
MAX_WANTED_DIDS = 10_000  # Jetstream's limit
STOP_CHECK_SECONDS = 0.5  # how often a quiet stream looks at ``stop``


class JetstreamFetcher:
    """See the module docstring. ``stop`` ends a live session cleanly at the next page boundary."""

    def __init__(
        self,
        url: str,
        appview: XrpcClient | None,
        page_events: int = 2000,
        page_seconds: float = 1.0,
        idle_seconds: float = 5.0,
        max_failures: int = 6,
        rewind_us: int = REWIND_US,
        sleep: Callable[[float], None] = time.sleep,
        stop: threading.Event | None = None,
    ) -> None:
        self.url = url
        self.appview = appview
        self.page_events, self.page_seconds, self.idle_seconds = page_events, page_seconds, idle_seconds
        self.max_failures, self.rewind_us, self.sleep = max_failures, rewind_us, sleep
        self.stop = stop or threading.Event()

    def subscribe_url(self, source: SourceSpec, cursor: int | None) -> str:
        params: list[tuple[str, str]] = [("wantedCollections", c) for c in WANTED_COLLECTIONS]
        if source.target == "following":
            dids = [d for d in source.options.get("accounts", "").split(",") if d][:MAX_WANTED_DIDS]
            params += [("wantedDids", d) for d in dids]
        if cursor is not None:
            params.append(("cursor", str(max(0, cursor - self.rewind_us))))
        return f"{self.url}?{urlencode(params)}"

    def pages(self, source: SourceSpec, cursor: str | None, max_pages: int | None = None) -> Iterator[FetchedPage]:
        if source.target not in ("arxiv", "following"):
            raise FetchError(f"{source.name}: jetstream target must be 'arxiv' or 'following'")
        if source.target == "following" and not source.options.get("accounts"):
            return  # nobody followed yet: nothing to listen to
        position = int(cursor) if cursor and cursor.isdigit() else None
        failures, done = 0, 0
        buffer: list[bytes] = []
        while not self.stop.is_set():
            buffer = []
            try:
                with WebSocketReader(self.subscribe_url(source, position), open_timeout=10, max_size=2**22) as ws:
                    failures = 0
                    started = quiet_since = time.monotonic()
                    while not self.stop.is_set():
                        try:
                            buffer += ws.read_messages(timeout=min(self.idle_seconds, STOP_CHECK_SECONDS))
                        except TimeoutError:
                            if time.monotonic() - quiet_since < self.idle_seconds:
                                continue  # look at ``stop`` again
                            if buffer:
                                yield self._page(source, buffer)
                            return  # caught up
                        quiet_since = time.monotonic()
                        while len(buffer) >= self.page_events or (
                            buffer and quiet_since - started >= self.page_seconds
                        ):
                            page = self._page(source, buffer[: self.page_events])
                            position = int(page.cursor) if page.cursor else position
                            buffer, started = buffer[self.page_events :], time.monotonic()
                            yield page
                            done += 1
                            if max_pages is not None and done >= max_pages:
                                return
            except OSError as exc:  # WebSocketClosed, WebSocketError, refused, reset, timeouts
                if buffer:  # complete messages received before the drop are good
                    page = self._page(source, buffer)
                    position = int(page.cursor) if page.cursor else position
                    yield page
                failures += 1
                if failures >= self.max_failures:
                    raise FetchError(f"{source.name}: jetstream unreachable after {failures} attempts: {exc}") from None
                self.sleep(min(60.0, 0.5 * 2 ** (failures - 1)))
        if buffer:
            yield self._page(source, buffer)

    def _page(self, source: SourceSpec, raws: list[bytes]) -> FetchedPage:
        batch = read_events(raws, EventFilter(everything=source.target == "following"), source.name)
        posts = batch.posts
        if self.appview is not None and posts:
            posts = hydrate(self.appview, posts, source.name, batch.rejects)
        return FetchedPage(
            tuple(posts),
            tuple(batch.rejects),
            None if batch.cursor is None else str(batch.cursor),
            deleted=tuple(batch.deleted),
        )
