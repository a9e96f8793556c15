"""API v2 pages (``{"data": [...], "includes": {"tweets", "users"}, "meta"}``) -> neutral posts.

* Authors come from ``includes.users`` by ``author_id`` (an author missing there is known by id only).
* ``referenced_tweets``: ``retweeted`` -> repost, ``quoted`` -> quote, ``replied_to`` -> reply; the
  original is parsed from ``includes.tweets`` when the page carries it.
* Text: ``note_tweet.text`` (long tweets) else ``text``. Links: ``entities.urls[]`` ``unwound_url`` and
  ``expanded_url`` (t.co ``url`` when neither is there), also those of ``note_tweet.entities``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from papertalk.core.records import Author, OriginalRef, Post, PostKind
from papertalk.fetching.html_links import merged_links
from papertalk.fetching.payload import BadItem, clipped, ident, iso_time, item_label, items, opt_obj, reject_line
from papertalk.sources.x.tweet_v1 import PLATFORM

_KINDS = {"retweeted": PostKind.REPOST, "quoted": PostKind.QUOTE, "replied_to": PostKind.REPLY}


def page_users(page: dict[str, Any]) -> dict[str, Author]:
    """Authors of ``includes.users`` by id (unreadable ones are left out: their tweets keep the bare id)."""
    users: dict[str, Author] = {}
    for user in items(opt_obj(page, "includes") or {}, "users"):
        if isinstance(user, dict) and isinstance(user.get("id"), str):
            name, handle = user.get("name"), user.get("username")
            users[user["id"]] = Author(
                PLATFORM,
                user["id"],
                handle if isinstance(handle, str) else None,
                name if isinstance(name, str) else None,
            )
    return users


def v2_links(tweet: dict[str, Any]) -> tuple[str, ...]:
    found: list[str] = []
    for holder in (tweet, opt_obj(tweet, "note_tweet") or {}):
        for entry in items(opt_obj(holder, "entities") or {}, "urls"):
            if not isinstance(entry, dict):
                raise BadItem("entities.urls: expected objects")
            wanted = [entry.get("unwound_url"), entry.get("expanded_url")]
            if not any(wanted):
                wanted = [entry.get("url")]
            found.extend(u for u in wanted if isinstance(u, str) and u)
    return merged_links(found)


def parse_v2_tweet(
    tweet: object, users: dict[str, Author], included: dict[str, dict[str, Any]], nested: bool = False
) -> Post:
    if not isinstance(tweet, dict):
        raise BadItem(f"expected a tweet object, got {type(tweet).__name__}")
    tweet_id = ident(tweet, "id")
    author_id = ident(tweet, "author_id")
    author = users.get(author_id) or Author(PLATFORM, author_id)
    note = opt_obj(tweet, "note_tweet")
    text = note["text"] if note is not None and isinstance(note.get("text"), str) else tweet.get("text", "")
    if not isinstance(text, str):
        raise BadItem(f"text: expected a string, got {type(text).__name__}")
    kind, original = PostKind.POST, None
    for ref in items(tweet, "referenced_tweets"):
        ref_kind = _KINDS.get(str(ref.get("type"))) if isinstance(ref, dict) else None
        if ref_kind is None or not isinstance(ref.get("id"), str):
            continue  # an unknown reference type is not an error: the tweet stays a post
        if nested:
            kind = ref_kind if ref_kind is PostKind.REPLY else kind
            continue
        if ref_kind is PostKind.REPLY and kind is not PostKind.POST:
            continue  # a quote that also replies is read as the quote
        kind, original = ref_kind, _original(ref["id"], users, included, ref_kind)
    handle = author.handle or "i"
    return Post(
        platform=PLATFORM,
        post_id=tweet_id,
        author=author,
        created_at=iso_time(tweet.get("created_at"), "created_at"),
        kind=kind,
        original=original,
        text=clipped(text),
        url=f"https://x.com/{handle}/status/{tweet_id}",
        links=v2_links(tweet),
        lang=tweet.get("lang") if isinstance(tweet.get("lang"), str) else None,
    )


def _original(
    ref_id: str, users: dict[str, Author], included: dict[str, dict[str, Any]], kind: PostKind
) -> OriginalRef:
    data = included.get(ref_id)
    if data is None or kind is PostKind.REPLY:
        return OriginalRef(ref_id)
    try:
        return OriginalRef(ref_id, parse_v2_tweet(data, users, included, nested=True))
    except BadItem:
        return OriginalRef(ref_id)  # an unreadable original: the post still points to it by id


PAGE_KEYS = frozenset({"data", "includes", "meta", "errors"})  # a v2 reply has at least one of these


def page_posts(page: object, source: str) -> Iterator[Post | str]:
    """The posts of one v2 page (its ``data``), or a reject line for each unreadable tweet."""
    if not isinstance(page, dict):
        yield reject_line(source, "page", f"expected a v2 page object, got {type(page).__name__}")
        return
    if "data" not in page and "id" in page:
        yield from _flat_tweet(page, source)  # twarc's "flattened" lines: one tweet with its author inlined
        return
    if not PAGE_KEYS.intersection(page):
        keys = ", ".join(sorted(map(str, page))[:5]) or "none"
        yield reject_line(source, "page", f"not an X API v2 page (no data, includes or meta; its keys: {keys})")
        return
    data = page.get("data", [])
    if isinstance(data, dict):
        data = [data]  # a single-tweet lookup
    if not isinstance(data, list):
        yield reject_line(source, "page", f"data: expected an array, got {type(data).__name__}")
        return
    users = page_users(page)
    included = {
        t["id"]: t
        for t in items(opt_obj(page, "includes") or {}, "tweets")
        if isinstance(t, dict) and isinstance(t.get("id"), str)
    }
    for position, tweet in enumerate(data):
        try:
            yield parse_v2_tweet(tweet, users, included)
        except BadItem as exc:
            yield reject_line(source, item_label(tweet, "id") + f"#{position}", exc)


def _flat_tweet(tweet: dict[str, Any], source: str) -> Iterator[Post | str]:
    author = tweet.get("author")
    users = page_users({"includes": {"users": [author]}}) if isinstance(author, dict) else {}
    included = {
        r["id"]: r
        for r in items(tweet, "referenced_tweets")
        if isinstance(r, dict) and isinstance(r.get("id"), str) and "author_id" in r
    }
    for ref in included.values():
        ref_author = ref.get("author")
        if isinstance(ref_author, dict):
            users.update(page_users({"includes": {"users": [ref_author]}}))
    try:
        yield parse_v2_tweet(tweet, users, included)
    except BadItem as exc:
        yield reject_line(source, item_label(tweet, "id"), exc)
