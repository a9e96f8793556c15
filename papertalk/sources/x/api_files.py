"""Files of X API replies: v1.1 tweets (a JSON array, a search reply ``{"statuses": [...]}``, one tweet,
or JSON lines of any of these) and v2 pages (one page, or JSON lines of pages as twarc writes them)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import orjson

from papertalk.core.records import Post
from papertalk.fetching.payload import BadItem, NestedTooDeep, item_label, loads_json, reject_line
from papertalk.sources.x.tweet_v1 import parse_v1_tweet
from papertalk.sources.x.tweet_v2 import page_posts

MAX_DOCUMENT_BYTES = 64 * 1024 * 1024  # a file read as one document; a bigger one is read as JSON lines
MAX_LINE_BYTES = 16 * 1024 * 1024  # one line of API replies (a page of 100 tweets is well under 1 MiB)

Line = tuple[int, bytes | int]  # (line number, the line, or its length when it was over MAX_LINE_BYTES)


def json_documents(raw: bytes, source: str) -> Iterator[tuple[str, Any] | str]:
    """``(where, document)`` for a whole-file JSON document or each JSON line; a reject line per bad line."""
    try:
        yield source, loads_json(raw)
        return
    except (orjson.JSONDecodeError, NestedTooDeep):
        pass  # not one readable document: read it as JSON lines
    yield from line_documents(enumerate(raw.splitlines(), start=1), source)


def line_documents(lines: Iterable[Line], source: str) -> Iterator[tuple[str, Any] | str]:
    """``(where, document)`` for each JSON line; a reject line per bad or over-long line."""
    for number, line in lines:
        if isinstance(line, int) or len(line) > MAX_LINE_BYTES:
            size = line if isinstance(line, int) else len(line)
            yield reject_line(source, number, f"line is {size:,} bytes, over the {MAX_LINE_BYTES:,}-byte limit")
            continue
        if not line.strip():
            continue
        try:
            yield f"{source}:{number}", loads_json(line)
        except NestedTooDeep as exc:
            yield reject_line(source, number, exc)
        except orjson.JSONDecodeError as exc:
            yield reject_line(source, number, f"unreadable JSON ({exc})")


def v1_posts(raw: bytes | Iterable[Line], source: str) -> Iterator[Post | str]:
    """The posts of a whole file's bytes, or of its lines as a big file is read (``Line``)."""
    return _each_document(raw, source, _v1_document)


def v2_posts(raw: bytes | Iterable[Line], source: str) -> Iterator[Post | str]:
    return _each_document(raw, source, page_posts)


def _each_document(
    raw: bytes | Iterable[Line], source: str, read: Callable[[Any, str], Iterator[Post | str]]
) -> Iterator[Post | str]:
    documents = json_documents(raw, source) if isinstance(raw, bytes) else line_documents(raw, source)
    for doc in documents:
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
