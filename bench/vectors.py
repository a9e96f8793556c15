"""bench/vectors: the exact scan over stored semantic vectors at N papers, on SQLite and PostgreSQL.

A fresh migrated database gets N papers (ids only) and N random unit vectors of ``--dim`` dimensions stored as
``papertalk embed`` stores them (float16 bytes in ``paper_vectors``; random because the scan's cost does
not depend on what the vectors say). Then, in the same run:

- papertalk: the vectors read once into one float32 matrix kept in memory (``vector_index``), and per
  query the version-token check (one small read) plus the product with one vector and the top 20;
- the baseline: reading every vector from the database on each query, then the same product.

    python -m bench.vectors [--papers 100000] [--queries 50] [--dim 256] [--postgres URL]
"""

from __future__ import annotations

import argparse
import random
from typing import Any

import numpy as np
import orjson

from bench.catalogue import DATA, fresh
from bench.measure import latency_stats, save, timed
from papertalk.services.discover import vector_index
from papertalk.storage.dialect_sql import for_connection
from papertalk.storage.discover.vector_rows import set_token, store_vectors
from papertalk.storage.engine import Engine, make_engine
from papertalk.storage.schema import upgrade

WRITE_BATCH = 10_000


def fill(engine: Engine, papers: int, dim: int) -> float:
    """N papers and their random vectors; returns the seconds it took."""
    rng = np.random.default_rng(19)

    def run() -> None:
        for start in range(1, papers + 1, WRITE_BATCH):
            ids = range(start, min(start + WRITE_BATCH, papers + 1))
            block = rng.standard_normal((len(ids), dim)).astype(np.float32)
            block /= np.linalg.norm(block, axis=1, keepdims=True)
            with engine.begin() as conn:
                sql = for_connection(conn)
                sql.many(conn, "INSERT INTO papers (id, arxiv_id) VALUES (?, ?)", [(i, f"b{i}") for i in ids])
                rows = [(i, v, "-") for i, v in zip(ids, vector_index.to_bytes(block), strict=True)]
                store_vectors(conn, f"bench:random:{dim}", dim, rows, len(rows), 0)

    return timed(run)[0]


def reread_each_query(engine: Engine, model: str, position: int) -> list[tuple[int, float]]:
    """The baseline: every vector read from the database for this one query."""
    with engine.connect() as conn:
        token = set_token(conn, model)
        assert token is not None
        index = vector_index.read_index(conn, model, token[0])
    return index.neighbours(position, 20)


def measure(name: str, url: str, papers: int, queries: int, dim: int) -> dict[str, Any]:
    engine = make_engine(url)
    upgrade(engine)
    model = f"bench:random:{dim}"
    fill_s = fill(engine, papers, dim)
    load_s, index = timed(lambda: vector_index.current_index(engine, model))
    assert index is not None and len(index.rows) == papers
    positions = random.Random(5).sample(range(papers), queries)
    cycle = iter(positions * 1000)

    def query() -> list[tuple[int, float]]:
        found = vector_index.current_index(engine, model)  # the version check, as every request does
        assert found is index
        return found.neighbours(next(cycle), 20)

    report = {
        "backend": name,
        "papers": papers,
        "dim": dim,
        "fill_s": round(fill_s, 1),
        "first_load_s": round(load_s, 2),
        "matrix_mb": round(index.matrix.nbytes / 2**20, 1),
        "papertalk_in_memory": latency_stats(query, queries),
        "scan_only": latency_stats(lambda: index.neighbours(next(cycle), 20), queries),
        "baseline_reread_each_query": latency_stats(lambda: reread_each_query(engine, model, next(cycle)), 3, 1),
    }
    print(report, flush=True)
    engine.dispose()
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--dim", type=int, default=256, choices=[64, 128, 256], help="PAPERTALK_EMBEDDER_DIM")
    parser.add_argument("--postgres", default=None, help="also on this PostgreSQL (an EMPTY database or schema)")
    parser.add_argument("--results", default=None)
    args = parser.parse_args()
    db = fresh(DATA / f"vectors-{args.papers}.sqlite3")
    DATA.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {"sqlite": measure("sqlite", f"sqlite:///{db}", args.papers, args.queries, args.dim)}
    fresh(db)
    if args.postgres:
        result["postgres"] = measure("postgres", args.postgres, args.papers, args.queries, args.dim)
    print(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode())
    save(f"vectors-{args.papers}-{args.dim}", result, args.results)


if __name__ == "__main__":
    main()
