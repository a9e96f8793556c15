"""Hostile captured data on the real pages and feeds (issue 14 item 13, issue 22 item 4), over real HTTP on
SQLite and PostgreSQL: a post's non-http(s) URL is shown as text, never put in an href; bidirectional
controls never reach a page or a feed; every feed parses in a strict XML parser whatever the titles hold."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from papertalk.core.records import Paper
from papertalk.services.ingest.post_files import Importer
from papertalk.storage.catalogue.paper_rows import upsert_papers
from papertalk.storage.engine import Engine
from tests.conftest import BACKENDS
from tests.helpers import NOW, post, write_lines
from tests.unsafe_payloads import UNSAFE_URLS
from tests.web_site import served_database

PAPER = "2611.00042"
BAD_TITLE = "Control\x01 and\x0b a non\ufffe-character in a title"
RLO = "\u202e"
FEED_PATHS = ["/feeds/trending.atom", "/feeds/trending.atom?window=all"]


def hostile_posts() -> list[dict[str, object]]:
    records: list[dict[str, object]] = []
    for i, url in enumerate(u for u in UNSAFE_URLS if u and "\x00" not in u and len(u) < 200):
        record = post(f"bad-url-{i}", f"user{i}", 1 + i / 10, text=f"see arXiv:{PAPER} #{i}", url=url)
        records.append(record)
    reverser = post("bidi-1", "eve", 2, text=f"{RLO}arXiv:{PAPER} gnp.exe\x01\x0b", url="https://example.org/ok")
    reverser["author"] = {"id": "eve", "handle": f"eve{RLO}gnp.exe", "name": "Eve \u2066evil\u2069"}
    records.append(reverser)
    return records


def load_hostile(engine: Engine, directory: Path) -> None:
    with engine.begin() as conn:
        upsert_papers(conn, [Paper(PAPER, BAD_TITLE, (f"A{RLO}uthor\x0c",), "Abstract\x1f here.", ("cs.LG",))], NOW)
    Importer(engine, now=NOW).import_path(write_lines(directory / "hostile.jsonl", hostile_posts()))


@pytest.fixture(scope="module", params=BACKENDS)
def hostile_site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with served_database(request.param, tmp_path_factory.mktemp("hostile"), load_hostile) as base:
        yield base


def hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', html)


def test_only_http_links_reach_an_href_and_the_rest_is_shown_as_text(hostile_site: str) -> None:
    for path in (f"/abs/{PAPER}", "/posts", "/"):
        html = httpx.get(hostile_site + path, timeout=30).text
        ours = ("/", "#", hostile_site, "https://arxiv.org/", "https://doi.org/")
        outside = [h for h in hrefs(html) if not h.startswith(ours)]
        assert set(outside) <= {"https://example.org/ok"}, (path, outside)
        assert "unlinked-url" in html, path  # the trending page's commentaries, too, carry such posts
    paper = httpx.get(f"{hostile_site}/abs/{PAPER}", timeout=30).text
    assert '<span class="unlinked-url">javascript:alert(4)</span>' in paper
    assert '<span class="unlinked-url">//evil.example/x</span>' in paper


def test_no_bidi_control_reaches_a_page_or_a_feed(hostile_site: str) -> None:
    for path in (f"/abs/{PAPER}", "/posts", "/", *FEED_PATHS):
        body = httpx.get(hostile_site + path, timeout=30).text
        assert not any(c in body for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"), path
    paper = httpx.get(f"{hostile_site}/abs/{PAPER}", timeout=30).text
    assert '<bdi class="who">evegnp.exe</bdi>' in paper  # the handle eve\u202egnp.exe, reversing nothing


@pytest.mark.parametrize("path", FEED_PATHS)
def test_every_feed_is_well_formed_xml_with_control_characters_in_the_data(hostile_site: str, path: str) -> None:
    feed = httpx.get(hostile_site + path, timeout=30)
    assert feed.status_code == 200
    root = ET.fromstring(feed.content)  # raises on a single character XML forbids
    titles = [t.text or "" for t in root.iter("{http://www.w3.org/2005/Atom}title")]
    assert any("Control and a non-character in a title" in t for t in titles), titles
