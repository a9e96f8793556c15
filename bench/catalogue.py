"""bench/catalogue: import N arXiv-snapshot records (``demo.snapshot_generator``) with the search index
built, side by side in one run with two floors on the same file (stdlib sqlite3, one process, no upsert,
no checkpoints):

- the plain parse-and-insert loop: one bare table, no search index;
- the same loop that also fills a bare FTS5 index of the same columns with the same tokenizer, set-based
  per batch (the fastest way we know): what building this index costs at the least, in one writer.

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
from papertalk.demo.snapshot_generator import generate_snapshot_lines
from papertalk.storage.catalogue.search_bulk import FTS_HASH_BYTES

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


def plain_loop(path: Path, db: Path, with_fts: bool = False) -> float:
    """Parse each line and insert it into one bare table: the floor for Python + SQLite here. ``with_fts``:
    also index each batch of 20,000 rows in a bare FTS5 table (``paper_fts``'s columns and tokenizer, the
    same 64 MiB ``hashsize``) with one ``INSERT ... SELECT`` before its commit."""
    conn = sqlite3.connect(fresh(db))
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(
        "CREATE TABLE papers (id INTEGER PRIMARY KEY, arxiv_id TEXT UNIQUE, title TEXT, authors TEXT, "
        "abstract TEXT, categories TEXT, versions TEXT)"
    )
    if with_fts:
        conn.execute(
            "CREATE VIRTUAL TABLE fts USING fts5(title, authors, abstract, cats, content='papers', "
            "content_rowid='id', tokenize='unicode61 remove_diacritics 0')"
        )
        conn.execute("INSERT INTO fts (fts, rank) VALUES ('hashsize', ?)", (FTS_HASH_BYTES,))
    index = "INSERT INTO fts (rowid, title, authors, abstract, cats) SELECT id, title, authors, abstract, categories "
    insert = "INSERT INTO papers (arxiv_id, title, authors, abstract, categories, versions) VALUES (?, ?, ?, ?, ?, ?)"
    start = time.perf_counter()
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            d = orjson.loads(raw)
            row = (d["id"], d["title"], d["authors"], d["abstract"], d["categories"], orjson.dumps(d["versions"]))
            conn.execute(insert, row)
            if number % 20_000 == 0:
                if with_fts:
                    conn.execute(index + "FROM papers WHERE id > ?", (number - 20_000,))
                conn.commit()
        if with_fts:
            conn.execute(index + "FROM papers WHERE id > ?", (number - number % 20_000,))
        conn.commit()
    seconds = time.perf_counter() - start
    conn.close()
    return seconds


def run(papers: int, data: Path, postgres: str | None) -> dict[str, Any]:
    path = snapshot_file(data, papers)
    load_before = os.getloadavg()
    plain = plain_loop(path, data / f"plain-{papers}.sqlite3")
    plain_fts = plain_loop(path, data / f"plain-{papers}.sqlite3", with_fts=True)
    ours = papertalk_import(path, f"sqlite:///{fresh(data / f'search-{papers}.sqlite3')}")
    result: dict[str, Any] = {
        "papers": papers,
        "load_before": load_before,
        "plain_loop": {"seconds": plain, "records_per_s": papers / plain},
        "plain_loop_with_fts5": {"seconds": plain_fts, "records_per_s": papers / plain_fts},
        "papertalk_sqlite_with_index": {**ours, "records_per_s": papers / ours["seconds"]},
        "ratio_plain_vs_papertalk": ours["seconds"] / plain,
        "ratio_plain_vs_plain_with_fts5": plain_fts / plain,
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
