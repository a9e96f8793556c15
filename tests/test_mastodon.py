"""Mastodon: the status parser on real and hand-made payloads, and the fetchers end to end against a
local instance look-alike (Link paging, since_id cursor, faults), stored through ``run_source``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from papertalk.config import Settings
from papertalk.core.records import PostKind
from papertalk.fetching.pages import FetcherRegistry
from papertalk.fetching.polite_http import PoliteGetter
from papertalk.services.capture import sources
from papertalk.services.capture.following import follow
from papertalk.services.capture.more_fetchers import register_more
from papertalk.services.capture.source_runs import run_due, run_source
from papertalk.sources.mastodon.fetcher import MastodonApi, MastodonDirectory, MastodonStatuses
from papertalk.sources.mastodon.statuses import parse_status, parse_statuses
from papertalk.storage.capture.source_rows import list_sources
from papertalk.storage.engine import Engine
from tests.cassettes import json_bodies
from tests.fake_arxiv import FakeClock
from tests.fake_platforms import PASS, FakePlatform, Reply, Request
from tests.helpers import NOW, table

ACCOUNT = {"id": "7", "username": "bob", "acct": "bob", "display_name": "Bob", "url": "https://sigmoid.social/@bob"}


def status(n: int, content: str = "", **extra: Any) -> dict[str, Any]:
    return {
        "id": str(n),
        "created_at": f"2026-11-19T10:{n % 60:02d}:00.000Z",
        "in_reply_to_id": None,
        "spoiler_text": "",
        "language": "en",
        "uri": f"https://sigmoid.social/users/bob/statuses/{n}",
        "url": f"https://sigmoid.social/@bob/{n}",
        "content": content or f"<p>status {n}</p>",
        "reblog": None,
        "account": ACCOUNT,
        "card": None,
        **extra,
    }


def test_parser_reads_html_links_cards_boosts_quotes_and_replies() -> None:
    html = (
        '<p>New <a href="https://sigmoid.social/tags/ml" class="mention hashtag">#<span>ml</span></a> paper by '
        '<span class="h-card"><a href="https://sigmoid.social/@ada" class="u-url mention">@<span>ada</span></a>'
        "</span>: "
        '<a href="https://arxiv.org/abs/2411.01234" rel="nofollow"><span class="invisible">https://</span>'
        '<span class="ellipsis">arxiv.org/abs/2411.0</span><span class="invisible">1234</span></a> &amp; more</p>'
        "<p>second<br>line</p>"
    )
    post = parse_status(
        status(1, html, card={"url": "https://arxiv.org/abs/2411.01234v2", "title": "A paper"}), "sigmoid.social"
    )
    assert post.links == (
        "https://sigmoid.social/tags/ml",
        "https://sigmoid.social/@ada",
        "https://arxiv.org/abs/2411.01234",
        "https://arxiv.org/abs/2411.01234v2",
    )
    assert post.text == "New #ml paper by @ada: https://arxiv.org/abs/2411.01234 & more\nsecond\nline"
    assert post.author.platform_id == "bob@sigmoid.social" and post.author.handle == "@bob@sigmoid.social"
    assert post.post_id == "https://sigmoid.social/users/bob/statuses/1"
    remote = {**ACCOUNT, "acct": "ada@mastodon.social"}
    boost = parse_status(
        status(2, reblog=status(3, "<p>arxiv.org/abs/2401.00001</p>", account=remote)), "sigmoid.social"
    )
    assert boost.kind is PostKind.REPOST and boost.original and boost.original.post
    assert boost.original.post.author.platform_id == "ada@mastodon.social"
    quote = parse_status(status(4, quote={"state": "accepted", "quoted_status": status(5)}), "sigmoid.social")
    assert quote.kind is PostKind.QUOTE and quote.original and quote.original.post_id.endswith("/5")
    pending = parse_status(status(6, quote={"state": "pending", "quoted_status": None}), "sigmoid.social")
    assert pending.kind is PostKind.POST
    assert parse_status(status(8, in_reply_to_id="3"), "sigmoid.social").kind is PostKind.REPLY


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ({"id": "9", "account": ACCOUNT}, "created_at: expected an ISO 8601 time, got nothing"),
        (status(9, account="bob"), "account: expected an object, got string 'bob'"),
        (status(9, content=["<p>"]), "content: expected HTML text, got list"),
        (status(9, reblog={"id": "10"}), "reblog: account: expected an object"),
        (status(9, created_at="19 Nov"), "created_at: not an ISO 8601 time"),
        ("garbage", "expected a status object, got str"),
    ],
)
def test_bad_statuses_are_one_line_and_the_rest_is_kept(bad: object, reason: str) -> None:
    parsed = list(
        parse_statuses(
            [status(1), bad, status(2, "<p>caf\u00e9 \u2014 \u65e5\u672c\u8a9e</p>")], "sigmoid.social", "src"
        )
    )
    assert [p.post_id for p in parsed if not isinstance(p, str)] == [
        "https://sigmoid.social/users/bob/statuses/1",
        "https://sigmoid.social/users/bob/statuses/2",
    ]
    [line] = [p for p in parsed if isinstance(p, str)]
    assert line.startswith("src:") and "#1: " in line and reason in line
    assert list(parse_statuses({"error": "x"}, "i", "src")) == ["src:page: expected an array of statuses, got dict"]


def test_real_mastodon_cassettes(shared_data: Path) -> None:
    folder = shared_data / "mastodon" / "mastodon_py_cassettes"
    kinds: dict[PostKind, int] = {}
    for cassette in sorted(folder.glob("*.yaml")):
        for body in json_bodies(cassette):
            page = [body] if isinstance(body, dict) and "content" in body else body
            if isinstance(page, list) and page and isinstance(page[0], dict) and "content" in page[0]:
                for post in parse_statuses(page, "localhost", cassette.name):
                    assert not isinstance(post, str), post
                    kinds[post.kind] = kinds.get(post.kind, 0) + 1
    assert kinds[PostKind.QUOTE] >= 1 and kinds[PostKind.REPOST] >= 1 and kinds[PostKind.POST] > 20
    card = json_bodies(folder / "test_status_card.yaml")
    assert any(
        "http://example.org/" in parse_status(b, "localhost").links
        for b in card
        if isinstance(b, dict) and "content" in b
    )


# --- the instance look-alike ---------------------------------------------------------------------------


class Instance:
    """Bob's statuses, newest first, paged by max_id/since_id with Link headers as Mastodon sends them."""

    def __init__(self, fake: FakePlatform, count: int) -> None:
        self.fake = fake
        self.statuses = [self._status(n) for n in range(100, 100 + count)]
        self.following = [{**ACCOUNT, "id": str(i), "acct": f"f{i}@other.social"} for i in range(5)]
        fake.route = self.route

    @staticmethod
    def _status(n: int) -> dict[str, Any]:
        link = f'<a href="https://arxiv.org/abs/2411.{n:05d}">arxiv.org/abs/2411.{n:05d}</a>'
        return status(n, f"<p>read {link}</p>" if n % 2 else "")

    def route(self, request: Request) -> Reply:
        q = request.query
        if request.path == "/api/v1/accounts/lookup":
            return Reply.json(ACCOUNT) if q.get("acct") == "bob" else Reply.json({"error": "Record not found"}, 404)
        if request.path in ("/api/v1/accounts/7/statuses", "/api/v1/timelines/tag/arxiv"):
            limit = int(q.get("limit", "20"))
            rows = [s for s in reversed(self.statuses) if int(s["id"]) > int(q.get("since_id", "0"))]
            rows = [s for s in rows if "max_id" not in q or int(s["id"]) < int(q["max_id"])][:limit]
            headers = {}
            if rows:
                base = self.fake.url + request.path
                headers["Link"] = (
                    f'<{base}?max_id={rows[-1]["id"]}>; rel="next", <{base}?min_id={rows[0]["id"]}>; rel="prev"'
                )
            return Reply.json(rows, **headers)
        if request.path == "/api/v1/accounts/7/following":
            start = int(q.get("max_id", "0"))
            page = self.following[start : start + 2]
            headers = (
                {"Link": f'<{self.fake.url}{request.path}?max_id={start + 2}>; rel="next"'} if start + 2 < 5 else {}
            )
            return Reply.json(page, **headers)
        return Reply.json({"error": "not found"}, 404)


