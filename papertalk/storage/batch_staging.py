"""A batch of posts laid out as the staging rows ``storage.batch_load`` writes: pure, no database.

Built in the process that parses (a worker, or an X archive's reading process) and pickled to the one
that writes; kept apart from the loader so those processes start without the database stack.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from papertalk.core.ranking import KIND_BITS
from papertalk.core.records import LANG_MAX_CHARS, SCORE_LIMITS, CitingPost, PostKind
from papertalk.storage.nul_text import NUL, without_nul
from papertalk.storage.post_merge import links_json, merge_duplicates


@dataclass(frozen=True)
class StagedBatch:
    """A batch as plain tuples (cheap to build in a worker process and to pickle across): one row per
    distinct post (positions SEQ...SCORE below), and for each the (arxiv id, version) pairs it cites."""

    posts: list[tuple[Any, ...]]
    refs: list[list[tuple[str, int | None]]]


# Positions in a row of StagedBatch.posts.
SEQ, PLATFORM, POST_ID, AUTHOR, HANDLE, NAME, CREATED, KIND, KIND_BIT, ORIGINAL, TEXT, URL, LINKS, LANG, SCORE = range(
    15
)
INHERITING_KINDS = (PostKind.REPOST.value, PostKind.QUOTE.value)
KIND_BIT_OF = {kind.value: bit for kind, bit in KIND_BITS.items()}
_LOW, _HIGH = SCORE_LIMITS


def stage_batch(batch: Iterable[CitingPost]) -> StagedBatch:
    """Merge duplicates and lay the batch out as staging rows. Pure: no database needed."""
    posts: list[tuple[Any, ...]] = []
    refs: list[list[tuple[str, int | None]]] = []
    for seq, item in enumerate(merge_duplicates(batch).values()):
        p = item.post
        row: tuple[Any, ...] = (
            seq,
            p.platform,
            p.post_id,
            p.author.platform_id,
            p.author.handle,
            p.author.display_name,
            p.created_at,
            p.kind.value,
            KIND_BITS[p.kind],
            p.original.post_id if p.original is not None else None,
            p.text or None,  # no text is stored as NULL, however it arrived
            p.url,
            links_json(p.links),
            p.lang if p.lang is None or len(p.lang) <= LANG_MAX_CHARS else None,  # a tag, not a text
            # an API's absurd count (HN, Reddit) is dropped, not left to fail the batch on PostgreSQL
            p.platform_score if p.platform_score is None or _LOW <= p.platform_score <= _HIGH else None,
        )
        # PostgreSQL cannot store NUL in text; any platform's JSON may carry one (``\u0000``). Both backends
        # store a space instead, so they hold the same posts. One scan of the text fields run together
        # decides (~0.2 µs a post; a generator over the row costs 3x that).
        a = p.author  # (the links are JSON text already, where a NUL is written "\u0000")
        if (
            NUL
            in f"{p.platform}{p.post_id}{a.platform_id}{a.handle}{a.display_name}{p.text}{p.url}{p.lang}{row[ORIGINAL]}"
        ):
            row = tuple(map(without_nul, row))
        posts.append(row)
        refs.append([(r.arxiv_id, r.version) for r in item.refs])
    return StagedBatch(posts, refs)
