"""Reddit listings (``{"kind": "Listing", "data": {"children": [{"kind": "t3", "data": {...}}]}}``) -> posts.

A link post (``t3``): title and ``selftext`` as text; ``url`` (unless it is the post itself) and the
links of ``selftext_html`` as links; ``score`` kept as ``platform_score`` (data, never a vote). A
crosspost (``crosspost_parent_list``) is a repost of its parent. Comments (``t1``) are replies.
Posts are known by their fullname (``t3_abc``), authors by ``author_fullname`` (``t2_…``) else name.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from typing import Any

from papertalk.core.records import Author, OriginalRef, Post, PostKind
from papertalk.fetching.html_links import html_text_and_links, merged_links
from papertalk.fetching.payload import BadItem, clipped, item_label, opt_int, opt_text, reject_line, text

PLATFORM = "reddit"
SITE = "https://www.reddit.com"


def parse_thing(kind: str, data: object, nested: bool = False) -> Post:
    if not isinstance(data, dict):
        raise BadItem(f"data: expected an object, got {type(data).__name__}")
    name = opt_text(data, "name") or f"{kind}_{text(data, 'id')}"
    user = text(data, "author")
    author = Author(PLATFORM, opt_text(data, "author_fullname") or user, user)
    created = data.get("created_utc")
    if not isinstance(created, int | float) or isinstance(created, bool):
        raise BadItem(f"created_utc: expected a number, got {type(created).__name__}")
    permalink = opt_text(data, "permalink")
    body_html = opt_text(data, "selftext_html") or opt_text(data, "body_html")
    _, body_links = html_text_and_links(html.unescape(body_html)) if body_html else ("", ())
    body = opt_text(data, "selftext") or opt_text(data, "body") or ""
    title = opt_text(data, "title") or ""
    url = opt_text(data, "url")
    own = url is not None and permalink is not None and url.endswith(permalink)
    kind_of, original = (PostKind.REPLY, None) if kind == "t1" else (PostKind.POST, None)
    parents = data.get("crosspost_parent_list")
    if not nested and isinstance(parents, list) and parents and isinstance(parents[0], dict):
        try:
            parent = parse_thing("t3", parents[0], nested=True)
        except BadItem as exc:
            raise BadItem(f"crosspost_parent_list: {exc}") from None
        kind_of, original = PostKind.REPOST, OriginalRef(parent.post_id, parent)
    return Post(
        platform=PLATFORM,
        post_id=name,
        author=author,
        created_at=int(created),
        kind=kind_of,
        original=original,
        text=clipped(f"{title}\n{body}".strip()),
        url=SITE + permalink if permalink else None,
        links=merged_links([url] if url and not own else [], body_links),
        platform_score=opt_int(data, "score"),
    )


def listing_children(payload: object) -> list[Any] | None:
    data = payload.get("data") if isinstance(payload, dict) else None
    children = data.get("children") if isinstance(data, dict) else None
    return children if isinstance(children, list) else None


def parse_listing(payload: object, source: str) -> Iterator[Post | str]:
    children = listing_children(payload)
    if children is None:
        yield reject_line(source, "page", "expected a Listing with data.children")
        return
    for position, child in enumerate(children):
        data = child.get("data") if isinstance(child, dict) else None
        kind = child.get("kind") if isinstance(child, dict) else None
        label = item_label(data, "name", "id") + f"#{position}"
        if kind not in ("t3", "t1"):
            yield reject_line(source, label, f"kind: {kind!r} is not a link post or a comment")
            continue
        try:
            yield parse_thing(str(kind), data)
        except BadItem as exc:
            yield reject_line(source, label, exc)


def listing_after(payload: object) -> str | None:
    data = payload.get("data") if isinstance(payload, dict) else None
    after = data.get("after") if isinstance(data, dict) else None
    return after if isinstance(after, str) and after else None


def child_times(payload: object) -> list[int]:
    times = []
    for child in listing_children(payload) or []:
        data = child.get("data") if isinstance(child, dict) else None
        created = data.get("created_utc") if isinstance(data, dict) else None
        if isinstance(created, int | float) and not isinstance(created, bool):
            times.append(int(created))
    return times
