"""The ``papertalk`` command: global options, then one sub-command per job.

Start-up: every ``*_cmd`` module defines its command (parameters, help) with typer and rich only, and
imports its services in the function that runs it. Loading this module, or ``papertalk --help``, then
costs no command's dependencies (HTTP, feeds, SQLAlchemy, the web stack), and each command pays only
for its own; tests/test_cli_startup.py keeps it so.
"""

from __future__ import annotations

import typer

from papertalk.cli import (
    bibtex_cmd,
    capture_cmd,
    catalogue_cmd,
    db_cmd,
    demo_cmd,
    digest_cmd,
    digest_send_cmd,
    embed_cmd,
    enrich_cmd,
    export_cmd,
    harvest_cmd,
    import_cmd,
    lists_cmd,
    network_cmd,
    notes_cmd,
    posts_cmd,
    search_cmd,
    serve_cmd,
    similar_cmd,
    translate_cmd,
    trending_cmd,
    users_cmd,
)
from papertalk.cli.context import AppContext, error_console, fail_on
from papertalk.cli.one_line_errors import OneLineErrors
from papertalk.config import Settings, SettingsError

app = typer.Typer(
    name="papertalk",
    help="Track the arXiv papers your network is talking about: capture posts, count them, rank what is trending.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="markdown",
    cls=OneLineErrors,
)


@app.callback()
def main(
    ctx: typer.Context,
    database: str | None = typer.Option(
        None,
        "--database",
        envvar="PAPERTALK_DATABASE_URL",
        help="SQLAlchemy URL of the database (default: a SQLite file in ~/.local/share/papertalk). "
        "Example: postgresql+psycopg://user@host/db",
        show_envvar=True,
    ),
) -> None:
    """papertalk: which arXiv papers are people talking about?"""
    try:
        settings = Settings.from_env()
        if database:
            settings = settings.with_database(database)
    except SettingsError as error:
        raise fail_on(error_console(), str(error)) from None
    ctx.obj = AppContext(settings=settings)


app.add_typer(db_cmd.app, name="db")
app.add_typer(network_cmd.app, name="network")
app.add_typer(users_cmd.app, name="users")
app.add_typer(notes_cmd.app, name="notes")
app.add_typer(catalogue_cmd.app, name="catalogue")
app.add_typer(lists_cmd.app, name="lists")
digest_cmd.app.command("send")(digest_send_cmd.send_cmd)
app.add_typer(digest_cmd.app, name="digest")
app.command("import")(import_cmd.import_files)
app.command("enrich")(enrich_cmd.enrich)
app.command("harvest")(harvest_cmd.harvest)
app.command("trending")(trending_cmd.trending)
app.command("posts")(posts_cmd.posts)
app.command("block")(network_cmd.block)
app.command("demo")(demo_cmd.demo)
app.command("search")(search_cmd.search)
app.command("similar")(similar_cmd.similar)
app.command("embed")(embed_cmd.embed)
app.command("follow")(capture_cmd.follow_cmd)
app.command("unfollow")(capture_cmd.unfollow_cmd)
app.add_typer(capture_cmd.follows_app, name="follows")
app.add_typer(capture_cmd.sources_app, name="sources")
app.command("fetch")(capture_cmd.fetch_cmd)
app.command("worker")(capture_cmd.worker_cmd)
app.command("serve")(serve_cmd.serve)
app.command("export")(export_cmd.export)
app.command("restore")(export_cmd.restore)
app.command("bibtex")(bibtex_cmd.bibtex)
app.command("translate")(translate_cmd.translate)


def run() -> None:
    app()
