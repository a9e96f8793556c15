"""Files of X API replies: v1.1 tweets (a JSON array, a search reply ``{"statuses": [...]}``, one tweet,
or JSON lines of any of these) and v2 pages (one page, or JSON lines of pages as twarc writes them)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import orjson

from papertalk.core.records import Post
from papertalk.fetching.payload import BadItem, NestedTooDeep, item_label, loads_json, reject_line
from papertalk.sources.x.tweet_v1 import parse_v1_tweet
from papertalk.sources.x.tweet_v2 import page_posts


def json_documents(raw: bytes, source: str) -> Iterator[tuple[str, Any] | str]:
    """``(where, document)`` for a whole-file JSON document or each JSON line; a reject line per bad line."""
    try:
        yield source, loads_json(raw)
        return
    except (orjson.JSONDecodeError, NestedTooDeep):
        pass  # not one readable document: read it as JSON lines
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield f"{source}:{number}", loads_json(line)
        except NestedTooDeep as exc:
            yield reject_line(source, number, exc)
        except orjson.JSONDecodeError as exc:
            yield reject_line(source, number, f"unreadable JSON ({exc})")


def v1_posts(raw: bytes, source: str) -> Iterator[Post | str]:
    return _each_document(raw, source, _v1_document)


def v2_posts(raw: bytes, source: str) -> Iterator[Post | str]:
    return _each_document(raw, source, page_posts)


def _each_document(raw: bytes, source: str, read: Callable[[Any, str], Iterator[Post | str]]) -> Iterator[Post | str]:
    for doc in json_documents(raw, source):
        if isinstance(doc, str):
            yield doc
        else:
            yield from read(doc[1], doc[0])


def _v1_document(data: Any, where: str) -> Iterator[Post | str]:
    tweets = data.get("statuses", [data]) if isinstance(data, dict) else data
    if not isinstance(tweets, list):
        yield reject_line(where, "document", f"expected tweets, got {type(tweets).__name__}")
        return
    for position, tweet in enumerate(tweets):
        try:
            yield parse_v1_tweet(tweet)
        except BadItem as exc:
            yield reject_line(where, item_label(tweet, "id_str", "id") + f"#{position}", exc)
