"""Leases on exclusive jobs: one row per job naming the process that holds it and until when.

Taking a lease is one ``INSERT … ON CONFLICT DO UPDATE … WHERE`` that succeeds only when the job is free,
expired, or already this holder's, so two processes asking at the same moment cannot both get it (on
PostgreSQL the second waits for the first's row and then sees it taken; SQLite runs one writer at a
time). Times are epoch seconds from the callers' clocks, so the hosts of a deployment keep their clocks
in step (NTP) to well within a lease's length.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from papertalk.storage.dialect_sql import for_connection


@dataclass(frozen=True)
class Lease:
    """Who holds ``job`` and until when (epoch seconds), as it stands after a request for it."""

    job: str
    holder: str
    expires_at: int


def take_lease(engine: Engine, job: str, holder: str, now: int, seconds: int) -> Lease:
    """Take ``job`` for ``holder`` until ``now + seconds`` unless another holder's lease still runs.

    Renews the lease when ``holder`` already has it. The answer names whoever holds it afterwards.
    """
    with engine.begin() as conn:
        sql = for_connection(conn)
        sql.execute(
            conn,
            "INSERT INTO job_leases (job, holder, expires_at) VALUES (?, ?, ?) ON CONFLICT (job) DO UPDATE "
            "SET holder = excluded.holder, expires_at = excluded.expires_at "
            "WHERE job_leases.holder = excluded.holder OR job_leases.expires_at <= ?",
            (job, holder, now + seconds, now),
        )
        [(owner, until)] = sql.all(conn, "SELECT holder, expires_at FROM job_leases WHERE job = ?", (job,))
    return Lease(job, str(owner), int(until))


def renew_leases(engine: Engine, holder: str, now: int, seconds: int) -> set[str]:
    """Extend every lease ``holder`` still has to ``now + seconds``; the jobs it still holds.

    A job missing from the answer was taken over by another process after its lease ran out.
    """
    with engine.begin() as conn:
        rows = for_connection(conn).all(
            conn, "UPDATE job_leases SET expires_at = ? WHERE holder = ? RETURNING job", (now + seconds, holder)
        )
    return {str(r[0]) for r in rows}


def release_leases(engine: Engine, holder: str) -> None:
    """Give back every lease of ``holder`` (a stopping worker), so another process may take them at once."""
    with engine.begin() as conn:
        for_connection(conn).execute(conn, "DELETE FROM job_leases WHERE holder = ?", (holder,))
