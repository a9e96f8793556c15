"""Reddit (app-only OAuth, listings, crossposts, score as data) and RSS/Atom (feedparser, conditional
GET): parsers on real and hand-made payloads, fetchers end to end against local look-alikes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from papertalk.config import Settings
from papertalk.core.records import PostKind
from papertalk.fetching.pages import FetcherRegistry
from papertalk.services.capture import sources
from papertalk.services.capture.more_fetchers import register_more
from papertalk.services.capture.source_runs import run_source
from papertalk.sources.reddit.listing import parse_listing
from papertalk.sources.rss.entries import parse_feed
from papertalk.storage.capture.source_rows import list_sources
from papertalk.storage.engine import Engine
from tests.fake_arxiv import FakeClock
from tests.fake_platforms import PASS, FakePlatform, Reply, Request
from tests.helpers import NOW, table


def link_post(n: int, at: int, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "t3",
        "data": {
            "id": f"p{n}",
            "name": f"t3_p{n}",
            "author": f"u{n % 5}",
            "author_fullname": f"t2_u{n % 5}",
            "created_utc": float(at),
            "title": f"[R] Paper {n}",
            "selftext": "",
            "selftext_html": None,
            "url": f"https://arxiv.org/abs/2411.{n:05d}",
            "permalink": f"/r/MachineLearning/comments/p{n}/paper/",
            "score": n,
            "subreddit": "MachineLearning",
            **extra,
        },
    }


def listing(children: list[Any], after: str | None = None) -> dict[str, Any]:
    return {"kind": "Listing", "data": {"after": after, "before": None, "children": children, "dist": len(children)}}


def test_reddit_posts_self_posts_crossposts_and_bad_children() -> None:
    self_post = link_post(
        2,
        NOW,
        url="https://www.reddit.com/r/MachineLearning/comments/p2/paper/",
        selftext="see [this](https://arxiv.org/abs/2401.00002)",
        selftext_html='&lt;div&gt;see &lt;a href="https://arxiv.org/abs/2401.00002"&gt;this&lt;/a&gt;&lt;/div&gt;',
    )
    cross = link_post(3, NOW, crosspost_parent_list=[link_post(1, NOW - 50)["data"]])
    bad = [
        link_post(4, NOW, created_utc="now"),
        {"kind": "t5", "data": {"name": "t5_x"}},
        link_post(6, NOW, author=None),
    ]
    parsed = list(parse_listing(listing([link_post(1, NOW - 50), self_post, cross, *bad]), "rd"))
    posts = [p for p in parsed if not isinstance(p, str)]
    assert [p.post_id for p in posts] == ["t3_p1", "t3_p2", "t3_p3"]
    assert posts[0].links == ("https://arxiv.org/abs/2411.00001",) and posts[0].platform_score == 1
    assert posts[1].links == ("https://arxiv.org/abs/2401.00002",)  # not its own permalink
    assert posts[2].kind is PostKind.REPOST and posts[2].original and posts[2].original.post_id == "t3_p1"
    rejects = [p for p in parsed if isinstance(p, str)]
    assert rejects[0].startswith("rd:t3_p4#3: created_utc: expected a number")
    assert rejects[1] == "rd:t5_x#4: kind: 't5' is not a link post or a comment"
    assert rejects[2].startswith("rd:t3_p6#5: author:")
    assert list(parse_listing({"error": 403}, "rd")) == ["rd:page: expected a Listing with data.children"]


def test_real_reddit_listings(shared_data: Path) -> None:
    for path in sorted((shared_data / "reddit" / "praw_cassettes").glob("*.json")):
        for interaction in orjson.loads(path.read_bytes())["interactions"]:
            try:
                body = orjson.loads(interaction["response"]["body"]["string"])
            except orjson.JSONDecodeError:
                continue
            for page in body if isinstance(body, list) else [body]:
                if isinstance(page, dict) and page.get("kind") == "Listing":
                    parsed = list(parse_listing(page, path.name))
                    assert parsed and not [p for p in parsed if isinstance(p, str) and "kind:" not in p]


class RedditLookalike:
    def __init__(self, fake: FakePlatform, posts: list[dict[str, Any]]) -> None:
        self.posts, self.tokens = posts, 0
        fake.route = self.route

    def route(self, request: Request) -> Reply:
        if request.path == "/api/v1/access_token":
            assert request.method == "POST" and b"grant_type=client_credentials" in request.body
            assert request.headers["authorization"].startswith("Basic ")
            self.tokens += 1
            return Reply.json({"access_token": f"tok{self.tokens}", "token_type": "bearer", "expires_in": 86400})
        assert request.headers.get("authorization", "").startswith("bearer tok")
        if request.path not in ("/r/MachineLearning/new", "/search"):
            return Reply.json({"message": "Not Found", "error": 404}, 404)
        rows = sorted(self.posts, key=lambda p: -p["data"]["created_utc"])
        if "after" in request.query:
            names = [p["data"]["name"] for p in rows]
            rows = rows[names.index(request.query["after"]) + 1 :]
        page = rows[: int(request.query["limit"])]
        more = len(rows) > len(page)
        return Reply.json(listing(page, page[-1]["data"]["name"] if more and page else None))


def _settings(platform: FakePlatform, **env: str) -> Settings:
    base = {"PAPERTALK_DATABASE_URL": "sqlite://", "PAPERTALK_REDDIT_AUTH_URL": platform.url}
    base |= {"PAPERTALK_REDDIT_API_URL": platform.url, "PAPERTALK_FETCH_TIMEOUT": "0.5"}
    base |= {"PAPERTALK_FETCH_ALLOW_PRIVATE": "1"}  # the look-alikes are on 127.0.0.1
    return Settings.from_env(base | env)


def test_reddit_new_listing_end_to_end(engine: Engine, platform: FakePlatform) -> None:
    reddit = RedditLookalike(platform, [link_post(n, NOW - 10_000 + n) for n in range(1, 231)])
    clock = FakeClock()
    missing = register_more(FetcherRegistry(), _settings(platform), clock=clock, sleep=clock.sleep)
    row, _ = sources.add(engine, "reddit", "new", "MachineLearning", NOW)
    outcome = run_source(engine, missing, row, NOW)
    assert outcome.error and "PAPERTALK_REDDIT_CLIENT_ID" in outcome.error
    registry = register_more(
        FetcherRegistry(),
        _settings(platform, PAPERTALK_REDDIT_CLIENT_ID="id", PAPERTALK_REDDIT_CLIENT_SECRET="secret"),
        clock=clock,
        sleep=clock.sleep,
    )
    [row] = list_sources(engine)
    # the token, a busy listing, a cut-off page, then a token revoked early (401): one new token.
    platform.fail_next(PASS, Reply(503, b"", {"Retry-After": "12"}), Reply(truncate=True), PASS, Reply.json({}, 401))
    outcome = run_source(engine, registry, row, NOW + 10)
    assert outcome.error is None and outcome.posts_new == 230 and outcome.pages == 3
    assert 12.0 in clock.waits and reddit.tokens == 2
    [row] = list_sources(engine)
    assert row.cursor == str(NOW - 10_000 + 230)
    reddit.posts += [link_post(n, NOW - 1000 + n) for n in range(500, 505)]
    outcome = run_source(engine, registry, row, NOW + 1000)
    assert outcome.posts_new == 5 and outcome.pages == 1  # stops once it reaches the cursor's time
    assert table(engine, "SELECT MAX(platform_score) FROM posts") == [(504,)]


# --- RSS / Atom ---------------------------------------------------------------------------------------

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Lab notes</title><id>urn:lab</id>
<updated>2026-11-19T10:00:00Z</updated>
<entry><title>Our new paper</title><id>urn:lab:1</id><link href="https://lab.example/posts/1"/>
<updated>2026-11-19T10:00:00Z</updated>
<content type="html">&lt;p&gt;Read it: &lt;a href="https://arxiv.org/abs/2411.00042"&gt;arXiv&lt;/a&gt;&lt;/p&gt;</content></entry>
<entry><title>Undated</title><id>urn:lab:2</id></entry>
<entry><title>Caf\xc3\xa9 notes \xe2\x80\x94 \xe6\x97\xa5\xe6\x9c\xac</title><id>urn:lab:3</id>
<updated>2026-11-18T10:00:00Z</updated>
<summary>plain arxiv.org/abs/2411.00043</summary></entry>
</feed>"""


