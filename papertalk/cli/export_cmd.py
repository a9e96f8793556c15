"""``papertalk export DIR`` and ``papertalk restore DIR``: the whole instance out as JSON lines, and back in."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from papertalk.cli.context import app_context, fail, print_json
from papertalk.cli.progress import TableBars, row_progress

if TYPE_CHECKING:
    from papertalk.services.portability.manifest import Manifest


def _summary(manifest: Manifest, directory: Path, seconds: float) -> dict[str, object]:
    return {
        "folder": str(directory),
        "schema": manifest.schema,
        "with_secrets": manifest.with_secrets,
        "tables": {t.name: t.rows for t in manifest.tables},
        "rows": sum(t.rows for t in manifest.tables),
        "bytes": sum(t.bytes for t in manifest.tables),
        "seconds": round(seconds, 3),
    }


def export(
    ctx: typer.Context,
    directory: Path = typer.Argument(..., help="A new or empty folder to write the export into."),
    with_secrets: bool = typer.Option(
        False,
        "--with-secrets",
        help="Also write password hashes, session and token hashes, invitations and the "
        "site's form secret (a full backup; keep it as safe as the database).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON summary for scripts."),
) -> None:
    """Export every table as JSON lines (one file per table) with a manifest of counts and SHA-256s.

    The export is one consistent snapshot, streamed (flat memory), in primary-key order: the same data
    gives the same bytes from SQLite and PostgreSQL. Secrets are left out unless --with-secrets.
    Example: papertalk export backup-2026-12-07, then elsewhere
    papertalk --database postgresql+psycopg://me@host/pt restore backup-2026-12-07
    """
    from papertalk.services.database import StaleSchemaError, open_database
    from papertalk.services.portability.export_dump import export_database
    from papertalk.services.portability.manifest import DumpError

    app = app_context(ctx)
    started = time.monotonic()
    try:
        engine = open_database(app.settings)
        with row_progress(app.console, enabled=not as_json) as progress:
            manifest = export_database(engine, directory, with_secrets, on_progress=TableBars(progress))
    except (StaleSchemaError, DumpError) as exc:
        raise fail(app, str(exc)) from None
    summary = _summary(manifest, directory, time.monotonic() - started)
    if as_json:
        print_json(summary)
        return
    app.console.print(
        f"exported {summary['rows']:,} rows of {len(manifest.tables)} tables to {directory} "
        f"(schema {manifest.schema}{', with secrets' if with_secrets else ''})"
    )


def restore(
    ctx: typer.Context,
    directory: Path = typer.Argument(..., help="A folder written by `papertalk export`."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON summary for scripts."),
) -> None:
    """Restore an export into an EMPTY database (SQLite or PostgreSQL: --database / PAPERTALK_DATABASE_URL).

    Refuses, with one line and before writing anything, a folder without a finished manifest, a truncated
    or changed file (size and SHA-256 are checked), an export of another schema, and a target that holds
    rows. Loads in one transaction; the search index is rebuilt. Example: papertalk --database
    postgresql+psycopg://me@host/pt restore backup-2026-12-07
    """
    from papertalk.services.portability.manifest import DumpError
    from papertalk.services.portability.restore_dump import check_dump, restore_database
    from papertalk.storage.engine import make_engine

    app = app_context(ctx)
    started = time.monotonic()
    try:
        checked = check_dump(directory)
        engine = make_engine(app.settings.database_url)
        with row_progress(app.console, enabled=not as_json) as progress:
            manifest = restore_database(engine, directory, on_progress=TableBars(progress), checked=checked)
    except DumpError as exc:
        raise fail(app, str(exc)) from None
    summary = _summary(manifest, directory, time.monotonic() - started)
    if as_json:
        print_json(summary)
        return
    app.console.print(f"restored {summary['rows']:,} rows of {len(manifest.tables)} tables from {directory}")
