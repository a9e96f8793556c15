"""The fetcher contract: what a platform's thin fetcher takes (a source and its cursor) and gives back
(pages of neutral posts, each with the cursor that is safe to store once that page is committed).

``services.capture.source_runs`` drives a fetcher page by page and commits each page's posts together with its
cursor in one transaction, so a kill between pages loses nothing and a restart resumes from the last
committed cursor. A fetcher never writes to the database and never looks for arXiv ids itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from papertalk.core.records import Author, Post


@dataclass(frozen=True)
class SourceSpec:
    """One thing to capture: a platform, what kind of listing, and its target.

    ``name`` is unique and stable (``bluesky:feed:did:plc:…``, ``hackernews:search:arxiv.org``,
    ``rss:feed:https://…``); ``target`` is what the platform needs (an account id, a query, a feed URL);
    ``options`` carries per-source extras (e.g. ``{"instance": "https://sigmoid.social"}``).
    """

    name: str
    platform: str
    kind: str
    target: str
    options: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FetchedPage:
    """One page of a listing.

    ``cursor`` is what to store once these posts are committed (None: keep the stored cursor);
    ``rejects`` are one-line messages naming the source and item of payload items that could not be
    read (the rest of the page is kept); ``deleted`` are ids of posts on the source's platform that were
    deleted (kept as tombstones, so a replay never brings them back).
    """

    posts: tuple[Post, ...] = ()
    rejects: tuple[str, ...] = ()
    cursor: str | None = None
    deleted: tuple[str, ...] = ()


class FetchError(Exception):
    """A fetch that failed after the polite retries; the message is one line naming source and what."""


class Fetcher(Protocol):
    """Reads one kind of listing on one platform, resuming from a cursor.

    ``pages`` yields pages until it has caught up (or ``max_pages`` pages); it may raise ``FetchError``
    at any point — pages already yielded and committed stay committed.
    """

    def pages(self, source: SourceSpec, cursor: str | None, max_pages: int | None = None) -> Iterator[FetchedPage]:
        """Pages of posts newer than (or continuing from) ``cursor``."""
        ...


class AccountDirectory(Protocol):
    """Looks accounts up on one platform: who a handle is, and whom an account follows."""

    def lookup(self, handle: str) -> Author:
        """The account behind a handle (raises ``FetchError`` when there is none)."""
        ...

    def following(self, handle: str) -> Iterator[Author]:
        """Every account ``handle`` follows, page by page."""
        ...


FetcherFactory = Callable[[], Fetcher]


@dataclass
class FetcherRegistry:
    """Which fetcher reads ``(platform, kind)`` and which directory knows a platform's accounts.

    Filled by ``services.capture.fetchers`` from the settings; tests fill it with fetchers pointed at local
    servers.
    """

    fetchers: dict[tuple[str, str], Fetcher] = field(default_factory=dict)
    directories: dict[str, AccountDirectory] = field(default_factory=dict)

    def add(self, platform: str, kind: str, fetcher: Fetcher) -> None:
        self.fetchers[(platform, kind)] = fetcher

    def fetcher(self, platform: str, kind: str) -> Fetcher:
        try:
            return self.fetchers[(platform, kind)]
        except KeyError:
            known = ", ".join(f"{p}:{k}" for p, k in sorted(self.fetchers)) or "none"
            raise FetchError(f"no fetcher for {platform}:{kind} (known: {known})") from None

    def directory(self, platform: str) -> AccountDirectory:
        try:
            return self.directories[platform]
        except KeyError:
            known = ", ".join(sorted(self.directories)) or "none"
            raise FetchError(f"cannot look up {platform} accounts (known platforms: {known})") from None
