"""The exact scan over papers' semantic vectors: one model's vectors as one float32 matrix in memory per
process, checked against the model's version token on every use (one small read) and read again only when
``papertalk embed`` has changed them.

Exact, not approximate: a product of the matrix with one vector is a few ms at 100,000 papers and tens of
ms at a million (docs/performance.md), and needs no index kept in step. Imported only when a model is
chosen (``PAPERTALK_EMBEDDER``): numpy comes with the extra ``papertalk[embed]``, not the base install.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from papertalk.storage.discover.vector_rows import all_vectors, set_token
from papertalk.storage.engine import Connection, Engine

STORED = np.dtype("<f2")  # half precision on disk: 512 bytes a paper at 256 dimensions; cosines move < 1e-3


def to_bytes(vectors: npt.NDArray[np.float32]) -> list[bytes]:
    """Each row as the stored bytes."""
    return [row.tobytes() for row in vectors.astype(STORED)]


@dataclass(frozen=True)
class VectorIndex:
    token: str
    rows: npt.NDArray[np.int64]  # paper row ids, ascending
    matrix: npt.NDArray[np.float32]  # one unit-length vector per row of ``rows``

    def positions(self, paper_rows: Sequence[int]) -> dict[int, int]:
        """Where each of ``paper_rows`` that has a vector sits in the matrix."""
        wanted = np.asarray(paper_rows, dtype=np.int64)
        at = np.searchsorted(self.rows, wanted)
        at[at >= len(self.rows)] = 0
        hit = self.rows[at] == wanted if len(self.rows) else np.zeros(len(wanted), dtype=bool)
        return {int(r): int(i) for r, i, h in zip(wanted, at, hit, strict=True) if h}

    def neighbours(self, position: int, count: int) -> list[tuple[int, float]]:
        """(paper row, cosine) of the ``count`` vectors closest to the one at ``position`` (itself left out),
        the closest first."""
        scores = self.matrix @ self.matrix[position]
        scores[position] = -np.inf
        count = min(count, len(scores) - 1)
        if count <= 0:
            return []
        top = np.argpartition(-scores, count - 1)[:count]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(self.rows[i]), float(scores[i])) for i in top]

    def cosines(self, a: Sequence[int], b: Sequence[int]) -> npt.NDArray[np.float32]:
        """The cosine of every pair: matrix positions ``a`` × positions ``b``."""
        result: npt.NDArray[np.float32] = self.matrix[list(a)] @ self.matrix[list(b)].T
        return result


_copies: dict[tuple[str, str], VectorIndex] = {}
_reading: set[tuple[str, str]] = set()  # copies being read in a thread (``wait=False``)
_lock = threading.Lock()


def current_index(engine: Engine, model: str, wait: bool = True) -> VectorIndex | None:
    """The model's vectors as one matrix (None when it has none), read again only when they changed.

    ``wait=False`` (web requests): a missing or stale copy is read in a thread while the request goes on
    with the stale copy, or with None (the words alone) when there is none yet: reading 1M vectors takes
    17 s on SQLite and a minute on PostgreSQL, which no page should wait for (docs/performance.md)."""
    with engine.connect() as conn:
        state = set_token(conn, model)
    if state is None:
        return None
    key = (engine.url.render_as_string(hide_password=False), model)
    copy = _copies.get(key)
    if copy is not None and copy.token == state[0]:
        return copy
    if not wait:
        with _lock:
            if key not in _reading:
                _reading.add(key)
                threading.Thread(target=_read_into, args=(engine, model, key), daemon=True).start()
        return copy
    with _lock:  # one reading per process when many callers find the copy stale at once
        copy = _copies.get(key)
        if copy is None or copy.token != state[0]:
            with engine.connect() as conn:
                _copies[key] = copy = read_index(conn, model, state[0])
    return copy


def _read_into(engine: Engine, model: str, key: tuple[str, str]) -> None:
    try:
        with engine.connect() as conn:
            state = set_token(conn, model)
            if state is not None:
                _copies[key] = read_index(conn, model, state[0])
    finally:
        with _lock:
            _reading.discard(key)


def read_index(conn: Connection, model: str, token: str) -> VectorIndex:
    """The stored vectors batch by batch into float32 (the half-precision bytes never held all at once)."""
    rows: list[npt.NDArray[np.int64]] = []
    blocks: list[npt.NDArray[np.float32]] = []
    dim = int(model.rsplit(":", 1)[1])
    for batch in all_vectors(conn, model):
        rows.append(np.fromiter((p for p, _ in batch), dtype=np.int64, count=len(batch)))
        raw = np.frombuffer(b"".join(v for _, v in batch), dtype=STORED).reshape(len(batch), dim)
        blocks.append(raw.astype(np.float32))
    if not blocks:
        return VectorIndex(token, np.zeros(0, dtype=np.int64), np.zeros((0, dim), dtype=np.float32))
    return VectorIndex(token, np.concatenate(rows), np.concatenate(blocks))
