"""The neutral JSON-lines post format (docs/formats.md): one line in, one Post record or a clear reason out.

Pure: no I/O. The reader that walks files line by line lives in services.ingest.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import orjson

from papertalk.core.records import Author, OriginalRef, Post, PostKind

MAX_LINE_BYTES = 1 << 20
MAX_TEXT_CHARS = 100_000
MAX_LINKS = 1_000
MAX_ID_CHARS = 512
EARLIEST = int(datetime(1991, 1, 1, tzinfo=UTC).timestamp())  # arXiv opened in August 1991
FUTURE_SLACK = 24 * 3600

_PLATFORM = re.compile(r"^[a-z0-9_-]{1,32}$")
_KINDS = {k.value: k for k in PostKind}


class BadRecord(ValueError):
    """A line that cannot become a post; the message names the field and what is wrong with it."""


def parse_line(line: bytes, now: int) -> Post:
    """Parse one line of the neutral format. ``now`` bounds dates from the future."""
    if len(line) > MAX_LINE_BYTES:
        raise BadRecord(f"line is {len(line):,} bytes, over the {MAX_LINE_BYTES:,}-byte limit")
    try:
        data = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        raise BadRecord(f"invalid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise BadRecord(f"expected a JSON object, got {type(data).__name__}")
    return parse_record(data, now)


def parse_record(data: dict[str, Any], now: int, where: str = "") -> Post:
    platform = data.get("platform")
    if not isinstance(platform, str) or not _PLATFORM.match(platform):
        raise BadRecord(f"{where}platform: expected a short lowercase name like 'bluesky', got {platform!r}")
    post_id = _identifier(data.get("post_id"), f"{where}post_id")
    author = _author(data.get("author"), platform, f"{where}author")
    created_at = _timestamp(data.get("created_at"), now, f"{where}created_at")
    kind_value = data.get("kind", "post")
    kind = _KINDS.get(kind_value) if isinstance(kind_value, str) else None
    if kind is None:
        raise BadRecord(f"{where}kind: expected one of post, quote, reply, repost, got {kind_value!r}")
    original = _original(data.get("original"), platform, now, where)
    if original is None and kind in (PostKind.REPOST, PostKind.QUOTE):
        raise BadRecord(f"{where}original: a {kind} must say which post it points to")
    if original is not None and kind is PostKind.POST:
        raise BadRecord(f"{where}original: a plain post cannot point to an original (use kind quote or reply)")
    text = _optional_str(data.get("text"), f"{where}text") or ""
    if len(text) > MAX_TEXT_CHARS:
        raise BadRecord(f"{where}text: {len(text):,} characters, over the {MAX_TEXT_CHARS:,} limit")
    links = data.get("links") or ()
    if not isinstance(links, list | tuple) or not all(isinstance(u, str) for u in links):
        raise BadRecord(f"{where}links: expected an array of URL strings")
    if len(links) > MAX_LINKS:
        raise BadRecord(f"{where}links: {len(links):,} links, over the {MAX_LINKS:,} limit")
    score = data.get("score")
    if score is not None and (not isinstance(score, int) or isinstance(score, bool)):
        raise BadRecord(f"{where}score: expected an integer, got {score!r}")
    return Post(
        platform=platform,
        post_id=post_id,
        author=author,
        created_at=created_at,
        kind=kind,
        original=original,
        text=text,
        url=_optional_str(data.get("url"), f"{where}url"),
        links=tuple(links),
        lang=_optional_str(data.get("lang"), f"{where}lang"),
        platform_score=score,
    )


def _identifier(value: object, field: str) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise BadRecord(f"{field}: expected a non-empty string, got {value!r}")
    if len(value) > MAX_ID_CHARS:
        raise BadRecord(f"{field}: {len(value)} characters, over the {MAX_ID_CHARS} limit")
    return value


def _optional_str(value: object, field: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise BadRecord(f"{field}: expected a string, got {type(value).__name__}")


def _author(value: object, platform: str, field: str) -> Author:
    if not isinstance(value, dict):
        raise BadRecord(f"{field}: expected an object with at least an id, got {value!r}")
    return Author(
        platform=platform,
        platform_id=_identifier(value.get("id"), f"{field}.id"),
        handle=_optional_str(value.get("handle"), f"{field}.handle"),
        display_name=_optional_str(value.get("name"), f"{field}.name"),
    )


def _timestamp(value: object, now: int, field: str) -> int:
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = int(value)
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise BadRecord(f"{field}: not an ISO 8601 date: {value!r}") from None
        if moment.tzinfo is None:
            raise BadRecord(f"{field}: {value!r} has no timezone (add Z or +hh:mm)")
        seconds = int(moment.timestamp())
    else:
        raise BadRecord(f"{field}: expected an ISO 8601 date or Unix seconds, got {value!r}")
    if seconds < EARLIEST or seconds > now + FUTURE_SLACK:
        raise BadRecord(f"{field}: {value!r} is out of range (before 1991 or in the future)")
    return seconds


def _original(value: object, platform: str, now: int, where: str) -> OriginalRef | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise BadRecord(f"{where}original: expected an object with a post_id, got {value!r}")
    post_id = _identifier(value.get("post_id"), f"{where}original.post_id")
    if "author" not in value:
        return OriginalRef(post_id)
    if value.get("original") is not None:
        raise BadRecord(f"{where}original.original: an embedded original cannot embed another")
    embedded = parse_record({**value, "platform": platform}, now, f"{where}original.")
    return OriginalRef(post_id, embedded)
