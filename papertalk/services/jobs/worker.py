"""``papertalk worker``: runs the schedule (every due source, again and again), each live listener
(Jetstream) in its own thread, the freezing of finished digests in another, the digest email in a third
(when SMTP is set: every minute, the messages whose hour has come), the translation of digest papers in a
fourth (when a translator is set), and metadata enrichment every few minutes, until ``stop`` is set
(Ctrl-C). Stopping is clean: listeners finish the page they
hold (each page commits with its cursor), the scheduler finishes its current source, the freezer its
current stream.

Each round also makes the precomputed rankings of a few networks (services.ranking.network_rankings).

Scheduled sources are shared by every worker (each claims a few due sources at a time). Each live
listener and enrichment run in one worker only, whichever holds the job's lease (``exclusive_jobs``);
the others skip them, say so once, and take over when that worker stops or dies.

Log lines are structured (``event=... key=value``) so they can be grepped and parsed.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from papertalk.arxiv.api_client import ArxivApiError
from papertalk.config import DEFAULT_WORKER_CLAIM_BATCH
from papertalk.core.ranking import RankingSettings
from papertalk.fetching.pages import FetcherRegistry
from papertalk.services.capture.source_runs import CLAIM_LEASE_SECONDS, LinkExpander, RunOutcome, run_source
from papertalk.services.catalogue.enrich import MetadataSource, enrich
from papertalk.services.digests.digest_freezing import freeze_finished
from papertalk.services.digests.translating import translate_recent
from papertalk.services.jobs.exclusive_jobs import ENRICH_JOB, TRANSLATE_JOB, ExclusiveJobs, listen_job
from papertalk.services.mail.outbox_sending import MailJob, send_due
from papertalk.services.ranking.network_rankings import refresh_network_rankings
from papertalk.storage.capture.source_rows import SourceRow, claim_due_sources, list_sources, release_sources
from papertalk.storage.engine import Engine
from papertalk.storage.ingest.ingest_store import IngestStore
from papertalk.translators.translator import Translator

log = logging.getLogger("papertalk.worker")

LIVE_KINDS = frozenset({"jetstream"})  # sources that listen to a stream instead of running on a schedule
TICK_SECONDS = 5.0
RELISTEN_SECONDS = 2.0
ENRICH_EVERY_SECONDS = 600  # new papers get their metadata within about ten minutes of their first post
ENRICH_LIMIT = 500  # papers per round: 5 requests of 100 ids, ~15 s at arXiv's pace of one per 3 s
ENRICH_MAX_BACKOFF_SECONDS = 3600
FREEZE_EVERY_SECONDS = 600  # a finished day's digest is frozen within about ten minutes of its end
MAIL_EVERY_SECONDS = 60  # a person's digest email goes out within a minute of their hour
TRANSLATE_EVERY_SECONDS = 600  # a digest paper is translated within about ten minutes of entering a digest


def log_outcome(outcome: RunOutcome) -> None:
    log.info(
        "event=source_run source=%s pages=%d posts=%d posts_new=%d rejected=%d deleted=%d error=%s",
        outcome.source,
        outcome.pages,
        outcome.posts,
        outcome.posts_new,
        outcome.rejected,
        outcome.deleted,
        "-" if outcome.error is None else repr(outcome.error),
    )


class Worker:
    """The scheduler loop and one thread per live source; ``run`` returns once ``stop`` is set."""

    def __init__(
        self,
        engine: Engine,
        registry: FetcherRegistry,
        stop: threading.Event,
        clock: Callable[[], float],
        ranking: RankingSettings | None = None,
        tick: float = TICK_SECONDS,
        expand: LinkExpander | None = None,
        live: bool = True,
        metadata: MetadataSource | None = None,
        claim_batch: int = DEFAULT_WORKER_CLAIM_BATCH,
        mail: MailJob | None = None,
        translator: Translator | None = None,
    ) -> None:
        self.engine, self.registry, self.stop, self.clock = engine, registry, stop, clock
        self.ranking = ranking or RankingSettings()
        self.tick, self.expand, self.live = tick, expand, live
        self.metadata = metadata  # None: this worker does not enrich
        self.claim_batch = claim_batch
        self.jobs = ExclusiveJobs(engine, clock)
        self.next_enrich = 0
        self.enrich_failures = 0
        self.next_freeze = 0
        self.mail = mail  # None (or no SMTP host): this worker sends no email
        self.translator = translator  # None: this worker does not translate

    def run(self) -> None:
        listeners = [
            threading.Thread(target=self._listen, args=(row.name,), name=f"listen {row.name}", daemon=True)
            for row in list_sources(self.engine)
            if self.live and row.kind in LIVE_KINDS and row.enabled
        ]
        keeper = threading.Thread(target=self.jobs.keep, args=(self.stop,), name="leases", daemon=True)
        # Its own thread: the first round after midnight may take minutes, and sources must not wait for it.
        freezer = threading.Thread(target=self._freeze_loop, name="digests", daemon=True)
        # Every worker may send: the outbox's leases split the messages among them (docs/operations.md).
        sending = self.mail is not None and self.mail.mail.host is not None
        helpers = [keeper, freezer]
        if sending:
            helpers.append(threading.Thread(target=self._mail_loop, name="mail", daemon=True))
        # Its own thread too: a slow or failing translator must never hold up capture or freezing.
        if self.translator is not None:
            helpers.append(threading.Thread(target=self._translate_loop, name="translations", daemon=True))
        log.info("event=worker_start live=%d holder=%s", len(listeners), self.jobs.holder)
        for thread in [*helpers, *listeners]:
            thread.start()
        store = IngestStore(self.engine, self.ranking)
        while not self.stop.is_set():
            now = int(self.clock())
            # Claimed, not just read, and a few at a time: with several workers each due source runs in
            # one of them, and a backlog is split among them all.
            claimed = claim_due_sources(self.engine, now, CLAIM_LEASE_SECONDS, self.claim_batch, LIVE_KINDS)
            if self._run_claimed(claimed, now, store):
                store.refresh_rankings(now)
            # Each network's ranking: made again when its accounts changed, or before it gets too old.
            refresh_network_rankings(self.engine, self.ranking, now)
            metadata = self._enrichment_turn(now)
            if metadata is not None:
                self._enrich(metadata, now)
            if len(claimed) < self.claim_batch:  # caught up: look again after a tick; else claim at once
                self.stop.wait(self.tick)
        for thread in [*helpers, *listeners]:
            thread.join()
        self.jobs.release()  # after the listeners' last pages: another worker may take their jobs now
        log.info("event=worker_stop")

    def _enrichment_turn(self, now: int) -> MetadataSource | None:
        """Where to enrich from now, if this worker enriches, a round is due and it holds the job's lease."""
        if self.metadata is None or now < self.next_enrich or self.stop.is_set():
            return None
        return self.metadata if self.jobs.may_run(ENRICH_JOB) else None

    def _run_claimed(self, claimed: list[SourceRow], now: int, store: IngestStore) -> int:
        """Run the claimed sources in turn (a stop gives the rest back); how many new posts they brought."""
        new_posts = 0
        for position, row in enumerate(claimed):
            if self.stop.is_set():
                release_sources(self.engine, [r.id for r in claimed[position:]], now)
                break
            outcome = run_source(
                self.engine, self.registry, row, now, self.ranking, store=store, on_reject=_reject, expand=self.expand
            )
            log_outcome(outcome)
            new_posts += outcome.posts_new
        return new_posts

    def _enrich(self, metadata: MetadataSource, now: int) -> None:
        """One round of enrichment; a failed round keeps what it fetched and backs off (up to an hour)."""
        try:
            summary = enrich(self.engine, metadata, now, ENRICH_LIMIT)
        except (ArxivApiError, OSError) as exc:  # arXiv gave no answer after its retries: try again later
            self.enrich_failures += 1
            wait = min(ENRICH_EVERY_SECONDS * 2**self.enrich_failures, ENRICH_MAX_BACKOFF_SECONDS)
            self.next_enrich = now + wait
            log.warning("event=enrich_failed error=%r retry_in=%ds", " ".join(str(exc).split()), wait)
            return
        self.enrich_failures = 0
        self.next_enrich = now + ENRICH_EVERY_SECONDS
        if summary.asked:
            log.info(
                "event=enrich asked=%d filled=%d unknown=%d api_errors=%d",
                summary.asked,
                summary.filled,
                summary.unknown,
                len(summary.api_errors),
            )

    def _freeze_loop(self) -> None:
        while not self.stop.is_set():
            self._freeze_digests(int(self.clock()))
            self.stop.wait(FREEZE_EVERY_SECONDS)

    def _freeze_digests(self, now: int) -> None:
        """Freeze the digests whose period ended (idempotent: several workers may, the first insert wins)."""
        self.next_freeze = now + FREEZE_EVERY_SECONDS
        try:
            stored = freeze_finished(self.engine, self.ranking, now, should_stop=self.stop.is_set)
        except Exception as exc:  # a failed round is tried again next time; the schedule goes on
            log.warning("event=digest_freeze_failed error=%r", " ".join(str(exc).split()))
            return
        if stored:
            log.info("event=digest_freeze stored=%d", stored)

    def _mail_loop(self) -> None:
        assert self.mail is not None
        while not self.stop.is_set():
            try:
                summary = send_due(self.engine, self.mail, self.clock, should_stop=self.stop.is_set)
            except Exception as exc:  # a failed round is tried again next time; the worker goes on
                log.warning("event=mail_round_failed error=%r", " ".join(str(exc).split()))
            else:
                if summary.sent or summary.failed or summary.stopped:
                    log.info("event=mail_sent sent=%d resent_unconfirmed=%d retried=%d failed=%d stopped=%r",
                             summary.sent, summary.resent_unconfirmed, summary.retried, summary.failed,
                             summary.stopped)  # fmt: skip
            self.stop.wait(MAIL_EVERY_SECONDS)

    def _translate_loop(self) -> None:
        while not self.stop.is_set():
            if self.translator is not None and self.jobs.may_run(TRANSLATE_JOB):
                self._translate(self.translator, int(self.clock()))
            self.stop.wait(TRANSLATE_EVERY_SECONDS)

    def _translate(self, translator: Translator, now: int) -> None:
        """One round of translation; what failed is asked again in a later round."""
        try:
            summaries = translate_recent(self.engine, self.ranking, translator, now, self.stop.is_set)
        except Exception as exc:  # a failed round is tried again next time; the schedule goes on
            log.warning("event=translate_failed error=%r", " ".join(str(exc).split()))
            return
        for s in summaries:
            for error in s.errors:
                log.warning("event=translation_failed %s", error)
            log.info("event=translate language=%s papers=%d translated=%d failed=%d rejected=%d waiting=%d",
                     s.language, s.papers, s.translated, s.failed, s.rejected, s.waiting)  # fmt: skip

    def _listen(self, name: str) -> None:
        """Run one live source again and again (each run lasts until a quiet spell or ``stop``)."""
        store = IngestStore(self.engine, self.ranking)
        while not self.stop.is_set():
            if not self.jobs.may_run(listen_job(name)):  # another worker listens: look again after a tick
                self.stop.wait(self.tick)
                continue
            row = _named(self.engine, name)
            if row is None:
                return
            outcome = run_source(
                self.engine,
                self.registry,
                row,
                int(self.clock()),
                self.ranking,
                store=store,
                on_reject=_reject,
                expand=self.expand,
            )
            log_outcome(outcome)
            if outcome.posts_new:
                store.refresh_rankings(int(self.clock()))
            if outcome.error is not None:
                self.stop.wait(min(300.0, RELISTEN_SECONDS * 2 ** min(row.error_count, 8)))
            else:
                self.stop.wait(RELISTEN_SECONDS if not self.stop.is_set() else 0)


def _named(engine: Engine, name: str) -> SourceRow | None:
    return next((r for r in list_sources(engine) if r.name == name), None)


def _reject(line: str) -> None:
    log.warning("event=reject %s", line)
