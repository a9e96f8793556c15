"""Algolia HN search hits (``/api/v1/search_by_date``) -> neutral posts.

A story: title (+ ``story_text``) as text, ``url`` and the links of ``story_text`` as links. A comment:
``comment_text`` HTML -> text and links, a reply to ``parent_id``. ``points`` is kept as the post's
``platform_score`` (data, never a vote). Authors are HN user names; ids are the item ids.
"""

from __future__ import annotations

from collections.abc import Iterator

from papertalk.core.records import Author, OriginalRef, Post, PostKind
from papertalk.fetching.html_links import html_text_and_links, merged_links
from papertalk.fetching.payload import BadItem, clipped, ident, item_label, opt_int, opt_text, reject_line, text

PLATFORM = "hackernews"
ITEM_URL = "https://news.ycombinator.com/item?id="


def parse_hit(hit: object) -> Post:
    if not isinstance(hit, dict):
        raise BadItem(f"expected a hit object, got {type(hit).__name__}")
    item_id = ident(hit, "objectID")
    author = text(hit, "author")
    created = opt_int(hit, "created_at_i")
    if created is None:
        raise BadItem("created_at_i: missing")
    tags = hit.get("_tags")
    tags = tags if isinstance(tags, list) else []
    comment = opt_text(hit, "comment_text")
    is_comment = "comment" in tags or (comment is not None and not hit.get("title"))
    kind, original = PostKind.POST, None
    if is_comment:
        body, links = html_text_and_links(comment or "")
        parent = hit.get("parent_id") or hit.get("story_id")
        if isinstance(parent, int | str) and not isinstance(parent, bool) and str(parent):
            kind, original = PostKind.REPLY, OriginalRef(str(parent))
        else:
            kind = PostKind.REPLY
    else:
        story, links = html_text_and_links(opt_text(hit, "story_text") or "")
        title = opt_text(hit, "title") or ""
        body = f"{title}\n{story}".strip()
        url = opt_text(hit, "url")
        links = merged_links([url] if url else [], links)
    return Post(
        platform=PLATFORM,
        post_id=item_id,
        author=Author(PLATFORM, author, author),
        created_at=created,
        kind=kind,
        original=original,
        text=clipped(body),
        url=ITEM_URL + item_id,
        links=links,
        platform_score=opt_int(hit, "points"),
    )


def parse_hits(payload: object, source: str) -> Iterator[Post | str]:
    hits = payload.get("hits") if isinstance(payload, dict) else None
    if not isinstance(hits, list):
        yield reject_line(source, "page", "expected {'hits': [...]} from Algolia")
        return
    for position, hit in enumerate(hits):
        try:
            yield parse_hit(hit)
        except BadItem as exc:
            yield reject_line(source, item_label(hit, "objectID") + f"#{position}", exc)


def hit_times(payload: object) -> list[tuple[str, int]]:
    """``(objectID, created_at_i)`` of every readable hit, for paging."""
    hits = payload.get("hits") if isinstance(payload, dict) else None
    found = []
    for hit in hits if isinstance(hits, list) else []:
        if isinstance(hit, dict) and isinstance(hit.get("created_at_i"), int) and hit.get("objectID") is not None:
            found.append((str(hit["objectID"]), int(hit["created_at_i"])))
    return found
