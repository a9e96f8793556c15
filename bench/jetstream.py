"""Jetstream replay: a recorded stream (default 1,000,000 events, ~1 % linking arXiv) read from a file
and from a local WebSocket server, through papertalk's filter (a pre-filter on the raw bytes, then JSON
only for what passes) and, side by side in the same run, through a plain parse-and-extract loop
(``orjson.loads`` of every event, then the links of every post). Then the kept posts are stored through
``services.capture.source_runs.run_source`` (pages committed with their cursor) and, for comparison, in one import
batch as the core's file import does.

The fetchers run with ``JetstreamFetcher``'s defaults (pages end at ``PAGE_EVENTS`` events, ``PAGE_POSTS``
kept posts or 1 s of reading), so the capture side of the store comparison uses as many pages as the real
fetcher cut from this stream in this run (``store.capture_pages``): the replay is a catch-up (its events
are days old), so its pages are not cut by time and end at ``PAGE_POSTS`` kept posts. For the record the
same posts are also stored at a live stream's cadence (a page per second of reading).

    .venv/bin/python -m bench.jetstream --events 1000000
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from bench.jetstream_stream import write_stream
from bench.measure import save
from papertalk.core.citing import citing
from papertalk.core.ranking import RankingSettings
from papertalk.fetching.pages import FetcherRegistry, SourceSpec
from papertalk.fetching.websocket import WebSocketReader
from papertalk.services.capture import sources
from papertalk.services.capture.source_runs import run_source
from papertalk.sources.bluesky.jetstream import JetstreamFetcher
from papertalk.sources.bluesky.jetstream_events import read_blob
from papertalk.storage.capture.source_rows import SourceProgress
from papertalk.storage.engine import make_engine
from papertalk.storage.ingest.batch_staging import stage_batch
from papertalk.storage.ingest.ingest_store import IngestStore
from papertalk.storage.schema import upgrade

DATA = Path(__file__).parent / "data"
BLOCK = 8 << 20  # bytes read from the file at a time
IDLE = 0.5  # the WebSocket readers stop after this quiet time, subtracted from their times
NOW = 1_796_100_000


def plain_links(event: dict[str, Any]) -> list[str] | None:
    """The baseline's extraction: links (facets + external embed) and text of a created post, else None."""
    if event.get("kind") != "commit":
        return None
    commit = event.get("commit") or {}
    if commit.get("collection") != "app.bsky.feed.post" or commit.get("operation") != "create":
        return None
    record = commit.get("record") or {}
    links = [f["uri"] for facet in record.get("facets") or () for f in facet.get("features") or () if "uri" in f]
    external = (record.get("embed") or {}).get("external")
    if external:
        links.append(external.get("uri", ""))
    links.append(record.get("text", ""))
    return links


def cites_arxiv(links_and_text: list[str]) -> bool:
    """The benchmark's own check (the real one is ``core.arxiv_ids``): an arxiv.org link or "arXiv:"."""
    return any("arxiv.org" in item or "arXiv:" in item for item in links_and_text)


def plain_loop(lines: Iterable[bytes]) -> tuple[int, int]:
    events = found = 0
    for line in lines:
        events += 1
        links = plain_links(orjson.loads(line))
        if links and cites_arxiv(links):
            found += 1
    return events, found


def ours(path: Path) -> tuple[int, int, list[Any]]:
    """papertalk's filter over the file: blocks of whole lines, searched in C (``read_blob``)."""
    events, posts = 0, []
    rest = b""
    with path.open("rb") as f:
        while block := f.read(BLOCK):
            block = rest + block
            cut = block.rfind(b"\n")
            if cut < 0:
                rest = block
                continue
            rest = block[cut + 1 :]
            batch = read_blob(block[:cut])
            events += batch.events
            posts.extend(batch.posts)
    if rest.strip():
        batch = read_blob(rest)
        events += batch.events
        posts.extend(batch.posts)
    return events, len(posts), posts


def file_lines(path: Path) -> Iterator[bytes]:
    with path.open("rb") as f:
        for line in f:
            yield line.rstrip(b"\n")


def start_server(path: Path, data: Path) -> tuple[subprocess.Popen[bytes], str]:
    """The fast local Jetstream (``bench.jetstream_server``) in its own process, replaying ``path``."""
    port_file = data / "jetstream.port"
    port_file.unlink(missing_ok=True)
    proc = subprocess.Popen([sys.executable, "-m", "bench.jetstream_server", str(path), str(port_file)])
    while not port_file.exists() or not port_file.read_text():
        time.sleep(0.05)
    return proc, f"ws://127.0.0.1:{port_file.read_text()}/subscribe"


