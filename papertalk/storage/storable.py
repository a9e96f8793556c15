"""Posts and accounts as both databases can hold them, the same on each.

PostgreSQL refuses what SQLite quietly keeps: a NUL character in text, an id longer than its
``VARCHAR(512)``, a language tag longer than ``VARCHAR(35)``, a score beyond 32 bits. Any platform's
payload may carry one (a ``\\u0000`` in JSON, an RSS guid that is a 600-character URL, an API's absurd
count), and one such value would fail a whole batch. So before a batch is merged and staged:

* a NUL becomes a space (platform names are ours, or checked by the neutral format);
* an id over 512 characters keeps its first 440 and gains ``#sha256:`` and the digest of the whole id, so
  it stays unique and every later copy of the same id maps to the same key;
* a language tag over 35 characters and a score outside 32 bits are dropped (they are data about the
  post, never counted).

Deletes (tombstones, retractions, the replay check) look posts up by the same ``storable_id``.

The neutral format rejects such lines with a reason first (``sources.neutral``); this is the net under
every other source. The checks cost ~0.3 µs a post; a post is rebuilt only when one of them trips.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from papertalk.core.records import LANG_MAX_CHARS, SCORE_LIMITS, Author, CitingPost, OriginalRef

NUL = "\x00"
ID_MAX_CHARS = 512  # posts.post_id, accounts.platform_id, post_tombstones.post_id
_ID_KEPT_CHARS = 440  # + "#sha256:" + 64 hex digits = 512
_LOW, _HIGH = SCORE_LIMITS


def storable_text(value: str | None) -> str | None:
    """``value`` with each NUL as a space."""
    return value.replace(NUL, " ") if value is not None and NUL in value else value


def storable_id(value: str) -> str:
    """An id with no NUL and at most 512 characters, the same for the same id."""
    value = value.replace(NUL, " ") if NUL in value else value
    if len(value) <= ID_MAX_CHARS:
        return value
    digest = hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()
    return f"{value[:_ID_KEPT_CHARS]}#sha256:{digest}"


def storable_author(author: Author) -> Author:
    """``author`` with a storable id, handle and name."""
    if NUL not in f"{author.platform_id}{author.handle}{author.display_name}" and (
        len(author.platform_id) <= ID_MAX_CHARS
    ):
        return author
    return replace(
        author,
        platform_id=storable_id(author.platform_id),
        handle=storable_text(author.handle),
        display_name=storable_text(author.display_name),
    )


def storable_post(item: CitingPost) -> CitingPost:
    """``item`` with a post both databases store alike (see the module doc); most come back as they are."""
    p = item.post
    a = p.author
    original = p.original
    original_id = original.post_id if original is not None else ""
    if (
        NUL
        not in f"{p.platform}{p.post_id}{a.platform_id}{a.handle}{a.display_name}{p.text}{p.url}{p.lang}{original_id}"
        and len(p.post_id) <= ID_MAX_CHARS
        and len(a.platform_id) <= ID_MAX_CHARS
        and len(original_id) <= ID_MAX_CHARS
        and (p.lang is None or len(p.lang) <= LANG_MAX_CHARS)
        and (p.platform_score is None or _LOW <= p.platform_score <= _HIGH)
    ):
        return item
    lang = storable_text(p.lang)
    post = replace(
        p,
        post_id=storable_id(p.post_id),
        author=storable_author(a),
        original=None if original is None else OriginalRef(storable_id(original.post_id), original.post),
        text=p.text.replace(NUL, " "),
        url=storable_text(p.url),
        lang=lang if lang is None or len(lang) <= LANG_MAX_CHARS else None,
        platform_score=p.platform_score if p.platform_score is None or _LOW <= p.platform_score <= _HIGH else None,
    )
    return replace(item, post=post)