def _registry(fake: FakePlatform, polite: tuple[PoliteGetter, FakeClock]) -> FetcherRegistry:
    getter, _ = polite
    api = MastodonApi(getter, fake.url, token="tok")  # every instance is the local look-alike
    registry = FetcherRegistry()
    statuses = MastodonStatuses(api)
    registry.add("mastodon", "statuses", statuses)
    registry.add("mastodon", "tag", statuses)
    registry.directories["mastodon"] = MastodonDirectory(api)
    return registry


def test_backfill_then_catch_up_through_run_source(
    engine: Engine, platform: FakePlatform, polite: tuple[PoliteGetter, FakeClock]
) -> None:
    instance = Instance(platform, 90)  # three pages of 40, 40, 10
    registry = _registry(platform, polite)
    row, _ = sources.add(engine, "mastodon", "statuses", "@bob@sigmoid.social", NOW)
    outcome = run_source(engine, registry, row, NOW)
    assert outcome.error is None and (outcome.pages, outcome.posts_new) == (4, 90)  # the 4th page is empty
    [stored] = list_sources(engine)
    assert stored.cursor == "189"
    assert table(engine, "SELECT COUNT(*) FROM mentions") == [(45,)]
    assert all(r.headers.get("authorization") == "Bearer tok" for r in platform.requests)
    # New statuses: the next run asks since_id=189 and gets only those.
    instance.statuses += [Instance._status(n) for n in range(190, 195)]
    platform.requests.clear()
    outcome = run_source(engine, registry, stored, NOW + 900)
    assert outcome.posts_new == 5 and platform.requests[1].query["since_id"] == "189"
    assert list_sources(engine)[0].cursor == "194"
    assert table(engine, "SELECT COUNT(*) FROM posts") == [(95,)]


