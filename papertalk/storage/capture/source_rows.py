"""The sources table: adding and listing sources, finding the due ones, and recording each run.

A page's cursor is saved by ``save_progress`` inside the transaction that stores the page's posts
(see ``ingest_store.IngestStore.write_batch``), so the stored cursor never runs ahead of the data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import orjson
from sqlalchemy import Connection, Engine

from papertalk.storage.dialect_sql import for_connection
from papertalk.storage.storable import storable_id

_COLUMNS = (
    "id, name, platform, kind, target, options, interval_seconds, enabled, cursor, posts_captured, "
    "last_run_at, last_ok_at, next_run_at, error_count, last_error"
)


@dataclass(frozen=True)
class SourceRow:
    id: int
    name: str
    platform: str
    kind: str
    target: str
    options: dict[str, str] = field(default_factory=dict)
    interval_seconds: int = 900
    enabled: bool = True
    cursor: str | None = None
    posts_captured: int = 0
    last_run_at: int | None = None
    last_ok_at: int | None = None
    next_run_at: int = 0
    error_count: int = 0
    last_error: str | None = None


@dataclass(frozen=True)
class SourceProgress:
    """A committed page of a source: its new cursor (None keeps the old one) and how many posts it had."""

    source_id: int
    cursor: str | None
    posts: int
    platform: str = ""
    deleted: tuple[str, ...] = ()  # post ids deleted on ``platform``: tombstoned with the page


def _row(values: tuple[object, ...]) -> SourceRow:
    (id_, name, platform, kind, target, options, interval, enabled, cursor, captured) = values[:10]
    last_run, last_ok, next_run, errors, last_error = values[10:]
    return SourceRow(
        id=int(id_),  # type: ignore[call-overload]
        name=str(name),
        platform=str(platform),
        kind=str(kind),
        target=str(target),
        options=orjson.loads(options) if options else {},  # type: ignore[arg-type]
        interval_seconds=int(interval),  # type: ignore[call-overload]
        enabled=bool(enabled),
        cursor=None if cursor is None else str(cursor),
        posts_captured=int(captured),  # type: ignore[call-overload]
        last_run_at=None if last_run is None else int(last_run),  # type: ignore[call-overload]
        last_ok_at=None if last_ok is None else int(last_ok),  # type: ignore[call-overload]
        next_run_at=int(next_run),  # type: ignore[call-overload]
        error_count=int(errors),  # type: ignore[call-overload]
        last_error=None if last_error is None else str(last_error),
    )


def add_source(
    engine: Engine,
    name: str,
    platform: str,
    kind: str,
    target: str,
    options: dict[str, str],
    interval_seconds: int,
    now: int,
) -> tuple[SourceRow, bool]:
    """The source named ``name``, created due now if new; the flag says whether it was created.

    Adding an existing source again changes nothing but its interval (and re-enables it).
    """
    with engine.begin() as conn:
        sql = for_connection(conn)
        created = sql.execute(
            conn,
            "INSERT INTO sources (name, platform, kind, target, options, interval_seconds, enabled, "
            "next_run_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING",
            (name, platform, kind, target, orjson.dumps(options).decode(), interval_seconds, True, now, now),
        )
        if not created:
            sql.execute(
                conn,
                "UPDATE sources SET interval_seconds = ?, enabled = ? WHERE name = ?",
                (interval_seconds, True, name),
            )
        found = source_by_name(conn, name)
    assert found is not None
    return found, bool(created)


def source_by_name(conn: Connection, name: str) -> SourceRow | None:
    rows = for_connection(conn).all(conn, f"SELECT {_COLUMNS} FROM sources WHERE name = ?", (name,))
    return _row(tuple(rows[0])) if rows else None


def list_sources(engine: Engine) -> list[SourceRow]:
    with engine.connect() as conn:
        rows = for_connection(conn).all(conn, f"SELECT {_COLUMNS} FROM sources ORDER BY platform, name", ())
    return [_row(tuple(r)) for r in rows]


def claim_due_sources(
    engine: Engine, now: int, lease_seconds: int, limit: int, skip_kinds: frozenset[str] = frozenset()
) -> list[SourceRow]:
    """Take up to ``limit`` due sources for this process, the longest-waiting first: their next run moves
    ``lease_seconds`` ahead at once.

    Several workers can ask at the same moment and each due source goes to one of them: the claim is one
    ``UPDATE … RETURNING``, and on PostgreSQL rows another worker is claiming are skipped
    (``FOR UPDATE SKIP LOCKED``), not waited for (SQLite runs one writer at a time). The bound is what
    shares the schedule out: a worker takes a few sources, runs them, and comes back for more, so a
    backlog is split among all the workers instead of going to whichever asked first. The run's end sets
    the real next run (``record_run``); if the worker dies, the lease runs out and another worker takes
    the source.
    """
    skip = sorted(skip_kinds)
    with engine.begin() as conn:
        sql = for_connection(conn)
        kinds = f" AND NOT ({sql.in_list('kind')})" if skip else ""
        due = f"SELECT id FROM sources WHERE next_run_at <= ? AND enabled = ?{kinds} ORDER BY next_run_at, id LIMIT ?"
        if sql.postgres:
            due += " FOR UPDATE SKIP LOCKED"
        params: list[object] = [now + lease_seconds, now, True]
        if skip:
            params.append(sql.list_param(skip))
        params.append(limit)
        rows = sql.all(conn, f"UPDATE sources SET next_run_at = ? WHERE id IN ({due}) RETURNING {_COLUMNS}", params)
    return sorted((_row(tuple(r)) for r in rows), key=lambda r: r.id)


def release_sources(engine: Engine, source_ids: list[int], now: int) -> None:
    """Give back claimed sources that were not run (a stopping worker): they are due again at ``now``."""
    if source_ids:
        with engine.begin() as conn:
            sql = for_connection(conn)
            sql.execute(
                conn, f"UPDATE sources SET next_run_at = ? WHERE {sql.in_list('id')}", (now, sql.list_param(source_ids))
            )


def save_progress(conn: Connection, progress: SourceProgress, now: int = 0) -> None:
    """Store a page's cursor and count its posts; called inside the page's transaction."""
    for_connection(conn).execute(
        conn,
        "UPDATE sources SET cursor = COALESCE(?, cursor), posts_captured = posts_captured + ? WHERE id = ?",
        (progress.cursor, progress.posts, progress.source_id),
    )
    if progress.deleted:
        save_tombstones(conn, progress.platform, progress.deleted, now)


def save_tombstones(conn: Connection, platform: str, post_ids: Sequence[str], now: int) -> None:
    """Remember posts deleted on their platform, so no replay stores them again.

    Their counting is undone by ``post_retraction.retract_posts`` in the same transaction.
    """
    for_connection(conn).many(
        conn,
        "INSERT INTO post_tombstones (platform, post_id, deleted_at) VALUES (?, ?, ?) "
        "ON CONFLICT (platform, post_id) DO NOTHING",
        [(platform, storable_id(p), now) for p in post_ids],  # the form the posts were stored in
    )


def tombstoned(engine: Engine, platform: str, post_ids: Sequence[str]) -> set[str]:
    """Which of these posts (as given, not in their stored form) were deleted on their platform."""
    if not post_ids:
        return set()
    given: dict[str, list[str]] = {}
    for post_id in post_ids:
        given.setdefault(storable_id(post_id), []).append(post_id)
    with engine.connect() as conn:
        sql = for_connection(conn)
        rows = sql.all(
            conn,
            "SELECT post_id FROM post_tombstones WHERE platform = ? AND " + sql.in_list("post_id"),
            (platform, sql.list_param(list(given))),
        )
    return {post_id for r in rows for post_id in given[str(r[0])]}


def record_run(engine: Engine, source_id: int, now: int, error: str | None, next_run_at: int) -> None:
    """How a run ended: clears the error count on success, counts and keeps the error on failure."""
    with engine.begin() as conn:
        sql = for_connection(conn)
        if error is None:
            sql.execute(
                conn,
                "UPDATE sources SET last_run_at = ?, last_ok_at = ?, next_run_at = ?, error_count = 0, "
                "last_error = NULL WHERE id = ?",
                (now, now, next_run_at, source_id),
            )
        else:
            sql.execute(
                conn,
                "UPDATE sources SET last_run_at = ?, next_run_at = ?, error_count = error_count + 1, "
                "last_error = ? WHERE id = ?",
                (now, next_run_at, error, source_id),
            )


@dataclass(frozen=True)
class NewSource:
    name: str
    platform: str
    kind: str
    target: str
    interval_seconds: int


def add_sources(engine: Engine, wanted: list[NewSource], now: int) -> int:
    """Add many sources at once (existing names are left alone); how many were new."""
    if not wanted:
        return 0
    with engine.begin() as conn:
        sql = for_connection(conn)
        before = int(sql.all(conn, "SELECT COUNT(*) FROM sources", ())[0][0])
        sql.many(
            conn,
            "INSERT INTO sources (name, platform, kind, target, options, interval_seconds, enabled, "
            "next_run_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING",
            [(s.name, s.platform, s.kind, s.target, "{}", s.interval_seconds, True, now, now) for s in wanted],
        )
        return int(sql.all(conn, "SELECT COUNT(*) FROM sources", ())[0][0]) - before
