"""Reading an X data archive into ready-to-write batches: the CPU half of ``papertalk import --format
x-archive``, run in a worker process for big archives while the main process writes.

The archive's ``data/*.js`` files are read one at a time (from a zip, one member at a time);
``account.js`` names the author of every tweet, ``note-tweet.js`` restores long tweets. What comes out
is a stream of messages (plain, picklable tuples): a staged batch, reject lines, a file done, the
accounts of ``following.js``, or the one-line error that stops the archive.
"""

from __future__ import annotations

import multiprocessing
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path, PurePosixPath
from queue import Empty
from typing import Any

from papertalk.core.records import Post
from papertalk.fetching.payload import BadItem
from papertalk.services.ingest import citing
from papertalk.sources.x.archive import (
    NoteText,
    archive_owner,
    archive_tweets,
    followed_accounts,
    note_texts,
    read_archive_file,
)
from papertalk.storage.batch_load import StagedBatch, stage_batch

TWEET_TABLES = ("tweets", "tweet")
PARALLEL_FROM_BYTES = 4 * 1024 * 1024
IN_FLIGHT = 3  # batches the reader may be ahead of the writer: bounds memory
WORKER_POLL_SECONDS = 1.0  # how often a waiting writer checks that the reading process is still alive

# Messages: ("batch", StagedBatch, posts, items) | ("rejects", [line, ...]) | ("file", name, bytes)
#           | ("following", [(platform, id, handle), ...], [reject, ...]) | ("error", message)
Message = tuple[Any, ...]
Producer = Callable[[str, int, "multiprocessing.Queue[Message | None]"], None]  # runs in the worker


class DataFiles:
    """The ``data/*.js`` files of an archive directory or zip, read one at a time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip = zipfile.ZipFile(path) if path.is_file() else None
        if self.zip is not None:
            names = [n for n in self.zip.namelist() if n.endswith(".js")]
            self.names = {PurePosixPath(n).name: n for n in names if "/data/" in f"/{n}"}
        else:
            base = path / "data" if (path / "data").is_dir() else path
            self.names = {p.name: str(p) for p in base.glob("*.js")}

    def matching(self, tables: Iterable[str]) -> list[str]:
        """Files of these tables (``tweets.js``, ``tweets-part1.js``...), in part order."""
        wanted = tuple(tables)

        def table_and_part(name: str) -> tuple[str, int]:
            stem, _, part = name[:-3].partition("-part")
            return stem.replace("-", "_"), int(part) if part.isdigit() else 0

        return sorted((n for n in self.names if table_and_part(n)[0] in wanted), key=table_and_part)

    def read(self, name: str) -> bytes:
        if self.zip is not None:
            return self.zip.read(self.names[name])
        return Path(self.names[name]).read_bytes()

    def size(self, name: str) -> int:
        if self.zip is not None:
            return self.zip.getinfo(self.names[name]).file_size
        return Path(self.names[name]).stat().st_size

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()


def archive_messages(path: Path, batch_size: int) -> Iterator[Message]:
    """Everything an import of the archive at ``path`` has to write, batch by batch."""
    files = DataFiles(path)
    try:
        yield from _messages(files, batch_size)
    except BadItem as exc:
        yield ("error", str(exc))
    finally:
        files.close()


def _messages(files: DataFiles, batch_size: int) -> Iterator[Message]:
    accounts = files.matching(["account"])
    if not accounts:
        yield ("error", f"{files.path}: no data/account.js: cannot tell whose tweets these are")
        return
    owner = archive_owner(read_archive_file(files.read(accounts[0]), accounts[0]).entries)
    notes: dict[int, list[NoteText]] = {}
    for name in files.matching(["note_tweet"]):
        found, rejects = note_texts(read_archive_file(files.read(name), name).entries, name)
        notes.update(found)
        yield ("rejects", rejects)
    tweet_files = files.matching(TWEET_TABLES)
    if not tweet_files:
        yield ("error", f"{files.path}: no data/tweets.js (or tweet.js) in this archive")
        return
    for name in tweet_files:
        try:
            table = read_archive_file(files.read(name), name)
        except BadItem as exc:
            yield ("rejects", [str(exc)])
            continue
        yield from batches(archive_tweets(table.entries, owner, name, notes), batch_size)
        yield ("file", name, files.size(name))
    for name in files.matching(["following"]):
        authors, bad = followed_accounts(read_archive_file(files.read(name), name).entries)
        yield ("following", [(a.platform, a.platform_id, a.handle) for a in authors], [f"{name}:{b}" for b in bad])


def batches(parsed: Iterator[Post | str], batch_size: int) -> Iterator[Message]:
    """Posts staged in batches of ``batch_size``; reject lines as they come."""
    posts: list[Post] = []
    rejects: list[str] = []
    items = 0
    for item in parsed:
        items += 1
        if isinstance(item, str):
            rejects.append(item)
            continue
        posts.append(item)
        if len(posts) >= batch_size:
            yield ("rejects", rejects)
            yield ("batch", _staged(posts), len(posts), items)
            posts, rejects, items = [], [], 0
    yield ("rejects", rejects)
    if posts or items:
        yield ("batch", _staged(posts), len(posts), items)


def _staged(posts: list[Post]) -> StagedBatch:
    return stage_batch(c for post in posts for c in citing(post))


def archive_size(path: Path) -> int:
    files = DataFiles(path)
    try:
        return sum(files.size(n) for n in files.matching(TWEET_TABLES))
    finally:
        files.close()


def messages_in_worker(path: Path, batch_size: int, produce: Producer | None = None) -> Iterator[Message]:
    """``archive_messages`` produced in a second process, a few batches ahead of the caller."""
    # spawn, not fork: the parent holds database connections a forked child must not share.
    context = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue[Message | None] = context.Queue(maxsize=IN_FLIGHT * 3)
    worker = context.Process(target=produce or _produce, args=(str(path), batch_size, queue), daemon=True)
    worker.start()
    try:
        while True:
            try:
                message = queue.get(timeout=WORKER_POLL_SECONDS)
            except Empty:
                if worker.is_alive():
                    continue
                yield ("error", f"{path}: the reading process stopped (exit code {worker.exitcode})")
                return
            if message is None:
                return
            yield message
    finally:
        worker.join(timeout=5)
        if worker.is_alive():
            worker.terminate()


def _produce(path: str, batch_size: int, queue: multiprocessing.Queue[Message | None]) -> None:
    try:
        for message in archive_messages(Path(path), batch_size):
            queue.put(message)
    except Exception as exc:  # the main process reports it as the archive's error
        queue.put(("error", f"{path}: {type(exc).__name__}: {exc}"))
    queue.put(None)
