"""Short links: followed through real redirects on a local server, cached in ``short_links``, refused
when they lead to private, loopback or link-local addresses (unless the tests opt in; the guard itself,
rebinding included, is tested in test_address_guard.py)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from papertalk.core.records import Author, Post
from papertalk.fetching.address_guard import AddressGuard, guarded_client
from papertalk.fetching.short_links import ShortLinkError, ShortLinkResolver, is_short
from papertalk.services.capture.short_links import link_expander
from papertalk.storage.engine import Engine
from tests.helpers import table

NOW = 1_796_040_000


@pytest.fixture
def redirector() -> Iterator[tuple[str, list[str]]]:
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            routes = {
                "/a": "/b",
                "/b": "https://arxiv.org/abs/2411.00042",
                "/loop": "/loop",
                "/bad": "file:///etc/passwd",
            }
            if self.path in routes:
                self.send_response(301)
                self.send_header("Location", routes[self.path])
            else:
                self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


class NoNetwork(httpx.BaseTransport):
    """Answers the last hop (arxiv.org) without the internet: a 200."""

    def __init__(self, local: httpx.Client) -> None:
        self.local = local

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == "127.0.0.1":
            return self.local.send(request)
        return httpx.Response(200, request=request)


def _resolver() -> ShortLinkResolver:
    """Through the guard opted in to loopback; the last hop (arxiv.org) answered without the internet."""
    local = guarded_client(AddressGuard(allow_private=True))
    return ShortLinkResolver(httpx.Client(transport=NoNetwork(local)), timeout=2, extra_hosts=frozenset({"127.0.0.1"}))


def test_redirects_followed_and_ssrf_refused(redirector: tuple[str, list[str]]) -> None:
    base, hits = redirector
    assert _resolver().resolve(f"{base}/a") == "https://arxiv.org/abs/2411.00042"
    with pytest.raises(ShortLinkError, match="more than 5 redirects"):
        _resolver().resolve(f"{base}/loop")
    with pytest.raises(ShortLinkError, match="only http and https"):
        _resolver().resolve(f"{base}/bad")
    hits.clear()
    default = ShortLinkResolver(timeout=2, extra_hosts=frozenset({"127.0.0.1"}))
    with pytest.raises(ShortLinkError, match=r"refusing 127\.0\.0\.1: 127\.0\.0\.1 is not a globally routable"):
        default.resolve(f"{base}/a")
    assert hits == []  # refused before any request
    refuses_metadata = ShortLinkResolver(guarded_client(AddressGuard(resolver=lambda host, port: ["169.254.169.254"])))
    with pytest.raises(ShortLinkError, match="SSRF"):
        refuses_metadata.resolve("https://bit.ly/x")
    assert is_short("https://t.co/abc") and is_short("https://www.bit.ly/x") and not is_short("https://arxiv.org/abs/1")


def test_posts_gain_resolved_links_and_answers_are_cached(engine: Engine, redirector: tuple[str, list[str]]) -> None:
    base, hits = redirector
    resolver = _resolver()
    post = Post("x", "1", Author("x", "u1"), NOW, links=(f"{base}/a", f"{base}/missing", "https://arxiv.org/abs/1"))
    reports: list[str] = []
    expand = link_expander(engine, resolver, lambda: NOW, reports.append)
    [out] = expand([post])
    assert out.links[-1] == "https://arxiv.org/abs/2411.00042" and len(out.links) == 4
    assert len(reports) == 1 and "HTTP 404" in reports[0]
    hits.clear()
    [again] = expand([post])
    assert again == out and hits == []  # both answers came from the cache
    assert table(engine, "SELECT COUNT(*) FROM short_links WHERE resolved IS NOT NULL") == [(1,)]
