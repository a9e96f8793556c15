"""Enrichment: fill in papers known only by their id from the arXiv API, batch by batch.

Each batch's results commit on their own, so an interrupted run keeps what it fetched; ids arXiv does
not know are asked again later with growing delays (storage.catalogue.paper_rows.mark_unknown), not forever.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from papertalk.arxiv.api_client import ApiSettings, ArxivApiClient, BatchResult
from papertalk.core.records import Paper
from papertalk.storage.catalogue.paper_rows import count_pending, mark_unknown, pending_papers, upsert_papers
from papertalk.storage.engine import Engine
from papertalk.storage.jobs.request_pacing import SharedPace

ProgressHandler = Callable[[int, int], None]  # (ids done, ids to do)
ARXIV_API_SERVICE = "arxiv-api"  # its pace is shared by every process on the database


class MetadataSource(Protocol):
    def fetch(self, arxiv_ids: Sequence[str]) -> Iterator[BatchResult]: ...


@dataclass
class EnrichSummary:
    asked: int = 0
    filled: int = 0
    unknown: int = 0
    api_errors: list[str] = field(default_factory=list)


def arxiv_client(engine: Engine, base_url: str) -> ArxivApiClient:
    """An export API client that keeps arXiv's pace (one request every 3 seconds) together with every
    other process on this database: the worker's enrichment and ``papertalk enrich`` alike."""
    settings = ApiSettings(base_url=base_url)
    return ArxivApiClient(settings, pace=SharedPace(engine, ARXIV_API_SERVICE, settings.min_interval))


def pending_count(engine: Engine, now: int) -> int:
    with engine.connect() as conn:
        return count_pending(conn, now)


def enrich(
    engine: Engine, source: MetadataSource, now: int, limit: int, on_progress: ProgressHandler | None = None
) -> EnrichSummary:
    """Fetch metadata for up to ``limit`` pending papers; returns what happened."""
    with engine.connect() as conn:
        wanted = pending_papers(conn, now, limit)
    summary = EnrichSummary(asked=len(wanted))
    done = 0
    for result in source.fetch(wanted):
        asked = set(result.ids)
        found: dict[str, Paper] = {p.arxiv_id: p for p in result.page.papers if p.arxiv_id in asked}
        unknown = [i for i in result.ids if i not in found]
        with engine.begin() as conn:
            upsert_papers(conn, found.values(), now)
            mark_unknown(conn, unknown, now)
        summary.filled += len(found)
        summary.unknown += len(unknown)
        summary.api_errors += [f"{e.where}: {e.reason}" for e in result.page.errors]
        done += len(result.ids)
        if on_progress:
            on_progress(done, len(wanted))
    return summary
