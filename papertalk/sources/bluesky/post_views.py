"""Pure parsing of Bluesky AppView payloads (``app.bsky.feed.defs#postView`` and ``#feedViewPost``) into
neutral posts.

Links come from rich-text link facets (the text itself often shows a truncated link), external embeds,
and the quoted post of ``embed.record`` / ``embed.recordWithMedia``. A repost becomes a ``repost`` post
whose original is the full reposted post; a quote carries its original when the view embeds it. No
arXiv id is looked for here (``core.arxiv_ids`` does that).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from papertalk.core.records import Author, OriginalRef, Post, PostKind

PLATFORM = "bluesky"
POST_COLLECTION = "app.bsky.feed.post"
LINK_FACET = "app.bsky.richtext.facet#link"


class BadItem(ValueError):
    """A payload item that cannot become a post; the message names the field and what is wrong."""


def parse_time(value: object, where: str) -> int:
    """Epoch seconds from an ISO 8601 datetime such as ``2025-04-02T17:23:35.981Z``."""
    if not isinstance(value, str):
        raise BadItem(f"{where}: expected an ISO datetime, got {type(value).__name__}")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00") if value.endswith("Z") else value)
    except ValueError:
        raise BadItem(f"{where}: not an ISO datetime: {value[:40]!r}") from None
    return int((moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp())


def text_of(value: object, where: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BadItem(f"{where}: expected text, got {type(value).__name__}")
    return value


def post_url(uri: str) -> str | None:
    """The bsky.app address of ``at://DID/app.bsky.feed.post/RKEY``."""
    parts = uri.removeprefix("at://").split("/")
    if len(parts) == 3 and parts[1] == POST_COLLECTION:
        return f"https://bsky.app/profile/{parts[0]}/post/{parts[2]}"
    return None


def author_of(value: object, where: str) -> Author:
    if not isinstance(value, dict):
        raise BadItem(f"{where}: expected an object, got {type(value).__name__}")
    did = value.get("did")
    if not isinstance(did, str) or not did.startswith("did:"):
        raise BadItem(f"{where}.did: expected a DID, got {did!r}")
    handle = value.get("handle")
    name = value.get("displayName")
    return Author(
        PLATFORM,
        did,
        handle if isinstance(handle, str) else None,
        name if isinstance(name, str) and name else None,
    )


def record_links(record: dict[str, Any]) -> list[str]:
    """Every link a post record carries: link facets, then the external embed (also inside recordWithMedia)."""
    links: list[str] = []
    facets = record.get("facets")
    if isinstance(facets, list):
        for facet in facets:
            features = facet.get("features") if isinstance(facet, dict) else None
            for feature in features if isinstance(features, list) else ():
                if (
                    isinstance(feature, dict)
                    and isinstance(uri := feature.get("uri"), str)
                    and feature.get("$type", LINK_FACET) == LINK_FACET
                ):
                    links.append(uri)
    embed = record.get("embed")
    if isinstance(embed, dict):
        media = embed.get("media")
        external = (media if isinstance(media, dict) else embed).get("external")
        if isinstance(external, dict) and isinstance(uri := external.get("uri"), str):
            links.append(uri)
    return _unique(links)


def quoted_uri(record: dict[str, Any]) -> str | None:
    """The AT URI a post record quotes (``embed.record`` or ``embed.recordWithMedia``), if any."""
    embed = record.get("embed")
    if not isinstance(embed, dict):
        return None
    inner = embed.get("record")
    if isinstance(inner, dict) and isinstance(inner.get("record"), dict):  # recordWithMedia
        inner = inner["record"]
    uri = inner.get("uri") if isinstance(inner, dict) else None
    return uri if isinstance(uri, str) and f"/{POST_COLLECTION}/" in uri else None


def reply_parent(record: dict[str, Any]) -> str | None:
    reply = record.get("reply")
    parent = reply.get("parent") if isinstance(reply, dict) else None
    uri = parent.get("uri") if isinstance(parent, dict) else None
    return uri if isinstance(uri, str) else None


