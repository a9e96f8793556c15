"""Thin Reddit fetcher: app-only OAuth (client credentials) and newest-first listings.

``new`` (target: a subreddit) reads ``/r/SUB/new``; ``search`` (target: a query such as
``site:arxiv.org``) reads ``/search?sort=new``. Reddit's ``before`` fullname breaks when that post is
removed (an expired cursor), so the cursor is a time instead: a run pages with ``after`` from the
newest post back to posts not newer than the cursor, and the cursor moves to the newest ``created_utc``
with the run's last page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import orjson

from papertalk.fetching.json_get import get_json
from papertalk.fetching.pages import FetchedPage, FetchError, SourceSpec
from papertalk.fetching.parsed_pages import page_of
from papertalk.fetching.polite_http import PoliteGetter, one_line
from papertalk.sources.reddit.listing import child_times, listing_after, parse_listing

PAGE_SIZE = 100
OK_OR_EXPIRED = frozenset({200, 401})
TOKEN_MARGIN = 60  # renew a token this many seconds before it expires


class RedditAuth:
    """An app-only bearer token from ``POST /api/v1/access_token`` (grant_type=client_credentials)."""

    def __init__(
        self,
        http: httpx.Client,
        auth_url: str,
        client_id: str | None,
        client_secret: str | None,
        user_agent: str,
        clock: Callable[[], float],
    ) -> None:
        self.http, self.auth_url = http, auth_url.rstrip("/")
        self.client_id, self.client_secret = client_id, client_secret
        self.user_agent, self.clock = user_agent, clock
        self._token: str | None = None
        self._expires = 0.0

    def headers(self) -> dict[str, str]:
        if self._token is None or self.clock() >= self._expires:
            self._renew()
        return {"Authorization": f"bearer {self._token}"}

    def forget(self) -> None:
        self._token = None

    def _renew(self) -> None:
        if not self.client_id or not self.client_secret:
            raise FetchError("reddit: set PAPERTALK_REDDIT_CLIENT_ID and PAPERTALK_REDDIT_CLIENT_SECRET (an app's)")
        try:
            response = self.http.post(
                f"{self.auth_url}/api/v1/access_token",
                data={"grant_type": "client_credentials"},
                auth=(self.client_id, self.client_secret),
                headers={"User-Agent": self.user_agent},
                timeout=20,
            )
            # orjson, not response.json(): the standard json module recurses and would raise
            # RecursionError on a reply nested ~1,000 deep; orjson stops at 1,024 levels with a ValueError.
            body = orjson.loads(response.content) if response.status_code == 200 else {}
        except (httpx.HTTPError, ValueError) as exc:
            raise FetchError(f"reddit: cannot get an access token ({one_line(exc)})") from None
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str):
            raise FetchError(f"reddit: the token request answered HTTP {response.status_code} without a token")
        expires = body.get("expires_in")
        self._token = token
        self._expires = self.clock() + (float(expires) if isinstance(expires, int | float) else 3600) - TOKEN_MARGIN


class RedditListings:
    def __init__(self, getter: PoliteGetter, auth: RedditAuth, api_url: str = "https://oauth.reddit.com") -> None:
        self.getter, self.auth, self.api_url = getter, auth, api_url.rstrip("/")

    def pages(self, source: SourceSpec, cursor: str | None, max_pages: int | None = None) -> Iterator[FetchedPage]:
        since = int(cursor) if cursor and cursor.isdigit() else 0
        newest = since
        after: str | None = None
        done = 0
        if source.kind == "search":
            url, base = f"{self.api_url}/search", {"q": source.target, "sort": "new", "type": "link"}
        else:
            url, base = f"{self.api_url}/r/{source.target.removeprefix('r/')}/new", {}
        while True:
            params = {**base, "limit": str(PAGE_SIZE), "raw_json": "1"}
            if after:
                params["after"] = after
            reply = get_json(self.getter, url, params, source.name, self.auth.headers(), accept=OK_OR_EXPIRED)
            if reply.status == 401:  # the token expired or was revoked early: one new token, one retry
                self.auth.forget()
                reply = get_json(self.getter, url, params, source.name, self.auth.headers())
            times = child_times(reply.body)
            newest = max([newest, *times])
            after = listing_after(reply.body)
            done += 1
            reached = not times or min(times) <= since
            last = reached or after is None or (max_pages is not None and done >= max_pages)
            yield page_of(parse_listing(reply.body, source.name), str(newest) if last else None)
            if last:
                return
