"""Merging what is known of a post: duplicates inside a batch, and a stored post seen again with more data.

Nothing known is erased: a later copy fills in what was missing, links are united, the first time wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import orjson

from papertalk.core.records import Author, CitingPost, Post

PostKey = tuple[str, str]  # (platform, post_id)


@dataclass(frozen=True)
class StoredPost:
    """What the database holds of a post when a batch arrives."""

    row_id: int
    account_id: int | None  # None: a placeholder for an original known only by reference
    created_at: int | None
    kind: str | None
    original_id: int | None
    text: str | None
    url: str | None
    links: tuple[str, ...]
    lang: str | None
    score: int | None


def merge_duplicates(batch: Iterable[CitingPost]) -> dict[PostKey, CitingPost]:
    """One entry per post; a later copy fills in what an earlier one lacked."""
    merged: dict[PostKey, CitingPost] = {}
    for item in batch:
        key = (item.post.platform, item.post.post_id)
        earlier = merged.get(key)
        merged[key] = item if earlier is None else _merge(earlier, item)
    return merged


def _merge(a: CitingPost, b: CitingPost) -> CitingPost:
    pa, pb = a.post, b.post
    post = Post(
        platform=pa.platform,
        post_id=pa.post_id,
        author=Author(
            pa.author.platform,
            pa.author.platform_id,
            pb.author.handle or pa.author.handle,
            pb.author.display_name or pa.author.display_name,
        ),
        created_at=min(pa.created_at, pb.created_at),
        kind=pa.kind,
        original=pa.original or pb.original,
        text=pb.text or pa.text,
        url=pb.url or pa.url,
        links=tuple(dict.fromkeys(pa.links + pb.links)),
        lang=pb.lang or pa.lang,
        platform_score=pb.platform_score if pb.platform_score is not None else pa.platform_score,
    )
    refs = {r.arxiv_id: r for r in b.refs} | {r.arxiv_id: r for r in a.refs}
    return CitingPost(post, tuple(refs.values()))


def links_json(links: Sequence[str]) -> str | None:
    return orjson.dumps(list(dict.fromkeys(links))).decode() if links else None


def completion(
    old: StoredPost,
    text: str | None,
    url: str | None,
    links: Sequence[str],
    lang: str | None,
    score: int | None,
) -> tuple[object, ...] | None:
    """(text, url, links, lang, score) completing ``old`` with a new copy, or None when it adds nothing."""
    merged_links = tuple(dict.fromkeys(old.links + tuple(links)))
    values = (
        text or old.text,
        url or old.url,
        merged_links,
        lang or old.lang,
        old.score if score is None else score,
    )
    if old.account_id is not None and values == (old.text, old.url, old.links, old.lang, old.score):
        return None
    return (values[0], values[1], links_json(merged_links), values[3], values[4])
