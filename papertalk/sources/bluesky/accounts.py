"""Bluesky accounts: a handle's DID (``app.bsky.actor.getProfile``) and whom it follows
(``app.bsky.graph.getFollows``, paged by cursor)."""

from __future__ import annotations

from collections.abc import Iterator

from papertalk.core.records import Author
from papertalk.fetching.pages import FetchError
from papertalk.sources.bluesky.post_views import BadItem, author_of
from papertalk.sources.bluesky.xrpc import XrpcClient, XrpcRefused


class BlueskyDirectory:
    """The ``AccountDirectory`` of Bluesky."""

    def __init__(self, client: XrpcClient) -> None:
        self.client = client

    def lookup(self, handle: str) -> Author:
        handle = handle.removeprefix("@")
        answer = self.client.call("app.bsky.actor.getProfile", {"actor": handle}, f"bluesky:{handle}")
        if isinstance(answer, XrpcRefused):
            raise FetchError(
                f"bluesky:{handle}: no such account ({answer.message or answer.error}); "
                "check the handle, e.g. alice.bsky.social"
            )
        try:
            return author_of(answer, f"bluesky:{handle} getProfile")
        except BadItem as exc:
            raise FetchError(str(exc)) from None

    def following(self, handle: str) -> Iterator[Author]:
        handle = handle.removeprefix("@")
        cursor: str | None = None
        while True:
            params = {"actor": handle, "limit": "100"}
            if cursor:
                params["cursor"] = cursor
            answer = self.client.call("app.bsky.graph.getFollows", params, f"bluesky:{handle}")
            if isinstance(answer, XrpcRefused):
                raise FetchError(f"bluesky:{handle}: getFollows refused: {answer.message or answer.error}")
            follows = answer.get("follows")
            for n, item in enumerate(follows if isinstance(follows, list) else []):
                try:
                    yield author_of(item, f"bluesky:{handle} follows[{n}]")
                except BadItem:
                    continue  # an unreadable entry: the rest of the follows still count
            next_cursor = answer.get("cursor")
            if not isinstance(next_cursor, str) or not follows or next_cursor == cursor:
                return
            cursor = next_cursor
