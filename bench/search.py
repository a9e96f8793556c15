"""bench/search: search latency at N papers, side by side in one run on the same SQLite database:

- papertalk: ``services.search.paper_search.search_papers`` (bounded candidates + BM25, see docs/search.md);
- naive FTS: ``SELECT rowid FROM paper_fts WHERE paper_fts MATCH ? ORDER BY bm25(paper_fts) LIMIT 20``;
- linear scan: ``LIKE '%word%'`` on title and abstract for every word, newest 20 first, as simple paper
  apps do (run on a few queries only: each one reads the whole table).

The database comes from ``bench.catalogue`` (the real catalogue import, whose figures are in the report too).

    python -m bench.search [--papers 1000000] [--runs 5] [--postgres URL]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bench.catalogue import DATA
from bench.catalogue import run as run_import
from bench.measure import percentile, save, timed
from papertalk.services.search.paper_search import search_papers
from papertalk.storage.engine import make_engine

# Realistic 1-3 word queries, with the very common words a search box gets ("learning", "we", "based").
QUERIES = [
    "learning", "we", "based", "deep learning", "neural network", "quantum", "graph neural networks",
    "transformer", "bayesian inference", "dark matter", "convergence", "posterior sampling", "entanglement",
    "reinforcement learning policy", "galaxy clusters", "we propose", "lattice", "diffusion models",
    "black hole", "optimization", "zhang", "spectral", "robustness", "phase transition",
]  # fmt: skip
LINEAR_QUERIES = ["learning", "we", "dark matter", "zhang"]


def latencies(fn: Any, queries: list[str], runs: int) -> dict[str, float]:
    samples = []
    for query in queries:
        fn(query)  # warm the page cache for this query once, as a live server would be
        samples.extend(timed(lambda q=query: fn(q))[0] * 1000 for _ in range(runs))
    return {
        "median_ms": statistics.median(samples),
        "p99_ms": percentile(samples, 99),
        "max_ms": max(samples),
        "samples": len(samples),
    }


def naive_fts(conn: sqlite3.Connection, query: str) -> list[Any]:
    match = " AND ".join(f'"{w}"' for w in query.split())
    sql = "SELECT rowid FROM paper_fts WHERE paper_fts MATCH ? ORDER BY bm25(paper_fts) LIMIT 20"
    return conn.execute(sql, (match,)).fetchall()


def linear_scan(conn: sqlite3.Connection, query: str) -> list[Any]:
    words = query.split()
    where = " AND ".join("(title LIKE ? OR abstract LIKE ?)" for _ in words)
    params = [p for w in words for p in (f"%{w}%", f"%{w}%")]
    return conn.execute(f"SELECT id FROM papers WHERE {where} ORDER BY id DESC LIMIT 20", params).fetchall()


def measure(db: Path, runs: int) -> dict[str, Any]:
    engine = make_engine(f"sqlite:///{db}")
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA cache_size=-131072")
    per_query = {}
    for query in QUERIES:
        search_papers(engine, query)
        per_query[query] = {
            "papertalk_ms": timed(lambda q=query: search_papers(engine, q))[0] * 1000,
            "naive_fts_ms": timed(lambda q=query: naive_fts(conn, q))[0] * 1000,
        }
    result = {
        "papertalk": latencies(lambda q: search_papers(engine, q), QUERIES, runs),
        "naive_fts_bm25": latencies(lambda q: naive_fts(conn, q), QUERIES, 1),
        "linear_like_scan": latencies(lambda q: linear_scan(conn, q), LINEAR_QUERIES, 1),
        "per_query": per_query,
    }
    engine.dispose()
    conn.close()
    return result


def measure_postgres(url: str, runs: int) -> dict[str, Any]:
    """Ours and the naive ``ORDER BY ts_rank LIMIT 20`` on the PostgreSQL database the import filled."""
    engine = make_engine(url)
    naive = (
        "SELECT id FROM papers WHERE search_vector @@ plainto_tsquery('simple', :q) "
        "ORDER BY ts_rank(search_vector, plainto_tsquery('simple', :q)) DESC LIMIT 20"
    )
    with engine.connect() as conn:
        result = {
            "papertalk": latencies(lambda q: search_papers(engine, q), QUERIES, runs),
            "naive_ts_rank": latencies(lambda q: conn.execute(text(naive), {"q": q}).fetchall(), QUERIES, 1),
        }
    engine.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--postgres", default=os.environ.get("PAPERTALK_BENCH_POSTGRES_URL"), help="also import here")
    parser.add_argument("--data", type=Path, default=DATA, help="where generated data and databases go")
    parser.add_argument("--results", type=Path, default=None, help="where the JSON results go")
    parser.add_argument("--search-only", action="store_true", help="reuse the database of an earlier run")
    args = parser.parse_args()
    imported = None if args.search_only else run_import(args.papers, args.data, args.postgres)
    db = args.data / f"search-{args.papers}.sqlite3"
    result = {"papers": args.papers, "import": imported, "search": measure(db, args.runs), "load": os.getloadavg()}
    if args.postgres and not args.search_only:
        result["search_postgres"] = measure_postgres(args.postgres, args.runs)
        print(json.dumps(result["search_postgres"], indent=2))
    print(json.dumps({k: v for k, v in result["search"].items() if k != "per_query"}, indent=2))
    save(f"search-{args.papers}", result, args.results)


if __name__ == "__main__":
    main()