def ws_plain(url: str) -> tuple[float, float, int, int]:
    """The plain loop over the same transport: every message parsed and its links extracted."""
    events = found = 0
    with WebSocketReader(url) as ws:
        start, cpu = time.perf_counter(), time.process_time()
        while True:
            try:
                messages = ws.read_messages(timeout=IDLE)
            except TimeoutError:
                break
            for message in messages:
                events += 1
                links = plain_links(orjson.loads(message))
                if links and cites_arxiv(links):
                    found += 1
    return time.perf_counter() - start - IDLE, time.process_time() - cpu, events, found


def ws_transport_only(url: str) -> dict[str, float]:
    """Messages/s of the transports alone (no parsing): our reader, and the ``websockets`` sync client
    (what the fetcher used before) reading one message per ``recv``."""
    rates = {}
    for name in ("ours", "websockets"):
        events = 0
        with WebSocketReader(url) if name == "ours" else connect(url, compression=None, max_size=2**22) as ws:
            start = time.perf_counter()
            while True:
                try:
                    if isinstance(ws, WebSocketReader):
                        events += len(ws.read_messages(timeout=IDLE))
                    else:
                        ws.recv(timeout=IDLE, decode=False)
                        events += 1
                except (TimeoutError, ConnectionClosed):  # the server may close once it has sent everything
                    break
            rates[f"{name}_messages_per_s"] = events / (time.perf_counter() - start - IDLE)  # not the close
    return rates


def ws_ours(url: str) -> tuple[float, float, int, int]:
    fetcher = JetstreamFetcher(url, None, idle_seconds=IDLE)
    spec = SourceSpec("bluesky:jetstream:arxiv", "bluesky", "jetstream", "arxiv")
    start, cpu = time.perf_counter(), time.process_time()
    kept = pages = 0
    for page in fetcher.pages(spec, None):
        kept += len(page.posts)
        pages += 1
    return time.perf_counter() - start - IDLE, time.process_time() - cpu, kept, pages


def ws_stored(url: str, db: Path) -> tuple[float, Any]:
    db.unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    row, _ = sources.add(engine, "bluesky", "jetstream", "arxiv", NOW)
    registry = FetcherRegistry()
    registry.add("bluesky", "jetstream", JetstreamFetcher(url, None, idle_seconds=IDLE))
    start = time.perf_counter()
    outcome = run_source(engine, registry, row, NOW)
    return time.perf_counter() - start - IDLE, outcome


