"""Sharing the schedule: how long N real ``papertalk worker --no-live`` processes take to drain a backlog
of due RSS sources served by a local server that answers each feed slowly, and how many runs each did.

Each case starts the workers on a fresh database, waits until every one of them has started, then makes
all the sources due at once and times until every source has run. Side by side in one run: 1 worker,
3 workers with the default claim batch, and 3 workers claiming everything at once (a claim batch larger
than the backlog: what the worker did before claims were bounded). Politeness spacing is turned off
(``PAPERTALK_FETCH_MIN_INTERVAL=0``) so the server's delay is the cost of a run.

    .venv/bin/python -m bench.worker_share --sources 200 --delay 0.25 [--postgres URL]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from bench.measure import save
from papertalk.config import DEFAULT_WORKER_CLAIM_BATCH
from papertalk.storage.capture.source_rows import NewSource, add_sources
from papertalk.storage.engine import make_engine
from papertalk.storage.schema import upgrade

PAPERTALK = str(Path(sys.executable).parent / "papertalk")
WHOLE_BACKLOG = 1_000_000  # a claim batch no backlog reaches: one claim takes every due source


def feed(number: int) -> bytes:
    """An Atom feed of one entry citing one arXiv paper, different for each feed."""
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Lab {number}</title><id>urn:lab:{number}</id><updated>2026-11-19T10:00:00Z</updated>"
        f"<entry><title>Paper {number}</title><id>urn:lab:{number}:1</id><updated>2026-11-19T10:00:00Z</updated>"
        f'<link href="https://arxiv.org/abs/2411.{number:05d}"/></entry></feed>'
    ).encode()


@contextmanager
def slow_feeds(delay: float) -> Iterator[str]:
    """A local server answering ``/feed/N.xml`` with feed N after ``delay`` seconds; yields its base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            time.sleep(delay)
            body = feed(int(self.path.rsplit("/", 1)[-1].split(".")[0]))
            self.send_response(200)
            self.send_header("Content-Type", "application/atom+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


@dataclass(frozen=True)
class Drain:
    seconds: float  # from the sources falling due to the last one having run
    runs_per_worker: list[int]  # ``event=source_run`` lines in each worker's log
    runs_per_source: Counter[str]


def drain(db_url: str, base_url: str, workers: int, sources: int, claim_batch: int, log_dir: Path) -> Drain:
    """Start ``workers`` worker processes on a migrated, empty database, make ``sources`` feeds of
    ``base_url`` due, wait until each has run once, stop the workers and read their logs."""
    engine = make_engine(db_url)
    env = {
        **os.environ,
        "PAPERTALK_DATABASE_URL": db_url,
        "PAPERTALK_WORKER_CLAIM_BATCH": str(claim_batch),
        "PAPERTALK_FETCH_MIN_INTERVAL": "0",
    }
    logs = [log_dir / f"worker-{n}.log" for n in range(workers)]
    command = [PAPERTALK, "worker", "--no-live", "--no-enrich", "--tick", "0.1"]
    procs = []
    try:
        for path in logs:
            with path.open("wb") as log:
                procs.append(subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log))
        _wait_for(lambda: all("event=worker_start" in p.read_text() for p in logs), 120, "the workers to start")
        now = int(time.time())
        wanted = [
            NewSource(f"rss:feed:{base_url}/feed/{n}.xml", "rss", "feed", f"{base_url}/feed/{n}.xml", 3600)
            for n in range(sources)
        ]
        start = time.perf_counter()
        add_sources(engine, wanted, now)
        _wait_for(lambda: _sources_run(engine) == sources, 600, f"{sources} sources to run")
        seconds = time.perf_counter() - start
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            proc.wait(timeout=60)
        engine.dispose()
    runs = [[line for line in p.read_text().splitlines() if "event=source_run" in line] for p in logs]
    per_source = Counter(line.split("source=", 1)[1].split(" ", 1)[0] for lines in runs for line in lines)
    return Drain(seconds, [len(lines) for lines in runs], per_source)


def _sources_run(engine: Any) -> int:
    with engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT COUNT(*) FROM sources WHERE last_run_at IS NOT NULL").scalar_one())


def _wait_for(done: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting {seconds:g} s for {what}")
        time.sleep(0.05)


@contextmanager
def fresh_database(backend: str, postgres_url: str | None, folder: Path) -> Iterator[str]:
    """A migrated, empty database: a SQLite file in ``folder``, or a new schema on the PostgreSQL server."""
    if backend == "sqlite":
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
        upgrade(make_engine(url))
        yield url
        return
    assert postgres_url
    schema = f"bench_share_{os.getpid()}_{int(time.time())}"
    admin = make_engine(postgres_url)
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    url = f"{postgres_url}{'&' if '?' in postgres_url else '?'}options=-csearch_path%3D{schema}"
    upgrade(make_engine(url))
    try:
        yield url
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=int, default=200)
    parser.add_argument("--delay", type=float, default=0.25, help="seconds the server takes to answer each feed")
    parser.add_argument("--postgres", help="also run on this PostgreSQL server (a SQLAlchemy URL)")
    parser.add_argument("--out", type=Path, default=None, help="folder for the JSON result")
    args = parser.parse_args()
    cases = [
        ("1 worker", 1, DEFAULT_WORKER_CLAIM_BATCH),
        (f"3 workers, claiming {DEFAULT_WORKER_CLAIM_BATCH} at a time", 3, DEFAULT_WORKER_CLAIM_BATCH),
        ("3 workers, one claim takes every due source (before)", 3, WHOLE_BACKLOG),
    ]
    backends = ["sqlite"] + (["postgres"] if args.postgres else [])
    result: dict[str, Any] = {"sources": args.sources, "delay_s": args.delay, "runs": []}
    with slow_feeds(args.delay) as base_url:
        for backend in backends:
            for label, workers, batch in cases:
                with tempfile.TemporaryDirectory() as tmp, fresh_database(backend, args.postgres, Path(tmp)) as url:
                    done = drain(url, base_url, workers, args.sources, batch, Path(tmp))
                assert sum(done.runs_per_source.values()) == args.sources == len(done.runs_per_source)
                row = {
                    "backend": backend,
                    "case": label,
                    "seconds": round(done.seconds, 2),
                    "runs": done.runs_per_worker,
                }
                result["runs"].append(row)
                print(
                    f"{backend:8} {label:55} {done.seconds:7.2f} s  runs per worker {done.runs_per_worker}", flush=True
                )
    print(save(f"worker-share-{args.sources}", result, args.out))


if __name__ == "__main__":
    main()