def post_from_record(
    uri: str, author: Author, record: object, where: str, quoted: Post | None = None, lang_hint: str | None = None
) -> Post:
    """A neutral post from a raw ``app.bsky.feed.post`` record (as in a view's ``record`` or a Jetstream commit)."""
    if not isinstance(record, dict):
        raise BadItem(f"{where}.record: expected an object, got {type(record).__name__}")
    text = text_of(record.get("text"), f"{where}.record.text")
    created = parse_time(record.get("createdAt"), f"{where}.record.createdAt")
    langs = record.get("langs")
    lang = langs[0] if isinstance(langs, list) and langs and isinstance(langs[0], str) else lang_hint
    links = record_links(record)
    quote = quoted_uri(record)
    parent = reply_parent(record)
    kind, original = PostKind.POST, None
    if quote is not None:
        kind, original = PostKind.QUOTE, OriginalRef(quote, quoted if quoted and quoted.post_id == quote else None)
    elif parent is not None:
        kind, original = PostKind.REPLY, OriginalRef(parent)
    return Post(PLATFORM, uri, author, created, kind, original, text, post_url(uri), tuple(links), lang)


def parse_post_view(view: object, where: str) -> Post:
    """A ``postView`` (getPosts, searchPosts, a feed item's ``post``) as a neutral post."""
    if not isinstance(view, dict):
        raise BadItem(f"{where}: expected a post view object, got {type(view).__name__}")
    uri = view.get("uri")
    if not isinstance(uri, str) or not uri.startswith("at://"):
        raise BadItem(f"{where}.uri: expected an at:// URI, got {uri!r}")
    author = author_of(view.get("author"), f"{where}.author")
    quoted = _embedded_quote(view.get("embed"), where)
    return post_from_record(uri, author, view.get("record"), f"{where}", quoted)


def parse_feed_item(item: object, where: str) -> Post:
    """A ``feedViewPost`` of getAuthorFeed: the post itself, or a repost pointing to the full original."""
    if not isinstance(item, dict):
        raise BadItem(f"{where}: expected a feed item object, got {type(item).__name__}")
    post = parse_post_view(item.get("post"), f"{where}.post")
    reason = item.get("reason")
    if not isinstance(reason, dict) or reason.get("$type") != "app.bsky.feed.defs#reasonRepost":
        return post
    by = author_of(reason.get("by"), f"{where}.reason.by")
    at = parse_time(reason.get("indexedAt"), f"{where}.reason.indexedAt")
    repost_uri = reason.get("uri")
    repost_id = (
        repost_uri if isinstance(repost_uri, str) else f"at://{by.platform_id}/app.bsky.feed.repost/of:{post.post_id}"
    )
    return Post(PLATFORM, repost_id, by, at, PostKind.REPOST, OriginalRef(post.post_id, post), url=post.url)


def _embedded_quote(embed: object, where: str) -> Post | None:
    """The quoted post of an ``embed.record#view`` / ``recordWithMedia#view`` when the view includes it."""
    if not isinstance(embed, dict):
        return None
    inner = embed.get("record")
    if isinstance(inner, dict) and isinstance(inner.get("record"), dict):  # recordWithMedia#view
        inner = inner["record"]
    if not isinstance(inner, dict) or inner.get("$type") != "app.bsky.embed.record#viewRecord":
        return None  # blocked, not found, a feed generator, a list: nothing to hydrate from the view
    try:
        uri = inner.get("uri")
        if not isinstance(uri, str):
            return None
        return post_from_record(uri, author_of(inner.get("author"), f"{where}.embed"), inner.get("value"), where)
    except BadItem:
        return None  # the quote stays a reference; the quoting post is still good


def parse_items(items: object, where: str, parse: Any) -> tuple[list[Post], list[str]]:
    """Parse each item of a list; an unreadable item becomes a one-line reject, the rest are kept."""
    if not isinstance(items, list):
        raise BadItem(f"{where}: expected a list, got {type(items).__name__}")
    posts: list[Post] = []
    rejects: list[str] = []
    for n, item in enumerate(items):
        try:
            posts.append(parse(item, f"{where}[{n}]"))
        except BadItem as exc:
            rejects.append(f"{exc} (item {_item_name(item)})")
    return posts, rejects


def _item_name(item: object) -> str:
    if isinstance(item, dict):
        post = item.get("post", item)
        if isinstance(post, dict) and isinstance(post.get("uri"), str):
            return str(post["uri"])
    return "without a uri"


def _unique(links: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(links))
