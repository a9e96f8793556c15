"""Hydrating originals: quotes and reposts known only by the AT URI of their original get the original
post itself through ``app.bsky.feed.getPosts`` (25 URIs a call), so its papers are known too."""

from __future__ import annotations

from dataclasses import replace

from papertalk.core.records import OriginalRef, Post, PostKind
from papertalk.sources.bluesky.post_views import parse_items, parse_post_view
from papertalk.sources.bluesky.xrpc import XrpcClient, XrpcRefused

GET_POSTS_LIMIT = 25


def hydrate(client: XrpcClient, posts: list[Post], where: str, rejects: list[str]) -> list[Post]:
    """``posts`` with the originals of their quotes and reposts filled in where the AppView knows them.

    An original that is gone (deleted, blocked) leaves the reference as it is; unreadable answers add a
    reject line and keep the post.
    """
    wanted = sorted(
        {
            p.original.post_id
            for p in posts
            if p.kind in (PostKind.QUOTE, PostKind.REPOST) and p.original is not None and p.original.post is None
        }
    )
    found: dict[str, Post] = {}
    for start in range(0, len(wanted), GET_POSTS_LIMIT):
        chunk = wanted[start : start + GET_POSTS_LIMIT]
        answer = client.call("app.bsky.feed.getPosts", [("uris", uri) for uri in chunk], where)
        if isinstance(answer, XrpcRefused):
            rejects.append(f"{where}: getPosts refused {len(chunk)} originals: {answer.error} {answer.message}")
            continue
        views, bad = parse_items(answer.get("posts"), f"{where} getPosts", parse_post_view)
        rejects.extend(bad)
        found.update((v.post_id, v) for v in views)
    if not found:
        return posts
    return [
        replace(p, original=OriginalRef(p.original.post_id, found[p.original.post_id]))
        if p.original is not None
        and p.original.post is None
        and p.original.post_id in found
        and p.kind != PostKind.REPLY
        else p
        for p in posts
    ]
