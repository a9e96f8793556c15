"""Reading an X data archive into ready-to-write batches: the CPU half of ``papertalk import --format
x-archive``, run in worker processes for big archives (one per tweets file, ``messages_in_workers``)
while the main process writes.

The archive's ``data/*.js`` files are read one at a time (from a zip, one member at a time);
``account.js`` names the author of every tweet, ``note-tweet.js`` restores long tweets. What comes out
is a stream of messages (plain, picklable tuples): a staged batch, reject lines, a file done, the
accounts of ``following.js``, or the one-line error that stops the archive.
"""

from __future__ import annotations

import multiprocessing
import os
import zipfile
import zlib
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from functools import partial
from pathlib import Path, PurePosixPath
from queue import Empty, Full
from typing import Any

from papertalk.core.arxiv_ids import may_cite_arxiv
from papertalk.core.citing import citing
from papertalk.core.records import Author, CitingPost, Post
from papertalk.fetching.payload import BadItem
from papertalk.services.bulk_gc import collect_rarely
from papertalk.services.lean_spawn import lean_spawn, leave_with_parent
from papertalk.sources.x.archive import (
    NoteText,
    archive_owner,
    followed_accounts,
    note_texts,
    read_archive_file,
)
from papertalk.sources.x.archive_fast import read_archive_tweets
from papertalk.storage.ingest.batch_staging import StagedBatch, stage_batch

TWEET_TABLES = ("tweets", "tweet")
PARALLEL_FROM_BYTES = 4 * 1024 * 1024
MAX_MEMBER_BYTES = 512 * 1024 * 1024  # one data/*.js file; X splits big archives into tweets-partN.js
IN_FLIGHT = 3  # batches the reader may be ahead of the writer: bounds memory
READERS = max(1, min(4, os.cpu_count() or 1))  # tweets files read at once, each in its own process
WORKER_POLL_SECONDS = 1.0  # how often a waiting writer checks that the reading process is still alive

# Messages: ("batch", StagedBatch, posts, items) | ("rejects", [line, ...]) | ("file", name, bytes)
#           | ("following", [(platform, id, handle), ...], [reject, ...]) | ("error", message)
Message = tuple[Any, ...]
Preamble = tuple[Author, dict[int, list[NoteText]], list[str]]  # owner, notes, tweets files
Producer = Callable[[str, int, "multiprocessing.Queue[Message | None]"], None]  # runs in the worker


class ArchiveError(ValueError):
    """An archive that cannot be read at all (not a zip, a damaged member, no tweets file, no account)."""


# What zipfile raises for a damaged or unusual archive: bad headers or CRC, a cut-off member, a
# compression method it lacks, an encrypted member.
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError)


