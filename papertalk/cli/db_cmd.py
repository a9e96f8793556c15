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
