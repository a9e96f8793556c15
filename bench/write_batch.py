"""The cost of one ``IngestStore.write_batch`` by batch size: the per-batch fixed cost that decides how
fast small capture pages store (each page commits with its source's cursor).

The posts are the ones the Jetstream replay keeps (``bench.jetstream``'s stream, ~1 % linking arXiv),
filtered once and saved (``Post`` records), staged per batch before the clock starts. For each batch
size, all of them are written into a fresh SQLite file in batches of that size, each with a
``SourceProgress`` as capture does; the time per batch (wall and CPU) and posts/s are reported.
``--old DIR`` runs the same measurement, alternately in child processes, against another checkout's
``papertalk`` package (e.g. ``git archive main papertalk | tar -x -C DIR``), so old and new are compared
under the same load. ``--statements`` times each SQL statement.

    .venv/bin/python -m bench.write_batch --sizes 20,100,500,11300 --old /tmp/papertalk-main
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"
EVENTS = 1_000_000
NOW = 1_796_100_000


def staged_posts(data: Path, events: int) -> Path:
    """The kept posts of the replay stream, staged as one batch of plain tuples (made once, then reused)."""
    out = data / f"write-batch-{events}.pickle"
    if out.exists():
        return out
    from bench.jetstream import ours
    from bench.jetstream_stream import write_stream

    _events, _kept, posts = ours(write_stream(data / f"jetstream-{events}.jsonl", events))
    out.write_bytes(pickle.dumps(posts))
    return out


def measure(staged: Path, size: int, db: Path, statements: bool, limit: int | None = None) -> dict[str, Any]:
    """Write every staged post in batches of ``size`` into a fresh database; time each ``write_batch``."""
    from papertalk.core.citing import citing
    from papertalk.core.ranking import RankingSettings
    from papertalk.services.capture import sources
    from papertalk.storage.capture.source_rows import SourceProgress
    from papertalk.storage.engine import make_engine
    from papertalk.storage.ingest.batch_staging import stage_batch
    from papertalk.storage.ingest.ingest_store import IngestStore
    from papertalk.storage.schema import upgrade

    posts = pickle.loads(staged.read_bytes())[:limit]
    batches = [stage_batch(c for p in posts[at : at + size] for c in citing(p)) for at in range(0, len(posts), size)]
    db.unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    row, _ = sources.add(engine, "bluesky", "jetstream", "arxiv", NOW)
    store = IngestStore(engine, RankingSettings())
    timings = _statement_timer(store) if statements else None
    walls, cpus = [], []
    for n, batch in enumerate(batches):
        progress = SourceProgress(row.id, str(n), len(batch.posts), "bluesky")
        start, cpu = time.perf_counter(), time.process_time()
        store.write_batch(batch, None, NOW, progress)
        cpus.append(time.process_time() - cpu)
        walls.append(time.perf_counter() - start)
    engine.dispose()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    posts_total = sum(len(b.posts) for b in batches)
    result: dict[str, Any] = {
        "size": size,
        "batches": len(batches),
        "posts": posts_total,
        "wall_ms_per_batch": 1000 * sum(walls) / len(walls),
        "median_wall_ms": 1000 * statistics.median(walls),
        "cpu_ms_per_batch": 1000 * sum(cpus) / len(cpus),
        "median_cpu_ms": 1000 * statistics.median(cpus),
        "posts_per_s": posts_total / sum(walls),
    }
    if timings is not None:
        result["statements"] = {
            sql: (count / len(batches), 1000 * seconds / len(batches))
            for sql, (count, seconds) in sorted(timings.items(), key=lambda kv: -kv[1][1])
        }
    return result


def _statement_timer(store: Any) -> dict[str, list[float]]:
    """Wrap the store's ``BulkSql`` methods (and the module-level ones) to add up time per statement."""
    from papertalk.storage import dialect_sql

    timings: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])

    def wrap(name: str) -> None:
        original = getattr(dialect_sql.BulkSql, name)

        def timed(self: Any, conn: Any, sql: str, *args: Any) -> Any:
            start = time.perf_counter()
            try:
                return original(self, conn, sql, *args)
            finally:
                entry = timings[f"{name}: {sql[:110]}"]
                entry[0] += 1
                entry[1] += time.perf_counter() - start

        setattr(dialect_sql.BulkSql, name, timed)

    for name in ("execute", "all", "many", "copy_rows"):
        wrap(name)
    return timings


def child(old: str | None, staged: str, size: int, db: str, statements: bool, limit: int | None) -> None:
    if old:
        sys.path.insert(0, old)
    print(json.dumps(measure(Path(staged), size, Path(db), statements, limit)))


def run_child(
    old: str | None, staged: Path, size: int, db: Path, statements: bool, limit: int | None
) -> dict[str, Any]:
    code = (
        "from bench.write_batch import child; "
        f"child({old!r}, {str(staged)!r}, {size}, {str(db)!r}, {statements}, {limit})"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="20,100,500,11300")
    parser.add_argument("--events", type=int, default=EVENTS)
    parser.add_argument("--old", default=None, help="a folder holding another version's papertalk package")
    parser.add_argument("--rounds", type=int, default=1, help="alternations of old and new per size")
    parser.add_argument("--statements", action="store_true", help="time each SQL statement")
    parser.add_argument("--posts", type=int, default=None, help="store only the first N kept posts")
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    staged = staged_posts(args.data, args.events)
    print(f"load before {os.getloadavg()}")
    versions = [("old", args.old), ("new", None)] if args.old else [("new", None)]
    for size in (int(s) for s in args.sizes.split(",")):
        for _ in range(args.rounds):
            for name, old in versions:
                r = run_child(old, staged, size, args.data / "write-batch.sqlite3", args.statements, args.posts)
                print(
                    f"{name} size {size:>6}: {r['batches']:>5} batches, {r['wall_ms_per_batch']:8.2f} ms/batch wall "
                    f"(median {r['median_wall_ms']:.2f}), {r['cpu_ms_per_batch']:8.2f} ms CPU "
                    f"(median {r['median_cpu_ms']:.2f}), "
                    f"{r['posts_per_s']:,.0f} posts/s"
                )
                for sql, (count, ms) in list(r.get("statements", {}).items())[:25]:
                    print(f"    {ms:7.3f} ms x{count:5.2f}  {sql}")
    print(f"load after {os.getloadavg()}")


if __name__ == "__main__":
    main()
