"""Issue 20's check, as a test: the demo world exported, restored into PostgreSQL and served from there gives
the same trending page and paper page (their JSON twins) as the SQLite original, and the PostgreSQL
instance, restored, exports the same bytes again (exported before it serves: serving from PostgreSQL
rewrites the discover sample, ``discover_term_docs`` and its ``instance_meta`` row, which then differ); the
summaries' search finds the same summaries on the original, on PostgreSQL and restored back into SQLite."""

from __future__ import annotations

import dataclasses
import re
import time
from html import escape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from papertalk.config import Settings
from papertalk.demo.database import build_demo
from papertalk.demo.world import WorldSize
from papertalk.services.database import open_database
from papertalk.services.library import summary_lists
from papertalk.services.portability.export_dump import export_database
from papertalk.services.portability.restore_dump import restore_database
from papertalk.storage.engine import Engine, make_engine
from papertalk.web.app import create_app
from tests.databases import POSTGRES_URL, postgres_database

VOLATILE = {"generated_at", "now", "served_at"}  # none today; a field named so would differ by the clock
TOKEN = re.compile(r'(name="csrf[^"]*" value|nonce)="[^"]*"')  # per-request values in the HTML


def pages(settings: Settings, now: int) -> dict[str, object]:
    """The trending page's JSON twin (week and all time) and the top paper's, served over ``settings``."""
    with TestClient(create_app(settings, clock=lambda: float(now))) as client:
        week = client.get("/api/v1/trending", params={"window": "week"})
        assert week.status_code == 200, week.text
        everything = client.get("/api/v1/trending", params={"window": "all"})
        assert everything.status_code == 200, everything.text
        items = week.json()["items"]
        assert items, "the demo's week has trending papers"
        first = items[0]["arxiv_id"]
        top = client.get(f"/api/v1/papers/{first}")
        assert top.status_code == 200, top.text
        html = client.get(f"/abs/{first}")
        assert html.status_code == 200
        return {
            "week": strip(week.json()),
            "all": strip(everything.json()),
            "paper": strip(top.json()),
            "title_in_html": escape(items[0]["paper"]["title"], quote=False) in html.text,
            "paper_html": TOKEN.sub("", html.text),
            "trending_html": TOKEN.sub("", client.get("/").text),
        }


def strip(body: object) -> object:
    if isinstance(body, dict):
        return {k: strip(v) for k, v in body.items() if k not in VOLATILE}
    if isinstance(body, list):
        return [strip(v) for v in body]
    if isinstance(body, float):
        # A score the backend computes on the read: PostgreSQL's sum ended 19.442469553696526 where SQLite's
        # was 19.44246955369653 (the order of float additions), so ten significant digits are compared.
        return float(f"{body:.10g}")
    return body


def folder_bytes(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


@pytest.mark.slow
def test_the_demo_served_from_postgres_after_a_restore_shows_the_same_pages(tmp_path: Path) -> None:
    if not POSTGRES_URL:
        pytest.skip("PAPERTALK_TEST_POSTGRES_URL not set (CI sets it)")
    now = int(time.time())
    world = build_demo(tmp_path / "demo", 42, now, WorldSize(papers=300, accounts=60, posts=3000, days=14))
    source = open_database(world.settings)
    export_database(source, tmp_path / "a", with_secrets=True)
    original = pages(world.settings, now)
    found = summaries_found(source)
    with postgres_database() as pg_url:
        pg = make_engine(pg_url)
        restore_database(pg, tmp_path / "a")
        export_database(pg, tmp_path / "b", with_secrets=True)
        moved = pages(dataclasses.replace(world.settings, database_url=pg_url), now)
        found_on_postgres = summaries_found(pg)
        pg.dispose()
    source.dispose()
    assert original["title_in_html"] and moved["title_in_html"]
    assert moved == original
    assert folder_bytes(tmp_path / "b") == folder_bytes(tmp_path / "a")
    # The summaries' search index is derived (not exported): each restore builds it again, on either backend.
    back = make_engine(f"sqlite:///{tmp_path / 'back.sqlite3'}")
    restore_database(back, tmp_path / "b")
    assert any(found.values()) and found_on_postgres == found and summaries_found(back) == found
    back.dispose()


def summaries_found(engine: Engine) -> dict[str, list[int]]:
    """For each word of the demo summaries' titles, the public summaries the search finds."""
    with engine.connect() as conn:
        titles = conn.execute(text("SELECT title FROM summaries WHERE visibility = 'public' ORDER BY id")).scalars()
        words = sorted({w for title in titles for w in re.findall(r"[a-z]{6,}", (title or "").lower())})
    return {w: [s.id for s in summary_lists.search(engine, None, w)] for w in words}
