"""bench/ingest_budget: where the CPU of an import goes, per post, and what the same rows cost at the least.

The import runs on two cores: a second process parses and prepares each batch (``services.ingest.post_files.prepare``)
while the main process writes the previous one (``IngestStore.write_batch``). Its rate is bounded by the
slower side, and by the sum of both over two cores. This benchmark times each side alone on the file of
``bench.ingest`` (in one process, nothing overlapping), and two floors on the same data:

- prepare: parse, find papers, stage - what the second process does, then pickling the batch for the pipe;
- writer: the batches written into a fresh SQLite file, unpickling included, as the main process does;
- floor: the exact rows the import stored (posts, mentions, votes), inserted with one plain ``executemany``
  per table and batch into the same schema, with its indexes, no lookups or logic (foreign keys off: the
  rows are known good) - what storing these rows costs in SQLite at the least;
- deferred: the writer with the votes, rank tables and day counts left out and the secondary indexes of
  posts, mentions and votes dropped, then all of them built once at the end (votes by one GROUP BY over
  the mentions) - what a "bulk mode" that folds them once per import would save. An experiment only:
  it patches the loader in this process, nothing in papertalk offers it.

    python -m bench.ingest_budget [--posts 250000]
"""

from __future__ import annotations

import argparse
import pickle
import sqlite3
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any
from unittest import mock

from bench.catalogue import fresh
from bench.ingest import DATA, make_file
from bench.measure import save

NOW = 1_800_000_000
DEFERRED_INDEXES = ("ix_posts_created_at", "ix_mentions_paper_cover", "ix_votes_window", "ix_votes_account")


def prepared_batches(path: Path) -> tuple[list[bytes], dict[str, float]]:
    """Each batch prepared and pickled as the worker sends it; CPU seconds of both steps."""
    from papertalk.services.ingest.post_files import prepare
    from papertalk.services.line_files import read_chunks
    from papertalk.sources.neutral import MAX_LINE_BYTES

    with path.open("rb") as handle:
        chunks = list(read_chunks(handle, 1, 0, 20_000, MAX_LINE_BYTES))
    start = time.process_time()
    prepared = [prepare(chunk, NOW) for chunk in chunks]
    middle = time.process_time()
    pickled = [pickle.dumps(p) for p in prepared]
    return pickled, {"prepare_cpu_s": middle - start, "pickle_cpu_s": time.process_time() - middle}


def write_all(pickled: list[bytes], db: Path, deferred: bool) -> dict[str, float]:
    """Unpickle and write every batch, then refresh the rankings; CPU and wall seconds."""
    from papertalk.core.ranking import RankingSettings
    from papertalk.storage.engine import make_engine
    from papertalk.storage.ingest import batch_load
    from papertalk.storage.ingest.ingest_store import IngestStore
    from papertalk.storage.ranking import mention_days
    from papertalk.storage.schema import upgrade

    engine = make_engine(f"sqlite:///{fresh(db)}")
    upgrade(engine)
    store = IngestStore(engine, RankingSettings())
    ddl: dict[str, str] = {}
    patches = ExitStack()
    if deferred:
        with engine.begin() as conn:
            names = ", ".join(f"'{name}'" for name in DEFERRED_INDEXES)
            found = conn.exec_driver_sql(f"SELECT name, sql FROM sqlite_master WHERE name IN ({names})").all()
            ddl = {str(name): str(sql) for name, sql in found}
            for name in DEFERRED_INDEXES:
                conn.exec_driver_sql(f"DROP INDEX {name}")
        for target, attribute in ((batch_load.BatchLoader, "_upsert_votes"), (batch_load, "count_batch")):
            patches.enter_context(mock.patch.object(target, attribute, lambda *_args: None))
        patches.enter_context(mock.patch.object(store.loader.ranks, "advance", lambda *_args: None))
    try:
        wall, cpu = time.perf_counter(), time.process_time()
        unpickle = 0.0
        for raw in pickled:
            at = time.process_time()
            batch = pickle.loads(raw)
            unpickle += time.process_time() - at
            store.write_batch(batch.staged, None, NOW)
        batches_cpu = time.process_time() - cpu
        if deferred:
            with engine.begin() as conn:
                for name in DEFERRED_INDEXES:
                    conn.exec_driver_sql(ddl[name])
                conn.exec_driver_sql(
                    "INSERT INTO votes (paper_id, account_id, first_at, kinds) SELECT paper_id, account_id, "
                    "MIN(created_at), SUM(DISTINCT kind_bit) FROM mentions GROUP BY paper_id, account_id"
                )
                mention_days.rebuild(conn, store.sql)
                conn.exec_driver_sql("DELETE FROM window_state")  # rebuilt from the votes by the refresh
        store.refresh_rankings(NOW)
        return {
            "wall_s": time.perf_counter() - wall,
            "cpu_s": time.process_time() - cpu,
            "batches_cpu_s": batches_cpu,
            "unpickle_cpu_s": unpickle,
        }
    finally:
        patches.close()
        engine.dispose()


