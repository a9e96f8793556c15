"""One transaction per batch of posts: posts, mentions, votes and the file checkpoint (or a source's
cursor) commit together, so a kill at any moment leaves the database consistent and a re-run resumes
without double counting."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from papertalk.core.ranking import RankingSettings
from papertalk.storage.capture.source_rows import SourceProgress, save_progress
from papertalk.storage.dialect_sql import BulkSql
from papertalk.storage.ingest.batch_load import BatchLoader
from papertalk.storage.ingest.batch_staging import StagedBatch
from papertalk.storage.ingest.checkpoints import Checkpoint, load_checkpoint, save_checkpoint


@dataclass(frozen=True)
class BatchOutcome:
    posts_new: int
    posts_completed: int
    mentions: int
    papers_new: int


class IngestStore:
    """Writes batches of posts; keeps id caches across batches of one import run."""

    def __init__(self, engine: Engine, ranking: RankingSettings) -> None:
        self.engine = engine
        sql = BulkSql(engine.dialect.name)
        self.sql = sql
        self.loader = BatchLoader(sql, ranking)

    def write_batch(
        self,
        batch: StagedBatch,
        checkpoint: Checkpoint | None,
        now: int,
        progress: SourceProgress | None = None,
    ) -> BatchOutcome:
        """Store a batch; the file checkpoint or the source's cursor (if given) commit with it."""
        try:
            with self.engine.begin() as conn:
                outcome = self.loader.load(conn, batch, now)
                if checkpoint is not None:
                    save_checkpoint(conn, checkpoint, now)
                if progress is not None:
                    self.loader.retract(conn, progress.platform, progress.deleted)
                    save_progress(conn, progress, now)
        except BaseException:
            self.loader.forget()  # cached ids from the rolled-back batch may not exist
            raise
        return BatchOutcome(outcome.posts_new, outcome.posts_completed, outcome.mentions_new, outcome.papers_new)

    def refresh_rankings(self, now: int) -> None:
        """Rebuild rank tables made with other settings, and move every window's cutoff to ``now``."""
        with self.engine.begin() as conn:
            self.loader.refresh(conn, now)

    def checkpoint(self, file_key: str) -> Checkpoint | None:
        with self.engine.connect() as conn:
            return load_checkpoint(conn, file_key)
