"""The Atom feeds (issue 14 item 4) read by a feed reader library (feedparser) over real HTTP, on SQLite and
PostgreSQL, with a clock that moves between polls: the trending feed keeps the page's window, network,
category and ``new``; every page links its own feed; an entry's <updated> is its paper's newest mention
(or the post's time), so two polls of an unchanged feed give the same entries, times and ETag (a 304),
and a new mention changes just that entry."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import httpx
import pytest

from papertalk.config import Settings
from papertalk.services.ingest.post_files import Importer
from papertalk.storage.engine import make_engine
from tests.conftest import BACKENDS
from tests.helpers import NOW, post, write_lines
from tests.web_site import loaded_database
from tests.web_world import NETWORK, load_world, served


@dataclass
class FeedSite:
    base: str
    url: str  # the database's
    directory: Path
    clock: list[float]  # what the app's clock says; tests move it

    def get(self, path: str, **headers: str) -> httpx.Response:
        return httpx.get(self.base + path, headers=headers, timeout=30)


@pytest.fixture(scope="module", params=BACKENDS)
def feeds(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FeedSite]:
    directory = tmp_path_factory.mktemp("feeds")
    clock = [float(NOW)]
    with (
        loaded_database(request.param, directory, load_world) as url,
        served(
            Settings.from_env({"PAPERTALK_DATABASE_URL": url}), clock=lambda: clock[0], render_cache_seconds=0
        ) as base,
    ):
        yield FeedSite(base, url, directory, clock)


def feed_link(html: str) -> str:
    links = re.findall(r'<link rel="alternate" type="application/atom\+xml" title="[^"]*" href="([^"]+)">', html)
    assert len(links) == 1, links
    return links[0].replace("&amp;", "&")


def read(site: FeedSite, path: str) -> feedparser.FeedParserDict:
    answer = site.get(path)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/atom+xml")
    ET.fromstring(answer.content)  # strictly well-formed
    parsed = feedparser.parse(answer.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def when(stamp: str) -> int:
    return int(datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp())


def test_every_page_links_its_own_feed_and_the_feed_mirrors_it(feeds: FeedSite) -> None:
    month = "/api/v1/trending?window=month&new=true"
    category = feeds.get(month).json()["items"][0]["paper"]["categories"][0]
    page = f"/?window=month&network={NETWORK}&new=1&category={category}"
    link = feed_link(feeds.get(page).text)
    assert link == f"/feeds/trending.atom?window=month&network={NETWORK}&new=1&category={category}"
    api = feeds.get(f"/api/v1/trending?window=month&network={NETWORK}&new=true&category={category}").json()
    trending = read(feeds, link)
    assert [e.id.rsplit(":", 1)[1] for e in trending.entries] == [i["arxiv_id"] for i in api["items"]] != []
    assert trending.feed.links[1].href == feeds.base + page  # its alternate: the page it mirrors
    top = api["items"][0]["arxiv_id"]
    pages_and_feeds = {
        "/posts?platform=mastodon": "/feeds/posts.atom?platform=mastodon",
        f"/abs/{top}": f"/feeds/papers/{top}.atom",
        "/search?q=learning": "/feeds/search.atom?q=learning",
        "/?window=month": "/feeds/trending.atom?window=month",  # a month page linked the week feed
    }
    for path, expected in pages_and_feeds.items():
        assert feed_link(feeds.get(path).text) == expected
        assert read(feeds, expected).entries, expected
    posts = read(feeds, "/feeds/posts.atom?platform=mastodon").entries
    assert len(posts) == 50 and all(" on mastodon" in e.title for e in posts)
    paper = read(feeds, f"/feeds/papers/{top}.atom").entries
    newest = max(p["created_at"] for kind in feeds.get(f"/api/v1/papers/{top}").json()["posts"].values() for p in kind)
    assert paper[0].updated == newest and all(f"arXiv:{top}" in e.content[0].value for e in paper)


def test_entries_are_updated_at_their_newest_mention_not_at_the_request(feeds: FeedSite) -> None:
    entries = read(feeds, "/feeds/trending.atom?window=week").entries
    for entry in entries[:5]:
        arxiv_id = entry.id.rsplit(":", 1)[1]
        posts = feeds.get(f"/api/v1/papers/{arxiv_id}").json()["posts"]
        assert entry.updated == max(p["created_at"] for kind in posts.values() for p in kind)
    assert all(when(e.updated) < NOW for e in entries)


def test_two_polls_of_an_unchanged_feed_are_equal_and_the_second_gets_a_304(feeds: FeedSite) -> None:
    for path in ("/feeds/trending.atom", "/feeds/posts.atom", "/feeds/search.atom?q=learning"):
        feeds.clock[0] = NOW
        first = feeds.get(path)
        feeds.clock[0] = NOW + 600  # ten minutes later, nothing new captured
        second = feeds.get(path)
        assert first.content == second.content and first.headers["etag"] == second.headers["etag"], path
        again = feeds.get(path, **{"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304 and again.content == b"", path
    feeds.clock[0] = NOW


def test_a_new_mention_moves_only_its_own_entry(feeds: FeedSite) -> None:
    feeds.clock[0] = NOW
    before = read(feeds, "/feeds/trending.atom?window=week")
    target = before.entries[3].id.rsplit(":", 1)[1]
    etag = feeds.get("/feeds/trending.atom?window=week").headers["etag"]
    engine = make_engine(feeds.url)
    new = post("feed-fresh-1", "fresh-reader", -0.1, text=f"Just read arXiv:{target}")  # 6 minutes after NOW
    Importer(engine, now=NOW + 3600).import_path(write_lines(feeds.directory / "fresh.jsonl", [new]))
    engine.dispose()
    feeds.clock[0] = NOW + 600
    after = read(feeds, "/feeds/trending.atom?window=week")
    moved = {e.id: e.updated for e in after.entries}
    assert moved[before.entries[3].id] == datetime.fromtimestamp(NOW + 360, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    unchanged = {e.id: e.updated for e in before.entries if e.id != before.entries[3].id and e.id in moved}
    assert unchanged and all(moved[i] == at for i, at in unchanged.items())
    assert after.feed.updated == moved[before.entries[3].id]
    assert feeds.get("/feeds/trending.atom?window=week", **{"If-None-Match": etag}).status_code == 200
    feeds.clock[0] = NOW


def test_bad_feed_requests_are_one_line_400s_and_404s(feeds: FeedSite) -> None:
    assert feeds.get("/feeds/search.atom").status_code == 400
    assert feeds.get("/feeds/posts.atom?platform=myspace").status_code == 400
    assert feeds.get("/feeds/papers/2101.00001.atom").status_code == 404
    moved = httpx.get(feeds.base + "/feeds/papers/hep-th/9901001v2.atom", follow_redirects=False, timeout=30)
    assert moved.status_code == 301 and moved.headers["location"] == "/feeds/papers/hep-th/9901001.atom"
    assert read(feeds, "/feeds/papers/hep-th/9901001.atom").entries
    jump = httpx.get(feeds.base + "/feeds/search.atom?q=arXiv:hep-th/9901001", follow_redirects=False, timeout=30)
    assert jump.status_code == 303 and jump.headers["location"] == "/feeds/papers/hep-th/9901001.atom"
