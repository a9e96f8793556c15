"""Pure reading of Jetstream events (the JSON firehose of ``/subscribe``) into neutral posts and deletes.

An event is ``{"did", "time_us", "kind": "commit"|"identity"|"account", "commit": {"operation",
"collection", "rkey", "record"}}``. Creates of ``app.bsky.feed.post`` become posts (links from facets
and external embeds, quotes point to their original by AT URI), creates of ``app.bsky.feed.repost``
become reposts of their subject, deletes of either become tombstones.

``EventFilter.keep`` looks at the raw bytes before any JSON parsing: in the global mode only events that
mention arXiv (or are deletes) are parsed at all, which is what makes a million events a second cheap.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import orjson

from papertalk.core.records import Author, OriginalRef, Post, PostKind
from papertalk.sources.bluesky.post_views import (
    PLATFORM,
    POST_COLLECTION,
    BadItem,
    parse_time,
    post_from_record,
    post_url,
)

REPOST_COLLECTION = "app.bsky.feed.repost"
WANTED_COLLECTIONS = (POST_COLLECTION, REPOST_COLLECTION)
_ARXIV_MARKS = (b"arxiv", b"arXiv", b"ARXIV")
_DELETE_MARK = b'"delete"'
_BLOB_MARKS = (*_ARXIV_MARKS, _DELETE_MARK)
_TIME_KEY = b'"time_us":'


@dataclass
class EventBatch:
    """What a run of events gave: posts, deleted post URIs, reject lines, and the last event's time_us."""

    posts: list[Post] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    rejects: list[str] = field(default_factory=list)
    cursor: int | None = None
    events: int = 0


@dataclass(frozen=True)
class EventFilter:
    """``everything``: keep every post and repost (the server already filters to the followed accounts);
    otherwise keep only events whose raw bytes mention arXiv, and deletes."""

    everything: bool = False

    def keep(self, raw: bytes) -> bool:
        if self.everything:
            return True
        return b"arxiv" in raw or b"arXiv" in raw or b"ARXIV" in raw or _DELETE_MARK in raw


def time_us_of(raw: bytes) -> int | None:
    """The ``time_us`` of a raw event without parsing it (for the cursor of skipped events)."""
    at = raw.find(_TIME_KEY)
    if at < 0:
        return None
    start = at + len(_TIME_KEY)
    end = start
    while end < len(raw) and raw[end : end + 1] in b" 0123456789":
        end += 1
    digits = raw[start:end].strip()
    return int(digits) if digits else None


def read_events(raws: list[bytes], keep: EventFilter, where: str = "jetstream") -> EventBatch:
    """Filter and parse a run of raw events; the batch's cursor is the last event's ``time_us``."""
    if not raws:
        return EventBatch()
    if keep.everything:
        batch = EventBatch(events=len(raws), cursor=time_us_of(raws[-1]))
        for n, raw in enumerate(raws, 1):
            _parse(raw, n, batch, where)
        return batch
    return read_blob(b"\n".join(raws), where, len(raws))


def read_blob(blob: bytes, where: str = "jetstream", events: int | None = None) -> EventBatch:
    """The global filter over newline-separated events in one buffer: the marks are searched in C over
    the whole buffer and only the lines that contain one are parsed (no per-event Python work)."""
    batch = EventBatch(events=blob.count(b"\n") + 1 if events is None else events)
    hits: set[int] = set()
    for mark in _BLOB_MARKS:
        at = blob.find(mark)
        while at >= 0:
            start = blob.rfind(b"\n", 0, at) + 1
            hits.add(start)
            end = blob.find(b"\n", at)
            if end < 0:
                break
            at = blob.find(mark, end)
    for start in sorted(hits):
        end = blob.find(b"\n", start)
        _parse(blob[start : end if end >= 0 else len(blob)], start, batch, where)
    last = blob.rfind(b"\n", 0, len(blob) - 1) + 1
    batch.cursor = time_us_of(blob[last:])
    return batch


def _parse(raw: bytes, n: int, batch: EventBatch, where: str) -> None:
    try:
        event = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        batch.rejects.append(f"{where}: event at {n}: invalid JSON ({exc})")
        return
    try:
        _read_event(event, batch, where)
    except BadItem as exc:
        batch.rejects.append(f"{where}: {exc}")


def _read_event(event: object, batch: EventBatch, where: str) -> None:
    if not isinstance(event, dict) or event.get("kind") != "commit":
        return  # identity and account events carry no posts
    did, commit = event.get("did"), event.get("commit")
    if not isinstance(did, str) or not isinstance(commit, dict):
        raise BadItem(f"commit event without did or commit (time_us {event.get('time_us')})")
    collection, rkey, operation = commit.get("collection"), commit.get("rkey"), commit.get("operation")
    if collection not in WANTED_COLLECTIONS or not isinstance(rkey, str):
        return
    uri = f"at://{did}/{collection}/{rkey}"
    if operation == "delete":
        batch.deleted.append(uri)
        return
    if operation != "create":
        return  # updates of posts are rare and change no links we rely on
    record = commit.get("record")
    author = Author(PLATFORM, did)
    if collection == POST_COLLECTION:
        batch.posts.append(post_from_record(uri, author, record, uri))
        return
    subject = record.get("subject") if isinstance(record, dict) else None
    original = subject.get("uri") if isinstance(subject, dict) else None
    if not isinstance(original, str) or f"/{POST_COLLECTION}/" not in original:
        raise BadItem(f"{uri}.record.subject.uri: expected the AT URI of a post, got {original!r}")
    created = parse_time(record.get("createdAt") if isinstance(record, dict) else None, f"{uri}.record.createdAt")
    batch.posts.append(
        Post(PLATFORM, uri, author, created, PostKind.REPOST, OriginalRef(original), url=post_url(original))
    )
