"""bench/catalogue: import N arXiv-snapshot records (``arxiv.snapshot_generator``) with the search index
built, side by side in one run with a plain parse-and-insert loop (stdlib sqlite3, one bare table, no
search index, no upsert, no checkpoints) on the same file.

    python -m bench.catalogue [--papers 1000000] [--postgres URL]

The import runs the real ``papertalk catalogue import`` in a child process; its peak memory is reported.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import orjson

from bench.measure import run_papertalk, save
from papertalk.arxiv.snapshot_generator import generate_snapshot_lines

DATA = Path(__file__).parent / "data"
SEED = 2026


def snapshot_file(folder: Path, papers: int) -> Path:
    """The generated snapshot of ``papers`` lines, made once and reused."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"snapshot-{papers}.jsonl"
    if not path.exists():
        partial = path.with_suffix(".part")
        with partial.open("wb") as out:
            for line in generate_snapshot_lines(SEED, papers):
                out.write(line.rstrip(b"\n") + b"\n")
        partial.rename(path)
    return path


def fresh(db: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    return db


def papertalk_import(path: Path, url: str) -> dict[str, Any]:
    """The real CLI in a child process: seconds, peak RSS (MiB) of it and its parser process, summary."""
    subprocess.run([str(Path(sys.executable).parent / "papertalk"), "--database", url, "db", "upgrade"], check=True)
    seconds, rss, summary = run_papertalk("--database", url, "catalogue", "import", str(path), "--json")
    return {"seconds": seconds, "peak_rss_mb": rss, "summary": summary}


def plain_loop(path: Path, db: Path) -> float:
    """Parse each line and insert it into one bare table: the floor for Python + SQLite here."""
    conn = sqlite3.connect(fresh(db))
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(
        "CREATE TABLE papers (id INTEGER PRIMARY KEY, arxiv_id TEXT UNIQUE, title TEXT, authors TEXT, "
        "abstract TEXT, categories TEXT, versions TEXT)"
    )
    insert = "INSERT INTO papers (arxiv_id, title, authors, abstract, categories, versions) VALUES (?, ?, ?, ?, ?, ?)"
    start = time.perf_counter()
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            d = orjson.loads(raw)
            row = (d["id"], d["title"], d["authors"], d["abstract"], d["categories"], orjson.dumps(d["versions"]))
            conn.execute(insert, row)
            if number % 20_000 == 0:
                conn.commit()
        conn.commit()
    seconds = time.perf_counter() - start
    conn.close()
    return seconds


def run(papers: int, data: Path, postgres: str | None) -> dict[str, Any]:
    path = snapshot_file(data, papers)
    load_before = os.getloadavg()
    plain = plain_loop(path, data / f"plain-{papers}.sqlite3")
    ours = papertalk_import(path, f"sqlite:///{fresh(data / f'search-{papers}.sqlite3')}")
    result: dict[str, Any] = {
        "papers": papers,
        "load_before": load_before,
        "plain_loop": {"seconds": plain, "records_per_s": papers / plain},
        "papertalk_sqlite_with_index": {**ours, "records_per_s": papers / ours["seconds"]},
        "ratio_plain_vs_papertalk": ours["seconds"] / plain,
    }
    if postgres:
        pg = papertalk_import(path, postgres)
        result["papertalk_postgres_with_index"] = {**pg, "records_per_s": papers / pg["seconds"]}
    result["load_after"] = os.getloadavg()
    (data / f"plain-{papers}.sqlite3").unlink(missing_ok=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--papers", type=int, default=1_000_000)
    parser.add_argument("--postgres", default=os.environ.get("PAPERTALK_BENCH_POSTGRES_URL"), help="also import here")
    parser.add_argument("--data", type=Path, default=DATA, help="where generated data and databases go")
    parser.add_argument("--results", type=Path, default=None, help="where the JSON results go")
    args = parser.parse_args()
    result = run(args.papers, args.data, args.postgres)
    print(json.dumps(result, indent=2))
    save(f"catalogue-{args.papers}", result, args.results)


if __name__ == "__main__":
    main()
