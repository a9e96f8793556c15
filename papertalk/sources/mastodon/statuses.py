"""Mastodon REST statuses (``/api/v1/accounts/:id/statuses``, ``/api/v1/timelines/tag/:tag``) -> posts.

* Ids: a status is known by its ``uri`` (the same on every instance), an account by ``user@domain``
  (``acct`` of a local account has no domain: the instance's is added).
* Boosts: ``reblog`` holds the original -> a repost of it. Quotes (Mastodon 4.4+): ``quote`` with an
  accepted ``quoted_status`` -> a quote of it (a quote whose original is not shown stays a post).
  ``in_reply_to_id`` -> a reply.
* Text and links: ``content`` is HTML: its text, and every ``href`` read with a real HTML parser
  (mentions and hashtags included); plus the link ``card``'s ``url``; ``spoiler_text`` goes first.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from papertalk.core.records import Author, OriginalRef, Post, PostKind
from papertalk.fetching.html_links import html_text_and_links, merged_links
from papertalk.fetching.payload import (
    BadItem,
    clipped,
    ident,
    iso_time,
    item_label,
    obj,
    opt_obj,
    opt_text,
    reject_line,
)

PLATFORM = "mastodon"


def account_author(account: dict[str, Any], instance: str) -> Author:
    """An account as ``user@domain`` (its id everywhere), with its display name."""
    acct = account.get("acct") or account.get("username")
    if not isinstance(acct, str) or not acct:
        raise BadItem("account.acct: expected a handle")
    qualified = acct if "@" in acct else f"{acct}@{instance}"
    return Author(PLATFORM, qualified.lower(), f"@{qualified}", opt_text(account, "display_name"))


def parse_status(data: object, instance: str, nested: bool = False) -> Post:
    """One status as ``instance`` serves it."""
    if not isinstance(data, dict):
        raise BadItem(f"expected a status object, got {type(data).__name__}")
    local_id = ident(data, "id")
    post_id = opt_text(data, "uri") or f"https://{instance}/statuses/{local_id}"
    author = account_author(obj(data, "account"), instance)
    created = iso_time(data.get("created_at"), "created_at")
    kind, original = PostKind.POST, None
    boosted = None if nested else opt_obj(data, "reblog")
    if boosted is not None:
        original = _original(boosted, instance, "reblog")
        return Post(PLATFORM, post_id, author, created, PostKind.REPOST, original, url=opt_text(data, "url"))
    quote = None if nested else opt_obj(data, "quote")
    quoted = opt_obj(quote, "quoted_status") if quote is not None else None
    if quoted is not None:
        kind, original = PostKind.QUOTE, _original(quoted, instance, "quote.quoted_status")
    elif data.get("in_reply_to_id") is not None:
        kind = PostKind.REPLY
    content = data.get("content") or ""
    if not isinstance(content, str):
        raise BadItem(f"content: expected HTML text, got {type(content).__name__}")
    text, links = html_text_and_links(content)
    spoiler = opt_text(data, "spoiler_text")
    card = opt_obj(data, "card")
    card_url = opt_text(card, "url") if card is not None else None
    return Post(
        platform=PLATFORM,
        post_id=post_id,
        author=author,
        created_at=created,
        kind=kind,
        original=original,
        text=clipped(f"{spoiler}\n{text}" if spoiler else text),
        url=opt_text(data, "url"),
        links=merged_links(links, [card_url] if card_url else []),
        lang=opt_text(data, "language"),
    )


def _original(data: dict[str, Any], instance: str, where: str) -> OriginalRef:
    try:
        post = parse_status(data, instance, nested=True)
    except BadItem as exc:
        raise BadItem(f"{where}: {exc}") from None
    return OriginalRef(post.post_id, post)


def parse_statuses(payload: object, instance: str, source: str) -> Iterator[Post | str]:
    """The posts of one page (a JSON array of statuses), or a reject line for each unreadable one."""
    if not isinstance(payload, list):
        yield reject_line(source, "page", f"expected an array of statuses, got {type(payload).__name__}")
        return
    for position, status in enumerate(payload):
        try:
            yield parse_status(status, instance)
        except BadItem as exc:
            yield reject_line(source, item_label(status, "id") + f"#{position}", exc)


def status_id(status: object) -> str | None:
    """The instance-local id a status is paged by (``max_id``/``since_id``)."""
    value = status.get("id") if isinstance(status, dict) else None
    return str(value) if isinstance(value, str | int) and not isinstance(value, bool) else None
