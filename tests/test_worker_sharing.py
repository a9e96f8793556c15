"""Several real ``papertalk worker`` processes share the schedule: a backlog of due sources served slowly
by a local feed server is split among all of them, each source run by exactly one, on SQLite and
PostgreSQL (SQLite runs one writer at a time; its busy timeout makes the claims wait their turn)."""

from __future__ import annotations

from pathlib import Path

from bench.worker_share import drain, slow_feeds
from papertalk.config import DEFAULT_WORKER_CLAIM_BATCH
from papertalk.storage.engine import Engine
from tests.helpers import table


def test_three_workers_split_24_due_sources(engine: Engine, db_url: str, tmp_path: Path) -> None:
    with slow_feeds(delay=0.3) as base_url:
        done = drain(db_url, base_url, workers=3, sources=24, claim_batch=DEFAULT_WORKER_CLAIM_BATCH, log_dir=tmp_path)
    assert sum(done.runs_per_worker) == 24
    assert all(runs > 0 for runs in done.runs_per_worker), done.runs_per_worker  # was [24, 0, 0]
    assert set(done.runs_per_source.values()) == {1} and len(done.runs_per_source) == 24
    assert table(engine, "SELECT COUNT(*) FROM posts") == [(24,)]
