"""Hacker News: Algolia hits -> posts (stories, comments, points as data), and the search fetcher end to
end against a local Algolia look-alike (created_at_i cursor, faults, resume) through ``run_source``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from papertalk.core.records import PostKind
from papertalk.fetching.pages import FetcherRegistry
from papertalk.fetching.polite_http import PoliteGetter
from papertalk.services.capture import sources
from papertalk.services.capture.source_runs import run_source
from papertalk.sources.hackernews.algolia import parse_hit, parse_hits
from papertalk.sources.hackernews.fetcher import HITS_PER_PAGE, AlgoliaSearch
from papertalk.storage.capture.source_rows import list_sources
from papertalk.storage.engine import Engine
from tests.fake_arxiv import FakeClock
from tests.fake_platforms import FakePlatform, Reply, Request
from tests.helpers import NOW, table


def story(n: int, at: int, **extra: Any) -> dict[str, Any]:
    return {
        "objectID": str(n),
        "created_at_i": at,
        "created_at": "2026-11-19T10:00:00.000Z",
        "author": f"user{n % 7}",
        "title": f"Paper {n}",
        "url": f"https://arxiv.org/abs/2411.{n:05d}",
        "points": n % 300,
        "num_comments": 3,
        "story_text": None,
        "_tags": ["story", f"author_user{n % 7}", f"story_{n}"],
        **extra,
    }


def comment(n: int, at: int) -> dict[str, Any]:
    href = f"https:&#x2F;&#x2F;arxiv.org&#x2F;pdf&#x2F;2411.{n:05d}v2"
    html = f'See <a href="{href}" rel="nofollow">this</a>, it&#x27;s good'
    return {
        "objectID": str(n),
        "created_at_i": at,
        "author": "critic",
        "comment_text": html,
        "parent_id": 1,
        "story_id": 1,
        "points": None,
        "_tags": ["comment", "author_critic", "story_1"],
    }


def test_stories_and_comments() -> None:
    post = parse_hit(story(5, NOW - 10, story_text='<p>Ask HN: <a href="https://arxiv.org/abs/2401.00001">x</a></p>'))
    assert post.links == ("https://arxiv.org/abs/2411.00005", "https://arxiv.org/abs/2401.00001")
    assert post.platform_score == 5 and post.text == "Paper 5\nAsk HN: x" and post.kind is PostKind.POST
    reply = parse_hit(comment(6, NOW))
    assert reply.kind is PostKind.REPLY and reply.original and reply.original.post_id == "1"
    assert reply.links == ("https://arxiv.org/pdf/2411.00006v2",) and reply.text == "See this, it's good"
    assert reply.url == "https://news.ycombinator.com/item?id=6"


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ({"objectID": "9", "author": "a"}, "created_at_i: missing"),
        (story(9, NOW, author=None), "author: expected a non-empty string, got nothing"),
        (story(9, NOW, created_at_i="yesterday"), "created_at_i: expected an integer"),
        (story(9, NOW, points=[1]), "points: expected an integer, got list"),
        (7, "expected a hit object, got int"),
    ],
)
def test_bad_hits_are_one_line_each(bad: object, reason: str) -> None:
    parsed = list(parse_hits({"hits": [story(1, NOW), bad, comment(2, NOW)]}, "hn"))
    assert [p.post_id for p in parsed if not isinstance(p, str)] == ["1", "2"]
    [line] = [p for p in parsed if isinstance(p, str)]
    assert line.startswith("hn:") and "#1: " in line and reason in line


def test_real_hn_items_read_as_stories(shared_data: Path) -> None:
    import orjson

    for path in sorted((shared_data / "hackernews" / "hn_daily_index_raw").glob("*.json")):
        items = orjson.loads(path.read_bytes())
        hits = [
            {**i, "objectID": i["id"], "created_at_i": i["time"], "author": i["by"], "points": i["score"]}
            for i in items
        ]
        posts = [p for p in parse_hits({"hits": hits}, path.name) if not isinstance(p, str)]
        assert len(posts) == len(items) and any("arxiv.org" in " ".join(p.links) for p in posts)


class Algolia:
    def __init__(self, fake: FakePlatform, hits: list[dict[str, Any]]) -> None:
        self.hits = hits
        fake.route = self.route

    def route(self, request: Request) -> Reply:
        if request.path != "/api/v1/search_by_date":
            return Reply.json({"message": "not found"}, 404)
        assert request.query["tags"] == "(story,comment)" and request.query["query"] == "arxiv.org"
        rows = sorted(self.hits, key=lambda h: -h["created_at_i"])
        for condition in request.query["numericFilters"].split(","):
            if ">" in condition:
                rows = [h for h in rows if h["created_at_i"] > int(condition.split(">")[1])]
            elif "<=" in condition:
                rows = [h for h in rows if h["created_at_i"] <= int(condition.split("<=")[1])]
        per = int(request.query["hitsPerPage"])
        return Reply.json({"hits": rows[:per], "nbHits": len(rows), "page": 0, "hitsPerPage": per})


def test_search_backfills_and_resumes_by_created_at(
    engine: Engine, platform: FakePlatform, polite: tuple[PoliteGetter, FakeClock]
) -> None:
    # 250 items, some sharing a second across page boundaries.
    hits = [story(n, NOW - 100_000 + n // 3) if n % 4 else comment(n, NOW - 100_000 + n // 3) for n in range(1, 251)]
    algolia = Algolia(platform, hits)
    registry = FetcherRegistry()
    registry.add("hackernews", "search", AlgoliaSearch(polite[0], platform.url + "/api/v1"))
    row, _ = sources.add(engine, "hackernews", "search", "arxiv.org", NOW)
    platform.fail_next(Reply(429, b"", {"Retry-After": "5"}), Reply(truncate=True))
    outcome = run_source(engine, registry, row, NOW)
    assert outcome.error is None and outcome.pages >= 3
    assert outcome.posts_new == 249  # + story 1, first stored as the original the comments reply to
    assert table(engine, "SELECT COUNT(*) FROM posts") == [(250,)]
    [row] = list_sources(engine)
    assert row.cursor == str(NOW - 100_000 + 250 // 3)
    assert table(engine, "SELECT COUNT(*), SUM(platform_score) FROM posts WHERE kind = 'post'") == [(188, 23563)]
    # New items later; one run fails after its first page, the next resumes from the old cursor.
    algolia.hits += [story(n, NOW - 50_000 + n) for n in range(1000, 1000 + HITS_PER_PAGE + 20)]
    platform.fail_next(*([Reply(status=0)] + [Reply(500, b"down")] * 4))
    failed = run_source(engine, registry, row, NOW + 900)
    assert failed.error and "HTTP 500" in failed.error and failed.posts_new == HITS_PER_PAGE
    [row] = list_sources(engine)
    assert row.cursor == str(NOW - 100_000 + 250 // 3)
    healed = run_source(engine, registry, row, NOW + 5000)
    assert healed.error is None and healed.posts_new == 20
    assert list_sources(engine)[0].cursor == str(NOW - 50_000 + 1000 + HITS_PER_PAGE + 19)
    assert table(engine, "SELECT COUNT(*) FROM posts") == [(250 + HITS_PER_PAGE + 20,)]