class DataFiles:
    """The ``data/*.js`` files of an archive directory or zip, read one at a time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.zip = zipfile.ZipFile(path) if path.is_file() else None
        except _ZIP_ERRORS as exc:
            raise ArchiveError(
                f"{path}: not a readable zip file ({exc}); an X archive is the .zip X sends, or its unpacked folder"
            ) from None
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
        """The whole file, refused past ``MAX_MEMBER_BYTES`` before any of it is read (a zip of a few MB
        can hold GBs of zeros: its declared size is checked, then no more than that is read)."""
        size = self.size(name)
        if size > MAX_MEMBER_BYTES:
            raise ArchiveError(
                f"{self.path}: {name} is {size:,} bytes, over the {MAX_MEMBER_BYTES:,}-byte limit for one archive file"
            )
        if self.zip is not None:
            try:
                with self.zip.open(self.names[name]) as member:
                    return member.read(MAX_MEMBER_BYTES + 1)
            except _ZIP_ERRORS as exc:
                raise ArchiveError(f"{self.path}: {name} is damaged in the zip ({type(exc).__name__}: {exc})") from None
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
    except (BadItem, ArchiveError) as exc:
        yield ("error", str(exc))
    finally:
        files.close()


def _messages(files: DataFiles, batch_size: int) -> Iterator[Message]:
    start = yield from _preamble(files, report=True)
    if start is None:
        return
    owner, notes, tweet_files = start
    for name in tweet_files:
        yield from _part(files, name, owner, notes, batch_size)
    yield from _following(files)


def _preamble(files: DataFiles, report: bool) -> Generator[Message, None, Preamble | None]:
    """Read the owner and the note tweets (their rejects only if ``report``); None after an error message."""
    accounts = files.matching(["account"])
    if not accounts:
        yield ("error", f"{files.path}: no data/account.js: cannot tell whose tweets these are")
        return None
    owner = archive_owner(read_archive_file(files.read(accounts[0]), accounts[0]).entries)
    notes: dict[int, list[NoteText]] = {}
    for name in files.matching(["note_tweet"]):
        found, rejects = note_texts(read_archive_file(files.read(name), name).entries, name)
        notes.update(found)
        if report:
            yield ("rejects", rejects)
    tweet_files = files.matching(TWEET_TABLES)
    if not tweet_files:
        yield ("error", f"{files.path}: no data/tweets.js (or tweet.js) in this archive")
        return None
    return owner, notes, tweet_files


def _part(files: DataFiles, name: str, owner: Author, notes: dict[int, list[NoteText]], size: int) -> Iterator[Message]:
    """The batches of one tweets file, then its "file" message."""
    try:
        tweets = read_archive_tweets(files.read(name), name, owner, notes)
    except (BadItem, ArchiveError) as exc:  # this file is lost; the archive's other files are still read
        yield ("rejects", [str(exc)])
        return
    yield from batches(tweets, size)
    yield ("file", name, files.size(name))


def _following(files: DataFiles) -> Iterator[Message]:
    for name in files.matching(["following"]):
        authors, bad = followed_accounts(read_archive_file(files.read(name), name).entries)
        yield ("following", [(a.platform, a.platform_id, a.handle) for a in authors], [f"{name}:{b}" for b in bad])


def part_messages(path: Path, batch_size: int, name: str, first: bool) -> Iterator[Message]:
    """What one tweets file of the archive gives (``first``: also the note tweets' rejects)."""
    files = DataFiles(path)
    try:
        start = yield from _preamble(files, report=first)
        if start is not None:
            yield from _part(files, name, start[0], start[1], batch_size)
    except (BadItem, ArchiveError) as exc:
        yield ("error", str(exc))
    finally:
        files.close()


def following_messages(path: Path) -> Iterator[Message]:
    files = DataFiles(path)
    try:
        yield from _following(files)
    except (BadItem, ArchiveError) as exc:
        yield ("error", str(exc))
    finally:
        files.close()


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
    return stage_batch(c for post in posts for c in _citing(post))


def _citing(post: Post) -> Iterable[CitingPost]:
    """``ingest.citing``, without running the finder over a post whose text and links cannot cite a
    paper (``may_cite_arxiv`` never says no to one that does): most tweets, at ~1 µs instead of ~10."""
    embeds_original = post.original is not None and post.original.post is not None
    if not embeds_original and not may_cite_arxiv("\n".join((post.text, *post.links)).encode()):
        return (CitingPost(post),)
    return citing(post)


def archive_size(path: Path) -> int:
    files = DataFiles(path)
    try:
        return sum(files.size(n) for n in files.matching(TWEET_TABLES))
    finally:
        files.close()


def messages_in_worker(path: Path, batch_size: int, produce: Producer | None = None) -> Iterator[Message]:
    """``archive_messages`` produced in a second process, a few batches ahead of the caller."""
    return ReadingProcess(path, batch_size, produce or _produce).messages()


def messages_in_workers(path: Path, batch_size: int, readers: int = READERS) -> Iterator[Message]:
    """Like ``messages_in_worker``, with one process per tweets file (``tweets.js``, ``tweets-part1.js``...),
    up to ``readers`` at a time: the next files are read and parsed while the first is being written.
    Messages come out in the same order as from one process (file by file, then ``following.js``)."""
    return ArchiveReaders(path, batch_size, readers).messages()


class ArchiveReaders:
    """The reading processes of one archive (see ``messages_in_workers``), started when this is made: a
    caller can start them first and open its database while they read (``start_reading``)."""

    def __init__(self, path: Path, batch_size: int, readers: int = READERS) -> None:
        files = DataFiles(path)
        try:
            names = files.matching(TWEET_TABLES)
        finally:
            files.close()
        self.path, self.batch_size, self.readers = path, batch_size, readers
        self.waiting = deque(enumerate(names)) if len(names) >= 2 else deque()
        self.running: deque[ReadingProcess] = deque()
        self.single = ReadingProcess(path, batch_size, _produce) if len(names) < 2 else None
        self._start_more()

    def _start_more(self) -> None:
        while self.waiting and len(self.running) < self.readers:
            index, name = self.waiting.popleft()
            produce = partial(_produce_part, name=name, first=index == 0)
            self.running.append(ReadingProcess(self.path, self.batch_size, produce))

    def messages(self) -> Iterator[Message]:
        if self.single is not None:
            yield from self.single.messages()
            return
        try:
            while self.running:
                for message in self.running[0].messages():
                    yield message
                    if message[0] == "error":  # the archive's one error: nothing after it counts
                        return
                self.running.popleft()
                self._start_more()
            yield from following_messages(self.path)
        finally:
            self.stop()

    def stop(self) -> None:
        """End the reading processes still running (an error, or the caller gave up before reading)."""
        for process in [*self.running, *([self.single] if self.single is not None else [])]:
            if process.worker.is_alive():
                process.worker.terminate()
            process.worker.join()
        self.running.clear()
        self.waiting.clear()


def start_reading(path: Path, batch_size: int, parallel: bool | None = None) -> Iterator[Message]:
    """The messages of the archive at ``path``, its reading already under way in other processes when
    ``parallel`` (by default: when the archive is large enough to pay for them, ``PARALLEL_FROM_BYTES``),
    else read here as they are asked."""
    if parallel if parallel is not None else archive_size(path) > PARALLEL_FROM_BYTES:
        return ArchiveReaders(path, batch_size).messages()
    return archive_messages(path, batch_size)


class ReadingProcess:
    """A producer of messages started at once in its own process, relayed through a bounded queue."""

    def __init__(self, path: Path, batch_size: int, produce: Producer) -> None:
        context = lean_spawn()  # spawn, without re-running the main script
        self.path = path
        self.queue: multiprocessing.Queue[Message | None] = context.Queue(maxsize=IN_FLIGHT * 3)
        self.worker = context.Process(target=produce, args=(str(path), batch_size, self.queue), daemon=True)
        self.worker.start()

    def messages(self) -> Iterator[Message]:
        try:
            while True:
                try:
                    message = self.queue.get(timeout=WORKER_POLL_SECONDS)
                except Empty:
                    if self.worker.is_alive():
                        continue
                    yield ("error", f"{self.path}: the reading process stopped (exit code {self.worker.exitcode})")
                    return
                if message is None:
                    return
                yield message
        finally:
            self.stop()

    def stop(self) -> None:
        self.worker.join(timeout=5)
        if self.worker.is_alive():
            self.worker.terminate()


def _produce(path: str, batch_size: int, queue: multiprocessing.Queue[Message | None]) -> None:
    _relay(archive_messages(Path(path), batch_size), path, queue)


def _produce_part(
    path: str, batch_size: int, queue: multiprocessing.Queue[Message | None], name: str, first: bool
) -> None:
    _relay(part_messages(Path(path), batch_size, name, first), path, queue)


class _WriterGone(Exception):
    """The process that started this reader is gone (the import was killed)."""


def _relay(messages: Iterator[Message], path: str, queue: multiprocessing.Queue[Message | None]) -> None:
    """Put every message on ``queue``, then None. A reader whose writer was killed (kill -9 of the import)
    stops instead of waiting forever on a full queue: it checks its parent whenever a put times out."""
    writer = os.getppid()
    collect_rarely()  # this process only reads the archive
    leave_with_parent(writer)  # even when waiting at exit to flush its last messages to a writer that is gone
    try:
        try:
            for message in messages:
                _put(queue, message, writer)
        except _WriterGone:
            raise
        except Exception as exc:  # the main process reports it as the archive's error
            _put(queue, ("error", f"{path}: {type(exc).__name__}: {exc}"), writer)
        _put(queue, None, writer)
    except _WriterGone:
        queue.cancel_join_thread()  # nobody will read what is still buffered: exit without flushing it


def _put(queue: multiprocessing.Queue[Message | None], message: Message | None, writer: int) -> None:
    while True:
        try:
            queue.put(message, timeout=WORKER_POLL_SECONDS)
            return
        except Full:
            if os.getppid() != writer:
                raise _WriterGone from None