def table_counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        names = ("posts", "mentions", "votes", "paper_day_mentions", "window_scores")
        return {name: int(conn.execute(f"SELECT COUNT(*) FROM {name}").fetchone()[0]) for name in names}


def floor(stored: Path, db: Path) -> dict[str, float]:
    """The stored rows of ``stored`` inserted plainly into a fresh schema, 20,000 posts a transaction."""
    from papertalk.storage.engine import make_engine
    from papertalk.storage.schema import upgrade

    engine = make_engine(f"sqlite:///{fresh(db)}")
    upgrade(engine)
    engine.dispose()
    source = sqlite3.connect(stored)
    posts = source.execute("SELECT * FROM posts ORDER BY id").fetchall()
    mentions: dict[int, list[Any]] = {}
    for row in source.execute("SELECT * FROM mentions"):
        mentions.setdefault(row[0], []).append(row)
    votes = source.execute("SELECT * FROM votes ORDER BY first_at").fetchall()
    target = sqlite3.connect(db, isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=OFF", "cache_size=-131072"):
        target.execute(f"PRAGMA {pragma}")
    target.execute("BEGIN")
    target.executemany(
        "INSERT INTO papers (id, arxiv_id) SELECT ?, ?", source.execute("SELECT id, arxiv_id FROM papers")
    )
    target.executemany(
        "INSERT INTO accounts (id, platform, platform_id) VALUES (?, ?, ?)",
        source.execute("SELECT id, platform, platform_id FROM accounts"),
    )
    target.execute("COMMIT")
    columns = ", ".join("?" * len(posts[0]))
    wall, cpu = time.perf_counter(), time.process_time()
    voted = 0
    for at in range(0, len(posts), 20_000):
        chunk = posts[at : at + 20_000]
        rows = [m for post in chunk for m in mentions.get(post[0], ())]
        target.execute("BEGIN")
        target.executemany(f"INSERT INTO posts VALUES ({columns})", chunk)
        target.executemany("INSERT INTO mentions VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        target.executemany("INSERT INTO votes VALUES (?, ?, ?, ?)", votes[voted : voted + len(rows)])
        voted += len(rows)
        target.execute("COMMIT")
    return {"wall_s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu}


def run(posts: int, data: Path) -> dict[str, Any]:
    data.mkdir(parents=True, exist_ok=True)
    path = data / f"ingest-{posts}.jsonl"
    if not path.exists():
        make_file(path, posts)
    pickled, prepare_cpu = prepared_batches(path)
    writer = write_all(pickled, data / "budget-writer.sqlite3", deferred=False)
    counts = table_counts(data / "budget-writer.sqlite3")
    deferred = write_all(pickled, data / "budget-deferred.sqlite3", deferred=True)
    if table_counts(data / "budget-deferred.sqlite3") != counts:
        raise SystemExit("the deferred experiment stored other rows than the import: it measures nothing")
    plain = floor(data / "budget-writer.sqlite3", data / "budget-floor.sqlite3")
    for name in ("budget-writer", "budget-deferred", "budget-floor"):
        fresh(data / f"{name}.sqlite3")
    per_post = {
        "prepare": prepare_cpu["prepare_cpu_s"],
        "pickle": prepare_cpu["pickle_cpu_s"],
        "unpickle": writer["unpickle_cpu_s"],
        "writer_without_unpickle": writer["cpu_s"] - writer["unpickle_cpu_s"],
        "deferred_writer_without_unpickle": deferred["cpu_s"] - deferred["unpickle_cpu_s"],
        "floor_store": plain["cpu_s"],
    }
    return {
        "posts": posts,
        "rows": counts,
        "prepare": prepare_cpu,
        "writer": writer,
        "deferred": deferred,
        "floor": plain,
        "cpu_us_per_post": {name: round(seconds / posts * 1e6, 1) for name, seconds in per_post.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--posts", type=int, default=250_000)
    parser.add_argument("--data", type=Path, default=DATA, help="where generated data and databases go")
    parser.add_argument("--results", type=Path, default=None, help="where the JSON results go")
    args = parser.parse_args()
    result = run(args.posts, args.data)
    for name, value in result["cpu_us_per_post"].items():
        print(f"{name:34s} {value:6.1f} µs of CPU a post")
    print("results:", save(f"ingest-budget-{args.posts}", result, args.results))


if __name__ == "__main__":
    main()