def test_feed_entries_links_and_bad_entries() -> None:
    parsed = list(parse_feed(ATOM, "https://lab.example/feed.xml", "feed"))
    posts = [p for p in parsed if not isinstance(p, str)]
    assert [p.post_id for p in posts] == ["urn:lab:1", "urn:lab:3"]
    assert posts[0].links == ("https://lab.example/posts/1", "https://arxiv.org/abs/2411.00042")
    assert posts[0].author.platform_id == "https://lab.example/feed.xml" and posts[0].author.display_name == "Lab notes"
    assert posts[1].text.startswith("Café notes — 日本")
    assert [p for p in parsed if isinstance(p, str)] == ["feed:urn:lab:2#1: published: the entry has no date"]
    assert next(iter(parse_feed(b"<html><body>not a feed", "u", "feed"))).startswith("feed:feed: not a readable")
    rss = ATOM.replace(b"<feed", b"<fed")[:200]  # truncated, broken XML
    assert all(isinstance(p, str) for p in parse_feed(rss, "u", "feed"))


def test_feed_fetcher_uses_conditional_get(engine: Engine, platform: FakePlatform) -> None:
    seen: list[dict[str, str]] = []

    def route(request: Request) -> Reply:
        seen.append(request.headers)
        if request.headers.get("if-none-match") == '"v1"':
            return Reply(304)
        return Reply(
            200,
            ATOM,
            {"Content-Type": "application/atom+xml", "ETag": '"v1"', "Last-Modified": "Tue, 19 Nov 2026 10:00:00 GMT"},
        )

    platform.route = route
    clock = FakeClock()
    registry = register_more(FetcherRegistry(), _settings(platform), clock=clock, sleep=clock.sleep)
    row, _ = sources.add(engine, "rss", "feed", platform.url + "/feed.xml", NOW)
    platform.fail_next(Reply(500, b"oops"), Reply(truncate=True))
    outcome = run_source(engine, registry, row, NOW)
    assert outcome.error is None and outcome.posts_new == 2 and outcome.rejected == 1
    [row] = list_sources(engine)
    assert orjson.loads(row.cursor or "") == {"etag": '"v1"', "modified": "Tue, 19 Nov 2026 10:00:00 GMT"}
    outcome = run_source(engine, registry, row, NOW + 900)
    assert outcome.posts == 0 and outcome.error is None
    assert seen[-1]["if-modified-since"] == "Tue, 19 Nov 2026 10:00:00 GMT"
    assert list_sources(engine)[0].cursor == row.cursor
    assert table(engine, "SELECT COUNT(*) FROM mentions") == [(2,)]


