"""Import posts from neutral JSON-lines files: stream, parse, find papers, write in batches, resume.

Memory stays flat whatever the file size: lines are read in chunks and each chunk is written as one
batch, committed with the file offset it reaches (see storage.ingest.ingest_store), so a re-run after a
crash continues where the last commit ended and counts nothing twice. On large files, parsing and
finding papers run in a second process while this one writes the previous chunk, using both cores.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from papertalk.core.citing import citing
from papertalk.core.ranking import RankingSettings
from papertalk.core.records import CitingPost
from papertalk.services.line_files import HEAD_BYTES, RawChunk, prepared_in_order, read_chunks, resume_point
from papertalk.sources.neutral import BadRecord, json_array_reason, json_array_start, parse_line_fast
from papertalk.storage.engine import Engine
from papertalk.storage.ingest.batch_staging import StagedBatch, stage_batch
from papertalk.storage.ingest.checkpoints import Checkpoint
from papertalk.storage.ingest.ingest_store import BatchOutcome, IngestStore

RejectHandler = Callable[[str, int, str], None]  # (file, line number, reason)
ProgressHandler = Callable[[int], None]  # bytes advanced since the last call


@dataclass
class ImportSummary:
    """What an import did; printed at the end and returned as JSON by ``--json``."""

    files: int = 0
    lines: int = 0
    posts_read: int = 0
    posts_new: int = 0
    posts_completed: int = 0
    mentions: int = 0
    papers_new: int = 0
    rejected: int = 0
    resumed_at: dict[str, int] = field(default_factory=dict)

    def add(self, outcome: BatchOutcome) -> None:
        self.posts_new += outcome.posts_new
        self.posts_completed += outcome.posts_completed
        self.mentions += outcome.mentions
        self.papers_new += outcome.papers_new


@dataclass(frozen=True)
class PreparedChunk:
    """A chunk parsed and laid out for storage; rejected lines carry their reasons."""

    staged: StagedBatch
    posts_read: int
    rejects: list[tuple[int, str]]
    line_count: int
    last_line: int
    end_offset: int


def prepare(chunk: RawChunk, now: int) -> PreparedChunk:
    """Parse a chunk and find its papers. Pure CPU work: runs in a worker process on large files."""
    batch: list[CitingPost] = []
    rejects: list[tuple[int, str]] = []
    posts_read = 0
    for number, raw in enumerate(chunk.lines, start=chunk.first_line):
        line = raw.strip()
        if not line:
            continue
        try:
            post = parse_line_fast(line, now)
        except BadRecord as exc:
            rejects.append((number, str(exc)))
            continue
        posts_read += 1
        batch.extend(citing(post))
    last_line = chunk.first_line + len(chunk.lines) - 1
    return PreparedChunk(stage_batch(batch), posts_read, rejects, len(chunk.lines), last_line, chunk.end_offset)


class Importer:
    """Imports files into one database; reports rejected lines and progress through callbacks."""

    def __init__(
        self,
        engine: Engine,
        now: int,
        batch_size: int = 20_000,
        on_reject: RejectHandler | None = None,
        on_progress: ProgressHandler | None = None,
        parallel: bool | None = None,  # None: a worker process for files over PARALLEL_FROM_BYTES
        ranking: RankingSettings | None = None,
    ) -> None:
        self.store = IngestStore(engine, ranking or RankingSettings())
        self.now = now
        self.batch_size = batch_size
        self.parallel = parallel
        self.on_reject = on_reject or (lambda _f, _l, _r: None)
        self.on_progress = on_progress or (lambda _n: None)
        self.summary = ImportSummary()

    def import_path(self, path: Path, restart: bool = False) -> None:
        with path.open("rb") as handle:
            if json_array_start(handle.read(HEAD_BYTES)):
                self._reject_file(str(path))
                return
        start = resume_point(path, self.store.checkpoint, restart, self.parallel)
        if start.resumed_after is not None:
            self.summary.resumed_at[str(path)] = start.resumed_after
        self.on_progress(start.offset)
        with path.open("rb") as handle:
            handle.seek(start.offset)
            chunks = read_chunks(handle, start.next_line, start.offset, self.batch_size)
            self._write_all(chunks, str(path), start.key, start.offset, start.rejected, start.parallel)
        self.store.refresh_rankings(self.now)
        self.summary.files += 1

    def import_stream(self, handle: BinaryIO, name: str) -> None:
        """Import from a stream that cannot be resumed (standard input)."""
        chunks = read_chunks(handle, 1, 0, self.batch_size)
        first = next(chunks, None)
        if first is not None and first.lines and json_array_start(first.lines[0]):
            self._reject_file(name)
            return
        if first is not None:
            chunks = itertools.chain([first], chunks)
        self._write_all(chunks, name, None, 0, 0, bool(self.parallel))
        self.store.refresh_rankings(self.now)
        self.summary.files += 1

    def _reject_file(self, name: str) -> None:
        """A JSON array is said once, as line 1, instead of a reject for every line of it."""
        self.on_reject(name, 1, json_array_reason(name))
        self.summary.rejected += 1
        self.summary.files += 1

    def _write_all(
        self,
        chunks: Iterator[RawChunk],
        name: str,
        key: str | None,
        offset: int,
        rejected: int,
        parallel: bool,
    ) -> None:
        for prepared in prepared_in_order(chunks, prepare, self.now, parallel):
            for line, reason in prepared.rejects:
                self.on_reject(name, line, reason)
            rejected += len(prepared.rejects)
            self.summary.rejected += len(prepared.rejects)
            self.summary.posts_read += prepared.posts_read
            self.summary.lines += prepared.line_count
            checkpoint = Checkpoint(key, name, prepared.end_offset, prepared.last_line, rejected) if key else None
            self.summary.add(self.store.write_batch(prepared.staged, checkpoint, self.now))
            self.on_progress(prepared.end_offset - offset)
            offset = prepared.end_offset


def refresh_rankings(engine: Engine, ranking: RankingSettings, now: int) -> None:
    """Bring the maintained rankings up to ``now`` (and up to date with changed ranking settings)."""
    IngestStore(engine, ranking).refresh_rankings(now)
