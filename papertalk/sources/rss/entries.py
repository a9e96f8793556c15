"""Feed entries (RSS 0.9x/1.0/2.0, Atom; parsed by feedparser) -> neutral posts.

The author is the feed (platform ``rss``, platform id = the feed URL, name = the feed title). An entry is
known by its ``id`` (guid), else its link. Text: title and summary as plain text. Links: the entry's
link(s) and every ``href`` in its content and summary HTML. An entry without a date is rejected.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from typing import Any

import feedparser

from papertalk.core.records import Author, Post
from papertalk.fetching.html_links import html_text_and_links, merged_links
from papertalk.fetching.payload import BadItem, clipped, reject_line

PLATFORM = "rss"


def parse_feed(raw: bytes, feed_url: str, source: str) -> Iterator[Post | str]:
    """Every entry of a feed document; a feed that cannot be read at all is one reject line."""
    parsed = feedparser.parse(
        raw, sanitize_html=False, resolve_relative_uris=True, response_headers={"content-location": feed_url}
    )
    if parsed.get("bozo") and not parsed.entries:
        reason = parsed.get("bozo_exception")
        yield reject_line(source, "feed", f"not a readable RSS/Atom feed ({reason})")
        return
    title = parsed.feed.get("title")
    author = Author(PLATFORM, feed_url, feed_url, title if isinstance(title, str) else None)
    for position, entry in enumerate(parsed.entries):
        try:
            yield parse_entry(entry, author)
        except BadItem as exc:
            label = entry.get("id") or entry.get("link") or "?"
            yield reject_line(source, f"{label}#{position}", exc)


def parse_entry(entry: Any, author: Author) -> Post:
    link = entry.get("link")
    entry_id = entry.get("id") or link
    if not isinstance(entry_id, str) or not entry_id:
        raise BadItem("id: the entry has neither an id nor a link")
    when = entry.get("published_parsed") or entry.get("updated_parsed")
    if when is None:
        raise BadItem("published: the entry has no date")
    html_parts = [c.get("value", "") for c in entry.get("content", []) if isinstance(c, dict)]
    summary = entry.get("summary") or ""
    found: list[str] = [link] if isinstance(link, str) and link else []
    found += [str(x["href"]) for x in entry.get("links", []) if isinstance(x, dict) and isinstance(x.get("href"), str)]
    for part in [*html_parts, summary]:
        found += html_text_and_links(part)[1] if isinstance(part, str) else []
    summary_text = html_text_and_links(summary)[0] if isinstance(summary, str) else ""
    title = entry.get("title") if isinstance(entry.get("title"), str) else ""
    return Post(
        platform=PLATFORM,
        post_id=entry_id,
        author=author,
        created_at=calendar.timegm(when),
        text=clipped(f"{title}\n{summary_text}".strip()),
        url=link if isinstance(link, str) else None,
        links=merged_links(found),
        lang=entry.get("language") if isinstance(entry.get("language"), str) else None,
    )
