"""bench/notes: summaries read and written, each beside a baseline measured in the same run.

Builds (once, cached under bench/data) a SQLite database with ``--summaries`` public summaries (default
100,000) by 2,000 people over many papers, and one hot paper with 200 public summaries and 2,000 comments
(10 under each). Stored HTML comes from the real pipeline (a few sources rendered once and reused: the
read path never renders, so which text it is does not change what it costs). Then:

- the hot paper's page, and one of its summaries' pages with its discussion, rendered by the app in
  process (render cache off), against the same pages rendering every summary's and comment's Markdown on
  each read (the pipeline called where the stored HTML is used);
- the summaries page (Recent, Best, Popular) over all summaries, against the same page rendering its 30
  summaries' Markdown on each read; and the Popular tab against its one-step query of before (every
  recently voted summary read whole, then sorted);
- saving a 50 KB summary with 200 formulas through the service (render, store, version, count as a
  post), against rendering it alone.

    python -m bench.notes [--summaries 100000] [--runs 30] [--data DIR] [--results DIR]

The result (with the load average before and after: the machine is shared) goes to
bench/results/notes.json, or ``--results``; ``tests/test_bench_notes_smoke.py`` runs it at a tiny size.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from bench.measure import latency_stats, save, timed
from papertalk.config import Settings
from papertalk.core.records import Paper
from papertalk.core.written_text import RENDERER_VERSION, Flavour, render_written
from papertalk.services.library import discussion, summaries, summary_lists
from papertalk.storage.catalogue.paper_rows import upsert_papers
from papertalk.storage.engine import make_engine
from papertalk.storage.library import summary_rows
from papertalk.storage.people.user_rows import user_by_key
from papertalk.storage.schema import upgrade
from papertalk.web import notes_browse, pages
from papertalk.web.app import create_app
from papertalk.web.state import WebSettings

DATA = Path(__file__).parent / "data"
NOW = 1_790_000_000
PEOPLE = 2_000
HOT = "2601.00001"
SOURCES = [
    "# Main results\n\n1. Loss is **non-convex**; every local minimum is global.\n2. $XX^T$ and $XY^T$ full rank.\n\n"
    "$$\\Sigma = YX^T(XX^T)^{-1}XY^T$$\n\n| depth | saddles |\n|---|---|\n| 1 | good |\n| 2+ | bad |\n",
    "Shallow networks *don't* have bad saddle points; deep ones **do**. See [the paper](https://arxiv.org/abs/1605.07110)."
    "\n\n```python\nloss = ((W @ X - Y) ** 2).sum()\n```\n\nA footnote.[^1]\n\n[^1]: Kawaguchi, 2016.\n",
    "- [x] read it\n- [ ] check $d_y \\leq d_x$\n\n> Depth creates bad saddles, not bad minima.\n\n"
    "$\\frac{\\partial L}{\\partial W_k} = 0$ at every critical point.\n",
]
COMMENT = "Why is $d_y \\leq d_x$ needed? The *strong* assumptions are in Result 3."


def build(path: Path, count: int) -> None:
    """The database: papers, people, ``count`` summaries (200 of them and 2,000 comments on HOT)."""
    if path.exists():
        return
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    url = f"sqlite:///{partial}"
    engine = make_engine(url)
    upgrade(engine)
    per_person = max(1, count // PEOPLE)
    papers = [Paper(HOT, "Deep learning without poor local minima", ("K. Kawaguchi",), "Abstract.", ("cs.LG",))]
    categories = ("cs.LG", "math.OC", "stat.ML")
    papers += [Paper(f"2601.{i:05d}", f"Paper {i}", ("A. Author",), "An abstract.", (categories[i % 3],))
               for i in range(2, per_person + 3)]  # fmt: skip
    with engine.begin() as conn:
        upsert_papers(conn, papers, NOW)
    engine.dispose()
    rendered = [render_written(s) for s in SOURCES]
    comment_html = render_written(COMMENT, Flavour.COMMENT).html
    db = sqlite3.connect(partial)
    paper_ids = [r[0] for r in db.execute("SELECT id FROM papers ORDER BY arxiv_id")]
    hot_id = db.execute("SELECT id FROM papers WHERE arxiv_id = ?", (HOT,)).fetchone()[0]
    others = [p for p in paper_ids if p != hot_id]
    db.executemany(
        "INSERT INTO users (id, name, name_key, email, password_hash, is_admin, disabled, created_at) "
        "VALUES (?, ?, ?, ?, 'x', 0, 0, ?)",
        [(i, f"reader{i}", f"reader{i}", f"r{i}@example.org", NOW - 90 * 86_400) for i in range(1, PEOPLE + 1)],
    )
    rows: list[tuple[Any, ...]] = []
    for n in range(count):
        user = n % PEOPLE + 1
        paper = hot_id if n < 200 else others[(n // PEOPLE) % len(others)]
        r = n % len(SOURCES)
        at = NOW - (count - n) * 60
        rows.append((n + 1, user, paper, "summary", "public", 0, f"Summary {n}", SOURCES[r], rendered[r].html,
                     RENDERER_VERSION, 0, 1, (n * 7919) % 41 - 20, 10 if n < 200 else 0, at, at))  # fmt: skip
    db.executemany(
        "INSERT OR IGNORE INTO summaries (id, user_id, paper_id, kind, visibility, anonymous, title, source, html, "
        "renderer_version, formula_errors, version, score, comments, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    db.executemany(
        "INSERT INTO summary_comments (summary_id, user_id, parent_id, source, html, renderer_version, created_at, "
        "updated_at) VALUES (?, ?, NULL, ?, ?, ?, ?, ?)",
        [(s + 1, (s + k) % PEOPLE + 1, COMMENT, comment_html, RENDERER_VERSION, NOW - k, NOW - k)
         for s in range(200) for k in range(10)],
    )  # fmt: skip
    db.executemany(
        "INSERT OR IGNORE INTO summary_votes (summary_id, user_id, value, voted_at) VALUES (?, ?, 1, ?)",
        [((n * 31) % count + 1, n % PEOPLE + 1, NOW - (n % 20) * 86_400) for n in range(min(count, 20_000))],
    )
    db.commit()
    db.execute("ANALYZE")
    db.close()
    partial.rename(path)


def popular_one_step(since: int, category: str | None, limit: int, offset: int) -> Any:
    """The Popular tab's query before the two-step one (the baseline): the recent votes summed, joined
    to whole summary rows, filtered, sorted, the page taken."""
    from sqlalchemy import func, or_, select

    from papertalk.storage.tables import papers, summaries, summary_votes, users

    recent = (select(summary_votes.c.summary_id, func.sum(summary_votes.c.value).label("recent"))
              .where(summary_votes.c.voted_at > since).group_by(summary_votes.c.summary_id).subquery())  # fmt: skip
    query = (
        select(*summary_rows.COLUMNS).select_from(recent)
        .join(summaries, summaries.c.id == recent.c.summary_id).join(users, users.c.id == summaries.c.user_id)
        .join(papers, papers.c.id == summaries.c.paper_id).where(summary_rows.LISTED)
        .order_by(recent.c.recent.desc(), summaries.c.created_at.desc(), summaries.c.id.desc())
    )  # fmt: skip
    if category:
        query = query.where(or_(papers.c.categories == category, papers.c.categories.like(category + " %")))
    return query.limit(limit).offset(offset)


def rendering_on_read(listed: list[Any]) -> list[Any]:
    """The baseline: the same summaries, their HTML made from the Markdown now."""
    from dataclasses import replace

    return [replace(s, html=render_written(s.source).html) for s in listed]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--summaries", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--data", type=Path, default=DATA, help="where the built database is cached")
    parser.add_argument("--results", type=Path, default=None, help="where notes.json goes")
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    path = args.data / f"notes-{args.summaries}.sqlite3"
    seconds, _ = timed(lambda: build(path, args.summaries))
    settings = Settings(database_url=f"sqlite:///{path}")
    app = create_app(settings, WebSettings(render_cache_seconds=0), clock=lambda: NOW)
    client = TestClient(app)
    results: dict[str, Any] = {"summaries": args.summaries, "build_seconds": round(seconds, 1),
                               "load_average_before": [round(x, 2) for x in os.getloadavg()]}  # fmt: skip
    hot_summary = 1
    stored_of_paper, stored_tab, stored_thread = pages.of_paper, notes_browse.summary_lists, discussion.comments_shown

    def of_paper_rendering(engine: Any, viewer: Any, arxiv_id: str) -> Any:
        from dataclasses import replace

        found = stored_of_paper(engine, viewer, arxiv_id)
        return replace(found, listed=rendering_on_read(found.listed))

    class TabRendering:
        TABS = summary_lists.TABS

        @staticmethod
        def tab(*a: Any) -> Any:
            return rendering_on_read(summary_lists.tab(*a))

    def thread_rendering(engine: Any, viewer: Any, summary: Any) -> Any:
        from dataclasses import replace

        return [(replace(c, html=render_written(c.source, Flavour.COMMENT).html),
                 [replace(r, html=render_written(r.source, Flavour.COMMENT).html) for r in rs])
                for c, rs in stored_thread(engine, viewer, summary)]  # fmt: skip

    def measure(name: str, url: str, patch: Any, unpatch: Any) -> None:
        assert client.get(url).status_code == 200
        results[name] = latency_stats(lambda: client.get(url), args.runs)
        patch()
        try:
            results[name + "_baseline_render_on_read"] = latency_stats(lambda: client.get(url), max(5, args.runs // 3))
        finally:
            unpatch()

    def set_paper(f: Any) -> None:
        pages.of_paper = f  # type: ignore[attr-defined]

    def set_tab(f: Any) -> None:
        notes_browse.summary_lists = f  # type: ignore[attr-defined]

    def set_thread(f: Any) -> None:
        discussion.comments_shown = f

    measure("paper_page_200_summaries", f"/abs/{HOT}", lambda: set_paper(of_paper_rendering),
            lambda: set_paper(stored_of_paper))  # fmt: skip
    measure("summary_page_10_comments", f"/summaries/{hot_summary}", lambda: set_thread(thread_rendering),
            lambda: set_thread(stored_thread))  # fmt: skip
    for tab in summary_lists.TABS:
        measure(f"summaries_page_{tab}", f"/summaries?tab={tab}", lambda: set_tab(TabRendering),
                lambda: set_tab(stored_tab))  # fmt: skip
    two_step = summary_rows._popular
    summary_rows._popular = popular_one_step
    try:
        results["summaries_page_popular_baseline_one_step_query"] = latency_stats(
            lambda: client.get("/summaries?tab=popular"), args.runs
        )
    finally:
        summary_rows._popular = two_step
    # saving: a 50 KB summary with 200 formulas, through the service, beside rendering it alone
    formulas = " ".join(f"$\\sum_{{i=1}}^{{{i}}} x_i^2 = \\frac{{a_{i}}}{{b}}$" for i in range(200))
    big = ("Some words of prose in a paragraph, with **bold** and `code`. " * 700)[:44_000] + "\n\n" + formulas
    results["save_source_kb"] = round(len(big.encode()) / 1024, 1)
    engine = make_engine(settings.database_url)
    writers = iter(range(1, PEOPLE + 1))

    def save_one() -> None:
        who = next(writers)
        with engine.connect() as conn:
            person = user_by_key(conn, f"reader{who}")
        draft = summaries.draft_of("Big", big + f"\n\n{who}", "public", False)
        summaries.save_summary(engine, settings, person, "2601.00002", draft, NOW)

    results["save_50kb_200_formulas"] = latency_stats(save_one, max(5, args.runs // 3), warmup=1)
    results["render_only_50kb_200_formulas"] = latency_stats(lambda: render_written(big), max(5, args.runs // 3))
    results["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    print(save("notes", results, args.results))
    for key, value in results.items():
        print(f"{key}: {value}")


if __name__ == "__main__":
    main()
