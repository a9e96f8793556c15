"""The neutral JSON-lines post format (docs/formats.md): one line in, one Post record or a clear reason out.

Two readers give the same answer for every line. ``parse_line`` is the reference: it checks each field in
Python and words every error. ``parse_line_fast``, for bulk imports, lets msgspec decode a line straight
into typed structs (the type checks run in C) and keeps in Python only the checks types cannot express
(lengths, ranges, the platform name, kind and original rules). It accepts only the plain valid shape of
each field; for any other line (a decoding error, a failed check, a field in an unusual but allowed form
such as ``"links": ""``) it calls ``parse_line``, which accepts or rejects the line and words the error.
tests/test_neutral_fast.py checks the two agree on generated lines.

Pure: no I/O. The reader that walks files line by line lives in services.ingest.post_files.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import msgspec
import orjson

from papertalk.core.json_depth import TOO_DEEP, nested_too_deep
from papertalk.core.records import LANG_MAX_CHARS, SCORE_LIMITS, Author, OriginalRef, Post, PostKind

MAX_LINE_BYTES = 1 << 20
MAX_TEXT_CHARS = 100_000
MAX_LINKS = 1_000
MAX_ID_CHARS = 512
EARLIEST = int(datetime(1991, 1, 1, tzinfo=UTC).timestamp())  # arXiv opened in August 1991
FUTURE_SLACK = 24 * 3600

_PLATFORM = re.compile(r"^[a-z0-9_-]{1,32}$")
_KINDS = {k.value: k for k in PostKind}


def _show(value: object) -> str:
    """A value for an error message: its repr, cut short, so a reject stays one readable line."""
    shown = repr(value)
    return shown if len(shown) <= 80 else shown[:77] + "..."


def json_array_start(head: bytes) -> bool:
    """Whether a file starting with ``head`` is one JSON array (as many tools export posts), not JSON
    lines: a line of this format is an object, so no file of it starts with ``[``."""
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"[")


def json_array_reason(name: str) -> str:
    """The one line said, once, for a file that ``json_array_start``: what it is and how to convert it."""
    return (
        "the file is one JSON array, not JSON lines (one post object per line); "
        f"convert it with: jq -c '.[]' {name} > posts.jsonl"
    )


class BadRecord(ValueError):
    """A line that cannot become a post; the message names the field and what is wrong with it."""


def parse_line(line: bytes, now: int) -> Post:
    """Parse one line of the neutral format. ``now`` bounds dates from the future."""
    if len(line) > MAX_LINE_BYTES:
        raise BadRecord(f"line is {len(line):,} bytes, over the {MAX_LINE_BYTES:,}-byte limit")
    if nested_too_deep(line):
        raise BadRecord(TOO_DEEP)
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
        raise BadRecord(f"{where}platform: expected a short lowercase name like 'bluesky', got {_show(platform)}")
    post_id = _identifier(data.get("post_id"), f"{where}post_id")
    author = _author(data.get("author"), platform, f"{where}author")
    created_at = _timestamp(data.get("created_at"), now, f"{where}created_at")
    kind_value = data.get("kind", "post")
    kind = _KINDS.get(kind_value) if isinstance(kind_value, str) else None
    if kind is None:
        raise BadRecord(f"{where}kind: expected one of post, quote, reply, repost, got {_show(kind_value)}")
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
        raise BadRecord(f"{where}score: expected an integer, got {_show(score)}")
    if score is not None and not SCORE_LIMITS[0] <= score <= SCORE_LIMITS[1]:
        raise BadRecord(f"{where}score: {score} is out of range (a score must fit in 32 bits: ±2,147,483,647)")
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
        lang=_lang(data.get("lang"), f"{where}lang"),
        platform_score=score,
    )


def _identifier(value: object, field: str) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        raise BadRecord(f"{field}: expected a non-empty string, got {_show(value)}")
    if len(value) > MAX_ID_CHARS:
        raise BadRecord(f"{field}: {len(value)} characters, over the {MAX_ID_CHARS} limit")
    return value


def _optional_str(value: object, field: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise BadRecord(f"{field}: expected a string, got {type(value).__name__}")


def _lang(value: object, field: str) -> str | None:
    lang = _optional_str(value, field)
    if lang is not None and len(lang) > LANG_MAX_CHARS:
        raise BadRecord(f"{field}: expected a language tag of at most {LANG_MAX_CHARS} characters, got {_show(lang)}")
    return lang


def _author(value: object, platform: str, field: str) -> Author:
    if not isinstance(value, dict):
        raise BadRecord(f"{field}: expected an object with at least an id, got {_show(value)}")
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
            raise BadRecord(f"{field}: not an ISO 8601 date: {_show(value)}") from None
        if moment.tzinfo is None:
            raise BadRecord(f"{field}: {_show(value)} has no timezone (add Z or +hh:mm)")
        seconds = int(moment.timestamp())
    else:
        raise BadRecord(f"{field}: expected an ISO 8601 date or Unix seconds, got {_show(value)}")
    if seconds < EARLIEST or seconds > now + FUTURE_SLACK:
        raise BadRecord(f"{field}: {_show(value)} is out of range (before 1991 or in the future)")
    return seconds


def _original(value: object, platform: str, now: int, where: str) -> OriginalRef | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise BadRecord(f"{where}original: expected an object with a post_id, got {_show(value)}")
    post_id = _identifier(value.get("post_id"), f"{where}original.post_id")
    if "author" not in value:
        return OriginalRef(post_id)
    if value.get("original") is not None:
        raise BadRecord(f"{where}original.original: an embedded original cannot embed another")
    embedded = parse_record({**value, "platform": platform}, now, f"{where}original.")
    return OriginalRef(post_id, embedded)


# The fast reader.

_INT64 = range(-(2**63), 2**63)  # orjson reads larger integers as floats, which the reference rejects
_POINTING = (PostKind.REPOST, PostKind.QUOTE)


class _Author(msgspec.Struct):
    id: str | int
    handle: str | None = None
    name: str | None = None


class _Body(msgspec.Struct, kw_only=True):
    """The fields a line and an embedded original share."""

    kind: str = "post"
    text: str | None = None
    url: str | None = None
    links: list[str] | None = None
    lang: str | None = None
    score: int | None = None


class _Embedded(_Body, kw_only=True):
    """An original as a line may carry it: only its id, or the whole post (then with an author)."""

    post_id: str | int
    author: _Author | msgspec.UnsetType | None = msgspec.UNSET  # null is not the same as absent
    created_at: str | int | float | None = None
    original: msgspec.Raw | None = None


class _Line(_Body, kw_only=True):
    platform: str
    post_id: str | int
    author: _Author
    created_at: str | int | float
    original: _Embedded | None = None


_DECODER = msgspec.json.Decoder(_Line)


class _Unusual(Exception):
    """The line is not in the plain valid shape: the reference parser decides."""


def parse_line_fast(line: bytes, now: int) -> Post:
    """Same result as ``parse_line`` (the same Post, or the same BadRecord), faster."""
    if len(line) <= MAX_LINE_BYTES and not nested_too_deep(line):  # msgspec recurses: too deep would crash it
        try:
            return _fast_post(_DECODER.decode(line), now)
        except (msgspec.DecodeError, _Unusual):
            pass
    return parse_line(line, now)


def _fast_post(data: _Line, now: int) -> Post:
    platform = data.platform
    if not _PLATFORM.match(platform):
        raise _Unusual
    kind = _KINDS.get(data.kind)
    if kind is None:
        raise _Unusual
    original = None if data.original is None else _fast_original(data.original, platform, now)
    if (original is None) == (kind in _POINTING) or (original is not None and kind is PostKind.POST):
        raise _Unusual
    post_id = _fast_identifier(data.post_id)
    return _fast_build(data, platform, post_id, data.author, data.created_at, kind, original, now)


def _fast_original(value: _Embedded, platform: str, now: int) -> OriginalRef:
    post_id = _fast_identifier(value.post_id)
    if value.author is msgspec.UNSET:
        return OriginalRef(post_id)
    if value.author is None or value.original is not None or value.created_at is None:
        raise _Unusual
    kind = _KINDS.get(value.kind)
    if kind is None or kind in _POINTING:  # an embedded original cannot point further
        raise _Unusual
    embedded = _fast_build(value, platform, post_id, value.author, value.created_at, kind, None, now)
    return OriginalRef(post_id, embedded)


def _fast_build(
    body: _Body,
    platform: str,
    post_id: str,
    author: _Author,
    created_at: str | int | float,
    kind: PostKind,
    original: OriginalRef | None,
    now: int,
) -> Post:
    return Post(
        platform=platform,
        post_id=post_id,
        author=Author(platform, _fast_identifier(author.id), author.handle, author.name),
        created_at=_fast_timestamp(created_at, now),
        kind=kind,
        original=original,
        text=_fast_text(body.text),
        url=body.url,
        links=_fast_links(body.links),
        lang=_fast_lang(body.lang),
        platform_score=_fast_score(body.score),
    )


def _fast_identifier(value: str | int) -> str:
    if not isinstance(value, str) and value not in _INT64:
        raise _Unusual
    text = value if isinstance(value, str) else str(value)
    if len(text) > MAX_ID_CHARS or not text.strip():
        raise _Unusual
    return text


def _fast_lang(value: str | None) -> str | None:
    if value is not None and len(value) > LANG_MAX_CHARS:
        raise _Unusual
    return value


def _fast_score(value: int | None) -> int | None:
    if value is not None and not SCORE_LIMITS[0] <= value <= SCORE_LIMITS[1]:
        raise _Unusual
    return value


def _fast_text(value: str | None) -> str:
    if value is None:
        return ""
    if len(value) > MAX_TEXT_CHARS:
        raise _Unusual
    return value


def _fast_links(value: list[str] | None) -> tuple[str, ...]:
    if not value:
        return ()
    if len(value) > MAX_LINKS:
        raise _Unusual
    return tuple(value)


def _fast_timestamp(value: str | int | float, now: int) -> int:
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise _Unusual from None
        if moment.tzinfo is None:
            raise _Unusual
        seconds = int(moment.timestamp())
    else:
        seconds = int(value)
    if seconds < EARLIEST or seconds > now + FUTURE_SLACK:
        raise _Unusual
    return seconds
