"""bench/web: the trending page and the hottest paper's page over 1M papers and 10M mentions.

Builds (once, cached under bench/data) the database of bench/trending (1,000,000 papers, ~10M mentions,
the votes they make) and completes it with set-based SQL: a post row behind every mention (text, kind,
link) and paper metadata (authors, an abstract with TeX math, categories). Then, in one run:

- server-side render (no network: the ASGI app in process, render cache off) of ``/``, of the paper
  page of the most-discussed paper and of the trending feed, median and p99, against a naive baseline
  that renders the same page with per-paper queries (each paper's metadata, counts, chart and posts
  fetched one paper at a time);
- ``wrk`` against ``papertalk serve`` for ``/`` (as deployed: the 15 s render cache on).

    python -m bench.web [--scale 1.0] [--runs 30] [--wrk-seconds 15]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from starlette.testclient import TestClient

from bench.measure import latency_stats, save, timed
from bench.trending import DATA, NOW, build_sqlite
from papertalk.config import Settings
from papertalk.core.ranking import window_start
from papertalk.services.ingest.post_files import refresh_rankings
from papertalk.services.pages.page_views import PostView, chart_days, day_chart, post_view
from papertalk.services.pages.trending_page import PaperBlock, TrendingPage, TrendingPageQuery
from papertalk.storage.catalogue.paper_rows import papers_by_row
from papertalk.storage.dialect_sql import for_connection
from papertalk.storage.engine import make_engine
from papertalk.storage.pages.page_queries import DAY, PostRow
from papertalk.storage.ranking.mention_days import rebuild as rebuild_mention_days
from papertalk.storage.ranking.trending_queries import Audience, count_ranked, top_papers
from papertalk.storage.schema import upgrade
from papertalk.web.app import create_app
from papertalk.web.state import WebSettings, state_of

ABSTRACT = (
    "We study a family of synthetic benchmark problems and show that a simple method matches the best "
    "known bounds. For any positive integer $k$, we construct instances requiring $\\Theta(k^3)$ queries, "
    "and we prove that the procedure runs in $O(n \\log n)$ time. Experiments on six datasets confirm the "
    "analysis, and an ablation shows which parts of the method matter. Code and data are released."
)


def complete(path: Path) -> None:
    """Posts behind the mentions and metadata for the papers, each in one INSERT/UPDATE ... SELECT."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")
    db.execute(
        "INSERT OR IGNORE INTO posts (id, platform, post_id, account_id, created_at, kind, text, url) "
        "SELECT post_id, 'bluesky', 'bench' || post_id, account_id, created_at, "
        "CASE kind_bit WHEN 1 THEN 'post' WHEN 2 THEN 'quote' WHEN 4 THEN 'reply' ELSE 'repost' END, "
        "CASE WHEN kind_bit = 8 THEN '' ELSE 'Careful paper, simple method; read the ablation. #' || post_id END, "
        "'https://bsky.app/profile/bench/post/' || post_id FROM mentions"
    )
    db.execute(
        "UPDATE papers SET authors = ?, abstract = ?, categories = 'cs.LG stat.ML', metadata_at = published_at, "
        "latest_version = 1",
        ('["Ada Lovelace", "Alan Turing", "Grace Hopper", "Emmy Noether", "Kurt Gödel"]', ABSTRACT),
    )
    db.commit()
    db.execute("ANALYZE")
    db.commit()
    db.close()


def web_database(data: Path, scale: float) -> tuple[Path, float | None]:
    """The cached SQLite database of the web pages at ``scale`` (built when missing: then also the seconds
    it took), upgraded to this checkout's schema."""
    data.mkdir(parents=True, exist_ok=True)
    path = data / f"web-{scale:g}.sqlite3"
    url = f"sqlite:///{path}"
    built = None
    if not path.exists():
        seconds, _ = timed(lambda: (build_sqlite(path, scale), complete(path)))
        engine = make_engine(url)
        refresh_rankings(engine, Settings.from_env({}).ranking, NOW)
        with engine.begin() as conn:  # the mentions were loaded without ingest: count their days once
            rebuild_mention_days(conn, for_connection(conn))
        engine.dispose()
        built = round(seconds, 1)
        print(f"built {path} in {seconds:.0f}s", flush=True)
    engine = make_engine(url)
    upgrade(engine)  # a database built by an older checkout gets this one's indexes
    engine.dispose()
    return path, built


