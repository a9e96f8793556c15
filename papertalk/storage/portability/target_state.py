"""Whether a database may receive a restore or a copy: no schema yet, or a schema with no rows at all."""

from __future__ import annotations

from sqlalchemy import Engine, inspect

from papertalk.storage.portability.table_rows import count_rows, quoted
from papertalk.storage.tables import metadata


def tables_with_rows(engine: Engine, skip: frozenset[str] = frozenset()) -> list[str]:
    """The papertalk tables of ``engine`` that hold at least one row (those in ``skip`` not asked)."""
    present = set(inspect(engine).get_table_names())
    found = []
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            if table.name in present and table.name not in skip:
                row = conn.exec_driver_sql(f"SELECT 1 FROM {quoted(table.name)} LIMIT 1").first()
                if row is not None:
                    found.append(table.name)
    return found


def table_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {table.name: count_rows(conn, table) for table in metadata.sorted_tables}
