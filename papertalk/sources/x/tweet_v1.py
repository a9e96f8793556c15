"""One tweet in the v1.1 shape (API v1.1 and the data archive's tweets.js) -> a neutral ``Post``.

* Text: ``extended_tweet.full_text``, else ``full_text``, else ``text`` (t.co links stay in the text).
* Links: ``entities.urls[].expanded_url`` (``url``, the t.co link, when X did not expand it), also from
  ``extended_tweet.entities``; ``entities.media`` are pictures and are not links.
* Kind: ``retweeted_status`` -> repost of that (parsed) original; ``quoted_status`` -> quote of it;
  archive retweets carry no original, only the ``RT @name: text`` -> repost of an original made from
  that text (see ``_retweeted_by_text``) so its papers still count;
  ``in_reply_to_status_id_str`` -> reply.
* Numbers may be strings (archives): ids are read as text, counts with ``payload.opt_int``.
"""

from __future__ import annotations

from typing import Any

from papertalk.core.records import Author, OriginalRef, Post, PostKind
from papertalk.fetching.html_links import merged_links
from papertalk.fetching.payload import BadItem, clipped, http_time, ident, items, opt_obj, opt_text

PLATFORM = "x"
RETWEET_PREFIX = "RT @"


def tweet_author(user: dict[str, Any]) -> Author:
    """The author of a v1.1 ``user`` object."""
    user_id = user.get("id_str") or user.get("id")
    if not isinstance(user_id, str | int) or isinstance(user_id, bool) or not str(user_id):
        raise BadItem(f"user.id_str: expected an id, got {type(user_id).__name__}")
    return Author(PLATFORM, str(user_id), opt_text(user, "screen_name"), opt_text(user, "name"))


def tweet_links(data: dict[str, Any]) -> tuple[str, ...]:
    """Every expanded link of the tweet's ``entities.urls`` (and its ``extended_tweet``)."""
    found: list[str] = []
    _add_links(data, found)
    extended = opt_obj(data, "extended_tweet")
    if extended is not None:
        _add_links(extended, found)
    return merged_links(found) if len(found) > 1 else tuple(found)


def _add_links(holder: dict[str, Any], found: list[str]) -> None:
    entities = opt_obj(holder, "entities")
    if entities is None:
        return
    for entry in items(entities, "urls"):
        if not isinstance(entry, dict):
            raise BadItem("entities.urls: expected objects")
        url = entry.get("expanded_url") or entry.get("url")
        if isinstance(url, str) and url:
            found.append(url)


def tweet_text(data: dict[str, Any]) -> str:
    extended = opt_obj(data, "extended_tweet")
    if extended is not None and isinstance(extended.get("full_text"), str):
        return str(extended["full_text"])
    for key in ("full_text", "text"):
        value = data.get(key)
        if isinstance(value, str):
            return value
        if value is not None:
            raise BadItem(f"{key}: expected a string, got {type(value).__name__}")
    return ""


def parse_v1_tweet(data: object, author: Author | None = None, nested: bool = False) -> Post:
    """A v1.1 tweet; ``author`` is given for archive tweets, which carry no ``user``."""
    if not isinstance(data, dict):
        raise BadItem(f"expected a tweet object, got {type(data).__name__}")
    tweet_id = data.get("id_str") or ident(data, "id")
    if not isinstance(tweet_id, str):
        raise BadItem("id_str: expected a string id")
    if author is None:
        user = opt_obj(data, "user")
        if user is None:
            raise BadItem("user: missing (an API v1.1 tweet names its author)")
        author = tweet_author(user)
    created = http_time(data.get("created_at"), "created_at")
    text = tweet_text(data)
    kind = PostKind.POST
    original: OriginalRef | None = None
    retweeted = None if nested else opt_obj(data, "retweeted_status")
    quoted = None if nested else opt_obj(data, "quoted_status")
    if retweeted is not None:
        kind, original = PostKind.REPOST, _original(retweeted)
    elif quoted is not None:
        kind, original = PostKind.QUOTE, _original(quoted)
    links = tweet_links(data)  # after the original: its errors are reported first
    reply_to = data.get("in_reply_to_status_id_str")
    replying = isinstance(reply_to, str) and bool(reply_to)
    return v1_post(tweet_id, author, created, text, links, kind, original, replying, opt_text(data, "lang"), nested)


def v1_post(
    tweet_id: str,
    author: Author,
    created: int,
    text: str,
    links: tuple[str, ...],
    kind: PostKind,
    original: OriginalRef | None,
    replying: bool,
    lang: str | None,
    nested: bool = False,
) -> Post:
    """The ``Post`` of a tweet's read fields: an archive retweet (``RT @name: ...``) becomes a repost of
    an original made from its text, a reply is a reply (shared by every reader of v1.1 tweets)."""
    if original is None:
        if text.startswith(RETWEET_PREFIX) and not nested:
            kind, original = PostKind.REPOST, _retweeted_by_text(tweet_id, text, created, links)
        elif replying:
            kind = PostKind.REPLY
    return Post(
        platform=PLATFORM,
        post_id=tweet_id,
        author=author,
        created_at=created,
        kind=kind,
        original=original,
        text=clipped(text),
        url=f"https://x.com/{author.handle or 'i'}/status/{tweet_id}",
        links=links,
        lang=lang,
    )


def _retweeted_by_text(tweet_id: str, text: str, created: int, links: tuple[str, ...]) -> OriginalRef | None:
    """The original of an archive retweet, known only from its ``RT @handle: text``: stored as post
    ``<retweet id>:rt`` by the account ``@handle`` (X account ids are numbers, so these never collide)."""
    handle, sep, rest = text[len(RETWEET_PREFIX) :].partition(": ")
    if not sep or not handle or " " in handle:
        return None
    author = Author(PLATFORM, f"@{handle}", handle)
    post = Post(PLATFORM, f"{tweet_id}:rt", author, created, text=clipped(rest), links=links)
    return OriginalRef(post.post_id, post)


def _original(data: dict[str, Any]) -> OriginalRef:
    try:
        post = parse_v1_tweet(data, nested=True)
    except BadItem as exc:
        raise BadItem(f"original: {exc}") from None
    return OriginalRef(post.post_id, post)
