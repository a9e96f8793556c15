"""Reading big line files in resumable chunks, and preparing chunks in a second process.

Shared by every import of JSON-lines files (posts, the arXiv metadata snapshot): chunks carry the byte
offset they end at, which an importer commits with the chunk's data, so a re-run resumes there. The
worker process leaves when the importer that started it is killed, and the garbage collector runs
rarely in both (``services.bulk_gc``).
"""

from __future__ import annotations

import hashlib
import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import BinaryIO, TypeVar

from papertalk.services.bulk_gc import collect_rarely, rare_collections
from papertalk.services.lean_spawn import lean_spawn, leave_with_parent
from papertalk.storage.ingest.checkpoints import Checkpoint

HEAD_BYTES = 64 * 1024
PARALLEL_FROM_BYTES = 4 * 1024 * 1024  # below this, a second process costs more than it saves
IN_FLIGHT = 3  # chunks prepared ahead of the writer: bounds memory

Prepared = TypeVar("Prepared")


SKIP_BLOCK = 1 << 20  # how much of an over-long line is read (and dropped) at a time


@dataclass(frozen=True)
class RawChunk:
    """Consecutive lines of one file and where they end. A line over the reader's limit is not kept: it
    stands in ``lines`` as an empty line, and its length in bytes in ``too_long``, by line number."""

    first_line: int
    lines: list[bytes]
    end_offset: int
    too_long: dict[int, int] = field(default_factory=dict)


def too_long_reason(size: int, limit: int) -> str:
    return f"line is {size:,} bytes, over the {limit:,}-byte limit"


def read_chunks(handle: BinaryIO, first_line: int, offset: int, size: int, max_line: int) -> Iterator[RawChunk]:
    """Chunks of ``size`` lines. No line is held past ``max_line`` bytes while reading: the rest of a
    longer one is read in blocks and dropped, so a 3 GB line without a newline costs a few MiB."""
    lines: list[bytes] = []
    too_long: dict[int, int] = {}
    start = first_line
    for raw in iter(partial(handle.readline, max_line + 1), b""):
        if len(raw) > max_line and not raw.endswith(b"\n"):
            length = len(raw) + _skip_line(handle)
            too_long[start + len(lines)] = length
            offset += length
            lines.append(b"")
        else:
            lines.append(raw)
            offset += len(raw)
        if len(lines) >= size:
            yield RawChunk(start, lines, offset, too_long)
            start += len(lines)
            lines, too_long = [], {}
    if lines:
        yield RawChunk(start, lines, offset, too_long)


def _skip_line(handle: BinaryIO) -> int:
    """Read the rest of a line without keeping it; its length in bytes (with the newline)."""
    skipped = 0
    while True:
        block = handle.readline(SKIP_BLOCK)
        skipped += len(block)
        if not block or block.endswith(b"\n"):
            return skipped


def file_key(path: Path) -> str:
    """Identifies a file by where it is and how it starts, so an appended file still resumes."""
    digest = hashlib.sha256(str(path.resolve()).encode())
    with path.open("rb") as handle:
        digest.update(handle.read(HEAD_BYTES))
    return digest.hexdigest()[:32]


@dataclass(frozen=True)
class ResumePoint:
    """Where reading a file starts: after the last committed chunk of an earlier run, or at the top."""

    key: str
    offset: int
    next_line: int
    rejected: int  # lines rejected before ``offset`` by earlier runs
    parallel: bool  # whether what is left is big enough for a worker process

    @property
    def resumed_after(self) -> int | None:
        return self.next_line - 1 if self.offset else None


def resume_point(
    path: Path, saved: Callable[[str], Checkpoint | None], restart: bool, parallel: bool | None
) -> ResumePoint:
    """Find the committed checkpoint of ``path`` (unless ``restart``); a file that shrank starts over."""
    key = file_key(path)
    size = path.stat().st_size
    checkpoint = None if restart else saved(key)
    if checkpoint is not None and checkpoint.byte_offset > size:
        checkpoint = None  # the file shrank: it is another file now
    if checkpoint is None:
        return ResumePoint(key, 0, 1, 0, parallel if parallel is not None else size > PARALLEL_FROM_BYTES)
    left = size - checkpoint.byte_offset
    return ResumePoint(
        key,
        checkpoint.byte_offset,
        checkpoint.line_number + 1,
        checkpoint.rejected,
        parallel if parallel is not None else left > PARALLEL_FROM_BYTES,
    )


def prepared_in_order(
    chunks: Iterator[RawChunk], prepare: Callable[[RawChunk, int], Prepared], now: int, parallel: bool
) -> Iterator[Prepared]:
    """``prepare`` each chunk, in order; with ``parallel``, in a worker process a few chunks ahead. While
    this runs, the garbage collector runs rarely, in this process (which writes) and in the worker."""
    with rare_collections():
        if not parallel:
            for chunk in chunks:
                yield prepare(chunk, now)
            return
        yield from _in_worker(chunks, prepare, now)


def _in_worker(
    chunks: Iterator[RawChunk], prepare: Callable[[RawChunk, int], Prepared], now: int
) -> Iterator[Prepared]:
    context = lean_spawn()  # spawn, without re-running the main script
    with ProcessPoolExecutor(
        max_workers=1, mp_context=context, initializer=_start_worker, initargs=(os.getpid(),)
    ) as pool:
        pending: deque[Future[Prepared]] = deque()
        for chunk in chunks:
            pending.append(pool.submit(prepare, chunk, now))
            if len(pending) >= IN_FLIGHT:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _start_worker(parent: int) -> None:
    collect_rarely()
    leave_with_parent(parent)  # if the importing process is killed, the worker would wait forever


def total_size(paths: list[Path]) -> int:
    return sum(os.path.getsize(p) for p in paths)
