"""``papertalk db``: create and migrate the schema, and say where a database stands."""

from __future__ import annotations

import typer

from papertalk.cli.context import app_context, fail, print_json

app = typer.Typer(help="Create, migrate and inspect the database schema.", no_args_is_help=True)


@app.command()
def upgrade(ctx: typer.Context) -> None:
    """Create the schema, or migrate it to the version this papertalk needs."""
    from papertalk.services.database import migrate

    app = app_context(ctx)
    before, after = migrate(app.settings)
    if before == after:
        app.console.print(f"schema already current ({after})")
    else:
        app.console.print(f"schema migrated {before or 'empty'} -> {after}")


@app.command()
def status(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts.")) -> None:
    """Show the schema version of the database and the version this papertalk needs."""
    from papertalk.services.database import schema_status

    app = app_context(ctx)
    current, head = schema_status(app.settings)
    if as_json:
        print_json({"schema": current, "needed": head, "current": current == head})
        return
    state = "current" if current == head else "needs `papertalk db upgrade`"
    # soft_wrap: one line however long the revision names are, so the command in it stays copyable
    app.console.print(f"database schema: {current or 'none'}; papertalk needs: {head} ({state})", soft_wrap=True)


@app.command("refresh-rankings")
def refresh(ctx: typer.Context) -> None:
    """Rebuild the maintained rankings after a change of ranking settings, and expire old votes.

    Imports and the worker do this on their own; run it after changing PAPERTALK_RANKING_* to make
    trending fast again at once.
    """
    from papertalk.services.database import StaleSchemaError, open_database
    from papertalk.services.ingest.post_files import refresh_rankings

    app = app_context(ctx)
    try:
        engine = open_database(app.settings)
    except StaleSchemaError as exc:
        raise fail(app, str(exc)) from None
    refresh_rankings(engine, app.settings.ranking, app.now())
    app.console.print("rankings are current")


CHECKLIST = (
    "set PAPERTALK_DATABASE_URL={url} (or pass --database) for serve, worker and every command",
    "restart `papertalk serve` and `papertalk worker` with it; on PostgreSQL several of each may run",
    "keep the SQLite file until the new instance has served for a while; then archive it",
    "back up the new database with `papertalk export DIR` (or pg_dump)",
)


@app.command("copy")
def copy(
    ctx: typer.Context,
    to: str = typer.Option(..., "--to", help="URL of an EMPTY PostgreSQL database: postgresql+psycopg://user@host/db"),
    batch_rows: int = typer.Option(50_000, "--batch-rows", min=1, help="Rows per committed batch."),
    jobs: int = typer.Option(2, "--jobs", min=1, max=16, help="Tables copied at once, each on its own connection."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON summary for scripts."),
) -> None:
    """Copy this instance (e.g. the SQLite file) into an empty PostgreSQL database, then say what to change.

    Table by table with COPY, each batch committed with its progress in the target: after a kill, run the
    same command again and it resumes. At the end every table's count and SHA-256 are compared with the
    source. Stop `serve` and `worker` first: rows written during the copy make the verification fail.
    Example: papertalk db copy --to postgresql+psycopg://papertalk@db.example.org/papertalk
    """
    from papertalk.cli.progress import TableBars, row_progress
    from papertalk.services.database import StaleSchemaError, open_database
    from papertalk.services.portability.copy_database import copy_database
    from papertalk.services.portability.manifest import DumpError

    app = app_context(ctx)
    try:
        source = open_database(app.settings)
        with row_progress(app.console, enabled=not as_json) as progress:
            report = copy_database(source, to, batch_rows, on_progress=TableBars(progress), jobs=jobs)
    except (StaleSchemaError, DumpError) as exc:
        raise fail(app, str(exc)) from None
    url = report.target
    steps = [step.format(url=url) for step in CHECKLIST]
    if as_json:
        print_json({"target": url, "tables": report.tables, "resumed": report.resumed, "verified": True, "next": steps})
        return
    rows = sum(report.tables.values())
    app.console.print(f"copied and verified {rows:,} rows of {len(report.tables)} tables into {url}", soft_wrap=True)
    app.console.print("next:")
    for step in steps:
        app.console.print(f"  [ ] {step}", soft_wrap=True, highlight=False)
