"""Importing X data: a user's data archive (directory or .zip) and files of API v1.1 / v2 replies.

Goes through the same ingest path as the neutral import (``citing`` -> ``stage_batch`` ->
``IngestStore.write_batch`` in batches), so it is idempotent: a re-run adds nothing. Big archives are
read and staged in other processes, one per tweets file (``x_archive_reading``), while this one writes.
``following.js`` puts the followed accounts into the network ``following`` (known by id until their
posts are captured).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from papertalk.core.ranking import RankingSettings
from papertalk.core.records import Author
from papertalk.services.bulk_gc import rare_collections
from papertalk.services.capture.source_runs import FOLLOWING_NETWORK
from papertalk.services.ingest.post_files import ImportSummary
from papertalk.services.ingest.x_archive_reading import ArchiveError, Message, batches, start_reading
from papertalk.services.line_files import read_chunks
from papertalk.sources.x.api_files import MAX_DOCUMENT_BYTES, MAX_LINE_BYTES, Line, v1_posts, v2_posts
from papertalk.storage.capture import account_rows
from papertalk.storage.engine import Engine
from papertalk.storage.ingest.ingest_store import IngestStore

FORMATS = ("x-archive", "x-v1", "x-v2")
__all__ = ["FORMATS", "ArchiveError", "XImportSummary", "XImporter"]
RejectHandler = Callable[[str], None]  # one line: file:item: reason
ProgressHandler = Callable[[int], None]  # bytes read since the last call
LINES_PER_READ = 1_000  # lines of a big API file read at a time


@dataclass
class XImportSummary(ImportSummary):
    following: int = 0  # accounts of following.js put into the network "following"
    following_network_size: int = 0


class XImporter:
    """Imports X archives and API files into one database, reporting rejects and progress."""

    def __init__(
        self,
        engine: Engine,
        now: int,
        batch_size: int = 20_000,
        on_reject: RejectHandler | None = None,
        on_progress: ProgressHandler | None = None,
        ranking: RankingSettings | None = None,
        parallel: bool | None = None,  # None: a worker process for archives over PARALLEL_FROM_BYTES
    ) -> None:
        self.engine = engine
        self.store = IngestStore(engine, ranking or RankingSettings())
        self.now = now
        self.batch_size = batch_size
        self.parallel = parallel
        self.on_reject = on_reject or (lambda _line: None)
        self.on_progress = on_progress or (lambda _n: None)
        self.summary = XImportSummary()

    def import_archive(self, path: Path, started: Iterator[Message] | None = None) -> None:
        """Import the archive at ``path``; ``started``: its messages from ``start_reading``, when the
        caller started reading it before opening the database (the readers' start-up then overlaps it)."""
        self._write(started if started is not None else start_reading(path, self.batch_size, self.parallel))
        self.store.refresh_rankings(self.now)

    def import_api_file(self, path: Path, fmt: str) -> None:
        """A file of API replies: read whole up to ``MAX_DOCUMENT_BYTES`` (it may be one document), else
        line by line with each line capped while it is read, so memory stays flat."""
        read = v1_posts if fmt == "x-v1" else v2_posts
        size = path.stat().st_size
        with path.open("rb") as handle:
            if size <= MAX_DOCUMENT_BYTES:
                self._write(batches(read(handle.read(), str(path)), self.batch_size))
            else:
                self._write(batches(read(_capped_lines(handle), str(path)), self.batch_size))
        self.summary.files += 1
        self.on_progress(size)
        self.store.refresh_rankings(self.now)

    def _write(self, messages: Iterator[Message]) -> None:
        with rare_collections():
            self._write_all(messages)

    def _write_all(self, messages: Iterator[Message]) -> None:
        for message in messages:
            what = message[0]
            if what == "batch":
                _, staged, posts, items = message
                self.summary.posts_read += posts
                self.summary.lines += items
                self.summary.add(self.store.write_batch(staged, None, self.now))
            elif what == "rejects":
                self._rejected(message[1])
            elif what == "file":
                self.summary.files += 1
                self.on_progress(message[2])
            elif what == "following":
                self._rejected(message[2])
                self._follow(message[1])
            elif what == "error":
                raise ArchiveError(message[1])

    def _rejected(self, lines: list[str]) -> None:
        for line in lines:
            self.on_reject(line)
        self.summary.rejected += len(lines)

    def _follow(self, accounts: list[tuple[str, str, str | None]]) -> None:
        with self.engine.begin() as conn:
            authors = [Author(platform, pid, handle) for platform, pid, handle in dict.fromkeys(accounts)]
            ids = account_rows.upsert_accounts(conn, authors)
            network = account_rows.network_id(conn, FOLLOWING_NETWORK, create=True)
            assert network is not None
            account_rows.add_to_network(conn, network, ids)
            self.summary.following += len(ids)
            self.summary.following_network_size = account_rows.network_size(conn, network)


def _capped_lines(handle: BinaryIO) -> Iterator[Line]:
    """Numbered lines of a big API file, an over-long one as its length (``line_files.read_chunks``)."""
    for chunk in read_chunks(handle, 1, 0, LINES_PER_READ, MAX_LINE_BYTES):
        for number, line in enumerate(chunk.lines, start=chunk.first_line):
            yield number, chunk.too_long.get(number, line)