def test_faults_are_retried_politely_and_a_failed_run_resumes(
    engine: Engine, platform: FakePlatform, polite: tuple[PoliteGetter, FakeClock]
) -> None:
    Instance(platform, 90)
    registry = _registry(platform, polite)
    _, clock = polite
    row, _ = sources.add(engine, "mastodon", "tag", "arxiv@sigmoid.social", NOW)
    platform.fail_next(
        Reply(429, b"slow down", {"Retry-After": "30"}),
        Reply(500, b"oops"),
        PASS,  # the first page
        Reply(truncate=True),  # half a JSON body
        Reply(delay=1.0),  # over the 0.5 s timeout
        Reply(drip=0.01),  # a slow body that still arrives in time
    )
    outcome = run_source(engine, registry, row, NOW)
    assert outcome.error is None and outcome.posts_new == 90
    assert 30.0 in clock.waits  # Retry-After was honoured
    # A run that keeps failing in the middle: it keeps its committed pages and the cursor does not move.
    instance = Instance(platform, 130)
    platform.requests.clear()
    [row] = list_sources(engine)
    platform.fail_next(Reply(), *[Reply(500, b"down")] * 4)  # page 1 fine, then page 2 fails 4 times
    platform.faults[0] = Reply.json(
        list(reversed(instance.statuses))[:40],
        Link=f'<{platform.url}/api/v1/timelines/tag/arxiv?max_id={229 - 39}>; rel="next"',
    )
    outcome = run_source(engine, registry, row, NOW + 900)
    assert outcome.error is not None and "HTTP 500" in outcome.error and "4 attempts" in outcome.error
    [row] = list_sources(engine)
    assert row.cursor == "189" and row.error_count == 1
    outcome = run_source(engine, registry, row, NOW + 5000)
    assert outcome.error is None
    assert list_sources(engine)[0].cursor == "229"
    assert table(engine, "SELECT COUNT(*) FROM posts") == [(130,)]


