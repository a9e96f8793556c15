"""Thin feed fetcher with conditional GET: the cursor keeps the feed's ETag and Last-Modified, so an
unchanged feed answers 304 and costs nothing; a changed feed is read whole (entries already stored
are absorbed by the import's idempotence)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import orjson

from papertalk.fetching.pages import FetchedPage, FetchError, SourceSpec
from papertalk.fetching.parsed_pages import page_of
from papertalk.fetching.polite_http import Failure, PoliteGetter, status_failure, tries
from papertalk.sources.rss.entries import parse_feed


def feed_cursor(cursor: str | None) -> dict[str, str]:
    try:
        value = orjson.loads(cursor) if cursor else {}
    except orjson.JSONDecodeError:
        return {}
    return {k: v for k, v in value.items() if isinstance(v, str)} if isinstance(value, dict) else {}


FEED_ENDS = (b"</rss>", b"</feed>", b"</rdf:rdf>")


def complete(body: bytes) -> bool:
    """Whether a feed document reached its closing root tag: a cut-off body is asked for again rather
    than stored in part (which would move the ETag past entries never read)."""
    return body.rstrip()[-12:].lower().endswith(FEED_ENDS)


class FeedFetcher:
    def __init__(self, getter: PoliteGetter) -> None:
        self.getter = getter

    def pages(self, source: SourceSpec, cursor: str | None, max_pages: int | None = None) -> Iterator[FetchedPage]:
        known = feed_cursor(cursor)
        headers = {}
        if "etag" in known:
            headers["If-None-Match"] = known["etag"]
        if "modified" in known:
            headers["If-Modified-Since"] = known["modified"]

        def judge(response: httpx.Response) -> tuple[int, bytes, dict[str, str]] | Failure:
            if response.status_code not in (200, 304):
                return status_failure(response)
            if response.status_code == 200 and not complete(response.content):
                return Failure("the feed ends before its closing tag (a cut-off reply)", retry=True)
            return response.status_code, response.content, dict(response.headers)

        def give_up(attempts: int, what: str) -> Exception:
            return FetchError(f"{source.name}: {what} ({tries(attempts)})")

        (status, body, reply_headers), _ = self.getter.get(source.target, {}, judge, give_up, headers=headers)
        if status == 304:
            yield FetchedPage(cursor=cursor)
            return
        fresh = {"etag": reply_headers.get("etag"), "modified": reply_headers.get("last-modified")}
        next_cursor = orjson.dumps({k: v for k, v in fresh.items() if v}).decode()
        yield page_of(parse_feed(body, source.target, source.name), next_cursor)
