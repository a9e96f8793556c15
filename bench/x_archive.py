"""bench/x_archive: import an X data archive of 100,000 tweets (target: under 5 s), side by side with a
bare baseline run on the same archive in the same run:

- papertalk: the real CLI, ``papertalk import --format x-archive DIR --json``, into a fresh SQLite file
  (author from account.js, note tweets restored, links read, papers found, mentions/votes/rankings);
- bare: strip the ``window.YTD`` prefix, ``orjson.loads`` each tweets file and one ``executemany`` of
  (id, text, created_at) into one table with the stdlib sqlite3 driver - the floor for Python + SQLite;
- halves: reading/parsing/staging and writing through the core writer timed apart, in one process, so
  the writer's share of the import is known.

The archive is generated like a real one: pretty-printed, numbers as strings, ``RT @`` retweets,
replies, long tweets cut short in tweets.js with their full text in note-tweet.js, a few % linking arXiv
through t.co ``entities.urls[].expanded_url``, split into ``tweets.js`` and ``tweets-part1.js``.

    python -m bench.x_archive [--tweets 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from bench.measure import save, timed
from papertalk.core.ranking import RankingSettings
from papertalk.services.ingest.x_archive_reading import archive_messages
from papertalk.storage.engine import make_engine
from papertalk.storage.ingest.ingest_store import IngestStore
from papertalk.storage.schema import upgrade

DATA = Path(__file__).parent / "data"
SEED = 2026
START = 1_600_000_000
OWNER_ID = "1234567890"
BATCH = 20_000  # the CLI's default import batch
NOW = 1_796_100_000
WORDS = "the model data results paper we show new learning graph neural training scaling study".split()  # noqa: SIM905


def _tweet(rng: random.Random, n: int, when: int) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """One archive tweet (strings for numbers) and, for a long tweet, its note."""
    tweet_id = str(1_300_000_000_000_000_000 + n * 1000)
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 30)))
    urls: list[dict[str, Any]] = []
    roll = rng.random()
    if roll < 0.03:
        paper = f"{rng.randint(20, 25):02d}{rng.randint(1, 12):02d}.{rng.randint(1, 20000):05d}"
        short = f"https://t.co/{n:010x}"
        urls.append(
            {
                "url": short,
                "expanded_url": f"https://arxiv.org/abs/{paper}",
                "display_url": f"arxiv.org/abs/{paper}",
                "indices": ["0", "23"],
            }
        )
        words += f" {short}"
    elif roll < 0.10:
        short = f"https://t.co/{n:010x}"
        urls.append({"url": short, "expanded_url": f"https://example.com/post/{n}", "indices": ["0", "23"]})
        words += f" {short}"
    kind = rng.random()
    text = words
    reply: dict[str, Any] = {}
    if kind < 0.10:
        text = f"RT @user{rng.randint(1, 5000)}: {words}"
    elif kind < 0.25:
        reply = {
            "in_reply_to_status_id_str": str(1_300_000_000_000_000_000 + rng.randint(0, n + 1) * 1000),
            "in_reply_to_user_id_str": str(rng.randint(1, 10**9)),
            "in_reply_to_screen_name": f"user{rng.randint(1, 5000)}",
        }
    note = None
    created = datetime.fromtimestamp(when, UTC)
    if rng.random() < 0.02:
        full = text + " " + " ".join(rng.choice(WORDS) for _ in range(80))
        note = {
            "noteTweet": {
                "noteTweetId": str(n),
                "createdAt": created.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                "core": {"text": full, "urls": [], "mentions": [], "hashtags": [], "cashtags": []},
            }
        }
        text = full[:270] + "…"
    tweet = {
        "edit_info": {"initial": {"editTweetIds": [tweet_id], "editsRemaining": "5", "isEditEligible": False}},
        "retweeted": False,
        "source": '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
        "entities": {"hashtags": [], "symbols": [], "user_mentions": [], "urls": urls},
        "display_text_range": ["0", str(len(text))],
        "favorite_count": str(rng.randint(0, 50)),
        "id_str": tweet_id,
        "truncated": False,
        "retweet_count": str(rng.randint(0, 10)),
        "id": tweet_id,
        "created_at": created.strftime("%a %b %d %H:%M:%S +0000 %Y"),
        "favorited": False,
        "full_text": text,
        "lang": "en",
        **reply,
    }
    return {"tweet": tweet}, note


def _write_js(path: Path, table: str, part: int, entries: list[Any]) -> None:
    body = orjson.dumps(entries, option=orjson.OPT_INDENT_2)
    path.write_bytes(f"window.YTD.{table}.part{part} = ".encode() + body)


def make_archive(root: Path, count: int) -> dict[str, int]:
    rng = random.Random(SEED)
    data = root / "data"
    data.mkdir(parents=True, exist_ok=True)
    account = [{"account": {"accountId": OWNER_ID, "username": "bench_owner", "accountDisplayName": "Bench"}}]
    _write_js(data / "account.js", "account", 0, account)
    tweets, notes = [], []
    when = START
    for n in range(count):
        when += rng.randint(1, 600)
        tweet, note = _tweet(rng, n, when)
        tweets.append(tweet)
        if note is not None:
            notes.append(note)
    half = count // 2
    _write_js(data / "tweets.js", "tweets", 0, tweets[:half])
    _write_js(data / "tweets-part1.js", "tweets", 1, tweets[half:])
    _write_js(data / "note-tweet.js", "note_tweet", 0, notes)
    following = [{"following": {"accountId": str(10**6 + i)}} for i in range(500)]
    _write_js(data / "following.js", "following", 0, following)
    arxiv = sum(1 for t in tweets if "arxiv.org" in str(t["tweet"]["entities"]["urls"]))
    return {
        "tweets": count,
        "notes": len(notes),
        "arxiv_links": arxiv,
        "bytes": sum(f.stat().st_size for f in data.iterdir()),
    }


def bare_load(root: Path, db: Path) -> int:
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE posts (id TEXT PRIMARY KEY, text TEXT, created_at TEXT)")
    total = 0
    for name in ("tweets.js", "tweets-part1.js"):
        raw = (root / "data" / name).read_bytes()
        entries = orjson.loads(raw[raw.index(b"=") + 1 :])
        rows = [(e["tweet"]["id_str"], e["tweet"]["full_text"], e["tweet"]["created_at"]) for e in entries]
        conn.executemany("INSERT INTO posts VALUES (?, ?, ?)", rows)
        total += len(rows)
    conn.commit()
    conn.close()
    return total


def run_import(root: Path, db: Path) -> dict[str, Any]:
    args = [sys.executable, "-c", "from papertalk.cli.main import run; run()", "--database", f"sqlite:///{db}"]
    args += ["import", "--format", "x-archive", str(root), "--json"]
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(done.stderr[-3000:])
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def read_then_write(root: Path, db: Path) -> dict[str, float]:
    """The import's two halves measured apart, in this process: reading, parsing and staging every
    batch (``archive_messages``), then writing the staged batches through the core writer
    (``IngestStore.write_batch``) into a fresh SQLite file. Their sum is the work one process would do."""
    start, cpu = time.perf_counter(), time.process_time()
    messages = list(archive_messages(root, BATCH))
    read_s, read_cpu = time.perf_counter() - start, time.process_time() - cpu
    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    store = IngestStore(engine, RankingSettings())
    start, cpu = time.perf_counter(), time.process_time()
    for message in messages:
        if message[0] == "batch":
            store.write_batch(message[1], None, NOW)
    store.refresh_rankings(NOW)
    write_s, write_cpu = time.perf_counter() - start, time.process_time() - cpu
    engine.dispose()
    return {
        "read_parse_stage_seconds": round(read_s, 3),
        "read_parse_stage_cpu_seconds": round(read_cpu, 3),
        "write_seconds": round(write_s, 3),
        "write_cpu_seconds": round(write_cpu, 3),
    }


def _children_cpu() -> float:
    """CPU seconds (user + system) of finished child processes and their waited-for children: on a
    shared, loaded machine this is steadier than wall time."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tweets", type=int, default=100_000)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--results", type=Path, default=None)
    args = parser.parse_args()
    root = args.data / f"x-archive-{args.tweets}"
    shutil.rmtree(root, ignore_errors=True)
    archive = make_archive(root, args.tweets)
    for db in (root / "papertalk.sqlite3", root / "bare.sqlite3", root / "halves.sqlite3"):
        db.unlink(missing_ok=True)
    # The 100 MB just written are still being flushed to disk: without this, the run timed first (papertalk)
    # shares the disk with that write-back and the bare loop, timed after it, does not.
    os.sync()
    before = _children_cpu()
    import_s, summary = timed(lambda: run_import(root, root / "papertalk.sqlite3"))
    import_cpu = _children_cpu() - before
    start_cpu = time.process_time()
    bare_s, bare_rows = timed(lambda: bare_load(root, root / "bare.sqlite3"))
    bare_cpu = time.process_time() - start_cpu
    halves = read_then_write(root, root / "halves.sqlite3")
    report = {
        "archive": archive,
        "load_average": os.getloadavg(),
        "papertalk": {
            "seconds": round(import_s, 3),
            "cpu_seconds": round(import_cpu, 3),
            "tweets_per_s": round(args.tweets / import_s),
            "summary": summary,
        },
        "bare": {
            "seconds": round(bare_s, 3),
            "cpu_seconds": round(bare_cpu, 3),
            "tweets_per_s": round(bare_rows / bare_s),
            "rows": bare_rows,
        },
        "halves": halves,
        "measured_at": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    save(f"x-archive-{args.tweets}", report, args.results)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
