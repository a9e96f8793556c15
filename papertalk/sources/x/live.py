"""Thin X API v2 fetcher (needs a bearer token): a user's tweets and whom a user follows.

``/2/users/:id/tweets`` with the expansions that bring retweeted and quoted originals and their authors
into ``includes``; ``since_id`` = the stored cursor (the newest tweet id committed), older pages by
``pagination_token``; the cursor moves to the newest id with the run's last page. Rate limits: when
``x-rate-limit-remaining`` reaches 0 the next request waits until ``x-rate-limit-reset``; a 429 without
``Retry-After`` waits for that reset too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx

from papertalk.core.records import Author
from papertalk.fetching.json_get import JsonReply, get_json
from papertalk.fetching.pages import FetchedPage, FetchError, SourceSpec
from papertalk.fetching.parsed_pages import page_of
from papertalk.fetching.polite_http import PoliteGetter
from papertalk.sources.x.tweet_v1 import PLATFORM
from papertalk.sources.x.tweet_v2 import page_posts

TWEET_PARAMS = {
    "max_results": "100",
    "expansions": "referenced_tweets.id,referenced_tweets.id.author_id,author_id,attachments.media_keys",
    "tweet.fields": "created_at,entities,note_tweet,referenced_tweets,author_id,lang",
    "user.fields": "username,name",
}
MAX_RESET_WAIT = 15 * 60


class XApi:
    """Bearer-token requests that keep to X's rate-limit headers."""

    def __init__(
        self,
        getter: PoliteGetter,
        base_url: str,
        token: str | None,
        wall_clock: Callable[[], float],
        sleep: Callable[[float], None],
    ) -> None:
        self.getter, self.base_url, self.token = getter, base_url.rstrip("/"), token
        self.wall_clock, self.sleep = wall_clock, sleep
        self._blocked_until = 0.0

    def get(self, path: str, params: dict[str, str], what: str) -> JsonReply:
        if not self.token:
            raise FetchError(f"{what}: set PAPERTALK_X_BEARER_TOKEN to read the X API (or import an archive)")
        wait = self._blocked_until - self.wall_clock()
        if wait > 0:
            self.sleep(min(wait, MAX_RESET_WAIT))
        reply = get_json(
            self.getter,
            self.base_url + path,
            params,
            what,
            headers={"Authorization": f"Bearer {self.token}"},
            wait_for=self._until_reset,
        )
        if reply.headers.get("x-rate-limit-remaining") == "0":
            reset = _number(reply.headers.get("x-rate-limit-reset"))
            if reset is not None:
                self._blocked_until = reset
        return reply

    def _until_reset(self, response: httpx.Response) -> float | None:
        reset = _number(response.headers.get("x-rate-limit-reset"))
        return None if reset is None else max(1.0, min(reset - self.wall_clock(), MAX_RESET_WAIT))

    def user(self, handle: str) -> Author:
        if handle.isdigit():
            return Author(PLATFORM, handle)
        name = handle.lstrip("@")
        reply = self.get(f"/2/users/by/username/{name}", {}, f"x:{handle}")
        data = reply.body.get("data") if isinstance(reply.body, dict) else None
        if not isinstance(data, dict) or not isinstance(data.get("id"), str):
            raise FetchError(f"x:{handle}: no such user")
        return Author(PLATFORM, data["id"], data.get("username"), data.get("name"))


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


def newest_tweet(a: str | None, b: str | None) -> str | None:
    if a is None or b is None:
        return a or b
    return max(a, b, key=lambda s: (len(s), s))


class XUserTweets:
    def __init__(self, api: XApi) -> None:
        self.api = api

    def pages(self, source: SourceSpec, cursor: str | None, max_pages: int | None = None) -> Iterator[FetchedPage]:
        user = self.api.user(source.target)
        newest = cursor
        token: str | None = None
        done = 0
        while True:
            params = dict(TWEET_PARAMS)
            if cursor:
                params["since_id"] = cursor
            if token:
                params["pagination_token"] = token
            reply = self.api.get(f"/2/users/{user.platform_id}/tweets", params, source.name)
            meta = reply.body.get("meta") if isinstance(reply.body, dict) else None
            meta = meta if isinstance(meta, dict) else {}
            newest = newest_tweet(newest, meta.get("newest_id") if isinstance(meta.get("newest_id"), str) else None)
            token = meta.get("next_token") if isinstance(meta.get("next_token"), str) else None
            done += 1
            last = token is None or (max_pages is not None and done >= max_pages)
            yield page_of(page_posts(reply.body, source.name), newest if last else None)
            if last:
                return


class XDirectory:
    def __init__(self, api: XApi) -> None:
        self.api = api

    def lookup(self, handle: str) -> Author:
        return self.api.user(handle)

    def following(self, handle: str) -> Iterator[Author]:
        user = self.api.user(handle)
        token: str | None = None
        while True:
            params = {"max_results": "1000", "user.fields": "username,name"}
            if token:
                params["pagination_token"] = token
            reply = self.api.get(f"/2/users/{user.platform_id}/following", params, f"x:{handle}:following")
            body = reply.body if isinstance(reply.body, dict) else {}
            for account in body.get("data") or []:
                if isinstance(account, dict) and isinstance(account.get("id"), str):
                    yield Author(PLATFORM, account["id"], account.get("username"), account.get("name"))
            meta = body.get("meta")
            token = meta.get("next_token") if isinstance(meta, dict) else None
            if not isinstance(token, str):
                return
