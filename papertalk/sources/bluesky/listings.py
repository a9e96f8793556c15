"""Bluesky listings read newest first: author feeds (``app.bsky.feed.getAuthorFeed``) and global search
(``app.bsky.feed.searchPosts``, e.g. every post linking ``arxiv.org``).

Cursor (stored as JSON with each committed page): ``since`` is the newest time already fully captured;
while a run pages down it also keeps ``top`` (the newest time of this run) and ``page`` (the AppView
cursor to continue from). A run stops when it reaches items older than ``since`` (or the feed's end),
then stores ``{"since": top}``. A killed run resumes from ``page``; an expired ``page`` cursor restarts
from the top with the same ``since`` (idempotent import absorbs the repeats). Quotes whose original the
view does not include are hydrated through ``app.bsky.feed.getPosts``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import orjson

from papertalk.core.records import Post
from papertalk.fetching.pages import FetchedPage, FetchError, SourceSpec
from papertalk.sources.bluesky.hydrate import hydrate
from papertalk.sources.bluesky.post_views import BadItem, parse_feed_item, parse_items, parse_post_view, parse_time
from papertalk.sources.bluesky.xrpc import XrpcClient, XrpcRefused

PAGE_LIMIT = "100"
FEED_FILTER = "posts_and_author_threads"


class ListingCursor:
    """The stored cursor of a newest-first listing (see the module docstring)."""

    def __init__(self, since: str | None = None, top: str | None = None, page: str | None = None) -> None:
        self.since, self.top, self.page = since, top, page

    @classmethod
    def load(cls, text: str | None) -> ListingCursor:
        if not text:
            return cls()
        try:
            data = orjson.loads(text)
        except orjson.JSONDecodeError:
            return cls()
        if not isinstance(data, dict):
            return cls()
        return cls(*(data.get(k) if isinstance(data.get(k), str) else None for k in ("since", "top", "page")))

    def dump(self) -> str:
        return orjson.dumps({k: v for k, v in vars(self).items() if v is not None}).decode()


class NewestFirstFetcher:
    """Pages a newest-first listing down to the stored ``since``; see the module docstring."""

    def __init__(
        self,
        client: XrpcClient,
        method: str,
        params: Callable[[SourceSpec], dict[str, str]],
        items_key: str,
        parse: Callable[[object, str], Post],
    ) -> None:
        self.client, self.method, self.params, self.items_key, self.parse = client, method, params, items_key, parse

    def pages(self, source: SourceSpec, cursor: str | None, max_pages: int | None = None) -> Iterator[FetchedPage]:
        state = ListingCursor.load(cursor)
        done = 0
        restarted = False
        while max_pages is None or done < max_pages:
            params = {**self.params(source), "limit": PAGE_LIMIT}
            if state.page:
                params["cursor"] = state.page
            answer = self.client.call(self.method, params, source.name)
            if isinstance(answer, XrpcRefused):
                if state.page and not restarted and "cursor" in (answer.message + answer.error).lower():
                    state.page, restarted = None, True  # expired or malformed cursor: start again from the top
                    continue
                raise FetchError(
                    f"{source.name}: {self.method} refused: {answer.error or answer.status} {answer.message}"
                )
            raw = answer.get(self.items_key)
            items = raw if isinstance(raw, list) else []
            fresh = [i for i in items if not state.since or (_sort_time(i) or "9") >= state.since]
            reached_end = len(fresh) < len(items) or not items or not isinstance(answer.get("cursor"), str)
            posts, rejects = parse_items(fresh, f"{source.name} {self.items_key}", self.parse)
            if not isinstance(raw, list):
                rejects.append(f"{source.name}: {self.method} answer has no {self.items_key!r} list")
            posts = hydrate(self.client, posts, source.name, rejects)
            newest = max((t for i in fresh if (t := _sort_time(i))), default=None)
            top = max(filter(None, (state.top, newest)), default=None)
            if reached_end:
                state = ListingCursor(since=top or state.since)
            else:
                state = ListingCursor(since=state.since, top=top, page=str(answer["cursor"]))
            done += 1
            yield FetchedPage(tuple(posts), tuple(rejects), state.dump())
            if reached_end:
                return


def _sort_time(item: object) -> str | None:
    """The time a newest-first listing sorts an item by (``indexedAt`` of the repost or of the post)."""
    if not isinstance(item, dict):
        return None
    for holder in (item.get("reason"), item.get("post"), item):
        if isinstance(holder, dict) and isinstance(at := holder.get("indexedAt"), str):
            try:
                parse_time(at, "indexedAt")
            except BadItem:
                return None
            return at
    return None


def author_feed(client: XrpcClient) -> NewestFirstFetcher:
    """``bluesky:feed:<did>`` — an account's posts, replies in its own threads, and reposts."""
    return NewestFirstFetcher(
        client,
        "app.bsky.feed.getAuthorFeed",
        lambda s: {"actor": s.target, "filter": FEED_FILTER},
        "feed",
        parse_feed_item,
    )


def search(client: XrpcClient) -> NewestFirstFetcher:
    """``bluesky:search:<query>`` — every post matching the query; a domain query also filters by link domain."""

    def params(source: SourceSpec) -> dict[str, Any]:
        found = {"q": source.target, "sort": "latest"}
        if "." in source.target and " " not in source.target:
            found["domain"] = source.target
        return found

    return NewestFirstFetcher(client, "app.bsky.feed.searchPosts", params, "posts", parse_post_view)
