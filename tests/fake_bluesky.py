"""A local Bluesky AppView look-alike on 127.0.0.1 speaking the real XRPC JSON (lexicon shapes modelled
on ../shared/data/bluesky), with faults injected on demand: 429 + Retry-After, 500, truncated JSON, slow
bodies, and cursors that expire."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import orjson
import pytest

BASE = datetime(2026, 11, 30, 12, 0, tzinfo=UTC).timestamp()


def iso(offset_seconds: float) -> str:
    return datetime.fromtimestamp(BASE + offset_seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def profile(n: int) -> dict[str, Any]:
    return {
        "did": f"did:plc:user{n:04d}",
        "handle": f"user{n}.bsky.social",
        "displayName": f"User {n}",
        "avatar": f"https://cdn.bsky.app/img/avatar/plain/did:plc:user{n:04d}/x@jpeg",
        "labels": [],
        "createdAt": "2023-05-05T13:12:14.376Z",
    }


def post_view(n: int, author: int, t: float, arxiv: str | None = None, quote: str | None = None) -> dict[str, Any]:
    """A ``postView``; with ``arxiv`` its text shows a truncated link and a link facet carries the full URL."""
    uri = f"at://did:plc:user{author:04d}/app.bsky.feed.post/3post{n:06d}"
    text = f"post {n} about nothing"
    record: dict[str, Any] = {"$type": "app.bsky.feed.post", "createdAt": iso(t), "langs": ["en"], "text": text}
    if arxiv:
        shown = f"arxiv.org/abs/{arxiv[:6]}..."
        record["text"] = f"great paper {shown}"
        start = len(b"great paper ")
        record["facets"] = [
            {
                "$type": "app.bsky.richtext.facet",
                "features": [{"$type": "app.bsky.richtext.facet#link", "uri": f"https://arxiv.org/abs/{arxiv}"}],
                "index": {"byteStart": start, "byteEnd": start + len(shown.encode())},
            }
        ]
    view: dict[str, Any] = {
        "uri": uri,
        "cid": f"bafyrei{n:020d}",
        "author": profile(author),
        "record": record,
        "replyCount": 0,
        "repostCount": 0,
        "likeCount": 1,
        "quoteCount": 0,
        "indexedAt": iso(t + 0.5),
        "labels": [],
    }
    if quote:
        record["embed"] = {"$type": "app.bsky.embed.record", "record": {"cid": "bafyreiq", "uri": quote}}
        view["embed"] = {
            "$type": "app.bsky.embed.record#view",
            "record": {"$type": "app.bsky.embed.record#viewNotFound", "uri": quote, "notFound": True},
        }
    return view


def repost_item(view: dict[str, Any], by: int, t: float) -> dict[str, Any]:
    return {
        "post": view,
        "reason": {
            "$type": "app.bsky.feed.defs#reasonRepost",
            "by": profile(by),
            "uri": f"at://did:plc:user{by:04d}/app.bsky.feed.repost/3rp{t:.0f}",
            "indexedAt": iso(t),
        },
    }


@dataclass
class FakeAppView:
    """State served by the fake: feeds (newest first), search results, profiles, follows, known posts."""

    url: str = ""
    feeds: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    search: list[dict[str, Any]] = field(default_factory=list)
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)
    follows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    posts: dict[str, dict[str, Any]] = field(default_factory=dict)
    faults: list[str] = field(default_factory=list)  # consumed one per request: 429 500 truncated slow
    expired: set[str] = field(default_factory=set)  # cursors that answer 400 "Expired cursor"
    requests: list[tuple[str, dict[str, list[str]]]] = field(default_factory=list)
    page_size: int = 3

    def page(
        self, items: list[dict[str, Any]], params: dict[str, list[str]]
    ) -> tuple[list[dict[str, Any]], str | None]:
        start = int(params.get("cursor", ["0"])[0])
        size = min(self.page_size, int(params.get("limit", ["50"])[0]))
        chunk = items[start : start + size]
        return chunk, (str(start + size) if start + size < len(items) else None)

    def answer(self, method: str, params: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
        cursor = params.get("cursor", [""])[0]
        if cursor in self.expired:
            self.expired.discard(cursor)  # a cursor handed out again later is fresh
            return 400, {"error": "InvalidRequest", "message": "Expired cursor"}
        if method == "app.bsky.feed.getAuthorFeed":
            actor = params["actor"][0]
            if actor not in self.feeds:
                return 400, {"error": "InvalidRequest", "message": "Profile not found"}
            items, nxt = self.page(self.feeds[actor], params)
            return 200, {"feed": items, **({"cursor": nxt} if nxt else {})}
        if method == "app.bsky.feed.searchPosts":
            items, nxt = self.page(self.search, params)
            return 200, {"posts": items, **({"cursor": nxt} if nxt else {}), "hitsTotal": len(self.search)}
        if method == "app.bsky.feed.getPosts":
            return 200, {"posts": [self.posts[u] for u in params.get("uris", []) if u in self.posts]}
        if method == "app.bsky.actor.getProfile":
            actor = params["actor"][0]
            if actor not in self.profiles:
                return 400, {"error": "InvalidRequest", "message": "Profile not found"}
            return 200, self.profiles[actor]
        if method == "app.bsky.graph.getFollows":
            actor = params["actor"][0]
            items, nxt = self.page(self.follows.get(actor, []), params)
            return 200, {"subject": self.profiles.get(actor, {}), "follows": items, **({"cursor": nxt} if nxt else {})}
        return 501, {"error": "MethodNotImplemented", "message": method}


def _handler(fake: FakeAppView) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parsed = urlparse(self.path)
            method = parsed.path.removeprefix("/xrpc/")
            params = parse_qs(parsed.query)
            fake.requests.append((method, params))
            fault = fake.faults.pop(0) if fake.faults else None
            if fault == "429":
                self._send(429, b'{"error":"RateLimitExceeded"}', {"Retry-After": "7"})
                return
            if fault == "500":
                self._send(500, b'{"error":"InternalServerError"}')
                return
            status, body = fake.answer(method, params)
            data = orjson.dumps(body)
            if fault == "truncated":
                data = data[: len(data) // 2]
            if fault == "slow":
                time.sleep(0.6)
            self._send(status, data)

        def _send(self, status: int, data: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


@pytest.fixture
def fake_appview() -> Iterator[FakeAppView]:
    fake = FakeAppView()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()
