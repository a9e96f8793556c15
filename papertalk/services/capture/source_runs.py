"""Running sources: fetch what is due page by page, store each page with its cursor, schedule the next run.

Each page's posts and the cursor after them commit in one transaction (``IngestStore.write_batch`` with
``SourceProgress``), so a kill between pages loses nothing and a restart resumes from the last committed
cursor; a page seen twice (at-least-once delivery) is absorbed by the import's idempotence. A failed run
keeps what it committed, records the one-line error, and backs off: the next run waits
``interval * 2**errors`` (at most ``MAX_BACKOFF_SECONDS``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from papertalk.config import DEFAULT_WORKER_CLAIM_BATCH
from papertalk.core.citing import citing
from papertalk.core.ranking import RankingSettings
from papertalk.core.records import Post
from papertalk.fetching.pages import FetcherRegistry, FetchError, SourceSpec
from papertalk.storage.capture.account_rows import network_platform_ids
from papertalk.storage.capture.source_rows import (
    SourceProgress,
    SourceRow,
    claim_due_sources,
    list_sources,
    record_run,
    tombstoned,
)
from papertalk.storage.engine import Engine
from papertalk.storage.ingest.batch_staging import stage_batch
from papertalk.storage.ingest.ingest_store import IngestStore

MAX_BACKOFF_SECONDS = 6 * 3600
# A claimed source is not handed to another worker for this long; its run's end sets the real next run.
CLAIM_LEASE_SECONDS = 30 * 60

RejectHandler = Callable[[str], None]  # one line naming the source and item
LinkExpander = Callable[[Sequence[Post]], list[Post]]  # adds the targets of short links (services.capture.short_links)


@dataclass
class RunOutcome:
    """What one run of one source did."""

    source: str
    pages: int = 0
    posts: int = 0
    posts_new: int = 0
    mentions: int = 0
    rejected: int = 0
    deleted: int = 0
    error: str | None = None


@dataclass
class CaptureSummary:
    runs: list[RunOutcome] = field(default_factory=list)

    @property
    def posts_new(self) -> int:
        return sum(r.posts_new for r in self.runs)

    @property
    def failed(self) -> int:
        return sum(1 for r in self.runs if r.error is not None)


FOLLOWING_TARGET = "following"  # a source with this target listens to the accounts of the network ...
FOLLOWING_NETWORK = "following"  # ... of this name, passed as options["accounts"] (comma-separated ids)


def spec_of(row: SourceRow, engine: Engine | None = None) -> SourceSpec:
    options = dict(row.options)
    if engine is not None and row.target == FOLLOWING_TARGET:
        options["accounts"] = ",".join(network_platform_ids(engine, FOLLOWING_NETWORK, row.platform))
    return SourceSpec(row.name, row.platform, row.kind, row.target, options)


def next_run_after(row: SourceRow, now: int, failed: bool) -> int:
    """When the source runs next: its interval after a success, a growing back-off after failures."""
    if not failed:
        return now + row.interval_seconds
    backoff: int = row.interval_seconds * 2 ** min(row.error_count, 16)
    return now + min(backoff, MAX_BACKOFF_SECONDS)


def run_source(
    engine: Engine,
    registry: FetcherRegistry,
    row: SourceRow,
    now: int,
    ranking: RankingSettings | None = None,
    on_reject: RejectHandler | None = None,
    max_pages: int | None = None,
    store: IngestStore | None = None,
    expand: LinkExpander | None = None,
) -> RunOutcome:
    """Run one source once, from its stored cursor, until it has caught up (or ``max_pages``)."""
    store = store or IngestStore(engine, ranking or RankingSettings())
    report = on_reject or (lambda _line: None)
    outcome = RunOutcome(row.name)
    try:
        fetcher = registry.fetcher(row.platform, row.kind)
        for page in fetcher.pages(spec_of(row, engine), row.cursor, max_pages):
            for line in page.rejects:
                report(line)
            outcome.rejected += len(page.rejects)
            posts = _without_deleted(engine, row.platform, page.posts, page.deleted)
            if expand is not None:
                posts = expand(posts)
            staged = stage_batch(c for post in posts for c in citing(post))
            progress = SourceProgress(row.id, page.cursor, len(posts), row.platform, page.deleted)
            written = store.write_batch(staged, None, now, progress)
            outcome.pages += 1
            outcome.posts += len(posts)
            outcome.deleted += len(page.deleted)
            outcome.posts_new += written.posts_new
            outcome.mentions += written.mentions
    except FetchError as exc:
        outcome.error = str(exc)
    record_run(engine, row.id, now, outcome.error, next_run_after(row, now, outcome.error is not None))
    return outcome


def _without_deleted(engine: Engine, platform: str, posts: Sequence[Post], deleted: Sequence[str]) -> list[Post]:
    """The page's posts minus those deleted on the platform (in this page or earlier: a replay)."""
    gone = set(deleted) | tombstoned(engine, platform, [p.post_id for p in posts])
    return [p for p in posts if p.post_id not in gone] if gone else list(posts)


def run_due(
    engine: Engine,
    registry: FetcherRegistry,
    now: int,
    ranking: RankingSettings | None = None,
    names: list[str] | None = None,
    on_reject: RejectHandler | None = None,
    on_done: Callable[[RunOutcome], None] | None = None,
    expand: LinkExpander | None = None,
    claim_batch: int = DEFAULT_WORKER_CLAIM_BATCH,
) -> CaptureSummary:
    """Run every due source once (or, with ``names``, those sources whether due or not).

    Due sources are claimed ``claim_batch`` at a time, as the worker does, so a ``fetch`` beside running
    workers takes its share rather than the whole schedule. Each source it runs is due again only after
    ``now``, so the claims end once the sources due at ``now`` are taken.
    """
    store = IngestStore(engine, ranking or RankingSettings())
    summary = CaptureSummary()

    def run_rows(rows: list[SourceRow]) -> None:
        for row in rows:
            outcome = run_source(engine, registry, row, now, on_reject=on_reject, store=store, expand=expand)
            summary.runs.append(outcome)
            if on_done is not None:
                on_done(outcome)

    if names:
        wanted = set(names)
        rows = [r for r in list_sources(engine) if r.name in wanted]
        missing = wanted - {r.name for r in rows}
        if missing:
            raise FetchError(f"no such source: {', '.join(sorted(missing))} (see `papertalk sources`)")
        run_rows(rows)
    else:
        while True:
            claimed = claim_due_sources(engine, now, CLAIM_LEASE_SECONDS, claim_batch)
            run_rows(claimed)
            if len(claimed) < claim_batch:  # nothing more is due at ``now``
                break
    if any(r.posts_new for r in summary.runs):
        store.refresh_rankings(now)
    return summary
