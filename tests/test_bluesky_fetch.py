"""Bluesky fetchers end to end against a local AppView look-alike with injected faults, stored through
``services.capture.source_runs.run_source`` on SQLite and PostgreSQL: nothing lost, nothing duplicated, resume."""

from __future__ import annotations

import httpx
import pytest

from papertalk.fetching.pages import FetcherRegistry, FetchError
from papertalk.services.capture import sources
from papertalk.services.capture.fetchers import register_bluesky
from papertalk.services.capture.following import follow, import_follows
from papertalk.services.capture.source_runs import run_source
from papertalk.sources.bluesky.xrpc import XrpcClient
from papertalk.storage.capture.source_rows import list_sources
from papertalk.storage.engine import Engine
from tests.fake_bluesky import FakeAppView, post_view, profile, repost_item
from tests.helpers import table

NOW = 1_796_040_000  # after the fake's posts (2026-11-30)


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def _registry(fake: FakeAppView, clock: FakeClock, timeout: float = 5.0) -> FetcherRegistry:
    registry = FetcherRegistry()
    client = XrpcClient(fake.url, httpx.Client(), min_interval=0.0, timeout=timeout, clock=clock, sleep=clock.sleep)
    register_bluesky(registry, client)
    return registry


def _feed(n: int, author: int = 1) -> list[dict[str, object]]:
    """``n`` items newest first; every third links arXiv, every fifth is a repost of another account."""
    items: list[dict[str, object]] = []
    for k in range(n, 0, -1):
        view = post_view(k, author if k % 5 else 9, k * 60, arxiv=f"2401.{k:05d}" if k % 3 == 0 else None)
        items.append(repost_item(view, by=author, t=k * 60 + 1) if k % 5 == 0 else {"post": view})
    return items


def _run(engine: Engine, registry: FetcherRegistry, name: str, now: int = NOW, max_pages: int | None = None):  # type: ignore[no-untyped-def]
    [row] = [r for r in list_sources(engine) if r.name == name]
    return run_source(engine, registry, row, now, max_pages=max_pages)


def test_author_feed_with_faults_resumes_without_loss_or_duplicates(engine: Engine, fake_appview: FakeAppView) -> None:
    did = "did:plc:user0001"
    fake_appview.feeds[did] = _feed(10)
    clock = FakeClock()
    registry = _registry(fake_appview, clock)
    sources.add(engine, "bluesky", "feed", did, NOW)
    name = f"bluesky:feed:{did}"

    fake_appview.faults = ["429", "truncated", "500"]  # all on the first page, all retried
    first = _run(engine, registry, name, max_pages=2)
    assert first.error is None and first.pages == 2 and first.posts == 6
    assert 7.0 in clock.slept  # Retry-After honoured
    fake_appview.expired = {"6"}  # the stored page cursor has expired: start again from the top
    rest = _run(engine, registry, name)
    assert rest.error is None
    posts = table(engine, "SELECT COUNT(*) FROM posts WHERE kind <> 'repost'")[0][0]
    reposts = table(engine, "SELECT COUNT(*) FROM posts WHERE kind = 'repost'")[0][0]
    assert (posts, reposts) == (10, 2)
    assert table(engine, "SELECT COUNT(DISTINCT paper_id) FROM mentions") == [(3,)]

    # New posts arrive on top; the next run reads only down to what it already has.
    fake_appview.expired = set()
    fake_appview.feeds[did] = _feed(13)
    fake_appview.requests.clear()
    more = _run(engine, registry, name, now=NOW + 900)
    assert more.posts_new == 3
    assert len([m for m, _ in fake_appview.requests if m.endswith("getAuthorFeed")]) == 2  # down to the old top
    assert table(engine, "SELECT COUNT(*) FROM posts") == [(15,)]


