"""Live capture from Jetstream (``/subscribe``), Bluesky's JSON firehose, as a ``Fetcher``.

* ``bluesky:jetstream:arxiv`` reads every account's posts and keeps those whose raw bytes mention arXiv
  (see ``jetstream_events.EventFilter``); ``bluesky:jetstream:following`` asks the server for the
  followed accounts only (``wantedDids`` from the source's ``accounts`` option, filled by
  ``services.capture.source_runs`` from the network ``following``) and keeps everything.
* Messages are filtered as they arrive, ``filter_events`` at a time (a page holds at most that many raw
  events; of the rest only what they kept: posts, deletes, rejects). A page ends at ``page_events``
  events, ``page_posts`` kept posts or ``page_seconds`` of reading, whichever comes first: a live stream
  commits about once a second. A catch-up from an old cursor (events more than ``CATCH_UP_LAG_SECONDS``
  old) is not cut by time: its pages are as big as the core import's batches (``PAGE_POSTS`` kept posts,
  or ``PAGE_EVENTS`` events), because every commit costs the same fixed work however few posts it holds,
  so capture then stores at the import's rate. Each page's cursor is the ``time_us`` of its last event,
  committed with its posts (see ``services.capture.source_runs``), so a kill loses nothing.
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
from papertalk.sources.bluesky.jetstream_events import (
    WANTED_COLLECTIONS,
    EventBatch,
    EventFilter,
    read_events,
    time_us_of,
)
from papertalk.sources.bluesky.xrpc import XrpcClient

DEFAULT_JETSTREAM_URL = "wss://jetstream2.us-east.bsky.network/subscribe"
REWIND_US = 5_000_000  # replay the last 5 s after a reconnect
MAX_WANTED_DIDS = 10_000  # Jetstream's limit
STOP_CHECK_SECONDS = 0.5  # how often a quiet stream looks at ``stop``
# The most events in a page: ~7 s of catching up at 300,000 events/s, where ~1 % of the events are kept
# posts, so a catch-up page usually ends at PAGE_POSTS first. Raw events are filtered as they arrive, so
# a page holds only what it keeps (~1 % posts, ~3 % deletes: a few MB, not the ~1.2 GB of the raw
# events); the count bounds what a kill makes the restart read again.
PAGE_EVENTS = 2_000_000
# Events older than this are a catch-up: their pages are not cut after ``page_seconds``.
CATCH_UP_LAG_SECONDS = 60.0
# Raw events are held until this many (~12 MB), then filtered together: filtering each socket read's ~1,700
# on its own cost ~1.5x the CPU an event in the replay benchmark (bench/jetstream.py).
FILTER_EVENTS = 20_000
# At most as many posts as one batch of the core's file import: bounds a page's memory where every event
# is kept (``following``: ~1.1 KB a parsed post in the replay benchmark, so ~22 MB).
PAGE_POSTS = 20_000


class JetstreamFetcher:
    """See the module docstring. ``stop`` ends a live session cleanly at the next page boundary."""

    def __init__(
        self,
        url: str,
        appview: XrpcClient | None,
        page_events: int = PAGE_EVENTS,
        page_seconds: float = 1.0,
        page_posts: int = PAGE_POSTS,
        filter_events: int = FILTER_EVENTS,
        idle_seconds: float = 5.0,
        max_failures: int = 6,
        rewind_us: int = REWIND_US,
        sleep: Callable[[float], None] = time.sleep,
        stop: threading.Event | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.url = url
        self.appview = appview
        self.page_events, self.page_seconds, self.idle_seconds = page_events, page_seconds, idle_seconds
        self.page_posts, self.filter_events = page_posts, filter_events
        self.max_failures, self.rewind_us, self.sleep = max_failures, rewind_us, sleep
        self.stop = stop or threading.Event()
        self.clock = clock

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
        keep = EventFilter(everything=source.target == "following")
        page = _PageReader(keep, source.name, self.filter_events)
        while not self.stop.is_set():
            page = _PageReader(keep, source.name, self.filter_events)
            try:
                with WebSocketReader(self.subscribe_url(source, position), open_timeout=10, max_size=2**22) as ws:
                    failures = 0
                    started = quiet_since = time.monotonic()
                    while not self.stop.is_set():
                        try:
                            messages = ws.read_messages(timeout=min(self.idle_seconds, STOP_CHECK_SECONDS))
                        except TimeoutError:
                            if time.monotonic() - quiet_since < self.idle_seconds:
                                continue  # look at ``stop`` again
                            if page.events:
                                yield self._page(source, page.done())
                            return  # caught up
                        quiet_since = time.monotonic()
                        while messages:
                            room = self.page_events - page.events
                            page.add(messages[:room])
                            messages = messages[room:]
                            if (
                                page.events >= self.page_events
                                or page.posts >= self.page_posts
                                or (quiet_since - started >= self.page_seconds and not self._catching_up(page))
                            ):
                                fetched = self._page(source, page.done())
                                position = int(fetched.cursor) if fetched.cursor else position
                                page = _PageReader(keep, source.name, self.filter_events)
                                started = time.monotonic()
                                yield fetched
                                done += 1
                                if max_pages is not None and done >= max_pages:
                                    return
            except OSError as exc:  # WebSocketClosed, WebSocketError, refused, reset, timeouts
                if page.events:  # complete messages received before the drop are good
                    fetched = self._page(source, page.done())
                    position = int(fetched.cursor) if fetched.cursor else position
                    page = _PageReader(keep, source.name, self.filter_events)
                    yield fetched
                failures += 1
                if failures >= self.max_failures:
                    raise FetchError(f"{source.name}: jetstream unreachable after {failures} attempts: {exc}") from None
                self.sleep(min(60.0, 0.5 * 2 ** (failures - 1)))
        if page.events:
            yield self._page(source, page.done())

    def _catching_up(self, page: _PageReader) -> bool:
        """Is the newest event read more than ``CATCH_UP_LAG_SECONDS`` old (a replay from an old cursor)?"""
        newest = page.newest_time_us()
        return newest is not None and newest < (self.clock() - CATCH_UP_LAG_SECONDS) * 1_000_000

    def _page(self, source: SourceSpec, batch: EventBatch) -> FetchedPage:
        posts = batch.posts
        if self.appview is not None and posts:
            posts = hydrate(self.appview, posts, source.name, batch.rejects)
        return FetchedPage(
            tuple(posts),
            tuple(batch.rejects),
            None if batch.cursor is None else str(batch.cursor),
            deleted=tuple(batch.deleted),
        )


class _PageReader:
    """The page being read: raw events waiting to be filtered (fewer than ``filter_events``: filtering many
    at a time keeps the pre-check in C), and what the filtered ones kept."""

    def __init__(self, keep: EventFilter, where: str, filter_events: int) -> None:
        self.keep, self.where, self.filter_events = keep, where, filter_events
        self.raw: list[bytes] = []
        self.held = EventBatch()

    @property
    def events(self) -> int:
        return self.held.events + len(self.raw)

    @property
    def posts(self) -> int:
        """Posts kept so far (of the events filtered so far)."""
        return len(self.held.posts)

    def newest_time_us(self) -> int | None:
        """The ``time_us`` of the last event read (read from the raw bytes, not parsed)."""
        return time_us_of(self.raw[-1]) if self.raw else self.held.cursor

    def add(self, messages: list[bytes]) -> None:
        self.raw += messages
        if len(self.raw) >= self.filter_events:
            self._filter()

    def done(self) -> EventBatch:
        self._filter()
        return self.held

    def _filter(self) -> None:
        if not self.raw:
            return
        part, held = read_events(self.raw, self.keep, self.where), self.held
        self.raw = []
        held.posts += part.posts
        held.deleted += part.deleted
        held.rejects += part.rejects
        held.events += part.events
        if part.cursor is not None:  # the cursor is the last event's
            held.cursor = part.cursor