def naive_page(state: Any, query: TrendingPageQuery) -> TrendingPage:
    """The baseline: the same page, but each paper's data fetched with its own queries (and all of its
    posts in the window read to pick the commentaries in Python)."""
    settings, engine = state.settings, state.engine
    window = settings.ranking.window(query.window)
    since = window_start(window, NOW) or 0
    first_day = NOW // DAY - chart_days(window.length) + 1
    items = []
    with engine.connect() as conn:
        rows = top_papers(conn, NOW, window, settings.ranking, Audience(), 20, 0)
        total = count_ranked(conn, NOW, window, Audience(), settings.ranking)
        raw = conn.connection.driver_connection
        for position, row in enumerate(rows, start=1):
            paper = papers_by_row(conn, [row.paper_row]).get(row.paper_row)
            kinds = dict(
                raw.execute(
                    "SELECT kind_bit, COUNT(*) FROM mentions WHERE paper_id = ? AND created_at > ? "
                    "AND created_at <= ? GROUP BY kind_bit",
                    (row.paper_row, since, NOW),
                ).fetchall()
            )
            per_day = dict(
                raw.execute(
                    f"SELECT created_at / {DAY}, COUNT(*) FROM mentions WHERE paper_id = ? AND created_at > ? "
                    f"AND created_at <= ? GROUP BY created_at / {DAY}",
                    (row.paper_row, first_day * DAY, NOW),
                ).fetchall()
            )
            posts = [
                PostRow(int(r[0]), r[1], r[2], r[3] or "", r[4], int(r[5]), r[6], r[7], row.paper_row)
                for r in raw.execute(
                    "SELECT p.id, p.platform, p.kind, p.text, p.url, p.created_at, a.handle, a.display_name "
                    "FROM mentions m JOIN posts p ON p.id = m.post_id JOIN accounts a ON a.id = m.account_id "
                    "WHERE m.paper_id = ? AND m.created_at > ? AND m.created_at <= ?",
                    (row.paper_row, since, NOW),
                ).fetchall()
            ]
            words = sorted((p for p in posts if p.kind != "repost" and p.text), key=lambda p: -p.created_at)
            shown: tuple[PostView, ...] = tuple(post_view(p) for p in words[:3])
            count = sum(kinds.values())
            reposts = kinds.get(8, 0)
            chart = day_chart(per_day, first_day, NOW // DAY)
            items.append(
                PaperBlock(
                    position,
                    row.arxiv_id,
                    paper,
                    row.score,
                    row.people,
                    count,
                    reposts,
                    chart,
                    shown,
                    count - reposts - len(shown),
                )
            )
    return TrendingPage(query, window, ("today", "week", "month", "all"), state.network, tuple(items), total,
                        max(1, -(-total // 20)), NOW, None)  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_wrk(url: str, seconds: int, path: str) -> dict[str, Any]:
    """``wrk`` against ``papertalk serve`` (a separate process) for one path."""
    if shutil.which("wrk") is None:
        return {"skipped": "wrk is not installed (make wrk)"}
    port = free_port()
    env = {**os.environ, "PAPERTALK_DATABASE_URL": url, "PAPERTALK_FIXED_NOW": str(NOW)}
    server = subprocess.Popen(
        [sys.executable, "-m", "bench.web_server", "--port", str(port)], env=env, stdout=subprocess.DEVNULL
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                if httpx.get(base + path, timeout=30).status_code == 200:  # up, and the page rendered once
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        out = subprocess.run(
            ["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", base + path],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    finally:
        server.terminate()
        server.wait(10)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    return {
        "requests_per_s": rps,
        "p99_ms": float(p99.group(1)) * scale[p99.group(2)] if p99 else None,
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "none",
        "raw": out,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 1M papers, 10M mentions")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--wrk-seconds", type=int, default=15)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--results", type=Path, default=None)
    args = parser.parse_args()
    report: dict[str, Any] = {"scale": args.scale, "load": os.getloadavg()}
    path, built = web_database(args.data, args.scale)
    if built is not None:
        report["build_s"] = built
    url = f"sqlite:///{path}"
    settings = Settings.from_env({"PAPERTALK_DATABASE_URL": url})
    app = create_app(settings, WebSettings(render_cache_seconds=0), clock=lambda: float(NOW))
    state = state_of_app(app)
    with TestClient(app) as client:
        hottest = client.get("/api/v1/trending?window=week").json()["items"][0]["arxiv_id"]
        report["hottest"] = hottest
        report["render_trending"] = latency_stats(lambda: ok(client.get("/")), args.runs)
        report["render_paper_hottest"] = latency_stats(lambda: ok(client.get(f"/abs/{hottest}")), args.runs)
        report["render_trending_feed"] = latency_stats(lambda: ok(client.get("/feeds/trending.atom")), args.runs)
        query = TrendingPageQuery()

        def naive_render() -> None:
            page = naive_page(state, query)
            state.env.get_template("trending.html").render(
                request=FakeRequest(), params={}, canonical="/", demo=None, facts=state.facts(),
                network=state.network, now=NOW, page=page, title="Trending papers",
            )  # fmt: skip

        report["naive_render_trending"] = latency_stats(naive_render, max(5, args.runs // 3))
    print({k: v for k, v in report.items()}, flush=True)
    report["wrk_trending"] = run_wrk(url, args.wrk_seconds, "/")
    print(report["wrk_trending"]["raw"] if "raw" in report["wrk_trending"] else report["wrk_trending"])
    report["load_after"] = os.getloadavg()
    print(f"results: {save(f'web-{args.scale:g}', report, args.results)}")


class FakeRequest:
    class url:
        path = "/"


def ok(response: httpx.Response) -> None:
    assert response.status_code == 200, response.status_code


def state_of_app(app: Any) -> Any:
    class R:
        pass

    r = R()
    r.app = app  # type: ignore[attr-defined]
    return state_of(r)  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
