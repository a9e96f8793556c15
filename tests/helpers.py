"""Test helpers: write neutral JSON-lines files and read table contents back."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import orjson
from alembic import command
from sqlalchemy import text

from papertalk.services.ingest.post_files import Importer
from papertalk.storage.engine import Engine
from papertalk.storage.schema import _alembic_config

# The start of the current hour: commands under test read the real clock, so the posts the tests write
# ("3 hours ago") must be recent in real time too, on whatever day the suite runs.
NOW = int(time.time()) // 3600 * 3600


def post(post_id: str, author: str, hours_ago: float, kind: str = "post", **extra: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "platform": extra.pop("platform", "bluesky"),
        "post_id": post_id,
        "author": {"id": author, "handle": f"{author}.example"},
        "created_at": NOW - int(hours_ago * 3600),
        "kind": kind,
    }
    original = extra.pop("original", None)
    if original is not None:
        record["original"] = original if isinstance(original, dict) else {"post_id": original}
    record.update(extra)
    return record


def write_lines(path: Path, records: list[Any]) -> Path:
    with path.open("wb") as handle:
        for r in records:
            handle.write(r if isinstance(r, bytes) else orjson.dumps(r))
            handle.write(b"\n")
    return path


def run_import(
    engine: Engine, *paths: Path, restart: bool = False, batch_size: int = 3, parallel: bool = False
) -> tuple[Importer, list[str]]:
    rejects: list[str] = []
    importer = Importer(
        engine,
        now=NOW,
        batch_size=batch_size,
        parallel=parallel,
        on_reject=lambda f, n, r: rejects.append(f"{Path(f).name}:{n}: {r}"),
    )
    for p in paths:
        importer.import_path(p, restart=restart)
    return importer, rejects


def table(engine: Engine, sql: str) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql)).fetchall()]


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Everything that counts, keyed by natural ids (row ids may differ between runs)."""
    return {
        "posts": table(
            engine,
            "SELECT p.platform, p.post_id, a.platform_id, p.created_at, p.kind, o.post_id, p.text, p.links "
            "FROM posts p LEFT JOIN accounts a ON a.id = p.account_id LEFT JOIN posts o ON o.id = p.original_id "
            "ORDER BY p.platform, p.post_id",
        ),
        "mentions": table(
            engine,
            "SELECT p.post_id, pa.arxiv_id, m.version, a.platform_id, m.created_at, m.kind_bit, m.inherited "
            "FROM mentions m JOIN posts p ON p.id = m.post_id JOIN papers pa ON pa.id = m.paper_id "
            "JOIN accounts a ON a.id = m.account_id ORDER BY p.post_id, pa.arxiv_id",
        ),
        "votes": table(
            engine,
            "SELECT pa.arxiv_id, a.platform_id, v.first_at, v.kinds FROM votes v JOIN papers pa ON pa.id = v.paper_id "
            "JOIN accounts a ON a.id = v.account_id ORDER BY pa.arxiv_id, a.platform_id",
        ),
    }


def assert_day_counts_exact(engine: Engine) -> None:
    """The maintained mentions per paper, day and kind equal a direct count of the mentions of accounts
    that are not blocked (no row missing, none extra, none left at zero)."""
    maintained = table(engine, "SELECT paper_id, day, kind_bit, mentions FROM paper_day_mentions ORDER BY 1, 2, 3")
    direct = table(
        engine,
        "SELECT paper_id, created_at / 86400, kind_bit, COUNT(*) FROM mentions "
        "WHERE account_id NOT IN (SELECT id FROM accounts WHERE blocked) GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
    )
    assert [tuple(int(v) for v in r) for r in maintained] == [tuple(int(v) for v in r) for r in direct]


def downgrade(engine: Engine, revision: str) -> None:
    """Take the schema down to ``revision`` with Alembic, as ``papertalk db`` would go up."""
    config = _alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, revision)
