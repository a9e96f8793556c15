"""Where a ``db copy`` got to, kept in the TARGET database beside the rows it covers.

One small table outside the schema (``papertalk_copy_state``: item -> JSON value) holds the source's
identity, the foreign keys dropped for the copy, and per table the key of the last row copied and the rows
so far. Each batch's rows and its state row commit in one transaction, so a copy killed at any moment
resumes exactly after the last committed batch. The table is dropped when the copy is verified.
"""

from __future__ import annotations

from typing import Any

import orjson
from sqlalchemy import Engine, inspect

STATE_TABLE = "papertalk_copy_state"


def has_state(engine: Engine) -> bool:
    return inspect(engine).has_table(STATE_TABLE)


def create_state(db: Any) -> None:
    """On a psycopg connection, inside the transaction that starts the copy."""
    db.execute(f"CREATE TABLE {STATE_TABLE} (item TEXT PRIMARY KEY, value TEXT NOT NULL)")


def put(db: Any, item: str, value: object) -> None:
    db.execute(
        f"INSERT INTO {STATE_TABLE} (item, value) VALUES (%s, %s) "
        "ON CONFLICT (item) DO UPDATE SET value = excluded.value",
        (item, orjson.dumps(value).decode()),
    )


def read_state(db: Any) -> dict[str, Any]:
    return {str(item): orjson.loads(value) for item, value in db.execute(f"SELECT item, value FROM {STATE_TABLE}")}


def drop_state(db: Any) -> None:
    db.execute(f"DROP TABLE IF EXISTS {STATE_TABLE}")