@pytest.mark.parametrize("status", [404, 410])
def test_feed_gone_is_a_recorded_error(engine: Engine, platform: FakePlatform, status: int) -> None:
    platform.route = lambda _r: Reply(status, b"gone")
    clock = FakeClock()
    registry = register_more(FetcherRegistry(), _settings(platform), clock=clock, sleep=clock.sleep)
    row, _ = sources.add(engine, "rss", "feed", platform.url + "/feed.xml", NOW)
    outcome = run_source(engine, registry, row, NOW)
    assert (
        outcome.error
        == f"rss:feed:{platform.url}/feed.xml: HTTP {status} {'Not Found' if status == 404 else 'Gone'} (1 attempt)"
    )


def test_a_reddit_token_reply_nested_too_deep_is_a_one_line_error(engine: Engine, platform: FakePlatform) -> None:
    """The token reply was read by the standard json module, which raised RecursionError (issue 22 item 1)."""
    platform.route = lambda _r: Reply(200, b"[" * 100_000 + b"]" * 100_000, {"Content-Type": "application/json"})
    clock = FakeClock()
    env = {"PAPERTALK_REDDIT_CLIENT_ID": "id", "PAPERTALK_REDDIT_CLIENT_SECRET": "secret"}
    registry = register_more(FetcherRegistry(), _settings(platform, **env), clock=clock, sleep=clock.sleep)
    row, _ = sources.add(engine, "reddit", "new", "MachineLearning", NOW)
    outcome = run_source(engine, registry, row, NOW)
    assert outcome.error is not None and outcome.error.startswith("reddit: cannot get an access token")
