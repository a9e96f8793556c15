"""``papertalk embed``: semantic vectors for the discussed papers (or all), in batches, resumable.

Each batch is read in row order, embedded and written in one transaction, so a run stopped anywhere keeps
every batch it finished and the next run starts over cheaply: a paper whose title and abstract still hash
to the stored ``source_hash`` is skipped (never embedded again); a changed one is embedded again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from papertalk.embedders.embedder import Embedder
from papertalk.services.discover.vector_index import to_bytes
from papertalk.storage.discover.vector_rows import next_papers, papers_to_consider, store_vectors
from papertalk.storage.engine import Engine

BATCH = 1_000  # papers a transaction: ~50 ms of WordLlama, small enough that a stop loses little


@dataclass(frozen=True)
class EmbedReport:
    model: str
    considered: int  # titled (discussed) papers looked at
    embedded: int  # vectors written: new papers and papers whose text changed
    unchanged: int  # skipped: their stored vector was made from the same text


def paper_text(title: str, abstract: str) -> str:
    """What a paper's vector is made from: its title, then its abstract."""
    return f"{title.strip()}. {abstract.strip()}".strip()


def text_hash(title: str, abstract: str) -> str:
    return hashlib.sha256(paper_text(title, abstract).encode()).hexdigest()


def embed_papers(
    engine: Engine,
    embedder: Embedder,
    now: int,
    everything: bool = False,
    progress: Callable[[int, int], None] = lambda done, total: None,
    batch: int = BATCH,
) -> EmbedReport:
    """Vectors for every titled paper that has been discussed (``everything``: every titled paper) and has
    none or a stale one; ``progress(done, total)`` after each batch."""
    with engine.connect() as conn:
        total = papers_to_consider(conn, not everything)
    after, considered, embedded = 0, 0, 0
    progress(0, total)
    while True:
        with engine.begin() as conn:
            found = next_papers(conn, embedder.key, after, batch, not everything)
            if not found:
                break
            after = found[-1].paper_id
            considered += len(found)
            hashes = {p.paper_id: text_hash(p.title, p.abstract) for p in found}
            todo = [p for p in found if p.stored_hash != hashes[p.paper_id]]
            if todo:
                vectors = to_bytes(embedder.embed([paper_text(p.title, p.abstract) for p in todo]))
                rows = [(p.paper_id, v, hashes[p.paper_id]) for p, v in zip(todo, vectors, strict=True)]
                new = sum(1 for p in todo if p.stored_hash is None)
                store_vectors(conn, embedder.key, embedder.dim, rows, new, now)
                embedded += len(todo)
        progress(min(considered, total), total)
    return EmbedReport(embedder.key, considered, embedded, considered - embedded)
