"""A batch of posts laid out as the staging rows ``storage.ingest.batch_load`` writes: pure, no database.

Built in the process that parses (a worker, or an X archive's reading process) and pickled to the one
that writes; kept apart from the loader so those processes start without the database stack.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from papertalk.core.ranking import KIND_BITS
from papertalk.core.records import CitingPost, PostKind
from papertalk.storage.ingest.post_merge import links_json, merge_duplicates
from papertalk.storage.storable import storable_post


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


def stage_batch(batch: Iterable[CitingPost]) -> StagedBatch:
    """Make the posts storable (``storage.storable``), merge duplicates and lay the batch out as staging
    rows. Pure: no database needed."""
    posts: list[tuple[Any, ...]] = []
    refs: list[list[tuple[str, int | None]]] = []
    # storable first: two ids that become one (a NUL made a space) must merge, not take two rows
    for seq, item in enumerate(merge_duplicates(map(storable_post, batch)).values()):
        p = item.post
        posts.append(
            (
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
                p.lang,
                p.platform_score,
            )
        )
        refs.append([(r.arxiv_id, r.version) for r in item.refs])
    return StagedBatch(posts, refs)
