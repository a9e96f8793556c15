"""Pure reading of Jetstream events (the JSON firehose of ``/subscribe``) into neutral posts and deletes.

An event is ``{"did", "time_us", "kind": "commit"|"identity"|"account", "commit": {"operation",
"collection", "rkey", "record"}}``. Creates of ``app.bsky.feed.post`` become posts (links from facets
and external embeds, quotes point to their original by AT URI), creates of ``app.bsky.feed.repost``
become reposts of their subject, deletes of either become tombstones.

``EventFilter.keep`` looks at the raw bytes before any JSON parsing: in the global mode only events that
may cite arXiv (``core.arxiv_ids.may_cite_arxiv``: every form the finder knows, in any letter case, also
spelled with JSON ``\\u00XX`` escapes) or are deletes are parsed at all, which is what makes a million
events a second cheap. Of the parsed posts, those that cite no paper and never say "arxiv" (a long number
in a URL, an escaped character) are dropped; one that says "arxiv" stays, as its short links may still
lead to a paper once expanded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import orjson

from papertalk.core.arxiv_ids import CANDIDATE_FOLD, CANDIDATE_SLASH, find_in_post
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
_DELETE_MARK = b'"delete"'
_BACKSLASH = b"\\"  # found with memchr; a JSON escape "\\u00XX" of an ASCII character could hide a mark
_ESCAPE_HEAD = b"u00"
_MARK_CHARACTERS = frozenset(b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ./")
_ARXIV_WORD = b"arxiv"
_SEGMENT = 1 << 20  # bytes folded and searched at a time: small enough to stay in the CPU cache
_TIME_KEY = b'"time_us":'
PostCheck = Callable[[bytes, Post], bool]  # (raw event, its post) -> keep the post


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
        return bool(candidate_lines(raw))


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
    for start in sorted(candidate_lines(blob)):
        end = blob.find(b"\n", start)
        raw = blob[start : end if end >= 0 else len(blob)]
        _parse(raw, start, batch, where, _cites_or_says_arxiv)
    last = blob.rfind(b"\n", 0, len(blob) - 1) + 1
    batch.cursor = time_us_of(blob[last:])
    return batch


def candidate_lines(blob: bytes) -> set[int]:
    """Where the lines of ``blob`` that may cite arXiv or delete something start.

    The buffer is folded (``CANDIDATE_FOLD``) a segment at a time (a segment stays in the CPU cache across
    the passes); the marks are searched over it in C (``bytes.find``, the ``CANDIDATE_SLASH`` regex, memchr
    for backslashes), and only the hits cost Python work.
    """
    lines: set[int] = set()
    at, size = 0, len(blob)
    while at < size:
        end = blob.find(b"\n", at + _SEGMENT)
        end = size if end < 0 else end
        folded = blob[at:end].translate(CANDIDATE_FOLD)
        _lines_with(folded, _DELETE_MARK, at, lines)  # the delete mark folds to itself
        for match in CANDIDATE_SLASH.finditer(folded):
            lines.add(at + folded.rfind(b"\n", 0, match.start()) + 1)
        _lines_with_escapes(folded, at, lines)
        at = end + 1
    return lines


def _lines_with(folded: bytes, mark: bytes, offset: int, lines: set[int]) -> None:
    found = folded.find(mark)
    while found >= 0:
        lines.add(offset + folded.rfind(b"\n", 0, found) + 1)
        end = folded.find(b"\n", found)
        if end < 0:
            return
        found = folded.find(mark, end)


def _lines_with_escapes(folded: bytes, offset: int, lines: set[int]) -> None:
    """Lines with a ``\\u00XX`` escape of a letter, digit, dot or slash. Backslashes are found with
    memchr (far cheaper than a multi-byte search); ``\\u0026`` for "&", common in Jetstream, is passed over."""
    found = folded.find(_BACKSLASH)
    while found >= 0:
        if folded.startswith(_ESCAPE_HEAD, found + 1):
            try:
                escaped = int(folded[found + 4 : found + 6], 16)  # folding leaves hex digits readable
            except ValueError:
                escaped = -1
            if escaped in _MARK_CHARACTERS:
                lines.add(offset + folded.rfind(b"\n", 0, found) + 1)
        found = folded.find(_BACKSLASH, found + 2)  # "\\\\" is one escaped backslash


def _cites_or_says_arxiv(raw: bytes, post: Post) -> bool:
    """Whether a post that passed the byte check is worth keeping (see the module docstring)."""
    return bool(find_in_post(post.text, post.links)) or _ARXIV_WORD in raw.lower()


def _parse(raw: bytes, n: int, batch: EventBatch, where: str, worth: PostCheck | None = None) -> None:
    try:
        event = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        batch.rejects.append(f"{where}: event at {n}: invalid JSON ({exc})")
        return
    posts_before = len(batch.posts)
    try:
        _read_event(event, batch, where)
    except BadItem as exc:
        batch.rejects.append(f"{where}: {exc}")
    if worth is not None and len(batch.posts) > posts_before and not worth(raw, batch.posts[-1]):
        batch.posts.pop()


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
