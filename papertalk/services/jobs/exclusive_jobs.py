"""Jobs that must run in one process only, however many workers are started: a Jetstream listener
(``listen:<source>``) and enrichment (``enrich``). A worker runs such a job only while it holds the
job's lease (``storage.jobs.job_leases``), renews its leases from one thread, and gives them back
when it stops; a worker that finds a job held elsewhere skips it, says so in one log line, and takes
it over once the holder's lease is given back or runs out.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from collections.abc import Callable

from papertalk.storage.engine import Engine
from papertalk.storage.jobs.job_leases import release_leases, renew_leases, take_lease

log = logging.getLogger("papertalk.worker")

LEASE_SECONDS = 60  # a dead worker's jobs move to another within this (plus that worker's next look)
RENEW_EVERY_SECONDS = LEASE_SECONDS / 3  # two renewals may fail (a busy database) before a lease runs out

ENRICH_JOB = "enrich"
TRANSLATE_JOB = "translate"  # one worker translates digest papers at a time: no paper is sent twice


def listen_job(source_name: str) -> str:
    return f"listen:{source_name}"


def process_holder() -> str:
    """This process as a lease holder: host and pid for people, a random token so a reused pid is new."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class ExclusiveJobs:
    """The leases of one worker process; ``may_run`` is safe to call from the worker's threads."""

    def __init__(self, engine: Engine, clock: Callable[[], float], holder: str | None = None) -> None:
        self.engine, self.clock = engine, clock
        self.holder = holder or process_holder()
        self._held: set[str] = set()
        self._skipped: set[str] = set()  # said once per spell of being held elsewhere
        self._lock = threading.Lock()

    def may_run(self, job: str) -> bool:
        """Whether this process holds ``job`` now (taking or renewing its lease); logs each change."""
        lease = take_lease(self.engine, job, self.holder, int(self.clock()), LEASE_SECONDS)
        mine = lease.holder == self.holder
        with self._lock:
            if mine and job not in self._held:
                self._held.add(job)
                self._skipped.discard(job)
                log.info("event=job_taken job=%s holder=%s", job, self.holder)
            elif not mine and job not in self._skipped:
                self._held.discard(job)
                self._skipped.add(job)
                log.info(
                    "event=job_skipped job=%s held_by=%s lease_until=%d reason=another worker runs it",
                    job,
                    lease.holder,
                    lease.expires_at,
                )
        return mine

    def keep(self, stop: threading.Event) -> None:
        """Renew this process's leases until ``stop`` is set (a thread's body)."""
        while not stop.wait(RENEW_EVERY_SECONDS):
            try:
                kept = renew_leases(self.engine, self.holder, int(self.clock()), LEASE_SECONDS)
            except Exception as error:  # any database failure: this thread must live on to retry
                # A busy or briefly unreachable database must not end the renewals with a traceback: say it in
                # one line and try again at the next turn (the lease outlives two missed renewals).
                reason = " ".join(str(error).split())[:300] or type(error).__name__
                log.warning("event=lease_renewal_failed holder=%s reason=%s", self.holder, reason)
                continue
            with self._lock:
                for job in sorted(self._held - kept):
                    log.warning("event=job_lost job=%s reason=lease ran out before it was renewed", job)
                self._held &= kept

    def release(self) -> None:
        """Give back every lease of this process (its jobs have stopped): another worker may take them now."""
        release_leases(self.engine, self.holder)
        with self._lock:
            self._held.clear()
