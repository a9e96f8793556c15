"""X API v2 live capture against a local look-alike: bearer token, expansions, since_id/pagination_token
paging, rate-limit headers (wait for x-rate-limit-reset, do not hammer), following as a directory."""

from __future__ import annotations

from typing import Any

from papertalk.fetching.pages import FetcherRegistry
from papertalk.fetching.polite_http import PoliteGetter
from papertalk.services.capture import sources
from papertalk.services.capture.source_runs import run_source
from papertalk.sources.x.live import XApi, XDirectory, XUserTweets
from papertalk.storage.capture.source_rows import list_sources
from papertalk.storage.engine import Engine
from tests.fake_arxiv import FakeClock
from tests.fake_platforms import FakePlatform, Reply, Request
from tests.helpers import NOW, table

WALL = 1_800_000_000.0


def tweet(n: int) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": str(1000 + n),
        "author_id": "1",
        "created_at": "2026-11-19T10:00:00.000Z",
        "text": f"tweet {n} https://t.co/{n}",
        "entities": {"urls": [{"url": f"https://t.co/{n}", "expanded_url": f"https://arxiv.org/abs/2411.{n:05d}"}]},
    }
    if n % 10 == 0:
        data["referenced_tweets"] = [{"type": "retweeted", "id": "77"}]
        data["text"] = "RT @cy: original"
        data.pop("entities")
    return data


class XLookalike:
    def __init__(self, fake: FakePlatform, count: int) -> None:
        self.tweets = [tweet(n) for n in range(1, count + 1)]
        self.remaining = 100
        fake.route = self.route

    def route(self, request: Request) -> Reply:
        assert request.headers["authorization"] == "Bearer secret"
        self.remaining -= 1
        limits = {"x-rate-limit-remaining": str(max(self.remaining, 0)), "x-rate-limit-reset": str(int(WALL) + 300)}
        if request.path == "/2/users/by/username/ada":
            return Reply.json({"data": {"id": "1", "username": "ada", "name": "Ada"}}, **limits)
        if request.path == "/2/users/1/tweets":
            assert "referenced_tweets.id" in request.query["expansions"]
            assert "note_tweet" in request.query["tweet.fields"]
            rows = [t for t in reversed(self.tweets) if int(t["id"]) > int(request.query.get("since_id", "0"))]
            start = int(request.query.get("pagination_token", "0"))
            page = rows[start : start + 100]
            meta: dict[str, Any] = {"result_count": len(page)}
            if page:
                meta |= {"newest_id": page[0]["id"], "oldest_id": page[-1]["id"]}
            if start + 100 < len(rows):
                meta["next_token"] = str(start + 100)
            includes = {
                "users": [{"id": "1", "username": "ada", "name": "Ada"}, {"id": "3", "username": "cy"}],
                "tweets": [
                    {
                        "id": "77",
                        "author_id": "3",
                        "created_at": "2026-11-18T10:00:00.000Z",
                        "text": "original arxiv.org/abs/2410.00077",
                    }
                ],
            }
            return Reply.json({"data": page, "includes": includes, "meta": meta} if page else {"meta": meta}, **limits)
        if request.path == "/2/users/1/following":
            token = request.query.get("pagination_token")
            data = [{"id": "5", "username": "bo"}] if token is None else [{"id": "6", "username": "cy"}]
            meta = {"next_token": "p2"} if token is None else {}
            return Reply.json({"data": data, "meta": meta}, **limits)
        return Reply.json({"errors": [{"message": "not found"}]}, 404)


def _api(
    platform: FakePlatform, polite: tuple[PoliteGetter, FakeClock], token: str | None = "secret"
) -> tuple[XApi, list[float]]:
    getter, _ = polite
    waits: list[float] = []
    return XApi(getter, platform.url, token, wall_clock=lambda: WALL, sleep=waits.append), waits


def test_user_tweets_page_and_resume(
    engine: Engine, platform: FakePlatform, polite: tuple[PoliteGetter, FakeClock]
) -> None:
    x = XLookalike(platform, 250)
    api, _ = _api(platform, polite)
    registry = FetcherRegistry()
    registry.add("x", "tweets", XUserTweets(api))
    row, _ = sources.add(engine, "x", "tweets", "@ada", NOW)
    platform.fail_next(Reply(status=0), Reply(429, b"{}", {"x-rate-limit-reset": str(int(WALL) + 60)}))
    outcome = run_source(engine, registry, row, NOW)
    assert outcome.error is None and outcome.pages == 3
    assert 60.0 in polite[1].waits  # a 429 without Retry-After waits for x-rate-limit-reset
    assert table(engine, "SELECT COUNT(*) FROM posts") == [(251,)]  # + the retweeted original
    assert table(engine, "SELECT kind, COUNT(*) FROM posts GROUP BY kind ORDER BY kind") == [
        ("post", 226),
        ("repost", 25),
    ]
    [row] = list_sources(engine)
    assert row.cursor == "1250"
    x.tweets += [tweet(n) for n in range(251, 256)]
    outcome = run_source(engine, registry, row, NOW + 900)
    assert outcome.posts_new == 5 and list_sources(engine)[0].cursor == "1255"
    # Every stored repost inherits the original's paper.
    assert table(
        engine, "SELECT COUNT(*) FROM mentions m JOIN papers p ON p.id = m.paper_id WHERE p.arxiv_id = '2410.00077'"
    ) == [(26,)]


def test_rate_limit_exhausted_waits_for_the_reset(
    platform: FakePlatform, polite: tuple[PoliteGetter, FakeClock]
) -> None:
    x = XLookalike(platform, 5)
    x.remaining = 2  # the lookup leaves 1, the tweets page leaves 0
    api, waits = _api(platform, polite)
    directory = XDirectory(api)
    assert [a.platform_id for a in directory.following("@ada")] == ["5", "6"]
    assert waits == [300.0]  # the last request waited for the reset instead of hammering


def test_without_a_token_it_says_what_to_set(
    engine: Engine, platform: FakePlatform, polite: tuple[PoliteGetter, FakeClock]
) -> None:
    XLookalike(platform, 1)
    api, _ = _api(platform, polite, token=None)
    registry = FetcherRegistry()
    registry.add("x", "tweets", XUserTweets(api))
    row, _ = sources.add(engine, "x", "tweets", "@ada", NOW)
    outcome = run_source(engine, registry, row, NOW)
    assert outcome.error and "PAPERTALK_X_BEARER_TOKEN" in outcome.error
    assert platform.requests == []