def store_both(posts: list[Any], data: Path, pages: int, rounds: int = 5) -> tuple[list[float], list[float]]:
    """Seconds to store the kept posts as capture does (``pages`` equal pages, each with its cursor) and as
    the core's file import does (batches of 20,000), each into a fresh SQLite database; the two alternate
    ``rounds`` times so both see the same load."""
    times: dict[str, list[float]] = {"capture": [], "import": []}
    for _ in range(rounds):
        for name, size in (("capture", max(1, -(-len(posts) // pages))), ("import", 20_000)):
            db = data / f"jetstream-{name}.sqlite3"
            db.unlink(missing_ok=True)
            engine = make_engine(f"sqlite:///{db}")
            upgrade(engine)
            row, _ = sources.add(engine, "bluesky", "jetstream", "arxiv", NOW)
            store = IngestStore(engine, RankingSettings())
            start = time.perf_counter()
            for at in range(0, len(posts), size):
                progress = SourceProgress(row.id, str(at), size, "bluesky") if name == "capture" else None
                staged = stage_batch(c for p in posts[at : at + size] for c in citing(p))
                store.write_batch(staged, None, NOW, progress)
            times[name].append(time.perf_counter() - start)
            engine.dispose()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
    return times["capture"], times["import"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--arxiv-share", type=float, default=0.01)
    parser.add_argument("--results", type=Path, default=None, help="where the JSON results go")
    parser.add_argument("--data", type=Path, default=DATA, help="where the generated stream and databases go")
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    path = write_stream(args.data / f"jetstream-{args.events}.jsonl", args.events, args.arxiv_share)
    report: dict[str, Any] = {"events": args.events, "load_before": os.getloadavg()}

    start = time.perf_counter()
    events, found = plain_loop(file_lines(path))
    plain_s = time.perf_counter() - start
    start = time.perf_counter()
    events_ours, kept, posts = ours(path)
    ours_s = time.perf_counter() - start
    linking = sum(1 for p in posts if cites_arxiv([*p.links, p.text]))
    report["file"] = {
        "plain_events_per_s": events / plain_s,
        "ours_events_per_s": events_ours / ours_s,
        "speedup": plain_s / ours_s,
        "plain_found": found,
        "ours_kept_posts": kept,
        "ours_kept_linking_arxiv": linking,
    }
    print(f"file: plain {events / plain_s:,.0f} ev/s, ours {events_ours / ours_s:,.0f} ev/s ({plain_s / ours_s:.2f}x)")

    server, url = start_server(path, args.data)
    try:
        plain_ws_s, plain_cpu, ws_events, ws_found = ws_plain(url)
        ours_ws_s, ours_cpu, ws_kept, ws_pages = ws_ours(url)
        stored_s, outcome = ws_stored(url, args.data / "jetstream-capture.sqlite3")
        transport = ws_transport_only(url)
    finally:
        server.terminate()
        server.wait()
    report["websocket"] = {
        "plain_events_per_s": ws_events / plain_ws_s,
        "ours_events_per_s": args.events / ours_ws_s,
        "speedup": plain_ws_s / ours_ws_s,
        "plain_events_per_cpu_s": ws_events / plain_cpu,
        "ours_events_per_cpu_s": args.events / ours_cpu,
        "plain_found": ws_found,
        "ours_kept_posts": ws_kept,
        "ours_pages": ws_pages,
        "stored_end_to_end_events_per_s": args.events / stored_s,
        "stored_posts": outcome.posts_new,
        "stored_mentions": outcome.mentions,
        "stored_pages": outcome.pages,
        "transport_only": transport,
    }
    print(
        f"websocket: plain {ws_events / plain_ws_s:,.0f} ev/s, ours {args.events / ours_ws_s:,.0f} ev/s; "
        f"stored end to end {args.events / stored_s:,.0f} ev/s ({outcome.posts_new} posts, {outcome.pages} pages; "
        f"{ws_pages} pages when only read)"
    )
    print(
        f"websocket transport alone: ours {transport['ours_messages_per_s']:,.0f} msg/s, "
        f"websockets library {transport['websockets_messages_per_s']:,.0f} msg/s"
    )
    capture_s, import_s = store_both(posts, args.data, outcome.pages)
    capture_rate, import_rate = len(posts) / statistics.median(capture_s), len(posts) / statistics.median(import_s)
    # Each round's capture and import ran back to back: the median of their ratios is the least noisy figure.
    ratio = statistics.median(i / c for c, i in zip(capture_s, import_s, strict=True))
    report["store"] = {
        "posts": len(posts),
        "capture_pages": outcome.pages,
        "capture_posts_per_s": capture_rate,
        "import_posts_per_s": import_rate,
        "capture_over_import": ratio,
        "rounds_s": {"capture": capture_s, "import": import_s},
    }
    # For the record: the same posts stored at a live stream's cadence, a page per second of this replay's
    # reading (what the fetcher cut before catch-ups were exempt from the time limit).
    live_pages = max(1, math.ceil(ours_ws_s))
    live_capture_s, live_import_s = store_both(posts, args.data, live_pages, rounds=3)
    live_ratio = statistics.median(i / c for c, i in zip(live_capture_s, live_import_s, strict=True))
    report["store_at_live_cadence"] = {"pages": live_pages, "capture_over_import": live_ratio}
    print(
        f"websocket reader CPU: plain {ws_events / plain_cpu:,.0f} ev/cpu-s, "
        f"ours {args.events / ours_cpu:,.0f} ev/cpu-s"
    )
    print(
        f"store {len(posts)} posts (median of {len(capture_s)} alternating rounds): capture in {outcome.pages} "
        f"pages {capture_rate:,.0f} posts/s, import batches {import_rate:,.0f} posts/s "
        f"(capture/import {ratio:.2f}, median of the rounds' ratios); at a live cadence ({live_pages} pages, "
        f"one a second) {live_ratio:.2f}"
    )
    report["load_after"] = os.getloadavg()
    print(f"results: {save(f'jetstream-{args.events}', report, args.results)}")


if __name__ == "__main__":
    threading.current_thread().name = "bench"
    main()