def test_directory_looks_up_and_pages_following(platform: FakePlatform, polite: tuple[PoliteGetter, FakeClock]) -> None:
    Instance(platform, 1)
    directory = _registry(platform, polite).directory("mastodon")
    assert directory.lookup("@bob@sigmoid.social").platform_id == "bob@sigmoid.social"
    assert [a.platform_id for a in directory.following("bob@sigmoid.social")] == [
        f"f{i}@other.social" for i in range(5)
    ]
    with pytest.raises(Exception, match="HTTP 404"):
        directory.lookup("@nobody@sigmoid.social")
    with pytest.raises(Exception, match="not a full handle"):
        directory.lookup("bob")


def test_register_more_reads_the_settings(platform: FakePlatform) -> None:
    Instance(platform, 3)
    settings = Settings.from_env(
        {
            "PAPERTALK_DATABASE_URL": "sqlite://",
            "PAPERTALK_MASTODON_URL_TEMPLATE": platform.url,
            "PAPERTALK_FETCH_ALLOW_PRIVATE": "1",  # the look-alike is on 127.0.0.1
        }
    )
    clock = FakeClock()
    registry = register_more(FetcherRegistry(), settings, clock=clock, sleep=clock.sleep)
    assert registry.directory("mastodon").lookup("@bob@sigmoid.social").display_name == "Bob"


def test_unknown_attachments_and_card_types_do_not_lose_the_status() -> None:
    odd = status(
        1,
        "<p>see arxiv.org/abs/2411.00001<script>alert(1)</script></p>",
        media_attachments=[{"id": "m1", "type": "hologram", "url": "https://cdn.example/x"}],
        card={"url": "https://arxiv.org/abs/2411.00001", "type": "future-embed", "html": "<iframe>"},
        poll={"options": [{"title": "a"}]},
        language=None,
    )
    post = parse_status(odd, "sigmoid.social")
    assert post.text == "see arxiv.org/abs/2411.00001" and post.lang is None
    assert post.links == ("https://arxiv.org/abs/2411.00001",)
    broken_card = parse_statuses([status(2, card=["not", "an", "object"]), status(3)], "sigmoid.social", "src")
    assert [p if isinstance(p, str) else p.post_id[-1] for p in broken_card] == [
        "src:2#0: card: expected an object, got list",
        "3",
    ]


def test_a_followed_account_is_captured_by_the_registered_fetchers(engine: Engine, platform: FakePlatform) -> None:
    Instance(platform, 6)
    settings = Settings.from_env(
        {
            "PAPERTALK_DATABASE_URL": "sqlite://",
            "PAPERTALK_MASTODON_URL_TEMPLATE": platform.url,
            "PAPERTALK_FETCH_ALLOW_PRIVATE": "1",  # the look-alike is on 127.0.0.1
        }
    )
    clock = FakeClock()
    registry = register_more(FetcherRegistry(), settings, clock=clock, sleep=clock.sleep)
    author, followed = follow(engine, registry, "mastodon:@bob@sigmoid.social", NOW)
    assert (author.platform_id, followed.sources_new, followed.network) == ("bob@sigmoid.social", 1, "following")
    summary = run_due(engine, registry, NOW)
    assert [(r.source, r.error, r.posts_new) for r in summary.runs] == [("mastodon:feed:bob@sigmoid.social", None, 6)]