def test_server_down_is_a_one_line_error_and_keeps_the_cursor(engine: Engine, fake_appview: FakeAppView) -> None:
    did = "did:plc:user0002"
    fake_appview.feeds[did] = _feed(6, author=2)
    clock = FakeClock()
    sources.add(engine, "bluesky", "feed", did, NOW)
    name = f"bluesky:feed:{did}"
    fake_appview.faults = ["ok", "500", "500", "500", "500", "500"]
    outcome = _run(engine, _registry(fake_appview, clock), name)
    assert outcome.error is not None and "\n" not in outcome.error
    assert outcome.error.startswith(f"{name}: app.bsky.feed.getAuthorFeed failed after 5 attempts: HTTP 500")
    [row] = list_sources(engine)
    assert row.posts_captured == 3 and row.cursor is not None and '"page":"3"' in row.cursor
    healed = _run(engine, _registry(fake_appview, clock), name)
    assert healed.error is None and healed.posts_new == 3
    assert table(engine, "SELECT COUNT(*) FROM posts WHERE kind <> 'repost'") == [(6,)]


def test_timeout_is_retried(engine: Engine, fake_appview: FakeAppView) -> None:
    fake_appview.search = [post_view(k, 3, k, arxiv=f"2402.{k:05d}") for k in range(4, 0, -1)]
    fake_appview.faults = ["slow"]
    sources.add(engine, "bluesky", "search", "arxiv.org", NOW)
    outcome = _run(engine, _registry(fake_appview, FakeClock(), timeout=0.3), "bluesky:search:arxiv.org")
    assert outcome.error is None and outcome.posts_new == 4
    first = fake_appview.requests[0][1]
    assert first["q"] == ["arxiv.org"] and first["domain"] == ["arxiv.org"] and first["sort"] == ["latest"]


def test_quotes_are_hydrated_through_get_posts(engine: Engine, fake_appview: FakeAppView) -> None:
    original = post_view(100, 5, 10, arxiv="2403.00100")
    fake_appview.posts[original["uri"]] = original
    fake_appview.search = [post_view(101, 6, 20, quote=original["uri"])]
    sources.add(engine, "bluesky", "search", "arxiv.org", NOW)
    outcome = _run(engine, _registry(fake_appview, FakeClock()), "bluesky:search:arxiv.org")
    assert outcome.error is None and outcome.posts_new == 2
    assert [m for m, _ in fake_appview.requests] == ["app.bsky.feed.searchPosts", "app.bsky.feed.getPosts"]
    rows = table(
        engine,
        "SELECT p.kind, pa.arxiv_id FROM mentions m JOIN posts p ON p.id = m.post_id "
        "JOIN papers pa ON pa.id = m.paper_id ORDER BY p.kind",
    )
    assert rows == [("post", "2403.00100"), ("quote", "2403.00100")]


def test_follow_and_import_follows(engine: Engine, fake_appview: FakeAppView) -> None:
    fake_appview.profiles["alice.bsky.social"] = {**profile(1), "handle": "alice.bsky.social"}
    fake_appview.follows["alice.bsky.social"] = [profile(n) for n in range(10, 17)]
    registry = _registry(fake_appview, FakeClock())
    author, done = follow(engine, registry, "bluesky:alice.bsky.social", NOW)
    assert author.platform_id == "did:plc:user0001" and done.network == "following" and done.network_size == 1
    seen: list[int] = []
    total = import_follows(engine, registry, "bluesky:alice.bsky.social", NOW, on_account=seen.append)
    assert total.accounts == 7 and total.sources_new == 7 and len(seen) == 7
    again = import_follows(engine, registry, "bluesky:alice.bsky.social", NOW)
    assert again.sources_new == 0 and again.network_size == 8
    assert len(list_sources(engine)) == 8
    with pytest.raises(FetchError, match="no such account"):
        follow(engine, registry, "bluesky:nobody.bsky.social", NOW)
    with pytest.raises(FetchError, match="cannot look up gopher accounts"):
        follow(engine, registry, "gopher:alice", NOW)
